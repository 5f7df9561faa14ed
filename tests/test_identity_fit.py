"""Changes of look of a background-model part fitted among the steps a rule can judge
(checkers/step_fit.Allowed, used by checkers/identity_motion.py).

A part's cut often jumps at once somewhere on its track: its first sightings hold only
some of the object (it is coming out of the model's picture), or it merges with another
part for a frame. Fitting the single best step of the whole series and then rejecting it
as too quick hid a slower, real change elsewhere on the same track; fitting only the
steps that are slow enough, seen before and held after, finds it. A track with the quick
jump alone is still no change.
"""

from __future__ import annotations

import numpy as np

from checkers.identity_motion import MotionLooks
from checkers.segment import Detection
from checkers.step_fit import Allowed, fit_step
from checkers.tracking import Point, Track

FPS = 15.0
FRAMES = 40
GREEN, RED = (40, 160, 60), (200, 40, 40)


def _sighting(f: int, side: float) -> Point:
    det = Detection(100.0, 60.0, (88, 48, int(side), int(side)), side * side * 0.8,
                    np.zeros(3), 1.0, np.zeros(64), np.array([0.8, 0.96, 0.79]), False,
                    "motion")  # fmt: skip
    return Point(f, f / FPS, 100.0, 60.0, det, "motion", False)


def _side(f: int, cut_first: int) -> float:
    """A ball of side 25 px whose first `cut_first` sightings show a sliver of it (8 px)."""
    return 8.0 if f < cut_first else 25.0


def _change(sides, colors=None):
    track = Track(1, [_sighting(f, s) for f, s in enumerate(sides)])
    looks = MotionLooks()
    for p, color in zip(track.points, colors or [GREEN] * len(sides), strict=True):
        looks.add(track.id, p.frame, np.full((120, 200, 3), color, np.uint8), p.det)
    return looks.change(track, dict.fromkeys(range(len(sides)), True), FPS, 1.0)


def test_a_first_cut_that_held_a_sliver_is_no_change():
    # The fit may not stretch the quick jump into an allowed, slow one.
    assert _change([_side(f, cut_first=3) for f in range(FRAMES)]) is None


def _blend(a, b, share: float):
    return tuple(int(round(x + (y - x) * share)) for x, y in zip(a, b, strict=True))


def test_a_hue_drift_after_a_merged_sighting_is_found_where_it_began():
    # Frames 3-5 the part took in a red neighbour (a quick jump and back); from frame 22 to
    # 30 the ball itself turns red.
    colors = [RED if 3 <= f <= 5 else _blend(GREEN, RED, np.clip((f - 22) / 8, 0, 1))
              for f in range(FRAMES)]  # fmt: skip
    change = _change([25.0] * FRAMES, colors)
    assert change is not None and change.key == "color", change
    assert abs(change.start.frame - 22) <= 2, change


def test_a_merged_sighting_alone_is_no_hue_change():
    colors = [RED if 3 <= f <= 5 else GREEN for f in range(FRAMES)]
    assert _change([25.0] * FRAMES, colors) is None


def test_a_change_still_under_way_as_the_track_ends_is_found_where_it_began():
    # Green to red, and 25 to 38 px, from frame 22 over 11 frames; the track ends at 34,
    # so the fitted change ends one sighting before it. Past the bar for HOLD_SECONDS
    # before the end, the change is a change (main fitted its end last and saw it held once).
    n = 35
    colors = [_blend(GREEN, RED, np.clip((f - 22) / 11, 0, 1)) for f in range(n)]
    hue = _change([25.0] * n, colors)
    assert hue is not None and hue.key == "color", hue
    assert abs(hue.start.frame - 22) <= 2, hue
    size = _change([25.0 + 13.0 * float(np.clip((f - 22) / 11, 0, 1)) for f in range(n)])
    assert size is not None and size.key == "size", size
    assert abs(size.start.frame - 22) <= 2, size


def test_a_change_begun_just_before_the_track_ends_is_no_change():
    # The same changes seen past the bar for less than HOLD_SECONDS: not known to hold.
    n = 29
    colors = [_blend(GREEN, RED, np.clip((f - 22) / 11, 0, 1)) for f in range(n)]
    assert _change([25.0] * n, colors) is None
    assert _change([25.0 + 13.0 * float(np.clip((f - 22) / 11, 0, 1)) for f in range(n)]) is None


def test_only_allowed_steps_are_fitted():
    frames = np.arange(30, dtype=float)
    values = np.clip((frames - 10) / 6, 0, 1) + np.where(frames >= 28, 3.0, 0.0)
    assert fit_step(frames, values).t1 - fit_step(frames, values).t0 < 4  # the last jump
    step = fit_step(frames, values, Allowed.seen(frames, before=3, after=3, ramp=4.0))
    assert step.t0 >= 2.0 and step.t1 <= 27.0 and step.t1 - step.t0 >= 4.0
    assert fit_step(frames, values, Allowed(start=10.0, end=12.0, ramp=4.0)) is None
    assert Allowed.seen(frames[:5], before=3, after=3, ramp=1.0) is None
