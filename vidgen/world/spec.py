"""Scenes as plain JSON-ready dicts, both ways, with errors that name the bad field.

Every labels.jsonl record carries its scene as `scene_to_dict(scene)`, so any clip of a
corpus can be re-rendered at another size or fps, or without its violation, exactly:

    scene = scene_from_dict(record["scene"])
    render_clip(scene.clean(), width=208, height=120, frames=49, fps=16)
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from vidgen.errors import UsageError
from vidgen.world.scene import (
    Occluder,
    Scene,
    Violation,
    WorldObject,
    _validate_object,
    canonical_shape,
)
from vidgen.world.vocab import ALL_SHAPES, OBJECT_COLORS

SPEC_VERSION = "vidgen.world.scene/1"

# violation kind -> params it needs (beyond kind, object, t_start, t_end)
_PARAMS: dict[str, tuple[str, ...]] = {
    "color_drift": ("to",),
    "color_switch": ("to",),
    "shape_morph": ("to",),
    "size_change": ("factor",),
    "vanish": (),
    "appear": ("new_object", "spawn"),
    "split": ("new_object", "dvx", "dvy"),
    "teleport": ("dx", "dy"),
    "speed_jump": ("factor",),
    "gravity_reversal": (),
    "bounce_gain": ("restitution",),
    "through_floor": (),
    "through_object": ("other",),
}


def scene_to_dict(scene: Scene) -> dict:
    out = dataclasses.asdict(scene)
    # An object without a pivot is written as before pendulums existed: the labels of every
    # scene without one stay byte for byte what they were.
    spawns = [v["params"]["spawn"] for v in out["violations"] if "spawn" in v["params"]]
    for obj in [*out["objects"], *spawns]:
        if obj.get("pivot", 0) is None:
            del obj["pivot"]
        elif "pivot" in obj:
            obj["pivot"] = list(obj["pivot"])
    out["schema"] = SPEC_VERSION
    return out


def _fields(cls, data: Any, where: str) -> dict:
    if not isinstance(data, dict):
        raise UsageError(f"{where}: expected an object (dict), got {type(data).__name__}")
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - names)
    if unknown:
        raise UsageError(
            f"{where}: unknown field {unknown[0]!r}; known: {', '.join(sorted(names))}"
        )
    return dict(data)


def _object(data: Any, where: str) -> WorldObject:
    fields = _fields(WorldObject, data, where)
    if isinstance(fields.get("pivot"), list):
        fields["pivot"] = tuple(fields["pivot"])
    try:
        return WorldObject(**fields)
    except TypeError as error:  # a missing required field
        raise UsageError(f"{where}: {error}") from None


def scene_from_dict(data: Any) -> Scene:
    """A validated Scene from a dict (as written by scene_to_dict or by hand)."""
    data = dict(data) if isinstance(data, dict) else data
    if isinstance(data, dict):
        data.pop("schema", None)
    fields = _fields(Scene, data, "scene")
    objects = fields.get("objects", [])
    if not isinstance(objects, list | tuple):
        raise UsageError("scene: 'objects' must be a list")
    fields["objects"] = tuple(_object(o, f"object {i}") for i, o in enumerate(objects))
    if fields.get("occluder") is not None:
        try:
            fields["occluder"] = Occluder(**_fields(Occluder, fields["occluder"], "occluder"))
        except TypeError as error:
            raise UsageError(f"occluder: {error}") from None
    violations = []
    for i, v in enumerate(fields.get("violations", [])):
        v = _fields(Violation, v, f"violation {i}")
        params = dict(v.get("params") or {})
        if "spawn" in params:
            params["spawn"] = _object(params["spawn"], f"violation {i} spawn")
        v["params"] = params
        try:
            violations.append(Violation(**v))
        except TypeError as error:
            raise UsageError(f"violation {i}: {error}") from None
    fields["violations"] = tuple(violations)
    try:
        scene = Scene(**fields)
    except TypeError as error:
        raise UsageError(f"scene: {error}") from None
    scene.validate()
    check_violations(scene)
    return scene


_PARAM_TYPES = {"to": "name", "new_object": "id", "other": "id", "spawn": "object"}


def _check_param(value: Any, name: str, where: str) -> None:
    kind = _PARAM_TYPES.get(name, "number")
    if kind == "name" and not isinstance(value, str):
        raise UsageError(f"{where}: params.{name} must be a name (a string), got {value!r}")
    if kind == "id" and (isinstance(value, bool) or not isinstance(value, int)):
        raise UsageError(f"{where}: params.{name} must be an integer id, got {value!r}")
    if kind == "object":
        _validate_object(value, f"{where} spawn")
    if kind == "number" and (
        isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value)
    ):
        raise UsageError(f"{where}: params.{name} must be a number, got {value!r}")


def check_violations(scene: Scene) -> None:
    """Each violation names a real object and carries the settings its kind needs."""
    n = len(scene.objects)
    next_new = n
    for i, v in enumerate(scene.violations):
        where = f"violation {i} ({v.kind})"
        missing = [p for p in _PARAMS[v.kind] if p not in v.params]
        if missing:
            raise UsageError(f"{where}: params need {', '.join(missing)}")
        for name in _PARAMS[v.kind]:
            _check_param(v.params[name], name, where)
        if "new_object" in _PARAMS[v.kind]:
            if v.params["new_object"] != next_new:
                raise UsageError(f"{where}: new_object must be {next_new} (the next free id)")
            next_new += 1
        if not (0 <= v.object < next_new):
            raise UsageError(f"{where}: object {v.object} does not exist (0..{next_new - 1})")
        if v.kind in ("color_drift", "color_switch") and v.params["to"] not in OBJECT_COLORS:
            raise UsageError(f"{where}: unknown color {v.params['to']!r}")
        if v.kind == "shape_morph" and canonical_shape(v.params["to"]) not in ALL_SHAPES:
            raise UsageError(f"{where}: unknown shape {v.params['to']!r}")
        if v.kind == "through_object" and not 0 <= v.params["other"] < n:
            raise UsageError(f"{where}: other object {v.params['other']} does not exist")
        if v.t_start < 0 or (v.t_end is not None and v.t_end < v.t_start):
            raise UsageError(f"{where}: needs 0 <= t_start <= t_end")
