"""Inject one labeled violation into a clean scene, where a person watching would see it.

Each kind is chosen, then its start time and strength are drawn until the result is plainly
visible: the object is in open view (in frame, clear of the occluder) where the change starts,
the change is big (a color ends >= 60 degrees of hue away, a teleport jumps >= 15% of the frame
width, a size change is x1.6 or more / x0.6 or less, a vanish lasts >= 0.8 s or is permanent),
and it starts early enough to be watched (before 80% of the clip).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from vidgen.world.geometry import flags, in_open_view, reference_view
from vidgen.world.physics import STEP_HZ, Simulation
from vidgen.world.scene import VIOLATION_KINDS, Scene, Violation, WorldObject
from vidgen.world.vocab import OBJECT_COLORS, SHAPES, hue_distance

_SAMPLE_HZ = 48  # 240 / 5: samples fall on physics steps
MIN_VANISH_S = 0.8
MIN_HUE_SHIFT = 60.0
MIN_TELEPORT = 0.15  # of the frame width

_NEEDS_FLOOR = ("through_floor",)
_NEEDS_PAIR = ("through_object",)


def applicable_kinds(profile: str) -> tuple[str, ...]:
    if profile == "simple":  # no visible floor, one object: nothing to pass through
        return tuple(k for k in VIOLATION_KINDS if k not in _NEEDS_FLOOR + _NEEDS_PAIR)
    return VIOLATION_KINDS


def _pick(rng: np.random.Generator, items):
    return items[int(rng.integers(len(items)))]


def _step_time(t: float) -> float:
    return round(t * STEP_HZ) / STEP_HZ


def inject(scene: Scene, kind: str, rng: np.random.Generator, tries: int = 12) -> Scene | None:
    """The scene with one `kind` violation, or None if this scene cannot show one well."""
    twin = None
    for _ in range(tries):
        v = _propose(scene, kind, rng)
        if v is None:
            return None
        candidate = dataclasses.replace(scene, violations=(v,))
        twin = twin or _clean_run(scene)
        if _watchable(candidate, v, *twin):
            return candidate
    return None


def _collision_pairs(sim: Simulation) -> set[tuple[int, int]]:
    return {(e.a, e.b) for e in sim.events if e.kind == "collision"}


def _clean_run(scene: Scene) -> tuple[list, set]:
    """The clean scene's states at the sample times, and its collisions (shared by all tries)."""
    sim = Simulation(scene.clean())
    steps = int(round(scene.duration * _SAMPLE_HZ))
    states = [sim.state_at(k / _SAMPLE_HZ) for k in range(steps + 1)]
    return states, _collision_pairs(sim)


def _bodies_at(scene: Scene, t: float):
    sim = Simulation(scene)
    sim.advance_to(t)
    return sim


def _propose(scene: Scene, kind: str, rng: np.random.Generator) -> Violation | None:
    n = len(scene.objects)
    d = scene.duration
    t0 = _step_time(float(rng.uniform(0.25, 0.6)) * d)
    oid = int(rng.integers(n))
    obj = scene.objects[oid]
    if kind == "color_drift":
        targets = [c for c in OBJECT_COLORS if hue_distance(c, obj.color) >= MIN_HUE_SHIFT]
        t1 = _step_time(t0 + float(rng.uniform(0.4, 0.8)) * min(d - t0, 1.2))
        return Violation(kind, oid, t0, t1, {"to": _pick(rng, targets)})
    if kind == "shape_morph":
        t1 = _step_time(t0 + float(rng.uniform(0.4, 0.8)) * min(d - t0, 1.2))
        return Violation(
            kind, oid, t0, t1, {"to": _pick(rng, [s for s in SHAPES if s != obj.shape])}
        )
    if kind == "size_change":
        grow = rng.random() < 0.5
        factor = float(rng.uniform(1.6, 2.0) if grow else rng.uniform(0.45, 0.6))
        t1 = _step_time(t0 + float(rng.uniform(0.4, 0.8)) * min(d - t0, 1.2))
        return Violation(kind, oid, t0, t1, {"factor": factor})
    if kind == "vanish":
        permanent = rng.random() < 0.3 or d - t0 < MIN_VANISH_S + 0.3
        t1 = None if permanent else _step_time(t0 + float(rng.uniform(MIN_VANISH_S, 1.3)))
        if t1 is not None and t1 > d - 0.2:
            t1 = None
        return Violation(kind, oid, t0, t1)
    if kind == "appear":
        return _appear(scene, rng, t0)
    if kind == "split":
        sim = _bodies_at(scene, t0)
        b = sim.bodies[oid]
        room_right = scene.aspect - b.x
        sign = 1.0 if room_right > b.x else -1.0
        dvx = sign * float(rng.uniform(0.3, 0.45)) * scene.aspect / max(d - t0, 0.5)
        dvx = math.copysign(min(abs(dvx), 0.9), dvx)
        return Violation(kind, oid, t0, None, {"new_object": n, "dvx": dvx, "dvy": 0.0})
    if kind == "teleport":
        sim = _bodies_at(scene, t0)
        b = sim.bodies[oid]
        sign = 1.0 if scene.aspect - b.x > b.x else -1.0
        dx = sign * float(rng.uniform(0.2, 0.32)) * scene.aspect
        dy = 0.0 if obj.gravity else float(rng.uniform(-0.1, 0.1))
        return Violation(kind, oid, t0, None, {"dx": dx, "dy": dy})
    if kind == "speed_jump":
        movers = [i for i, o in enumerate(scene.objects) if o.motion != "rests"]
        if not movers:
            return None
        oid = _pick(rng, movers)
        t0 = _step_time(float(rng.uniform(0.2, 0.45)) * d)
        return Violation(kind, oid, t0, None, {"factor": float(rng.uniform(2.5, 3.5))})
    if kind in ("gravity_reversal", "bounce_gain", "through_floor"):
        falling = [i for i, o in enumerate(scene.objects) if o.gravity and o.motion != "rests"]
        if not falling or (kind == "through_floor" and not scene.floor_visible):
            return None
        oid = _pick(rng, falling)
        if kind == "bounce_gain":
            return Violation(kind, oid, t0, None, {"restitution": float(rng.uniform(1.2, 1.4))})
        sim = _bodies_at(scene, t0)
        b = sim.bodies[oid]
        if b.resting or (kind == "through_floor" and b.vy <= 0.2):
            return None
        return Violation(kind, oid, t0, None)
    if kind == "through_object":
        sim = Simulation(scene.clean())
        sim.advance_to(d)
        hits = [e for e in sim.events if e.kind == "collision"]
        if not hits:
            return None
        t_hit = hits[0].t
        t0 = _step_time(max(t_hit - float(rng.uniform(0.15, 0.3)), 1.0 / STEP_HZ))
        return Violation(kind, hits[0].a, t0, None, {"other": hits[0].b})
    raise ValueError(f"unknown violation kind {kind!r}")


