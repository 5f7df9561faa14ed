"""The tracker's thresholds in seconds and short sides (checkers/units.py).

A track missing behind something is kept for a time, not a number of frames: at 32 fps an
object hidden for 1.4 s (45 frames, more than the 30 frames kept at 16 fps) is still the
same object when it comes back.
"""

from __future__ import annotations

import numpy as np

from checkers.tracking import Tracker
from checkers.tracking.missing import MAX_GAP
from checkers.tracking.tracker import FIRST_STEP
from checkers.tracking.tracks import MAX_ACCEL
from checkers.units import Units
from checkers.video import Frame

W, H = 320, 180


def square(x: float, show: bool) -> np.ndarray:
    image = np.full((H, W, 3), 128, np.uint8)
    if show:
        image[80:100, int(x) : int(x) + 20] = (200, 40, 40)
    return image


def test_a_track_is_kept_for_seconds_not_frames():
    fps = 32.0
    tracker = Tracker(W, H, fps, background=False)
    hidden = range(12, 12 + 45)  # 1.4 s
    for i in range(12 + 45 + 8):
        tracker.update(Frame(i, i / fps, square(100 + 0.2 * i, i not in hidden)))
    tracks = [t for t in tracker.tracks.values() if t.seen]
    assert len(tracks) == 1, "the object back after 1.4 s is the same track"


def test_the_thresholds_convert_back_at_the_tuned_size_and_rate():
    units = Units.of(180, 16)
    assert units.frames(MAX_GAP) == 30
    assert abs(units.speed(FIRST_STEP) - 24.0) < 1e-9
    assert abs(units.accel(MAX_ACCEL) - 3.0) < 1e-9
