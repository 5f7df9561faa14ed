"""A resize made from one frame to the next: the same object, whole, at another size.

identity_motion.py reads a change of look quicker than MIN_CHANGE_SECONDS as a cut that
merged, split or was taken over by another object, and resize_gates.py's `jumped` rejects a
step of area that comes at once for the same reason. But an object that pops to another size
between two frames is a failure AI video shows (a frisbee shrinking in a child's hands,
../shared/gen-clips videorepa_ts_cogvideox_4), and until session 34 no check said anything
about it: a ball grown from 14 to 22 px in one frame and kept there made no event at all.

What a cut's jump changes and a resize keeps tells them apart:
- the outline: the radial profile reads the same at any scale (outline.py), while a cut that
  takes in a neighbour, a shadow or a piece of backdrop, or loses a part, changes its shape;
- the track: followed frame to frame in open view across the step (nothing beside it, in
  front of it or at the frame's edge), so no other part came into or out of the cut there;
- the two sizes: each steady, the old one seen for BEFORE_SECONDS and the new one held for
  HOLD_SECONDS, longer than a gradual resize must hold (a cut's jump comes and goes).
"""

from __future__ import annotations

import numpy as np

from checkers.outline import spread
from checkers.step_fit import Step
from checkers.tracking import Point
from checkers.units import frames_in

BEFORE_SECONDS = 0.4
HOLD_SECONDS = 0.5
# Outline spread units (outline.py) between the two sizes' median outlines: the least
# morph between outline classes moves it by 0.12 (outline_change.SPREAD_STEP); a ball read
# at 14 and at 22 px moves it by under 0.03 (tests/test_instant_resize.py).
OUTLINE_KEPT = 0.06
# Median |log area| of each size's sightings about their median: a level, not a cut still
# settling or flickering between two readings.
STEADY = 0.06


def made_at_once(open_view: list[Point], step: Step, amount: float, bar: float, fps: float):
    """The first sighting of the new size if the fitted `step` of log area (by `amount`,
    over `bar`) was made between two neighbouring frames by the same whole object, or None.
    `open_view`: the part's sightings clear of the frame's edge and of other parts."""
    if amount <= bar:
        return None
    before = [p for p in open_view if p.frame <= step.t0]
    after = [p for p in open_view if p.frame >= step.t1]
    old = before[-frames_in(BEFORE_SECONDS, fps, least=3) :]
    new = after[: frames_in(HOLD_SECONDS, fps, least=3)]
    if len(old) < frames_in(BEFORE_SECONDS, fps, least=3):
        return None
    if len(new) < frames_in(HOLD_SECONDS, fps, least=3):
        return None
    # Followed frame to frame, in open view, through both sizes and the step.
    frames = [p.frame for p in old + new]
    if any(b - a != 1 for a, b in zip(frames, frames[1:], strict=False)):
        return None
    if any(p.hides or p.merged for p in old + new):
        return None
    if not (_steady(old) and _steady(new)):
        return None
    if not _outline_kept(old, new):
        return None
    return new[0]


def _steady(level: list[Point]) -> bool:
    areas = np.log(np.maximum([p.det.area for p in level], 1.0))
    return float(np.median(np.abs(areas - np.median(areas)))) <= STEADY


def _outline_kept(old: list[Point], new: list[Point]) -> bool:
    """Both sizes' outlines read, and alike in spread (OUTLINE_KEPT)."""
    a = [spread(p.det.outline) for p in old if p.det.outline is not None]
    b = [spread(p.det.outline) for p in new if p.det.outline is not None]
    if len(a) < 3 or len(b) < 3:
        return False
    return abs(float(np.median(b)) - float(np.median(a))) <= OUTLINE_KEPT
