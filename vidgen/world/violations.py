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
from vidgen.world.physics import SAMPLE_HZ, STEP_HZ, Simulation
from vidgen.world.scene import VIOLATION_KINDS, Scene, Violation, WorldObject
from vidgen.world.vocab import OBJECT_COLORS, SHAPES, hue_distance

MIN_VANISH_S = 0.8
VANISH_LEAD_S = 0.3  # the vanishing object is in plain sight this long before it goes
MIN_HUE_SHIFT = 60.0
MIN_TELEPORT = 0.15  # of the frame width

_NEEDS_FLOOR = ("through_floor",)
_NEEDS_PAIR = ("through_object",)
# Only the wild profile draws these: the other profiles' corpora stay byte for byte as before.
_WILD_ONLY = ("color_switch",)


def applicable_kinds(profile: str) -> tuple[str, ...]:
    if profile == "wild":
        return VIOLATION_KINDS
    if profile in ("simple", "staged"):  # no visible floor, one object: nothing to pass through
        skip = _NEEDS_FLOOR + _NEEDS_PAIR + _WILD_ONLY
        return tuple(k for k in VIOLATION_KINDS if k not in skip)
    return tuple(k for k in VIOLATION_KINDS if k not in _WILD_ONLY)


def pick(rng: np.random.Generator, items):
    """One of `items`, uniformly (one rng draw; generate.py shares it, so streams match)."""
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
    steps = int(round(scene.duration * SAMPLE_HZ))
    states = [sim.state_at(k / SAMPLE_HZ) for k in range(steps + 1)]
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
    if kind in ("color_drift", "color_switch"):
        targets = [c for c in OBJECT_COLORS if hue_distance(c, obj.color) >= MIN_HUE_SHIFT]
        if kind == "color_switch":  # the new color from one frame to the next, and it stays
            return Violation(kind, oid, t0, None, {"to": pick(rng, targets)})
        t1 = _step_time(t0 + float(rng.uniform(0.4, 0.8)) * min(d - t0, 1.2))
        return Violation(kind, oid, t0, t1, {"to": pick(rng, targets)})
    if kind == "shape_morph":
        t1 = _step_time(t0 + float(rng.uniform(0.4, 0.8)) * min(d - t0, 1.2))
        return Violation(
            kind, oid, t0, t1, {"to": pick(rng, [s for s in SHAPES if s != obj.shape])}
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
        oid = pick(rng, movers)
        t0 = _step_time(float(rng.uniform(0.2, 0.45)) * d)
        return Violation(kind, oid, t0, None, {"factor": float(rng.uniform(2.5, 3.5))})
    if kind in ("gravity_reversal", "bounce_gain", "through_floor"):
        falling = [i for i, o in enumerate(scene.objects) if o.gravity and o.motion != "rests"]
        if not falling or (kind == "through_floor" and not scene.floor_visible):
            return None
        oid = pick(rng, falling)
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
    color = pick(rng, [c for c in OBJECT_COLORS if c not in {o.color for o in scene.objects}])
    shape = pick(rng, SHAPES)
    if scene.floor_visible and rng.random() < 0.5:
        spawn = WorldObject(color, shape, r, x, scene.floor_y - r, motion="rests", gravity=True)
    else:
        spawn = WorldObject(color, shape, r, x, float(rng.uniform(top, max(top, bottom))))
    return Violation("appear", n, t0, None, {"new_object": n, "spawn": spawn})


def _involved(v: Violation) -> set[int]:
    """The objects a violation may change: the labeled one and the ones its label names."""
    who = {v.object}
    for key in ("other", "new_object"):
        if key in v.params:
            who.add(int(v.params[key]))
    return who


def _same_track(a, b) -> bool:
    return abs(a.x - b.x) < 1e-9 and abs(a.y - b.y) < 1e-9 and abs(a.r - b.r) < 1e-9


def _through_floor(s, scene: Scene) -> bool:
    """Drawn, on screen, and sunk below the floor line."""
    return s.exists and s.y + s.r > scene.floor_y + 1e-6 and s.y - s.r < 1.0


def _watchable(scene: Scene, v: Violation, twin_states: list, twin_pairs: set) -> bool:
    """Is the change in open view where it starts, does it start early enough, and does it
    change nothing but what its label names?"""
    view = reference_view(scene)
    margin = 0.01 * view.height
    bad = Simulation(scene)
    who = _involved(v)
    first = None
    if v.kind == "vanish":
        # the twin's object must be in plain sight, a radius clear of every edge and of the
        # occluder, for the whole vanish (or 0.8 s of it) and the 0.3 s before it: otherwise
        # a viewer (and a permanence checker) reads it as an exit or an occlusion
        end = v.t_end if v.t_end is not None else v.t_start + MIN_VANISH_S
        if end > scene.duration:
            return False
        vanish_window = (v.t_start - VANISH_LEAD_S, end)
    for k, twin in enumerate(twin_states):
        t = k / SAMPLE_HZ
        mine = bad.state_at(t)
        s = mine[v.object]
        for i, (a, b) in enumerate(zip(mine, twin, strict=False)):
            if i not in who and not _same_track(a, b):
                return False  # a knock-on effect on an object the label does not name
        for i, a in enumerate(mine):
            if _through_floor(a, scene) and not (v.kind == "through_floor" and i == v.object):
                return False  # sinking into the floor is only labeled for through_floor
        changed = len(mine) != len(twin) and any(x.exists for x in mine[len(twin) :])
        changed |= any(
            (a.x, a.y, a.r, a.rgb, a.morph, a.exists) != (b.x, b.y, b.r, b.rgb, b.morph, b.exists)
            for a, b in zip(mine, twin, strict=False)
        )
        if v.kind == "vanish" and vanish_window[0] - 1e-9 <= t <= vanish_window[1] + 1e-9:
            probe = twin[v.object]
            clear = max(margin, probe.r * view.scale)
            if not in_open_view(probe, scene, view, t, clear):
                return False
        if changed and first is None:
            first = t
            if t > 0.8 * scene.duration:
                return False
            for i in sorted(who):
                probe = mine[i] if v.kind != "vanish" else twin[i]
                clear = margin
                if v.kind in ("vanish", "appear"):  # out of nowhere: a radius from anything
                    clear = max(margin, probe.r * view.scale)
                if not in_open_view(probe, scene, view, t, clear):
                    return False
            if v.kind == "teleport" and not in_open_view(twin[v.object], scene, view, t, margin):
                return False  # where it jumped from was in plain sight too
            watch_until = t + (0.15 if v.kind == "through_floor" else 0.4)
        if (
            first is not None
            and v.kind != "vanish"
            and abs(t - min(watch_until, scene.duration)) < 0.5 / SAMPLE_HZ
        ):
            f = flags(s, scene, view, t)
            if not (f["visible"] and f["visible_fraction"] > 0.5):
                return False  # a change has to stay on screen long enough to be seen
        drift_ends = (
            first is not None
            and v.kind in ("color_drift", "shape_morph", "size_change")
            and v.t_end is not None
            and abs(t - v.t_end) < 0.5 / SAMPLE_HZ
        )
        if drift_ends and not in_open_view(s, scene, view, t, margin):
            return False  # the drift's end state must be seen too

    # A violation must not set off collisions the clean scene lacks: a chain reaction would
    # change other objects in ways the label does not name.
    if _collision_pairs(bad) - twin_pairs:
        return False
    return first is not None
