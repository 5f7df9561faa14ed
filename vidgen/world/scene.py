"""What a shapes-world clip is made of: objects, background, occluder, floor, camera, violations.

Units: the view is 1.0 tall and `aspect` wide; y grows downward (image convention); time is in
seconds. A scene holds no pixels and no frame rate: render_clip() turns it into frames at any
size and fps. A violated scene is its clean twin plus `violations`; `scene.clean()` drops them.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

from vidgen.errors import UsageError
from vidgen.world.vocab import (
    ALL_MOTIONS,
    ALL_SHAPES,
    BACKGROUND_COLORS,
    COLORS,
    OBJECT_COLORS,
    OCCLUDER_KINDS,
    SHAPE_SYNONYMS,
)

GRAVITY = 3.0  # view heights per s^2: a drop across the frame takes ~0.8 s, like a real ball

# check name for each violation kind (the labels' "check" field)
VIOLATION_CHECKS: dict[str, str] = {
    "color_drift": "identity_drift",
    "shape_morph": "identity_drift",
    "size_change": "identity_drift",
    "vanish": "object_permanence",
    "appear": "object_permanence",
    "split": "object_permanence",
    "teleport": "physics_sanity",
    "speed_jump": "physics_sanity",
    "gravity_reversal": "physics_sanity",
    "bounce_gain": "physics_sanity",
    "through_floor": "physics_sanity",
    "through_object": "physics_sanity",
    "color_switch": "identity_drift",  # wild only: the color changes in one frame
}
VIOLATION_KINDS: tuple[str, ...] = tuple(VIOLATION_CHECKS)


@dataclass(frozen=True)
class WorldObject:
    """One object's fixed look and its state at t=0.

    `size` is the half-extent (radius of a ball, half-side of a square), in view heights.
    `gravity` objects fall, bounce with `restitution` on the floor, and slide with `friction`
    (a deceleration of friction * GRAVITY while on the floor); the others move at constant
    velocity (vx, vy). A `pivot` (x, y) makes it a pendulum's bob (the wild profile's): it swings
    under gravity on a string as long as its start is from the pivot, starting with the part of
    (vx, vy) across the string; it needs gravity False (the string, not the floor, holds it).
    """

    color: str
    shape: str
    size: float
    x: float
    y: float
    vx: float = 0.0
    vy: float = 0.0
    motion: str = "rests"
    gravity: bool = False
    restitution: float = 0.7
    friction: float = 0.0
    pivot: tuple[float, float] | None = None


@dataclass(frozen=True)
class Occluder:
    """A static box in front of every object: x0..x1, y0..y1 in world units."""

    kind: str
    color: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class Violation:
    """An edit of the clean scene that starts at `t_start` (aligned to a physics step).

    `t_end` is when a gradual change completes or a vanish ends (None: permanent / instant).
    `params` holds the kind's settings (target color, factor, jump, spawned object, ...).
    """

    kind: str
    object: int
    t_start: float
    t_end: float | None = None
    params: dict = field(default_factory=dict)

    @property
    def check(self) -> str:
        return VIOLATION_CHECKS[self.kind]


@dataclass(frozen=True)
class Scene:
    background: str = "white"
    objects: tuple[WorldObject, ...] = ()
    occluder: Occluder | None = None
    floor_y: float = 0.97  # the ground objects bounce on; drawn only if floor_visible
    floor_visible: bool = False
    pan: float = 0.0  # camera speed, world units per s (positive: the view moves right)
    noise: float = 0.0  # sensor noise sigma, in 8-bit levels
    texture: float = 0.0  # amplitude of the soft background texture, in 8-bit levels
    violations: tuple[Violation, ...] = ()
    aspect: float = 1.0  # view width / height the scene was laid out for
    duration: float = 2.0  # seconds the scene was laid out for (captions follow the render)
    seed: int = 0  # texture and noise pattern

    def clean(self) -> Scene:
        """The clean twin: the same scene without its violations."""
        return dataclasses.replace(self, violations=())

    def extra_objects(self) -> dict[int, tuple[WorldObject, int | None]]:
        """The objects its violations add, by their new id in violation order: (the object,
        the id it split from, or None for one that appears from nothing)."""
        extra = {}
        for v in self.violations:
            if v.kind == "appear":
                extra[v.params["new_object"]] = (v.params["spawn"], None)
            elif v.kind == "split":
                extra[v.params["new_object"]] = (self.objects[v.object], v.object)
        return extra

    def validate(self) -> Scene:
        """Raise UsageError naming the bad field; return self so calls can chain."""
        _text(self.background, "scene", "background")
        if self.background not in BACKGROUND_COLORS:
            raise UsageError(
                f"unknown background color {self.background!r}: use one of "
                f"{', '.join(BACKGROUND_COLORS)}"
            )
        for name in ("floor_y", "pan", "noise", "texture", "aspect", "duration"):
            _number(getattr(self, name), "scene", name)
        _flag(self.floor_visible, "scene", "floor_visible")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise UsageError(f"scene: seed must be an integer >= 0, got {self.seed!r}")
        if self.noise < 0 or self.texture < 0:
            raise UsageError("scene: noise and texture must be >= 0")
        if not isinstance(self.objects, tuple | list) or not self.objects:
            raise UsageError("a scene needs at least one object")
        for i, obj in enumerate(self.objects):
            _validate_object(obj, f"object {i}")
        if self.occluder is not None:
            occ = self.occluder
            if not isinstance(occ, Occluder):
                raise UsageError(f"occluder: expected an occluder, got {occ!r}")
            _text(occ.kind, "occluder", "kind")
            _text(occ.color, "occluder", "color")
            for name in ("x0", "y0", "x1", "y1"):
                _number(getattr(occ, name), "occluder", name)
            if occ.kind not in OCCLUDER_KINDS:
                raise UsageError(f"unknown occluder kind {occ.kind!r}: use wall or box")
            if occ.color not in COLORS:
                raise UsageError(f"unknown occluder color {occ.color!r}: use one of {_names()}")
            if not (occ.x1 > occ.x0 and occ.y1 > occ.y0):
                raise UsageError("occluder needs x1 > x0 and y1 > y0")
        for i, v in enumerate(self.violations):
            where = f"violation {i}"
            _text(v.kind, where, "kind")
            if v.kind not in VIOLATION_CHECKS:
                raise UsageError(
                    f"unknown violation kind {v.kind!r}: use one of {', '.join(VIOLATION_KINDS)}"
                )
            if isinstance(v.object, bool) or not isinstance(v.object, int):
                raise UsageError(f"{where}: object must be an integer id, got {v.object!r}")
            _number(v.t_start, where, "t_start")
            if v.t_end is not None:
                _number(v.t_end, where, "t_end")
            if not isinstance(v.params, dict):
                raise UsageError(f"{where}: params must be an object (dict), got {v.params!r}")
        if self.aspect <= 0 or self.duration <= 0:
            raise UsageError("scene aspect and duration must be positive")
        return self


def _number(value, where: str, name: str) -> None:
    """A finite real number (not a bool, not a string), or a UsageError naming the field."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise UsageError(f"{where}: {name} must be a number, got {value!r}")


