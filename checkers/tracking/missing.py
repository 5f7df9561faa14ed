"""A track with no part this frame: where the object should be, and whether it could be
hidden there (behind another part or behind scenery, or out past the frame's edge) rather
than gone. The checkers read this to tell an object going out of view from one vanishing.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from checkers.segment import Detection
from checkers.tracking.boxes import covered
from checkers.tracking.looks import SAME_COLOR
from checkers.tracking.occlusion import REMNANT, mark_partial, remnant, shrank_whole
from checkers.tracking.tracks import Point, Track
from checkers.units import Units
from checkers.video import Frame

# Units (checkers/units.py): seconds, converted per clip; each converts back to the value it
# replaced at 16 fps (30 frames, 12 sightings).
MAX_GAP = 1.875  # seconds a missing track is kept for reacquisition (behind an occluder)
ONCE_GAP = 0.5  # seconds a track seen only once is kept (no motion of its own to follow)
HIDDEN_SHARE = 0.5  # share of a missing object's predicted box another part must cover
FRAGMENT_SECONDS = 0.75  # a piece of a partly hidden object is seen only briefly (slivers: 4-5)
# A background-model part last seen below this share of its usual (median) area was going
# behind scenery: a fast pendulum bob at 15 fps shows one partial frame at 0.73 of it; an
# object that vanishes is whole to the end (0.94 on the wild dev clip looked at). Between the
# two: a ball sliding behind a box at 12 fps showed 0.80 of itself once (wild dev 3131).
HIDING_SHRINK = 0.85


def missing_point(
    track: Track,
    frame: Frame,
    dets: list[Detection],
    image: Callable[[float, float], tuple[float, float]],
    size: tuple[int, int],
    units: Units,
    residue: np.ndarray | None,
    pred: tuple[float, float] | None = None,
) -> tuple[Point, list[int]]:
    """The point a lost track gets this frame, and the parts of another color that cover it
    (in front of it). `image` maps scene to image coordinates; `size` is (width, height);
    `residue` is the background model's raw foreground (None on a plain backdrop); `pred`
    is `track.predict(frame.index, hidden=True)` when the caller has it."""
    width, height = size
    last = track.last_seen().det
    # Where the whole object would be now, from its clean sightings (not the sliver's).
    if pred is None:
        pred = track.predict(frame.index, hidden=True)
    ix, iy = image(*pred)
    # The whole object's size, not that of the sliver last seen beside an occluder.
    recent = track.recent()
    boxes = [p.det.bbox for p in recent if not p.near]
    if boxes:
        w, h = _median([b[2] for b in boxes]), _median([b[3] for b in boxes])
    else:
        w, h = last.bbox[2:]
    half_w, half_h = w / 2 + 2, h / 2 + 2
    at_edge = (
        ix - half_w <= 1
        or iy - half_h <= 1
        or ix + half_w >= width - 1
        or iy + half_h >= height - 1
        or track.last_seen().at_edge
    )
    box = (int(ix - half_w), int(iy - half_h), int(2 * half_w), int(2 * half_h))
    # To be hidden the object must be mostly covered: its predicted box must lie largely
    # inside a part at least a third its size (an occluder, or another object in front).
    # The size test first: it is cheaper, and most parts fail it.
    least = 0.3 * last.area
    covers = [
        j for j, d in enumerate(dets) if d.area >= least and covered(box, d.bbox) >= HIDDEN_SHARE
    ]
    behind = bool(covers)
    # A part of the lost track's own color over it is that object, not one in front.
    in_front = [j for j in covers if np.linalg.norm(dets[j].lab - last.lab) > SAME_COLOR]
    # Shrinking beside another part, then gone: it slid behind that part (its sliver's
    # centroid lags, so the prediction alone may place it just outside).
    last_point = track.last_seen()
    # Both signs below are read in the first frames an object is lost only: the rest of
    # them is not computed past that (most of a clip's missing tracks).
    if track.missing < 3:
        if last_point.near and (
            last.area < 0.7 * max(p.det.area for p in recent) or _fragment(track, units)
        ):
            behind = True
        if last.source == "motion":
            # Scenery is backdrop to the background model: nothing stands beside an object
            # going behind it, but the object shrinks, or a remnant too small to be a part
            # is left where it should be.
            # The whole object's usual area is the middle of its recent sightings, not
            # their largest: a background-model part merges with its own first-frame ghost
            # or a shadow now and then and reads up to twice its size (wild dev: a
            # triangle at 480 px^2 once, 260 otherwise, so its abrupt vanish read as a
            # shrink behind scenery).
            typical = _median([p.det.area for p in recent])
            if last.area < HIDING_SHRINK * typical or remnant(residue, box) >= REMNANT:
                behind = True
                # An object that shrank as a whole before it was lost was seen whole:
                # its look is its own (a resize), whatever hid it then.
                if track.missing == 0 and not shrank_whole(recent, typical):
                    mark_partial(recent[::-1], typical)
    point = Point(
        frame.index, frame.time, pred[0], pred[1], None, "missing", at_edge, behind=behind
    )
    return point, in_front


def _fragment(track: Track, units: Units) -> bool:
    """A part only ever seen touching the same other part, and only briefly, is a piece of
    something that part partly hides (its true extent unknown): gone beside it, it went
    behind it. The whole track, not its last sightings: an object seen clear earlier, or
    seen whole for long (two resting objects side by side), is not a piece, and gone in
    place it vanished."""
    seen = track.seen
    near = set(track.last_seen().near)
    return len(seen) <= units.frames(FRAGMENT_SECONDS) and all(set(p.near) & near for p in seen)


def _median(values: list) -> float:
    """np.median of a short list of Python numbers, in the same float64 arithmetic (the
    middle one, or the mean of the middle two), without numpy's per-call overhead: the
    search runs for every missing track on every frame."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (float(ordered[middle - 1]) + float(ordered[middle])) / 2.0
