"""Shapes-world scenes for the checkers' tests, written as `vidgen world` stores them (its labels
record's `scene`), and rendered here in memory with `vidgen.world`: the checkers themselves
never import vidgen. `render` gives the analysis size (312x180, so no resize); `as_mp4` writes
H.264 as `vidgen world` does, for mistakes that showed only after compression.
"""

from __future__ import annotations

import numpy as np

BASE = {
    "aspect": 1.7333333333333334,
    "duration": 3.0,
    "floor_visible": True,
    "occluder": None,
    "pan": 0.0,
    "schema": "vidgen.world.scene/1",
    "texture": 0.0,
}


def scene(objects, violation, **fields) -> dict:
    return {**BASE, "objects": objects, "violations": [violation], **fields}


def obj(color, shape, motion, size, x, y, vx, vy, gravity=False, friction=0.0, restitution=0.7):
    return {
        "color": color,
        "shape": shape,
        "motion": motion,
        "size": size,
        "x": x,
        "y": y,
        "vx": vx,
        "vy": vy,
        "gravity": gravity,
        "friction": friction,
        "restitution": restitution,
    }


def violation(kind: str, obj_id: int, t_start: float, **params) -> dict:
    return {"kind": kind, "object": obj_id, "params": params, "t_end": None, "t_start": t_start}


def occluder(color: str, kind: str, x0: float, x1: float, y0: float, y1: float) -> dict:
    return {"color": color, "kind": kind, "x0": x0, "x1": x1, "y0": y0, "y1": y1}


def render(spec: dict) -> list:
    from vidgen.world.clip import iter_frames
    from vidgen.world.spec import scene_from_dict

    frames = iter_frames(scene_from_dict(spec), width=312, height=180, frames=49, fps=16)
    return [frame for frame, _ in frames]


def render_small(spec: dict) -> list:
    """The embedded model's clip format: 64x64, 17 frames at 8 fps."""
    from vidgen.world.clip import iter_frames
    from vidgen.world.spec import scene_from_dict

    frames = iter_frames(scene_from_dict(spec), width=64, height=64, frames=17, fps=8)
    return [frame for frame, _ in frames]


def as_mp4(spec: dict, path, width: int = 416, height: int = 240) -> str:
    """Render and write the scene as H.264, as `vidgen world` does: some mistakes showed
    only after compression."""
    from vidgen.world.clip import iter_frames
    from vidgen.world.corpus import write_mp4
    from vidgen.world.spec import scene_from_dict

    frames = iter_frames(scene_from_dict(spec), width=width, height=height, frames=49, fps=16)
    write_mp4(path, np.stack([frame for frame, _ in frames]), 16)
    return str(path)


def kinds(events) -> list[tuple[str, str, int]]:
    """(check, kind, frame) of each event: what an assertion message shows."""
    return [(e.check, e.kind, e.frame) for e in events]


def only_event(events, check: str, kind: str, near: int) -> None:
    """The clip raised exactly one event, of this check and kind, within 2 frames of `near`."""
    got = kinds(events)
    assert [(c, k, abs(f - near) <= 2) for c, k, f in got] == [(check, kind, True)], got