def _flag(value, where: str, name: str) -> None:
    if not isinstance(value, bool):
        raise UsageError(f"{where}: {name} must be true or false, got {value!r}")


def _text(value, where: str, name: str) -> None:
    if not isinstance(value, str):
        raise UsageError(f"{where}: {name} must be a name (a string), got {value!r}")


def canonical_shape(name: str) -> str:
    return SHAPE_SYNONYMS.get(name, name)


def _names() -> str:
    return ", ".join(COLORS)


def _validate_object(obj: WorldObject, where: str) -> None:
    if not isinstance(obj, WorldObject):
        raise UsageError(f"{where}: expected an object, got {obj!r}")
    for name in ("size", "x", "y", "vx", "vy", "restitution", "friction"):
        _number(getattr(obj, name), where, name)
    for name in ("color", "shape", "motion"):
        _text(getattr(obj, name), where, name)
    _flag(obj.gravity, where, "gravity")
    if obj.color not in OBJECT_COLORS:
        raise UsageError(
            f"{where}: unknown color {obj.color!r}: use one of {', '.join(OBJECT_COLORS)}"
        )
    if canonical_shape(obj.shape) not in ALL_SHAPES:
        raise UsageError(
            f"{where}: unknown shape {obj.shape!r}: use one of {', '.join(ALL_SHAPES)}"
        )
    if obj.motion not in ALL_MOTIONS:
        raise UsageError(
            f"{where}: unknown motion {obj.motion!r}: use one of {', '.join(ALL_MOTIONS)}"
        )
    if not obj.size > 0:
        raise UsageError(f"{where}: size must be positive, got {obj.size}")
    if obj.pivot is not None:
        pivot = obj.pivot
        if not isinstance(pivot, tuple | list) or len(pivot) != 2:
            raise UsageError(f"{where}: pivot must be [x, y] (world units), got {pivot!r}")
        for value in pivot:
            _number(value, where, "pivot")
        if obj.gravity:
            raise UsageError(f"{where}: a pendulum (pivot) needs gravity false")
        if math.hypot(obj.x - pivot[0], obj.y - pivot[1]) <= obj.size:
            raise UsageError(f"{where}: the pivot must be farther from the object than its size")
