"""Was a part born just after the background model restarted there before the restart?

The tracker calls a part born in a background model's first START_SECONDS emerged
(tracker._young): a model started without a plate takes its first frame as backdrop,
objects and all, so a part that shows up then may be one of those objects starting to move.
After a restart mid-clip (the camera fit failed, and the model began again from the frame
it failed on) the frames before the restart can settle it: they were segmented by a model
that had seen behind its objects, so an object there was a track then. A part is taken to
have come out of the restarted picture only where a track seen in the last frames before
the restart, and not followed since, was lost within reach of where the part is born (on
the path its last motion led it, up to where that motion would have taken it: it may have
stopped, or bounced back along it); anywhere else it came from nowhere and permanence
judges it.
"""

from __future__ import annotations

import numpy as np

from checkers.tracking import Point, Track
from checkers.units import Units

# Short sides a second an object lost at the restart may have strayed from where its last
# motion would take it (as seen_before.REACH lets an object swaying in place stray).
RESTART_REACH = 0.64


def emerged(
    track: Track, tracks: dict[int, Track], reliable: dict[int, bool], units: Units, recent: int
) -> bool:
    """Whether `track`'s first sighting came out of the background model's own picture
    (tracker.py), with a birth called emerged only for the model being young after a
    restart mid-clip re-judged by the frames before the restart. `recent`: how many frames
    before the restart a track must have been seen in to count as there at it."""
    first = track.points[0]
    if not first.emerged:
        return False
    if first.emerged_why != ("young",) or first.model_start <= 0 or first.how != "new":
        # Another reason, the model's first start (no frames before it), or a piece split
        # off a track (splits are judged as they were: only appears were scored for this).
        return True
    restart = first.model_start
    if not reliable.get(restart - 1, False):
        return True  # no clean frame before the restart to go by: the benefit of the doubt
    born = first.frame
    there = {
        other.id: [p for p in other.seen if restart - recent <= p.frame < restart]
        for other in tracks.values()
        if other.id != track.id
    }
    if not any(before and tracks[tid].solid for tid, before in there.items()):
        # No trusted object in those frames: the model then may not have seen behind
        # anything either (itself just started, holding its objects as backdrop).
        return True
    slack = units.speed(RESTART_REACH)  # analysis px a frame
    for tid, before in there.items():
        other = tracks[tid]
        if not before or any(restart <= p.frame < born for p in other.seen):
            continue  # not there at the restart, or followed since (so not this part)
        # Along the path its last motion before the restart led it, from where it was last
        # seen to where that motion would have taken it by now: short of that end it may
        # have stopped, or turned back where it bounced (a ball falling into the restart
        # and rising again, test9595 clip 280, clean) - not beside it or beyond.
        last, gap = before[-1], born - before[-1].frame
        vx, vy = _step(before)
        ahead = (last.x + vx * gap, last.y + vy * gap)
        if _to_segment((first.x, first.y), (last.x, last.y), ahead) <= last.det.size + slack * gap:
            return True
    return False


def _to_segment(p, a, b) -> float:
    """Distance from point p to the segment a-b."""
    ax, ay = a
    dx, dy = b[0] - ax, b[1] - ay
    run = dx * dx + dy * dy
    t = 0.0 if run == 0 else min(1.0, max(0.0, ((p[0] - ax) * dx + (p[1] - ay) * dy) / run))
    return float(np.hypot(p[0] - ax - t * dx, p[1] - ay - t * dy))


def _step(seen: list[Point]) -> tuple[float, float]:
    """Scene px a frame between the last two of these sightings (0 with one)."""
    if len(seen) < 2:
        return 0.0, 0.0
    a, b = seen[-2], seen[-1]
    n = max(1, b.frame - a.frame)
    return (b.x - a.x) / n, (b.y - a.y) / n
