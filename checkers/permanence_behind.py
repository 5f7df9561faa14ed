"""A blob drawn out by something still that a moving object leaves behind, not by a copy.

A split's two copies both carry the object's motion: the world's split keeps the parent's
velocity and gives the copy that plus a push (vidgen/world/physics.py), so as their blob
stretches, its trailing end goes on with the object as before. A blob can also stretch with
one end standing still in the scene while the other goes on with the object:
- the background model's ghost of where a slowly moving object was (it had half learnt the
  object into the backdrop; the place it leaves then differs from the model too:
  dev1515 clip 157, clean, a diamond drifting up with a trail below it);
- scenery the model holds as backdrop that the object comes out from behind (the visible part
  grows from the scenery's edge along the object's motion).
Neither is a second object: the part that grew never moved.

Known gap (review, session 24): a copy pushed backwards at about the object's own speed stands
still in the scene too, and is excused here (the world draws the push toward the side with
room, whatever way the object goes). A ghost shows the backdrop's look and a copy the object's:
that, not motion, would tell them apart.
"""

from __future__ import annotations

import numpy as np

from checkers.tracking import Point
from checkers.units import Units

# Seconds before the stretch that give the object's own motion (its centre, in scene
# coordinates), and the least number of sightings to fit it on.
MOTION = 0.3
MOTION_SIGHTINGS = 3
# Over the stretch the object's own motion must carry it this many of its own extents for a
# still end to tell (a slow or resting object leaves nothing to compare: kept as a split).
MOVING = 0.5
# The trailing end kept at most this share of the object's motion (it stood still), and the
# leading end at least 1 - STILL of it (it went on with the object).
STILL = 0.35


def left_behind(seen: list[Point], onset: Point, last: Point, units: Units) -> bool:
    """Did the blob stretch from onset to last by an end that stood still in the scene while
    its other end went on with the object's own motion?"""
    i = next(k for k, p in enumerate(seen) if p is onset)
    before = [
        p for p in seen[:i] if onset.frame - p.frame <= units.frames(MOTION, least=MOTION_SIGHTINGS)
    ]
    if len(before) < MOTION_SIGHTINGS or i == 0:
        return False
    start = seen[i - 1]
    gw, gh = last.det.bbox[2] / start.det.bbox[2], last.det.bbox[3] / start.det.bbox[3]
    axis = 0 if gw >= gh else 1
    frames = [p.frame for p in before]
    centres = [(p.x, p.y)[axis] for p in before]
    velocity = float(np.polyfit(frames, centres, 1)[0])  # px a frame
    expected = velocity * (last.frame - start.frame)
    own = start.det.bbox[2 + axis]
    if abs(expected) < MOVING * own:
        return False
    lo0, hi0 = _ends(start, axis)
    lo1, hi1 = _ends(last, axis)
    lead, trail = (hi1 - hi0, lo1 - lo0) if velocity > 0 else (lo1 - lo0, hi1 - hi0)
    share_lead, share_trail = lead / expected, trail / expected
    return share_trail <= STILL and share_lead >= 1 - STILL


def _ends(p: Point, axis: int) -> tuple[float, float]:
    """The sighting's box's two ends along `axis`, in scene coordinates (the box moved by
    the camera's shift, as the centre is)."""
    shift = (p.x - p.det.cx, p.y - p.det.cy)[axis]
    lo = p.det.bbox[axis] + shift
    return lo, lo + p.det.bbox[2 + axis]
