"""Scene -> frames + caption + labels, without touching the disk.

Labels (the labels.jsonl record minus "clip"):

    caption, width, height, fps, num_frames, background, textured, floor_y (px, or None when
    no floor line is drawn), occluder ({kind, color, box: [x0, y0, x1, y1] px at frame 0} or
    None), pan (px per frame, positive: the view moves right so the world drifts left), noise,
    objects: [{id, color, shape, motion, size (half-extent px at frame 0), extra (spawned by a
              violation), track: {x, y, size, exists, in_frame, at_edge, occluded, hidden,
              visible, visible_fraction: one value per frame}}],
    violations: [{check, kind, object, start_frame, visible_frame, complete_frame, end_frame,
                 differs_until, ...details (to, factor, other, new_object, restitution, jump)}],
    scene: the scene itself (vidgen.world.spec.scene_to_dict), to re-render it exactly
    schema: "vidgen.world.labels/1"

Track x, y are the object's center in pixels (pixel i's center is at i). The flags and
visible_fraction come from the drawn outline's area clipped to the frame and the occluder
(vidgen.world.geometry.flags): visible_fraction is the share of the shape's area in view and
uncovered; less than 1 px^2 counts as nothing.

The caption tells the clean scene over the rendered frames (0 .. (frames - 1) / fps seconds, at
width / height), not over the duration the scene was laid out for.

Violation frames (0-based, inclusive; the clean twin is scene.clean() rendered the same way):
    start_frame    first frame whose pixels differ from the twin's at all (for a gradual change
                   this can be a 1-level, sub-pixel difference); every earlier frame is identical
    visible_frame  first frame where the difference is plain: >= VISIBLE_LEVELS levels in one
                   channel on >= VISIBLE_PIXELS pixels (None if it never gets that strong)
    complete_frame gradual kinds (color_drift, shape_morph, size_change): first frame at or after
                   the change is complete (None if that is after the last frame); other kinds:
                   start_frame (the change is complete at once)
    end_frame      the last frame of a violation that ends: a gradual change's complete_frame, a
                   vanish's last frame without the object (the object is back from the next
                   frame); None for instant or permanent kinds (teleport, color_switch, speed_jump,
                   gravity_reversal, bounce_gain, through_floor, through_object, appear, split,
                   a vanish for good) and for an end after the last frame
    differs_until  the last frame whose pixels differ from the twin's (every later frame is
                   identical); frames in start_frame..differs_until may match the twin where the
                   change is out of sight (behind the occluder, past an edge)
A violation that changes no rendered frame gets no label.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np

from vidgen.errors import UsageError
from vidgen.world.caption import make_caption
from vidgen.world.geometry import flags
from vidgen.world.physics import ObjectState, Simulation
from vidgen.world.render import Renderer, View
from vidgen.world.scene import Scene, canonical_shape
from vidgen.world.spec import scene_to_dict

MAX_SIDE = 4096
MAX_FRAMES = 10_000


@dataclass
class Clip:
    frames: np.ndarray  # (T, H, W, 3) uint8 RGB
    caption: str
    labels: dict


def check_render_args(width: int, height: int, frames: int, fps: float) -> None:
    if not (isinstance(width, int) and isinstance(height, int)):
        raise UsageError(f"size must be integers, got {width!r}x{height!r}")
    if not (16 <= width <= MAX_SIDE and 16 <= height <= MAX_SIDE):
        raise UsageError(f"size {width}x{height} is out of range: use 16..{MAX_SIDE} per side")
    if not (isinstance(frames, int) and 1 <= frames <= MAX_FRAMES):
        raise UsageError(f"frames must be 1..{MAX_FRAMES}, got {frames!r}")
    if not (fps > 0 and fps <= 240):
        raise UsageError(f"fps must be in (0, 240], got {fps!r}")


def iter_frames(
    scene: Scene,
    *,
    width: int = 64,
    height: int = 64,
    frames: int = 17,
    fps: float = 8,
    look=None,
) -> Iterator[tuple[np.ndarray, list[ObjectState]]]:
    """Yield (frame, object states) one frame at a time: memory does not grow with length.
    `look` (e.g. wild_render.WildLook) draws the scene another way: its renderer(scene, width,
    height, t_max, fps=fps) replaces render.Renderer (the frame rate sets a shutter's exposure),
    and its views(...) place the labels."""
    check_render_args(width, height, frames, fps)
    scene.validate()
    times = [i / fps for i in range(frames)]
    sim = Simulation(scene)
    if look is None:
        renderer = Renderer(scene, width, height, times[-1])
    else:
        renderer = look.renderer(scene, width, height, times[-1], fps=fps)
    for i, t in enumerate(times):
        states = sim.state_at(t)
        yield renderer.frame(i, t, states), states


def render_clip(
    scene: Scene,
    *,
    width: int = 64,
    height: int = 64,
    frames: int = 17,
    fps: float = 8,
    look=None,
) -> Clip:
    """Render a scene to frames at time i / fps, with its caption and exact labels."""
    size = {"width": width, "height": height, "frames": frames, "fps": fps, "look": look}
    out = np.empty((frames, height, width, 3), np.uint8)
    all_states = []
    for i, (frame, states) in enumerate(iter_frames(scene, **size)):
        out[i] = frame
        all_states.append(states)
    changed = []  # per violation: [(frame index, plainly visible)] of the frames it alters
    for v in scene.violations:
        # the clean twin is rendered alongside, one frame at a time, and compared pixel for pixel
        mine = (
            ((f, None) for f in out)
            if len(scene.violations) == 1
            else iter_frames(dataclasses.replace(scene, violations=(v,)), **size)
        )
        twin = iter_frames(scene.clean(), **size)
        frames_changed: list[tuple[int, bool]] = []
        seen_plain = False  # only the first plain frame is labeled: skip the cost after it
        for i, ((a, _), (b, _)) in enumerate(zip(mine, twin, strict=True)):
            if not np.array_equal(a, b):
                plain = not seen_plain and _plain(a, b)
                seen_plain |= plain
                frames_changed.append((i, plain))
        changed.append(frames_changed)
    views = (
        None if look is None else look.views(scene, width, height, [i / fps for i in range(frames)])
    )
    labels = make_labels(scene, all_states, changed, width=width, height=height, fps=fps,
                         views=views)  # fmt: skip
    return Clip(frames=out, caption=labels["caption"], labels=labels)


VISIBLE_LEVELS = 16  # well above H.264 CRF 18's error on flat colors
VISIBLE_PIXELS = 2
LABELS_SCHEMA = "vidgen.world.labels/1"


def _plain(a: np.ndarray, b: np.ndarray) -> bool:
    """Do two frames differ plainly (not just by anti-aliasing or a 1-level tint)?"""
    diff = cv2.absdiff(a, b).reshape(-1, 3)
    strong = cv2.compare(diff, VISIBLE_LEVELS - 1, cv2.CMP_GT)  # 255 where >= VISIBLE_LEVELS
    return int(np.count_nonzero(strong.max(axis=1))) >= VISIBLE_PIXELS


def make_labels(
    scene: Scene,
    all_states: list[list[ObjectState]],
    changed: list[list[tuple[int, bool]]],
    *,
    width: int,
    height: int,
    fps: float,
    views: list | None = None,
) -> dict:
    """The labels of a rendered clip; changed[k]: (frame, plainly visible) for each frame where
    violation k alters the pixels; views: each frame's view when a camera moves (tracks and
    flags follow it; the other fields stay in the scene's own view)."""
    n_frames = len(all_states)
    times = [i / fps for i in range(n_frames)]
    view = View(scene, width, height)
    views = views or [view] * n_frames
    n_clean = len(scene.objects)
    extra_src = {i: obj for i, (obj, _) in scene.extra_objects().items()}
    objects = []
    for oid in range(len(all_states[0])):
        obj = scene.objects[oid] if oid < n_clean else extra_src[oid]
        track: dict[str, list] = {k: [] for k in _TRACK_KEYS}
        for states, t, seen in zip(all_states, times, views, strict=True):
            s = states[oid]
            f = flags(s, scene, seen, t)
            x, y = seen.point(s.x, s.y, t)
            track["x"].append(round(x, 2))
            track["y"].append(round(y, 2))
            track["size"].append(round(s.r * seen.scale, 2))
            track["exists"].append(bool(s.exists))
            for k in ("in_frame", "at_edge", "occluded", "hidden", "visible"):
                track[k].append(bool(f[k]))
            track["visible_fraction"].append(round(f["visible_fraction"], 3))
        objects.append(
            {
                "id": oid,
                "color": obj.color,
                "shape": canonical_shape(obj.shape),
                "motion": obj.motion,
                "size": round(obj.size * view.scale, 2),
                "extra": oid >= n_clean,
                "track": track,
            }
        )
    occ = scene.occluder
    return {
        "schema": LABELS_SCHEMA,
        "caption": make_caption(scene, duration=times[-1], aspect=width / height),
        "width": width,
        "height": height,
        "fps": int(fps) if float(fps).is_integer() else fps,  # 16, not 16.0, from any caller
        "num_frames": n_frames,
        "background": scene.background,
        "textured": scene.texture > 0,
        "floor_y": round(view.y(scene.floor_y), 2) if scene.floor_visible else None,
        "occluder": None
        if occ is None
        else {
            "kind": occ.kind,
            "color": occ.color,
            "box": [
                round(view.x(occ.x0, 0.0), 2),
                round(view.y(occ.y0), 2),
                round(view.x(occ.x1, 0.0), 2),
                round(view.y(occ.y1), 2),
            ],
        },
        "pan": round(scene.pan * view.scale / fps, 4),
        "noise": round(scene.noise, 3),
        "objects": objects,
        "violations": _violation_labels(scene, changed, fps, n_frames),
        "scene": scene_to_dict(scene),
    }


_TRACK_KEYS = ("x", "y", "size", "exists", "in_frame", "at_edge", "occluded", "hidden", "visible",
               "visible_fraction")  # fmt: skip


GRADUAL = ("color_drift", "shape_morph", "size_change")


def _violation_labels(
    scene: Scene, changed: list[list[tuple[int, bool]]], fps: float, n_frames: int
) -> list[dict]:
    labels = []
    for v, frames in zip(scene.violations, changed, strict=True):
        if not frames:
            continue  # the violation falls outside the rendered frames
        start = frames[0][0]
        complete: int | None = start
        end: int | None = None
        if v.kind in GRADUAL and v.t_end is not None:
            done = max(_first_frame_at(v.t_end, fps), start)
            complete = end = done if done < n_frames else None
        elif v.kind == "vanish" and v.t_end is not None:
            back = _first_frame_at(v.t_end, fps)  # drawn again from this frame
            end = max(back - 1, start) if back < n_frames else None
        label = {
            "check": v.check,
            "kind": v.kind,
            "object": v.object,
            "start_frame": start,
            "visible_frame": next((i for i, plain in frames if plain), None),
            "complete_frame": complete,
            "end_frame": end,
            "differs_until": frames[-1][0],
        }
        label.update(_details(v))
        labels.append(label)
    return labels


def _first_frame_at(t: float, fps: float) -> int:
    """The first frame index whose time i / fps is at or after t."""
    return math.ceil(t * fps - 1e-6)


def _details(v) -> dict:
    p = v.params
    out = {}
    for key in ("to", "factor", "other", "new_object", "restitution"):
        if key in p:
            out[key] = round(p[key], 4) if isinstance(p[key], float) else p[key]
    if v.kind == "teleport":
        out["jump"] = [round(p.get("dx", 0.0), 4), round(p.get("dy", 0.0), 4)]
    return out