def _appear(scene: Scene, rng: np.random.Generator, t0: float) -> Violation:
    n = len(scene.objects)
    r = float(np.mean([o.size for o in scene.objects]))
    pad = r + 0.05
    top = 0.12 + r
    bottom = scene.floor_y - r - 0.02
    x = float(rng.uniform(pad, scene.aspect - pad)) + scene.pan * t0
    color = _pick(rng, [c for c in OBJECT_COLORS if c not in {o.color for o in scene.objects}])
    shape = _pick(rng, SHAPES)
    if scene.floor_visible and rng.random() < 0.5:
        spawn = WorldObject(color, shape, r, x, scene.floor_y - r, motion="rests", gravity=True)
    else:
        spawn = WorldObject(color, shape, r, x, float(rng.uniform(top, max(top, bottom))))
    return Violation("appear", n, t0, None, {"new_object": n, "spawn": spawn})


def _watchable(scene: Scene, v: Violation, twin_states: list, twin_pairs: set) -> bool:
    """Is the change in open view where it starts, and does it start early enough?"""
    view = reference_view(scene)
    margin = 0.01 * view.height
    bad = Simulation(scene)
    first = None
    for k, twin in enumerate(twin_states):
        t = k / _SAMPLE_HZ
        mine = bad.state_at(t)
        s = mine[v.object]
        changed = len(mine) != len(twin) and any(x.exists for x in mine[len(twin) :])
        changed |= any(
            (a.x, a.y, a.r, a.rgb, a.morph, a.exists) != (b.x, b.y, b.r, b.rgb, b.morph, b.exists)
            for a, b in zip(mine, twin, strict=False)
        )
        if v.kind == "vanish":
            # the twin's object must be in plain sight for the whole vanish (or 0.8 s of it)
            end = v.t_end if v.t_end is not None else v.t_start + MIN_VANISH_S
            if v.t_start - 1e-9 <= t <= end + 1e-9:
                if not in_open_view(twin[v.object], scene, view, t, margin):
                    return False
                if end > scene.duration:
                    return False
        if changed and first is None:
            first = t
            if t > 0.8 * scene.duration:
                return False
            who = [v.object] + ([v.params["other"]] if "other" in v.params else [])
            if v.kind == "split":
                who.append(v.params["new_object"])
            for i in who:
                probe = mine[i] if v.kind != "vanish" else twin[i]
                if not in_open_view(probe, scene, view, t, margin):
                    return False
            if v.kind == "teleport" and not in_open_view(twin[v.object], scene, view, t, margin):
                return False  # where it jumped from was in plain sight too
            watch_until = t + (0.15 if v.kind == "through_floor" else 0.4)
        if (
            first is not None
            and v.kind != "vanish"
            and abs(t - min(watch_until, scene.duration)) < 0.5 / _SAMPLE_HZ
        ):
            f = flags(s, scene, view, t)
            if not (f["visible"] and f["visible_fraction"] > 0.5):
                return False  # a change has to stay on screen long enough to be seen
        drift_ends = (
            first is not None
            and v.kind in ("color_drift", "shape_morph", "size_change")
            and v.t_end is not None
            and abs(t - v.t_end) < 0.5 / _SAMPLE_HZ
        )
        if drift_ends and not in_open_view(s, scene, view, t, margin):
            return False  # the drift's end state must be seen too

    # A violation must not set off collisions the clean scene lacks: a chain reaction would
    # change other objects in ways the label does not name.
    if _collision_pairs(bad) - twin_pairs:
        return False
    return first is not None
