"""Was a lost object found again as another track?

A fast object that passes behind scenery (a wall the background model holds as backdrop) can
go from nearly whole to hidden between two frames: at 10 fps a thrown ball moves about its
own size a frame, so its last sighting still holds 0.87-0.94 of its area and nothing marks
it going behind (tracking/missing.py). While hidden, its track's prediction flies on along
its last motion (under gravity, off the frame), and when it comes out it is cut as a part of
its own, first partly, so the tracker gives it a new track (TUNE dev1515 clip 181 and
held9191 clip 40, both clean: a thrown ball and diamond, each back 0.6-0.9 s later).

An object that vanishes does not come back. So a loss is not a vanish when, while the
object is missing, a new track is born that looks like it (its color, and its area once
whole) within reach of its motion (no farther from its last sighting than it would travel
at its last speed in the time, plus its size): that is the object back. The wait is the
tracker's own (MAX_GAP: how long a lost track is kept for an object hidden behind
something). Objects in the wild world have distinct colors, so a look-alike born nearby is
the object itself; the copy a split leaves is born beside its parent, not after it is lost.
"""

from __future__ import annotations

import numpy as np

from checkers.tracking import Point, Track
from checkers.tracking.looks import color_distance
from checkers.tracking.missing import MAX_GAP
from checkers.tracking.occlusion import GROW_SECONDS
from checkers.units import Units

ALIKE = 1.5  # the new track's largest early area within this factor of the object's own
RECENT = 5  # the object's own area and speed: from its last few sightings
# Color distance (looks.color_distance) within which the new track shows the object's color:
# the two TUNE objects came back at 0.21, the true vanishes' nearest look-alikes were 1.63 off.
SAME_LOOK = 1.0


def found_again(
    track: Track, lost: int, tracks: dict[int, Track], units: Units, returned: int | None = None
) -> bool:
    """Whether the object of `track`, missing from its point `lost` on, was found again as
    another track born while it was missing (before frame `returned`, where the track
    itself is seen again, if it is), ahead of it along its last motion."""
    before = [p for p in track.points[:lost] if p.det is not None][-RECENT:]
    if len(before) < 2:
        return False
    last = before[-1]
    clear = [p for p in before if not p.near and not p.at_edge] or before
    own = float(np.median([p.det.area for p in clear]))
    speed = _speed(before)
    until = last.frame + units.frames(MAX_GAP)
    if returned is not None:
        until = min(until, returned)
    # Its last motion: what came out from behind the scenery lies ahead of it (within a
    # right angle, as gravity bends a thrown object's path), not behind or at its last place.
    heading = np.array([last.x - before[-2].x, last.y - before[-2].y])
    for other in tracks.values():
        first = other.points[0] if other.points else None
        if other.id == track.id or first is None or first.det is None:
            continue
        if not last.frame < first.frame <= until:
            continue
        early = [p for p in other.seen if p.time - first.time <= GROW_SECONDS]
        whole = max(early, key=lambda p: p.det.area)
        if not own / ALIKE <= whole.det.area <= ALIKE * own:
            continue
        if color_distance(clear[-1].det, whole.det) > SAME_LOOK:
            continue
        reach = speed * (first.frame - last.frame) + last.det.size
        away = np.array([first.x - last.x, first.y - last.y])
        if float(np.hypot(*away)) <= reach and float(away @ heading) > 0.0:
            return True
    return False


def _speed(seen: list[Point]) -> float:
    """Scene px a frame over the last sightings (the largest step: a thrown object speeds
    up as it falls)."""
    steps = [
        np.hypot(b.x - a.x, b.y - a.y) / (b.frame - a.frame)
        for a, b in zip(seen, seen[1:], strict=False)
    ]
    return float(max(steps))
