"""The wild profile's own motions, laid over a full-world scene: more shapes, pendulums,
objects that enter from a frame edge mid-clip, and objects that slide out of the frame.

random_scene lays out a full-world scene first (the same draws as the full profile), and only
once that scene is acceptable draws these from a generator of their own (WILD_STREAM), a few
tries at most; if none fits, the scene stays as it was. So adding them changes no draw of the
full profile, and a wild clip without them is the scene it was before they existed.

Entering objects are laid out outside the view, timed so their leading edge crosses the edge
at `t_in` seconds: entering at an edge is not a violation, and gets no label (the caption
says "and enters the frame"). Pendulum bobs do not collide (their string holds them), so a
layout keeps every other object clear of the bob and of its string for the whole clip.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from vidgen.world.physics import SAMPLE_HZ, Simulation
from vidgen.world.scene import GRAVITY, Scene, WorldObject
from vidgen.world.violations import pick
from vidgen.world.vocab import OBJECT_COLORS, WILD_SHAPES

WILD_STREAM = 16  # the wild motions' generator: default_rng([scene seed, WILD_STREAM])
TRIES = 6
SHAPE_SHARE = 0.35  # of objects drawn in one of the wild shapes
SWING_SHARE = 0.3  # of scenes with a pendulum
ENTRY_SHARE = 0.35  # of scenes with an object that enters from an edge
EXIT_SHARE = 0.2  # of scenes with an object that slides out of the frame
ENTRY_TIME = (0.12, 0.45)  # share of the clip when an entering object crosses the edge
PIVOT_Y = (-0.12, 0.08)  # view heights: the pivot is above the frame or near its top
LENGTH = (0.3, 0.62)  # the string, view heights
AMPLITUDE = (20.0, 50.0)  # degrees either side of straight down
CLEARANCE = 0.03  # view heights between a bob or its string and any other object
MAX_OBJECTS = 3
# the kinds that pick their object among the first ones _full laid out for them
FIRST_MATTERS = ("gravity_reversal", "bounce_gain", "through_floor", "speed_jump")


def wild_variants(rng: np.random.Generator, scene: Scene, kind: str | None, pair):
    """Up to TRIES versions of `scene` with wild motions, each with the ids of the objects laid
    out to enter (the layout check lets those start outside the view)."""
    for _ in range(TRIES):
        yield add_motions(rng, scene, kind, pair)


def add_motions(
    rng: np.random.Generator, scene: Scene, kind: str | None, pair
) -> tuple[Scene, frozenset[int]]:
    objects = list(scene.objects)
    for i, obj in enumerate(objects):
        if rng.random() < SHAPE_SHARE:
            objects[i] = dataclasses.replace(obj, shape=pick(rng, WILD_SHAPES))
    enters: set[int] = set()
    for share, make in ((SWING_SHARE, _pendulum), (ENTRY_SHARE, _entering), (EXIT_SHARE, _exit)):
        if rng.random() >= share:
            continue
        slot = _slot(rng, objects, kind, pair, enters)
        if slot is None:
            continue
        used = {o.color for j, o in enumerate(objects) if j != slot}
        base = objects[slot] if slot < len(objects) else None
        color = base.color if base else pick(rng, [c for c in OBJECT_COLORS if c not in used])
        shape = base.shape if base else objects[0].shape
        r = base.size if base else float(rng.uniform(0.05, 0.09))
        new = make(rng, scene, color, shape, r)
        if new is None:
            continue
        if slot < len(objects):
            objects[slot] = new
        else:
            objects.append(new)
        if make is _entering:
            enters.add(slot)
    return dataclasses.replace(scene, objects=tuple(objects)), frozenset(enters)


def _slot(rng, objects: list, kind: str | None, pair, taken: set[int]) -> int | None:
    """Which object a new motion replaces, or len(objects) to add one."""
    free = [
        i
        for i in range(len(objects))
        if (pair is None or i not in pair)
        and not (i == 0 and kind in FIRST_MATTERS)
        and i not in taken
        and objects[i].pivot is None
    ]
    room = len(objects) < (2 if kind in ("split", "appear") else MAX_OBJECTS)
    if room and (not free or rng.random() < 0.5):
        return len(objects)
    return pick(rng, free) if free else None


def _pendulum(rng, scene: Scene, color: str, shape: str, r: float) -> WorldObject | None:
    floor = scene.floor_y if scene.floor_visible else 1.0
    py = float(rng.uniform(*PIVOT_Y))
    length = min(float(rng.uniform(*LENGTH)), floor - CLEARANCE - r - py)
    if length < LENGTH[0]:
        return None
    amp = math.radians(float(rng.uniform(*AMPLITUDE)))
    reach = length * math.sin(amp) + r + CLEARANCE
    lo, hi = reach, scene.aspect - reach
    if hi <= lo:
        return None
    # where the view is halfway through the clip: a panning camera keeps it in sight longest
    px = float(rng.uniform(lo, hi)) + scene.pan * scene.duration / 2
    phase = float(rng.uniform(0, 2 * math.pi))
    theta = amp * math.cos(phase)
    # the speed its height gives it (energy), moving the way the phase goes
    speed = math.sqrt(max(2 * GRAVITY * length * (math.cos(theta) - math.cos(amp)), 0.0))
    omega = -math.copysign(speed / length, math.sin(phase))
    x, y = px + length * math.sin(theta), py + length * math.cos(theta)
    vx, vy = length * omega * math.cos(theta), -length * omega * math.sin(theta)
    return WorldObject(color, shape, r, x, y, vx, vy, motion="swings", pivot=(px, py))


def _entering(rng, scene: Scene, color: str, shape: str, r: float) -> WorldObject | None:
    """Falls in from above, slides in along the floor, or moves straight across (and out)."""
    d, aspect, pan = scene.duration, scene.aspect, scene.pan
    t_in = float(rng.uniform(*ENTRY_TIME)) * d
    way = pick(rng, ("drop", "slide", "cross"))
    if way == "drop":
        x = float(rng.uniform(0.15, 0.85)) * aspect + pan * t_in
        y = -r - 0.5 * GRAVITY * t_in * t_in  # its bottom edge reaches the top edge at t_in
        return WorldObject(
            color, shape, r, x, y, motion="falls_bounces", gravity=True,
            restitution=float(rng.uniform(0.4, 0.7)), friction=0.2,
        )  # fmt: skip
    sign = 1.0 if rng.random() < 0.5 else -1.0
    edge = pan * t_in + (-r if sign > 0 else aspect + r)  # its center as its edge crosses in
    motion = ("slides_" if way == "slide" else "moves_") + ("right" if sign > 0 else "left")
    if way == "slide":
        friction = float(rng.uniform(0.05, 0.12))
        dec = friction * GRAVITY
        stop = float(rng.uniform(0.3, 0.6)) * aspect  # how far in it stops
        v_in = math.sqrt(2 * dec * (stop + r))  # its speed as it crosses the edge
        v0 = v_in + dec * t_in
        x0 = edge - sign * (v0 * t_in - 0.5 * dec * t_in * t_in)
        floor = scene.floor_y
        return WorldObject(color, shape, r, x0, floor - r, sign * v0, 0.0, motion=motion,
                           gravity=True, friction=friction)  # fmt: skip
    floor = scene.floor_y if scene.floor_visible else 1.0
    y_hi = floor - r - 0.1
    if y_hi <= 0.15 + r:
        return None
    speed = float(rng.uniform(0.5, 1.3)) * aspect / d + sign * pan
    y = float(rng.uniform(0.15 + r, y_hi))
    return WorldObject(color, shape, r, edge - sign * speed * t_in, y, sign * speed, 0.0,
                       motion=motion)  # fmt: skip


def _exit(rng, scene: Scene, color: str, shape: str, r: float) -> WorldObject | None:
    """Slides along the floor from near one side and out of the other, leaving mid-clip."""
    d, aspect, pan = scene.duration, scene.aspect, scene.pan
    sign = 1.0 if rng.random() < 0.5 else -1.0
    start = float(rng.uniform(0.1, 0.3)) * aspect
    x0 = start if sign > 0 else aspect - start
    t_out = float(rng.uniform(0.5, 0.85)) * d  # when its trailing edge leaves
    friction = 0.02
    dec = friction * GRAVITY
    edge = pan * t_out + (aspect + r if sign > 0 else -r)
    gap = abs(edge - x0)
    v0 = (gap + 0.5 * dec * t_out * t_out) / t_out
    if v0 <= dec * t_out:
        return None  # it would stop before it got out
    motion = "slides_right" if sign > 0 else "slides_left"
    return WorldObject(color, shape, r, x0, scene.floor_y - r, sign * v0, 0.0, motion=motion,
                       gravity=True, friction=friction)  # fmt: skip


def swings_clear(scene: Scene) -> bool:
    """No object comes within CLEARANCE of a pendulum's bob or string over the clean clip."""
    bobs = [i for i, o in enumerate(scene.objects) if o.pivot is not None]
    if not bobs:
        return True
    sim = Simulation(scene.clean())
    for k in range(int(math.ceil(scene.duration * SAMPLE_HZ)) + 1):
        states = sim.state_at(k / SAMPLE_HZ)
        for i in bobs:
            bob = states[i]
            px, py = bob.pivot
            for other in states:
                if other.id == i:
                    continue
                near = _segment_distance(other.x, other.y, px, py, bob.x, bob.y)
                if (
                    near < other.r + CLEARANCE
                    or math.hypot(other.x - bob.x, other.y - bob.y) < other.r + bob.r + CLEARANCE
                ):
                    return False
    return True


def _segment_distance(x: float, y: float, ax: float, ay: float, bx: float, by: float) -> float:
    ex, ey = bx - ax, by - ay
    w = ((x - ax) * ex + (y - ay) * ey) / max(ex * ex + ey * ey, 1e-12)
    w = min(max(w, 0.0), 1.0)
    return math.hypot(x - ax - w * ex, y - ay - w * ey)
