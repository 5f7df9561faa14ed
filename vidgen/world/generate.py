"""Random scenes: the "simple" profile, its "staged" layout the shapes model trains on (both laid
out in simple_scene.py), and the "full" world.

simple: one object of a named color on a plain background, no floor line, pan, noise or
occluder; motions a reader can tell apart from the centroid track over 2 s (falls and bounces,
8 straight moves, stays still); objects 12-18 px across at 64x64.

staged: simple's scenes and captions, laid out canonically: each path is centred in the view
(a fall starts top centre, a move to the right starts left of centre at mid height), jittered
by a few pixels. A caption never says where the object is, so on the simple layout a model
must pick a place out of pure noise; a small model cannot, and draws the average of all
places (a faint smear with no motion). On the staged layout that average is the clip itself.

full: 1-3 objects, soft textures, a floor line, a wall or box in front, camera pans, sensor
noise, throws, slides, collisions, passing behind the occluder, leaving the frame.
wild: full's scenes with the wild motions over them (pendulums, more shapes, entries and exits
at the frame's edges: wild_layout.py), drawn in a random style per clip (wild_style.py); its
violations include one more kind, color_switch (a color changed in one frame).

Every scene is simulated before it is returned and rejected if anything happens that the
caption would not say (an unplanned collision, a floating object sinking into the floor, an
object starting off-screen or behind the occluder).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from vidgen.errors import UsageError
from vidgen.world.geometry import in_open_view, reference_view
from vidgen.world.physics import Simulation
from vidgen.world.scene import VIOLATION_KINDS, Occluder, Scene, WorldObject
from vidgen.world.simple_scene import direction, motion_object, random_start, simple_layout
from vidgen.world.violations import applicable_kinds, inject, pick
from vidgen.world.vocab import (
    BACKGROUND_COLORS,
    MOTION_DIRECTION,
    MOTIONS,
    OBJECT_COLORS,
    SHAPES,
)
from vidgen.world.wild_layout import WILD_STREAM, swings_clear, wild_variants

PROFILES = ("simple", "staged", "full", "wild")
# Views random scenes can be laid out in: narrower than 3:4 leaves no room for a colliding pair
# or an occluder with room around it.
MIN_ASPECT, MAX_ASPECT = 0.75, 5.0
MIN_DURATION, MAX_DURATION = 0.25, 600.0
DEFAULTS = {  # profile -> (aspect, duration): 64x64 17 frames at 8 fps; 832x480 49 at 16 fps
    "simple": (1.0, 2.0),
    "staged": (1.0, 2.0),
    "full": (832 / 480, 3.0),
}
# How often `acceptable` samples a clean scene. Kept at 24 Hz (not physics.SAMPLE_HZ): the
# simple profile's training stream depends on which scenes this rejects.
_CHECK_HZ = 24


def random_scene(
    rng: np.random.Generator,
    *,
    profile: str = "full",
    violation_rate: float = 0.0,
    aspect: float | None = None,
    duration: float | None = None,
    violation: str | None = None,
    kinds: tuple[str, ...] | None = None,
) -> Scene:
    """A random scene of `profile`; with probability `violation_rate` it carries one violation.

    aspect and duration default to the profile's (1.0 and 2 s for simple; 832/480 and 3 s for
    full); pass the render's width/height and (frames - 1) / fps to lay a scene out for them.
    `violation` forces one violation of that kind (see VIOLATION_KINDS) whatever the rate.
    `kinds`: the kinds a violated scene draws from (None: every kind the profile has), for a
    corpus aimed at a few checks; the same draws as without it when it names them all.
    """
    if profile not in PROFILES:
        raise UsageError(f"unknown profile {profile!r}: use one of {', '.join(PROFILES)}")
    if not 0.0 <= violation_rate <= 1.0:
        raise UsageError(f"violation rate must be in [0, 1], got {violation_rate}")
    if violation is not None and violation not in applicable_kinds(profile):
        raise UsageError(
            f"violation {violation!r} does not fit profile {profile!r}: use one of "
            f"{', '.join(applicable_kinds(profile))}"
        )
    pool = kinds_pool(profile, kinds, violation)
    wild = profile == "wild"
    d_aspect, d_duration = DEFAULTS["full" if wild else profile]
    aspect = d_aspect if aspect is None else float(aspect)
    duration = d_duration if duration is None else float(duration)
    if not MIN_ASPECT <= aspect <= MAX_ASPECT:
        raise UsageError(
            f"aspect (width / height) {aspect:g} is out of range: use {MIN_ASPECT:g}..{MAX_ASPECT:g}"
        )
    if not MIN_DURATION <= duration <= MAX_DURATION:
        raise UsageError(
            f"duration {duration:g} s is out of range: use {MIN_DURATION:g}..{MAX_DURATION:g} s"
        )
    seed = int(rng.integers(2**31))
    violated = bool(rng.random() < violation_rate)
    drawn = pool if violated else ()
    if violation is not None:
        drawn = (violation,)
    kind = pick(rng, drawn) if drawn else None
    # the wild motions draw from a generator of their own: the full draws stay the full's
    wild_rng = np.random.default_rng([seed, WILD_STREAM]) if wild else None
    scene = _lay_out(rng, wild_rng, profile, aspect, duration, kind, drawn, seed)
    # Some layouts (a square 3 s frame for a crossing pair, seed 2626's clip 221) almost never
    # suit the drawn kind: rather than fail a corpus part-way, try the other kinds in turn.
    # Only reached after 400 failed tries, so every scene that was laid out before is unchanged.
    others = [k for k in drawn if k != kind]
    while scene is None and others:
        other = others.pop(0)
        scene = _lay_out(rng, wild_rng, profile, aspect, duration, other, (other,), seed)
    if scene is not None:
        return scene
    if pool != applicable_kinds(profile):
        # Named kinds alone may not fit the format at all (a vanish in a 1 s clip).
        raise UsageError(
            f"--kinds {','.join(pool)}: a {duration:g} s scene {aspect:.3g} times as wide as "
            "high could not be laid out with any of them: name more kinds, or make the clips "
            "longer (--frames)"
        )
    raise RuntimeError("could not lay out a scene; this is a bug, please report it")


def kinds_pool(profile: str, kinds, violation: str | None) -> tuple[str, ...]:
    """The kinds a violated scene of `profile` draws from: `kinds` (checked), or all."""
    fit = applicable_kinds(profile)
    if kinds is None:
        return fit
    pool = (kinds,) if isinstance(kinds, str) else tuple(kinds)
    if not pool:
        raise UsageError(f"--kinds names no kind: give one or more of {', '.join(fit)}")
    for kind in pool:
        if kind not in fit:
            homes = [p for p in PROFILES if kind in applicable_kinds(p)]
            elsewhere = f" (--profile {' or '.join(homes)} has it)" if homes else ""
            raise UsageError(
                f"--kinds: {kind!r} is no violation of --profile {profile}{elsewhere}; use any "
                f"of {', '.join(fit)}"
            )
    if len(set(pool)) < len(pool):
        raise UsageError(f"--kinds {','.join(pool)} names a kind twice: name each once")
    if violation is not None and violation not in pool:
        raise UsageError(f"violation {violation!r} is not among the kinds {', '.join(pool)}")
    return pool


def _lay_out(
    rng: np.random.Generator,
    wild_rng: np.random.Generator | None,
    profile: str,
    aspect: float,
    duration: float,
    kind: str | None,
    kinds: tuple,
    seed: int,
) -> Scene | None:
    """A scene with a violation of `kind` (none if None) in at most 400 tries, or None; one
    in ten layouts that cannot take `kind` draws another from `kinds`."""
    for _ in range(400):
        if profile in ("simple", "staged"):
            scene, pair = (
                simple_layout(rng, aspect, duration, kind, staged=profile == "staged"),
                None,
            )
        else:
            scene, pair = _full(rng, aspect, duration, kind)
        scene = dataclasses.replace(scene, seed=seed)
        if not acceptable(scene, pair):
            continue
        if wild_rng is not None:
            scene = _with_wild_motions(wild_rng, scene, kind, pair)
        if kind is None:
            return scene
        violated_scene = inject(scene, kind, rng)
        if violated_scene is not None:
            return violated_scene
        if rng.random() < 0.1:  # some scenes never suit a kind: let another kind try
            kind = pick(rng, kinds)
    return None


def _with_wild_motions(rng: np.random.Generator, scene: Scene, kind: str | None, pair) -> Scene:
    """The first of a few wild variants of an acceptable full scene that is acceptable too (the
    scene itself if none is); the wild style draws its own texture and noise, so they go."""
    for variant, enters in wild_variants(rng, scene, kind, pair):
        if acceptable(variant, pair, enters) and swings_clear(variant):
            scene = variant
            break
    return dataclasses.replace(scene, texture=0.0, noise=0.0)


# -- full -------------------------------------------------------------------------------------


def _full(
    rng: np.random.Generator, aspect: float, duration: float, kind: str | None
) -> tuple[Scene, tuple[int, int] | None]:
    background = pick(rng, tuple(BACKGROUND_COLORS))
    floor_visible = kind == "through_floor" or rng.random() < 0.75
    floor_y = float(rng.uniform(0.78, 0.88)) if floor_visible else 0.98
    occluder = None
    if kind != "through_floor" and rng.random() < 0.5:
        occluder = _occluder(rng, background, aspect, floor_y, floor_visible)
    n = int(rng.choice([1, 2, 3], p=[0.35, 0.4, 0.25]))
    if kind in ("through_object", "split", "appear"):
        n = max(n, 2) if kind == "through_object" else min(n, 2)
    pad = 0.02
    objects: list[WorldObject] = []
    pair = None
    if kind == "through_object" or (n >= 2 and rng.random() < 0.25):
        objects.extend(_colliding_pair(rng, aspect, duration, floor_y))
        pair = (0, 1)
    elif occluder is not None and rng.random() < 0.6:
        objects.append(_passer(rng, aspect, duration, floor_y, occluder))
    while len(objects) < n:
        r = float(rng.uniform(0.05, 0.09))
        motion = pick(rng, MOTIONS)
        if kind in ("gravity_reversal", "bounce_gain", "through_floor") and not objects:
            motion = pick(rng, ("falls_bounces", "thrown_left", "thrown_right"))
        elif kind == "speed_jump" and not objects:
            motion = pick(rng, [m for m in MOTIONS if m.startswith(("moves", "slides"))])
        box = (r + pad, r + pad, aspect - r - pad, floor_y - r - pad)
        objects.append(_full_object(rng, motion, r, box, duration, floor_y, aspect))
    scene = Scene(
        background=background,
        objects=tuple(objects),
        occluder=occluder,
        floor_y=floor_y,
        floor_visible=floor_visible,
        pan=float(rng.choice([-1.0, 1.0]) * rng.uniform(0.05, 0.12)) if rng.random() < 0.3 else 0.0,
        noise=float(rng.uniform(2.0, 5.0)) if rng.random() < 0.35 else 0.0,
        texture=float(rng.uniform(6.0, 14.0)) if rng.random() < 0.4 else 0.0,
        aspect=aspect,
        duration=duration,
    )
    return scene, pair


def _occluder(
    rng: np.random.Generator, background: str, aspect: float, floor_y: float, floor_visible: bool
) -> Occluder:
    color = pick(rng, [c for c in ("gray", "black", "white") if c != background])
    bottom = floor_y if floor_visible else 1.05
    cx = float(rng.uniform(0.38, 0.62)) * aspect
    if rng.random() < 0.5:
        w = float(rng.uniform(0.2, 0.28))
        return Occluder(
            "wall", color, cx - w / 2, float(rng.uniform(0.08, 0.3)), cx + w / 2, bottom
        )
    w, h = float(rng.uniform(0.3, 0.42)), float(rng.uniform(0.26, 0.34))
    return Occluder("box", color, cx - w / 2, floor_y - h, cx + w / 2, bottom)


def _full_object(
    rng: np.random.Generator,
    motion: str,
    r: float,
    box: tuple[float, float, float, float],
    duration: float,
    floor_y: float,
    aspect: float,
) -> WorldObject:
    color, shape = pick(rng, tuple(OBJECT_COLORS)), pick(rng, SHAPES)
    if motion.startswith("thrown"):
        sign = 1.0 if motion.endswith("right") else -1.0
        x = float(rng.uniform(0.08, 0.3)) * aspect
        return WorldObject(
            color, shape, r, x if sign > 0 else aspect - x,
            floor_y - r - float(rng.uniform(0.0, 0.25)),
            sign * float(rng.uniform(0.3, 0.55)) * aspect / 1.7, -float(rng.uniform(1.1, 1.6)),
            motion=motion, gravity=True, restitution=float(rng.uniform(0.5, 0.7)), friction=0.25,
        )  # fmt: skip
    if motion.startswith("slides"):
        sign = 1.0 if motion.endswith("right") else -1.0
        x = float(rng.uniform(0.08, 0.3)) * aspect
        return WorldObject(
            color, shape, r, x if sign > 0 else aspect - x, floor_y - r,
            sign * float(rng.uniform(0.45, 0.8)), 0.0, motion=motion, gravity=True,
            friction=float(rng.uniform(0.04, 0.12)),
        )  # fmt: skip
    if motion.startswith("moves") and motion.count("_") == 1 and rng.random() < 0.3:
        # a horizontal or vertical move fast enough to leave the frame before the end
        dx, dy = direction(motion)
        x0, y0, x1, y1 = box
        x = random_start(rng, dx, x0, x1, 0.5 * (x1 - x0)) if dx else float(rng.uniform(x0, x1))
        y = random_start(rng, dy, y0, y1, 0.5 * (y1 - y0)) if dy else float(rng.uniform(y0, y1))
        speed = float(rng.uniform(0.7, 1.0)) * (aspect if dx else 1.0) / duration
        if dy > 0:  # nothing sinks through the floor: downward exits need no floor in the way
            return motion_object(rng, motion, r, box, duration, floor_y=floor_y, fall_top=0.4)
        return WorldObject(color, shape, r, x, y, dx * speed, dy * speed, motion=motion)
    obj = motion_object(
        rng, motion, r, box, duration, floor_y=floor_y, fall_top=0.4,
        on_floor_rest=rng.random() < 0.6,
    )  # fmt: skip
    return obj


def _colliding_pair(
    rng: np.random.Generator, aspect: float, duration: float, floor_y: float
) -> list[WorldObject]:
    """Two objects of about the same size sliding toward each other on the floor.

    Near-equal masses swap velocities, so each comes back the other's way after the hit: the
    hit comes after mid-clip and the speeds are close, so each still ends up displaced the way
    its caption says (`acceptable` rejects the rest)."""
    r = float(rng.uniform(0.05, 0.09))
    ra, rb = r, r * float(rng.uniform(0.9, 1.1))
    xa = float(rng.uniform(0.08, 0.25)) * aspect
    xb = aspect - float(rng.uniform(0.08, 0.25)) * aspect
    t_meet = float(rng.uniform(0.5, 0.65)) * duration
    closing = (xb - xa - ra - rb) / t_meet
    share = float(rng.uniform(0.4, 0.6))
    colors = rng.permutation(len(OBJECT_COLORS))[:2]
    names = tuple(OBJECT_COLORS)
    return [
        WorldObject(names[colors[0]], pick(rng, SHAPES), ra, xa, floor_y - ra,
                    closing * share, 0.0, motion="slides_right", gravity=True, friction=0.02),
        WorldObject(names[colors[1]], pick(rng, SHAPES), rb, xb, floor_y - rb,
                    -closing * (1 - share), 0.0, motion="slides_left", gravity=True,
                    friction=0.02),
    ]  # fmt: skip


def _passer(
    rng: np.random.Generator, aspect: float, duration: float, floor_y: float, occ: Occluder
) -> WorldObject:
    """An object that crosses the occluder completely, so it is hidden for a while."""
    height = min(occ.y1, floor_y) - occ.y0
    r = float(rng.uniform(0.05, min(0.09, 0.45 * height, 0.45 * (occ.x1 - occ.x0))))
    sign = 1.0 if rng.random() < 0.5 else -1.0
    gap = float(rng.uniform(0.04, 0.15))
    start = occ.x0 - gap - r if sign > 0 else occ.x1 + gap + r
    travel = (occ.x1 - occ.x0) + 2 * r + 2 * gap
    speed = travel / (float(rng.uniform(0.55, 0.8)) * duration)
    color, shape = pick(rng, tuple(OBJECT_COLORS)), pick(rng, SHAPES)
    motion = "moves_right" if sign > 0 else "moves_left"
    lo, hi = occ.y0 + r + 0.01, min(occ.y1, floor_y - 0.01) - r - 0.01
    y = float(rng.uniform(lo, hi)) if hi > lo else 0.5 * (occ.y0 + min(occ.y1, floor_y))
    return WorldObject(color, shape, r, start, y, sign * speed, 0.0, motion=motion)


# -- rejection ------------------------------------------------------------------------------


def acceptable(
    scene: Scene, pair: tuple[int, int] | None, enters: frozenset[int] = frozenset()
) -> bool:
    """True if the clean scene does only what its caption will say; the objects in `enters`
    were laid out to come in from outside the view (the wild profile's entries)."""
    scene.validate()
    colors = [o.color for o in scene.objects]
    if len(set(colors)) != len(colors):  # one color per object: a caption names each uniquely
        return False
    view = reference_view(scene)
    margin = 0.01 * view.height
    sim = Simulation(scene)
    steps = int(math.ceil(scene.duration * _CHECK_HZ))
    visible_count = [0] * len(scene.objects)
    first_x: list[float] = []
    for k in range(steps + 1):
        t = k / _CHECK_HZ
        states = sim.state_at(t)
        if k == 0:
            first_x = [s.x for s in states]
        for s, obj in zip(states, scene.objects, strict=True):
            if k == 0 and s.id not in enters and not in_open_view(s, scene, view, t, margin):
                return False
            sinking = not obj.gravity and s.y + s.r > scene.floor_y + 1e-6
            if sinking and s.y - s.r < 1.0:  # into the floor while still on screen
                return False
            if in_open_view(s, scene, view, t):
                visible_count[s.id] += 1
        if k == 0:
            for i, a in enumerate(states):
                for b in states[i + 1 :]:
                    if math.hypot(a.x - b.x, a.y - b.y) < a.r + b.r + 0.08:
                        return False
    for e in sim.events:
        if e.kind == "collision" and (pair is None or {e.a, e.b} != set(pair)):
            return False
    if pair is not None and not any(e.kind == "collision" for e in sim.events):
        return False
    # An object captioned as going left or right ends up displaced that way (after a collision
    # it may come back a little, but never past where it started, nor out the other edge).
    for obj, x0, s in zip(scene.objects, first_x, states, strict=True):
        want = _horizontal(obj.motion)
        if want and (s.x - x0) * want <= 0.02:
            return False
    # every object can be seen in the open for at least a third of the clip
    return all(c >= (steps + 1) / 3 for c in visible_count)


def _horizontal(motion: str) -> int:
    """+1 / -1 if a caption with this motion says the object goes right / left, else 0."""
    direction = MOTION_DIRECTION[motion]
    return 1 if "right" in direction else -1 if "left" in direction else 0


__all__ = ["random_scene", "acceptable", "PROFILES", "VIOLATION_KINDS"]
