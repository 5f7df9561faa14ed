"""Splits read off the pair of pieces, whatever tracks they were given.

tracking/splits.py marks a part as a split when it is cut off a trusted track and given a
track of its own. Where the tracker hands the pieces to other tracks, no split is marked:
an old track lost near there picks one piece up (dev1515 clip 62: the ball's track from
before it went behind a wall took the copy), or the blob's own track was never trusted and
an older one takes the other piece (d3131 clip 50). The pieces themselves still say what
happened, whichever tracks hold them:

- one object's blob grows to hold two of it (mass from one object to two),
- then parts into two pieces alike in size and look whose masses add up to the blob's
  (mass conserved across the pair: nothing came in or went),
- and the two draw apart from there (their motions diverge).

What else makes one blob part in two, and how it is told apart: two objects that collided
or passed in front of each other were two parts before they merged (a part lost beside the
blob while it grew: not one object growing), and rarely alike; a shadow or reflection
parting from its object is not alike in look; a blob cut in two by something in front of it
does not grow to twice its mass first, nor do the pieces draw apart.
"""

from __future__ import annotations

import numpy as np

from checkers.permanence_births import JUMPED_COLOR
from checkers.permanence_stretch import ONSET, lost_beside
from checkers.tracking import Point, Track
from checkers.tracking.looks import color_distance
from checkers.units import Units

# The two pieces: areas within ALIKE of each other, color_distance within LOOK (as a jump
# is judged alike in permanence_births), and their areas adding up to the blob's the frame
# before within CONSERVED either way.
ALIKE = 1.4
LOOK = JUMPED_COLOR
CONSERVED = 1.3
# The blob was one object before it grew: its area within ALIKE of the larger piece's,
# at most GROWING seconds before it parted (the pieces draw apart at 0.1 frame widths a
# second or more, so two overlapping copies part within about a second).
GROWING = 1.2
# After parting, the pieces' centres draw further apart over this long, by more than their
# jitter: PARTING object sizes a second at least.
DRAWING = 0.15
DRAWING_SIGHTINGS = 2
PARTING = 0.3


def parted_pairs(
    tracks: dict[int, Track], reliable: dict[int, bool], units: Units
) -> list[tuple[Track, Point, Track]]:
    """(the blob's track, the sighting the split is dated from, the other piece's track)
    for each blob that parted as a split."""
    found = []
    by_frame: dict[int, list[tuple[Track, Point]]] = {}
    at: dict[int, dict[int, Point]] = {}  # track id -> frame -> sighting
    for t in tracks.values():
        at[t.id] = {p.frame: p for p in t.seen}
        for p in t.seen:
            by_frame.setdefault(p.frame, []).append((t, p))
    for frame in sorted(by_frame):
        if not (reliable.get(frame, False) and reliable.get(frame - 1, False)):
            continue
        for blob, b in by_frame.get(frame - 1, []):
            after = at[blob.id].get(frame)
            if after is None or b.at_edge or b.det is None:
                continue
            for other, q in by_frame[frame]:
                if other.id == blob.id or not _pieces(b, after, q, {blob.id, other.id}):
                    continue
                onset = grew_from_one(
                    blob, b, max(after.det.area, q.det.area), units, piece=other.id
                )
                # Over the whole time it may have grown in, not from the onset only: two
                # objects passing through each other are one object's mass where they
                # overlap whole, and the other was lost beside it before that.
                since = b.frame - units.frames(GROWING)
                one = max(after.det.area, q.det.area)
                # A sliver lost there is not an object (a track cut down to a sliver as
                # another took its object, fresh4711 clip 191).
                lost = lost_beside(blob, since - 2, frame, tracks, least=one / ALIKE)
                if onset is None or lost:
                    continue
                if _drawing_apart(blob, other, frame, units):
                    found.append((blob, onset, other))
    return found


def _pieces(b: Point, mine: Point, q: Point, ids: set[int]) -> bool:
    """Sightings `mine` (the blob's own track) and `q` (another track) are the two pieces
    of blob sighting `b` the frame before: alike, inside its box, touching nothing but each
    other, their mass its mass. `ids`: the two tracks."""
    x, y, w, h = b.det.bbox
    for p in (mine, q):
        if p.at_edge or not (x - 2 <= p.det.cx <= x + w + 2 and y - 2 <= p.det.cy <= y + h + 2):
            return False
        if set(p.near) - ids:
            return False
    small, large = sorted((mine.det.area, q.det.area))
    if large > ALIKE * small or color_distance(mine.det, q.det) > LOOK:
        return False
    total = small + large
    return total / CONSERVED <= b.det.area <= total * CONSERVED


def grew_from_one(
    blob: Track, b: Point, one: float, units: Units, piece: int | None = None
) -> Point | None:
    """The sighting the blob's growth from one object to two began at, or None when the
    blob was not one object (within ALIKE of `one`) in the GROWING seconds before b.
    `piece`: the other piece's track, which the blob may touch (its first sliver can be cut
    the frame before the two part: dev1515 clip 57)."""
    seen = [p for p in blob.seen if b.frame - units.frames(GROWING) <= p.frame <= b.frame]
    if b.det.area < one * (2 / CONSERVED):
        return None
    ones = []  # the last run of sightings as one object, latest first
    for p in reversed(seen):
        # Only the frame before the parting may show the piece's sliver beside the blob;
        # touching it longer is two objects side by side (review, session 26).
        beside = {piece} if p.frame >= b.frame - 1 else set()
        if set(p.near) - beside or p.at_edge:
            break
        if one / ALIKE <= p.det.area <= ALIKE * one:
            ones.append(p)
        elif ones:
            break
    if not ones:
        return None
    # Dated from the first sighting of the growth: from it on the blob held more than
    # ONSET of the object's own area (the copy first overlaps it nearly whole).
    own = float(np.median([p.det.area for p in ones]))
    onset = b
    for p in reversed([p for p in seen if p.frame >= ones[-1].frame]):
        if p.det.area < ONSET * own:
            break
        onset = p
    return onset


def _drawing_apart(blob: Track, other: Track, frame: int, units: Units) -> bool:
    """From `frame` on the two pieces' centres draw apart, never closer from one sighting
    to the next, at PARTING object sizes a second or more over DRAWING seconds (at least
    DRAWING_SIGHTINGS sightings of both)."""
    a = {p.frame: p for p in blob.seen if p.frame >= frame}
    c = {p.frame: p for p in other.seen if p.frame >= frame}
    both = sorted(set(a) & set(c))
    if frame not in both:
        return False
    span = [f for f in both if f - frame <= units.frames(DRAWING, least=DRAWING_SIGHTINGS)]
    if len(span) < DRAWING_SIGHTINGS:
        return False
    d = [np.hypot(a[f].det.cx - c[f].det.cx, a[f].det.cy - c[f].det.cy) for f in span]
    size = float(np.median([a[f].det.size for f in span]))
    if any(y < x for x, y in zip(d, d[1:], strict=False)):
        return False
    seconds = (span[-1] - span[0]) / units.fps
    return d[-1] - d[0] >= PARTING * size * seconds and d[-1] > d[0]
