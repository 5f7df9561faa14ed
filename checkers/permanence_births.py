"""Was a new part born of something already in view? The excuses permanence.py gives a
birth in open view before calling it an appearance from nowhere.

A part that appears from nowhere does so where the backdrop showed, with no object to
account for it. It is accounted for when it came in across the border between two frames,
when other parts stood where it is born the frame before (one blob cut anew), when a
trusted object of its size and look was lost as it was born (a jump: physics judges it),
or when it is the next cut of an object the tracker could not follow from one frame to the
next: a ball falling fast at a low frame rate, cut as a new part in each frame and lost in
the next, never tracked long enough to be trusted (test9595 clip 157 and test7171 clip 61,
both clean: a star falling and bouncing cut as three parts in three frames).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from checkers.tracking import Point, Track
from checkers.tracking.looks import color_distance
from checkers.units import Units

# Share of a new part's area that other parts' boxes held the frame before: a re-cut.
RECUT_SHARE = 0.5
CUT_EDGE = 3  # analysis px a box is grown by there (as boxes.covered grows a cover)
# Area ratio within which a new part and a trusted track lost as it was born are one object,
# and their color_distance (physics/relocations.py judges a jump alike).
JUMPED_SIZE = 2.0
JUMPED_COLOR = 1.5
# Object sizes a second a part first seen near the border must move inward to have entered:
# a still part's centroid jitters by a pixel or so either way (0.1 sizes/s at 16 fps).
MOVING_IN = 0.5
# Short sides a second the fastest object moves: how far from a lost young part a new one
# may be born and be its next cut. The star of test9595 clip 157 fell 3.6 a second (54 px
# a frame at 12 frames a second) when the tracker lost it.
FASTEST = 4.0
MOVING = 2.0  # object sizes per second: a part seen twice moving slower stood still


def point_at(track: Track, frame: int) -> Point | None:
    for p in reversed(track.points):
        if p.frame == frame:
            return p
        if p.frame < frame:
            return None
    return None


def born_of_another(
    track: Track,
    tracks: dict[int, Track],
    size: tuple[int, int],
    units: Units,
    judged: Callable[[Track], bool],
    established: int,
) -> bool:
    """Whether the new part `track` (born "new", touching nothing) is accounted for by
    something already there: see the module's docstring. `size`: the analysis frame's
    (width, height); `judged`: permanence's test of a trusted object; `established`: the
    sightings that make a track's birth judgeable."""
    return (
        entered_unseen(track, size, units)
        or occupied_before(track, tracks)
        or jumped_here(track, tracks, judged)
        or cut_again(track, tracks, units, established)
    )


def entered_unseen(track: Track, size: tuple[int, int], units: Units) -> bool:
    """It came in across the frame's border between two frames: its path, run one frame
    back, lies across the border (a fast fall at a low frame rate is out of view in one
    frame and wholly inside in the next, never seen touching the edge)."""
    seen = track.seen
    if len(seen) < 2 or seen[1].frame - seen[0].frame != 1:
        return False
    a, b = seen[0].det, seen[1].det
    x, y, w, h = a.bbox
    dx, dy = b.cx - a.cx, b.cy - a.cy
    width, height = size
    if x - dx <= 1 or y - dy <= 1 or x + w - dx >= width - 1 or y + h - dy >= height - 1:
        return True
    # Or it was found first within its own size of the border, moving in: a dim object
    # on a busy backdrop is cut only once its inner part is clear of the edge, and the
    # part that shows first lies short of it.
    reach = max(w, h)
    step = MOVING_IN * reach / units.fps
    return (
        (x <= reach and dx > step)
        or (y <= reach and dy > step)
        or (x + w >= width - reach and dx < -step)
        or (y + h >= height - reach and dy < -step)
    )


def occupied_before(track: Track, tracks: dict[int, Track]) -> bool:
    """Where this part is born, the boxes of other parts seen the frame before held
    RECUT_SHARE of its area or more: something stood there (one blob cut anew, the
    pieces of a collision cut as one), so it did not come from nowhere, where the
    backdrop showed the frame before. Boxes, not masks: the parts' outlines are not
    kept, and a box holds at least its part's area."""
    first = track.points[0]
    x, y, w, h = first.det.bbox
    held = np.zeros((h, w), bool)
    for other in tracks.values():
        was = point_at(other, first.frame - 1)
        if other.id == track.id or was is None or was.det is None:
            continue
        # Grown as boxes.covered grows a cover: edges cut a pixel or two off each part.
        ox, oy, ow, oh = was.det.bbox
        ox, oy, ow, oh = ox - CUT_EDGE, oy - CUT_EDGE, ow + 2 * CUT_EDGE, oh + 2 * CUT_EDGE
        held[max(0, oy - y) : max(0, oy + oh - y), max(0, ox - x) : max(0, ox + ow - x)] = True
    return held.sum() >= RECUT_SHARE * first.det.area


def jumped_here(track: Track, tracks: dict[int, Track], judged: Callable[[Track], bool]) -> bool:
    """A trusted object of this part's size and look is lost at the frame it is born,
    wherever it was: the same object moved here at once (a teleport: physics_sanity
    judges the jump), not one from nowhere."""
    return any(
        judged(other) and _alike(track, before) for other, before in lost_as_born(track, tracks)
    )


def cut_again(track: Track, tracks: dict[int, Track], units: Units, established: int) -> bool:
    """A part of this one's size and look, itself born within the last `established`
    frames and never seen that often, is lost at the frame this one is born, no further
    away than the fastest object moves in a frame (and, seen twice or more, seen moving):
    the next cut of one object moving too
    fast for the tracker to follow (each cut is born anew and lost the frame after), not
    an object from nowhere. Only young parts: an object the tracker followed and trusted
    is judged by jumped_here."""
    first = track.points[0]
    reach = units.speed(FASTEST)  # analysis px a frame
    for other, before in lost_as_born(track, tracks):
        young = first.frame - other.points[0].frame <= established
        if not young or len(other.seen) >= established or not _alike(track, before):
            continue
        gap = first.frame - before.frame
        earlier = [q for q in other.seen if q.frame < before.frame]
        if earlier:
            # Seen before its last sighting, it showed its own motion: a part standing still
            # does not outrun the tracker (review, session 23: a young part seen twice in
            # one place and lost excused a birth 60 px away). Where it lands stays free
            # within the reach: a bounce turns it (test7171 61: 13 px a frame down, then
            # cut 35 px higher).
            a = earlier[-1]
            moved = np.hypot(before.det.cx - a.det.cx, before.det.cy - a.det.cy)
            per_second = moved / max(1e-9, before.time - a.time)
            if per_second < MOVING * before.det.size:
                continue
        far = np.hypot(first.det.cx - before.det.cx, first.det.cy - before.det.cy)
        if far <= before.det.size + reach * gap:
            return True
    return False


def _alike(track: Track, before: Point) -> bool:
    """The new part's first cut and a lost part's last one: one object's size and look."""
    first = track.points[0].det
    ratio = first.area / max(1.0, before.det.area)
    return (
        1 / JUMPED_SIZE <= ratio <= JUMPED_SIZE
        and color_distance(first, before.det) <= JUMPED_COLOR
    )


def lost_as_born(track: Track, tracks: dict[int, Track]):
    """(track, its last sighting) of each other track lost at the frame this one is
    first seen, having been seen the frame before."""
    born = track.points[0].frame
    for other in tracks.values():
        if other.id == track.id:
            continue
        gone, before = point_at(other, born), point_at(other, born - 1)
        if gone is not None and gone.det is None and before is not None and before.det is not None:
            yield other, before
