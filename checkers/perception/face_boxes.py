"""Which face box belongs to which face track, and the box a track has between detections.

Boxes are (x, y, w, h) in displayed pixels. A new detection continues the track whose last box
it overlaps, or whose centre it is near in face sizes; a box of another size is another face
or a weak candidate framing part of one.
"""

from __future__ import annotations

import math

LINK_IOU = 0.3  # a face overlapping a track's last box this much is that track
LINK_CENTRE = 0.5  # ... or whose centre is this many face sizes from the box's centre
# Boxes of one face on nearby frames differ in side by less than this (a slow zoom); HOG's
# weak candidates also frame part of a face, 0.8x its side (einstein.jpg in the face corpus).
SAME_SIZE = 1.15
# Share of a face's side a box may move between two looks and still be the detector's jitter
# on a face that stayed (its HOG cells are 8 px; held-out wild 4613 clip 81: 1 px on 53 px).
NUDGE = 0.1


def box_between(sightings, after, frame: int) -> tuple[int, int, int, int]:
    """The face's box at `frame`, between the last detected look before it and `after`."""
    before = [s for s in sightings if s.detected and s.frame < frame]
    if not before:
        return after.box
    b = before[-1]
    w = (frame - b.frame) / max(1, after.frame - b.frame)
    return tuple(int(round(p + w * (q - p))) for p, q in zip(b.box, after.box, strict=True))


def steady_box(last, found) -> tuple[int, int, int, int]:
    """The found box of `last`'s size nearest it, or `last` when none is: a chip's box
    (FaceTracks._keep_chips)."""
    near = [tuple(f) for f in found if same_size(f, last) and linked(last, f)]
    return min(near, key=lambda f: link_cost(last, f)) if near else tuple(last)


def nudged(calm, box) -> bool:
    """Whether `box` is the calm look's box `calm` at the same size, moved by no more than
    NUDGE of the face's side: the detector's grid jitter on a face that stayed, which moves
    dlib's landmarks on a small face (FaceTracks reads a suspect look at both boxes). A face
    that moved further is not read at its old place: that frames part of it and backdrop."""
    if not same_size(calm, box) or tuple(calm) == tuple(box):
        return False
    side = math.sqrt(max(1, calm[2] * calm[3]))
    centre = math.hypot(
        calm[0] + calm[2] / 2 - box[0] - box[2] / 2, calm[1] + calm[3] / 2 - box[1] - box[3] / 2
    )
    return centre <= NUDGE * side


def same_size(a, b) -> bool:
    return 1 / SAME_SIZE <= math.sqrt((a[2] * a[3]) / max(1, b[2] * b[3])) <= SAME_SIZE


def nearest_track(tracks, box, taken):
    """The untaken track whose last box this face overlaps most, or whose centre is near."""
    best, best_cost = None, None
    for track in tracks:
        if track.id in taken:
            continue
        cost = link_cost(track.last.box, box)
        if cost is not None and (best_cost is None or cost < best_cost):
            best, best_cost = track, cost
    return best


def linked(last, box) -> bool:
    return link_cost(last, box) is not None


def link_cost(last, box) -> float | None:
    """How far `box` is from `last` (lower is nearer), or None when it is another face: it
    neither overlaps it by LINK_IOU nor has its centre within LINK_CENTRE face sizes."""
    overlap = iou(last, box)
    size = math.sqrt(max(1, last[2] * last[3]))
    centre = math.hypot(
        last[0] + last[2] / 2 - box[0] - box[2] / 2, last[1] + last[3] / 2 - box[1] - box[3] / 2
    )
    if overlap < LINK_IOU and centre > LINK_CENTRE * size:
        return None
    return centre / size - overlap


def iou(a, b) -> float:
    x0, y0 = max(a[0], b[0]), max(a[1], b[1])
    x1, y1 = min(a[0] + a[2], b[0] + b[2]), min(a[1] + a[3], b[1] + b[3])
    inter = max(0, x1 - x0) * max(0, y1 - y0)
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0
