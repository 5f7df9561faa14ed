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
  HOLD_SECONDS, longer than a gradual resize must hold (a cut's jump comes and goes);
- the camera: a zoom (a punch-in) resizes everything in view at once; the camera's fitted
  scale over that frame must explain little of the step.

The step is found as the largest one-frame change of area near the fitted one: a long
series is fitted on pooled sightings (step_fit.pooled_fit), whose bends may fall a frame or
two either side of where the area jumped.
"""

from __future__ import annotations

import numpy as np

from checkers.outline import spread
from checkers.step_fit import Step
from checkers.tracking import Point
from checkers.units import frames_in

BEFORE_SECONDS = 0.4
HOLD_SECONDS = 0.5
# Seconds either side of the fitted step where the one-frame jump is looked for.
REACH_SECONDS = 0.5
# Share of the step between the two sizes' medians that one frame must bring: the rest is
# the levels' own jitter, not a ramp.
AT_ONCE = 0.8
# Outline spread units (outline.py) between the two sizes' median outlines: the least
# morph between outline classes moves it by 0.12 (outline_change.SPREAD_STEP); a ball read
# at 14 and at 22 px radius (9 px) moves it by 0.02-0.025 (tests/test_instant_resize.py).
OUTLINE_KEPT = 0.06
# Median |log area| of each size's sightings about their median: a level, not a cut still
# settling or flickering between two readings.
STEADY = 0.06
# Share of the step (log area) the camera's own change of scale over the frame may explain.
CAMERA_SHARE = 0.5


def made_at_once(
    open_view: list[Point], step: Step, bar: float, fps: float, zoom=None
) -> tuple[Point, float] | None:
    """(first sighting of the new size, |log area ratio|) if the resize near the fitted
    `step` was made between two neighbouring frames by the same whole object and exceeds
    `bar`, or None. `open_view`: the part's sightings clear of the frame's edge and of other
    parts; `zoom`: frame -> the camera's change of scale into that frame (FrameObservation)."""
    jump = _largest_jump(open_view, step, fps)
    if jump is None:
        return None
    old = open_view[:jump][-frames_in(BEFORE_SECONDS, fps, least=3) :]
    new = open_view[jump:][: frames_in(HOLD_SECONDS, fps, least=3)]
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
    before, after = _log_areas(old), _log_areas(new)
    if not (_steady(before) and _steady(after)):
        return None
    amount = abs(float(np.median(after)) - float(np.median(before)))
    if amount <= bar or abs(after[0] - before[-1]) < AT_ONCE * amount:
        return None
    scale = (zoom or {}).get(new[0].frame, 1.0)
    if 2.0 * abs(float(np.log(scale))) > CAMERA_SHARE * amount:
        return None
    if not _outline_kept(old, new):
        return None
    return new[0], amount


def _largest_jump(open_view: list[Point], step: Step, fps: float) -> int | None:
    """Index of the sighting after the largest change of log area between two neighbouring
    frames within REACH_SECONDS of the fitted step, or None."""
    reach = REACH_SECONDS * fps
    areas = _log_areas(open_view)
    best, at = 0.0, None
    for i in range(1, len(open_view)):
        a, b = open_view[i - 1].frame, open_view[i].frame
        if b - a != 1 or not step.t0 - reach <= b <= step.t1 + reach:
            continue
        change = abs(float(areas[i] - areas[i - 1]))
        if change > best:
            best, at = change, i
    return at


def _log_areas(level: list[Point]) -> np.ndarray:
    return np.log(np.maximum([p.det.area for p in level], 1.0))


def _steady(values: np.ndarray) -> bool:
    return float(np.median(np.abs(values - np.median(values)))) <= STEADY


def _outline_kept(old: list[Point], new: list[Point]) -> bool:
    """Both sizes' outlines read, and alike in spread (OUTLINE_KEPT)."""
    a = [spread(p.det.outline) for p in old if p.det.outline is not None]
    b = [spread(p.det.outline) for p in new if p.det.outline is not None]
    if len(a) < 3 or len(b) < 3:
        return False
    return abs(float(np.median(b)) - float(np.median(a))) <= OUTLINE_KEPT
