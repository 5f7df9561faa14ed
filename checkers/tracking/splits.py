"""Splits: a new part that is a piece of a tracked object coming apart.

On a plain backdrop objects have distinct flat colors, so a second part of the same color
right next to a tracked object is that object splitting, not another object and not a lost
track back. Parts of the background model are shaded and textured: two pieces of one object
rarely keep one mean color, so there a split is read off mass instead. The tracked part's
last blob holds the new part's mass as well as its own (one blob parted in two, whether the
pieces halve the object or a copy slid out of it), and no other object went into that blob.
"""

from __future__ import annotations

import numpy as np

from checkers.segment import Detection
from checkers.tracking.boxes import CONTACT_MARGIN, box_gap
from checkers.tracking.looks import SAME_COLOR
from checkers.tracking.tracks import Track

MERGED_GROWTH = 1.08  # area over the usual that marks one blob of an object and its split part
# Background-model parts: the two pieces' areas over the one blob's they came out of. A blob
# cut in two keeps its mass (1.0); the cut's rim and the pieces' own motion between two
# frames move it by a fifth or so either way.
MASS_KEPT = (0.75, 1.35)
# Seconds before the blob began to hold two in which another object lost into it makes the
# parting a collision's end, not a split (a blob already merged when first seen hides when).
SWALLOW_SECONDS = 1.0


def beside_same_color(det: Detection, dets: list[Detection], assigned: dict[int, int]) -> bool:
    """Next to a tracked part of its color: a piece split off that part (objects' colors
    differ), whatever lost track it may also look like."""
    return any(
        np.linalg.norm(dets[j].lab - det.lab) <= SAME_COLOR
        and box_gap(dets[j].bbox, det.bbox) <= CONTACT_MARGIN + 1.5 * dets[j].size
        for j in assigned
    )


def split_parent(
    det: Detection, dets: list[Detection], assigned: dict[int, int], tracks: dict[int, Track]
) -> tuple[int, int] | None:
    """(the track this part split from, the frame the split began), or None."""
    if det.source == "motion":
        return _parted_blob(det, dets, assigned, tracks)
    return _same_color_parent(det, dets, assigned, tracks)


def _parted_blob(
    det: Detection, dets: list[Detection], assigned: dict[int, int], tracks: dict[int, Track]
) -> tuple[int, int] | None:
    """A background-model part that came out of a tracked part's blob: that track and the
    frame its blob began to hold both pieces."""
    for j, tid in assigned.items():
        other, track = dets[j], tracks[tid]
        seen = track.seen
        if len(seen) < 4 or other.source != "motion":
            continue
        # seen[-1] is this frame's sighting (just assigned); the blob is the one before it.
        blob = seen[-2]
        if seen[-1].frame - blob.frame != 1:
            continue
        kept = (other.area + det.area) / max(1.0, blob.det.area)
        if not MASS_KEPT[0] <= kept <= MASS_KEPT[1]:
            continue
        # The piece lies where the blob was, give or take its own step since.
        if box_gap(blob.det.bbox, det.bbox) > CONTACT_MARGIN + 0.5 * det.size:
            continue
        if box_gap(other.bbox, det.bbox) > CONTACT_MARGIN + 1.5 * other.size:
            continue
        # The parent goes on as itself (a copy slid out of it) or as one piece of the whole
        # (the two halve it): either way the pieces are the size of the object it was.
        usual = _usual_area(seen)
        itself = other.area / usual
        halved = (other.area + det.area) / usual
        if not (MASS_KEPT[0] <= itself <= MASS_KEPT[1] or MASS_KEPT[0] <= halved <= MASS_KEPT[1]):
            continue
        start = _merged_since(seen, usual)
        lately = start - track.clip_units().frames(SWALLOW_SECONDS)
        if _swallowed(tid, lately, blob, tracks):
            continue
        _mark_merged(seen, usual)
        return tid, start
    return None


def _swallowed(tid: int, start: int, blob, tracks: dict[int, Track]) -> bool:
    """Another object (not a still artifact of the model's first frames) went into the blob
    since `start`, lost then touching it or where it lay: the blobs parting are two objects
    after a collision or an overlap."""
    for other in tracks.values():
        if other.id == tid or not other.missing or not other.seen:
            continue
        if other.confidence().moved == 0.0:
            continue  # still since the clip's start: the model's artifact, no object
        last = other.last_seen()
        if last.frame < start - 1:
            continue
        if tid in last.near or box_gap(last.det.bbox, blob.det.bbox) <= CONTACT_MARGIN:
            return True
    return False


def _usual_area(seen) -> float:
    """A track's usual area, from its first sightings touching nothing (one emerging from
    behind a wall grows as it comes out; that growth is not the split)."""
    clear = [p for p in seen if not p.near and not p.at_edge][:5]
    return float(np.median([p.det.area for p in (clear if len(clear) >= 3 else seen[:5])]))


def _merged_since(seen, usual: float) -> int:
    """The frame the parent's blob began to hold both pieces: the first of its latest run of
    sightings grown past its usual area, or this frame (seen[-1]) when it never grew."""
    start = seen[-1].frame
    for p in reversed(seen[:-1]):
        if p.det.area < MERGED_GROWTH * usual:
            break
        start = p.frame
    return start


def _mark_merged(seen, usual: float) -> None:
    """Mark the parent's sightings while the two were one blob as `merged` (their look and
    centroid are those of two objects)."""
    for p in reversed(seen[:-1]):
        if p.det.area < MERGED_GROWTH * usual:
            break
        p.merged = True
    seen[-1].merged = True


def _same_color_parent(
    det: Detection, dets: list[Detection], assigned: dict[int, int], tracks: dict[int, Track]
) -> tuple[int, int] | None:
    """The parent is a matched neighbour of the same color and size. Its sightings while the
    two were still one blob (grown past its usual area) are marked `merged`, and the split
    is dated from the first of them.
    """
    for j, tid in assigned.items():
        other, track = dets[j], tracks[tid]
        seen = track.seen
        if len(seen) < 3 or np.linalg.norm(other.lab - det.lab) > SAME_COLOR:
            continue
        usual = _usual_area(seen)
        if not 0.3 < det.area / usual < 2.5:
            continue
        if box_gap(other.bbox, det.bbox) > CONTACT_MARGIN + 1.5 * other.size:
            continue
        start = seen[-1].frame + 1
        for p in reversed(seen[:-1]):
            if p.det.area < MERGED_GROWTH * usual:
                break
            p.merged = True
            start = p.frame
        seen[-1].merged = True
        return tid, start
    return None
