"""A resting object that teleports while the background model holds it as backdrop.

An object at rest since the shot began is part of the model's picture, so it has no track
to lose (relocations.py judges a teleport from a lost track's end). When it jumps, the model
sees two changes in one frame: where it stood, the frame shows the backdrop the model does
not hold; where it landed, the frame shows an object the model does not hold. Two parts are
born in that frame, neither ever travels, and they are one object apart in area and far
apart in place. (The part at the old place is the backdrop: it is not the object's color,
and the model soon learns it, so it may last a single frame.)

Session 30: three of the four missed teleports of a resting object on TUNE and the spent
wild seeds 3779 and 2357 showed that pair (3779 clips 0 and 186, dev1515 clip 110), 1.7-4.0
object sizes apart, areas within 1.17x; the fourth (2357 clip 288) landed as a part that
drifts and is half the size of its old place's. On the clean clips of TUNE (328) and of both
seeds (282) no such pair had a landed part: the pairs of still parts born together there
(the model relearning patches of its picture) were all out of the model's own picture
(`emerged`) and lasted 1-6 sightings.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from checkers.tracking import Point, Track
from checkers.tracking.confidence import STILL, travel
from checkers.tracking.looks import color_distance

# The old place shows backdrop, not the object: the two parts' colors differ by more than
# this (color_distance, SAME_COLOR units; relocations.COLOR). Two lights switched on, or two
# like patches the model relearns together, are one color. The four finds on TUNE, the spent
# seeds and VALIDATE (session 30) were 2.2-7.9 apart.
UNLIKE = 1.5


def _born_still(track: Track) -> Point | None:
    """The first sighting of a background-model part born in open view that never travels,
    else None."""
    seen = track.seen
    if not seen or track.points[0].det is None or track.points[0].how != "new":
        return None
    first = seen[0]
    if first.det.source != "motion" or first.at_edge or first.merged or travel(seen) >= STILL:
        return None
    return first


def _left(q: Point) -> bool:
    """Could part `q` be the place an object left? The frame before must not have shown
    what the frame shows there now (tracker: `seen_before`): there the model relearns a
    patch of its picture while nothing in view changed (spent wild 8761 clip 269, an object
    arriving in open view as such a patch is born elsewhere). A ghost, the model's picture of
    an object gone from there, is the old place whatever that test says: over a plain
    backdrop a small old place is matched by the frame before's backdrop beside it (TUNE
    dev1515 clip 110)."""
    why = q.emerged_why
    return "seen_before" not in why or "ghost" in why


def rest_jumps(
    tracks,
    cuts: set[int],
    reliable: dict[int, bool],
    landing: Callable[[Track], bool],
    teleport_bar: Callable[[Point, Point], float | None],
):
    """(landed track, its first sighting, how far it landed, the bar) for each resting
    object's teleport: a still part not out of the model's picture that could be where an
    object landed (`landing`, relocations': seen long enough, object-sized), born in the
    frame another still part of another color is born further from it than
    `teleport_bar(landed, other)` (None: not one object's two places)."""
    born: dict[int, list[tuple[Track, Point]]] = {}
    for track in tracks:
        first = _born_still(track)
        if first is not None:
            born.setdefault(first.frame, []).append((track, first))
    found = []
    for frame, parts in sorted(born.items()):
        # Born in the model's first frame (or a cut's) is no news: nothing was there before.
        if frame in cuts or not (reliable.get(frame) and reliable.get(frame - 1)):
            continue
        if len(parts) < 2:
            continue
        # The landed part is new to the model; the surest one (most sightings) first.
        landed = [(t, p) for t, p in parts if not p.emerged and landing(t)]
        for track, p in sorted(landed, key=lambda tp: -len(tp[0].seen)):
            jumps = []  # (how far, bar) to each part that could be its old place
            for other, q in parts:
                bar = None if other is track else teleport_bar(p, q)
                off = math.hypot(q.x - p.x, q.y - p.y)
                if (
                    bar is not None
                    and color_distance(p.det, q.det) > UNLIKE
                    and off > bar
                    and _left(q)
                ):
                    jumps.append((off, bar))
            if jumps:
                found.append((track, p, *max(jumps)))
                break  # one teleport a frame
    return found
