"""The simple profile's scenes and their staged layout (see generate.py's docstring): one
object of a named color on a plain background; also the motion helpers the full world's
objects share (a motion's direction, a random start that keeps a path in view).
"""

from __future__ import annotations

import numpy as np

from vidgen.world.scene import Scene, WorldObject
from vidgen.world.violations import pick
from vidgen.world.vocab import (
    BACKGROUND_COLORS,
    OBJECT_COLORS,
    SHAPES,
    SIMPLE_MOTIONS,
)

SIMPLE_FLOOR = 0.97
# Largest offset of a staged path from its canonical place, in view heights (3 px at 64x64).
STAGED_JITTER = 0.05

DIRECTIONS = {
    "up": (0.0, -1.0),
    "down": (0.0, 1.0),
    "left": (-1.0, 0.0),
    "right": (1.0, 0.0),
}


def direction(motion: str) -> tuple[float, float]:
    dx = dy = 0.0
    for part in motion.split("_")[1:]:
        ddx, ddy = DIRECTIONS[part]
        dx, dy = dx + ddx, dy + ddy
    return dx, dy


# -- simple ---------------------------------------------------------------------------------


def simple_layout(
    rng: np.random.Generator, aspect: float, duration: float, kind: str | None, *, staged: bool
) -> Scene:
    motion = pick(rng, SIMPLE_MOTIONS)
    if kind in ("gravity_reversal", "bounce_gain"):
        motion = "falls_bounces"
    elif kind == "speed_jump":
        motion = pick(rng, [m for m in SIMPLE_MOTIONS if m.startswith("moves")])
    r = float(rng.uniform(6.0, 9.0)) / 64.0
    pad = 0.03
    box = (r + pad, r + pad, aspect - r - pad, SIMPLE_FLOOR - r - 0.01)
    if staged:
        obj = _staged_object(rng, motion, r, box, duration)
    else:
        obj = motion_object(rng, motion, r, box, duration, floor_y=SIMPLE_FLOOR, fall_top=0.35)
    return Scene(
        background=pick(rng, tuple(BACKGROUND_COLORS)),
        objects=(obj,),
        floor_y=SIMPLE_FLOOR,
        aspect=aspect,
        duration=duration,
    )


def motion_object(
    rng: np.random.Generator,
    motion: str,
    r: float,
    box: tuple[float, float, float, float],
    duration: float,
    *,
    floor_y: float,
    fall_top: float,
    on_floor_rest: bool = False,
) -> WorldObject:
    color = pick(rng, tuple(OBJECT_COLORS))
    shape = pick(rng, SHAPES)
    x0, y0, x1, y1 = box
    if motion == "falls_bounces":
        return WorldObject(
            color, shape, r, float(rng.uniform(x0, x1)), float(rng.uniform(y0, max(y0, fall_top))),
            motion=motion, gravity=True, restitution=float(rng.uniform(0.55, 0.75)),
            friction=0.2,
        )  # fmt: skip
    if motion == "rests":
        if on_floor_rest:
            return WorldObject(color, shape, r, float(rng.uniform(x0, x1)), floor_y - r,
                               motion=motion, gravity=True, friction=0.3)  # fmt: skip
        return WorldObject(color, shape, r, float(rng.uniform(x0, x1)), float(rng.uniform(y0, y1)))
    dx, dy = direction(motion)
    frac = float(rng.uniform(0.45, 0.65))  # share of the free range the path covers
    span_x, span_y = frac * (x1 - x0), frac * (y1 - y0)
    if dx and dy:  # a diagonal covers the same share on both axes
        span_x = span_y = min(span_x, span_y)
    x = random_start(rng, dx, x0, x1, span_x)
    y = random_start(rng, dy, y0, y1, span_y)
    vx, vy = dx * span_x / duration, dy * span_y / duration
    return WorldObject(color, shape, r, x, y, vx, vy, motion=motion)


def _staged_object(
    rng: np.random.Generator,
    motion: str,
    r: float,
    box: tuple[float, float, float, float],
    duration: float,
) -> WorldObject:
    """An object of the staged layout: its path centred in `box`, then jittered."""
    color = pick(rng, tuple(OBJECT_COLORS))
    shape = pick(rng, SHAPES)
    x0, y0, x1, y1 = box
    if motion == "falls_bounces":  # from the top centre, so the fall is as long as it can be
        x, y = _centred_start(rng, 0.0, x0, x1, 0.0), min(y1, y0 + abs(_jitter(rng)))
        return WorldObject(
            color, shape, r, x, y, motion=motion, gravity=True,
            restitution=float(rng.uniform(0.55, 0.75)), friction=0.2,
        )  # fmt: skip
    if motion == "rests":
        return WorldObject(
            color,
            shape,
            r,
            _centred_start(rng, 0.0, x0, x1, 0.0),
            _centred_start(rng, 0.0, y0, y1, 0.0),
        )
    dx, dy = direction(motion)
    frac = float(rng.uniform(0.5, 0.6))
    span_x, span_y = frac * (x1 - x0), frac * (y1 - y0)
    if dx and dy:
        span_x = span_y = min(span_x, span_y)
    x, y = _centred_start(rng, dx, x0, x1, span_x), _centred_start(rng, dy, y0, y1, span_y)
    vx, vy = dx * span_x / duration, dy * span_y / duration
    return WorldObject(color, shape, r, x, y, vx, vy, motion=motion)


def _jitter(rng: np.random.Generator) -> float:
    return float(rng.uniform(-STAGED_JITTER, STAGED_JITTER))


def _centred_start(rng: np.random.Generator, d: float, lo: float, hi: float, span: float) -> float:
    """A start coordinate whose path of `span` in direction d is centred in [lo, hi], jittered
    and kept inside."""
    start = (lo + hi) / 2 - d * span / 2 + _jitter(rng)
    low, high = _start_range(d, lo, hi, span)
    return float(min(max(start, low), high))


def random_start(rng: np.random.Generator, d: float, lo: float, hi: float, span: float) -> float:
    """A start coordinate in [lo, hi] that leaves `span` of room in direction d (a point if
    there is no room, never an error)."""
    return float(rng.uniform(*_start_range(d, lo, hi, span)))


def _start_range(d: float, lo: float, hi: float, span: float) -> tuple[float, float]:
    """The starts in [lo, hi] that leave `span` of room in direction d; a single point when
    there is no room."""
    if d > 0:
        hi = hi - span
    elif d < 0:
        lo = lo + span
    return lo, max(lo, hi)
