"""The tracker's thresholds in seconds and short sides (checkers/units.py).

A track missing behind something is kept for a time, not a number of frames: at 32 fps an
object hidden for 1.4 s (45 frames, more than the 30 frames kept at 16 fps) is still the
same object when it comes back.
"""

from __future__ import annotations

import numpy as np

from checkers.tracking import Tracker
from checkers.tracking.missing import MAX_GAP, ONCE_GAP
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


def test_a_part_seen_once_is_not_waited_for_long():
    # A flash at frame 2, then a square of its color at its place from 1.1 s later on: a
    # part seen once has no motion to follow, so the later one is a track of its own (fails
    # on main: the flash's track waited 1.875 s and took it).
    fps = 16.0
    tracker = Tracker(W, H, fps, background=False)
    back = 2 + round(1.1 * fps)
    assert back - 2 > Units.of(H, fps).frames(ONCE_GAP)
    for i in range(back + 8):
        tracker.update(Frame(i, i / fps, square(100, i == 2 or i >= back)))
    firsts = sorted(t.seen[0].frame for t in tracker.tracks.values() if t.seen)
    assert firsts == [2, back]


def test_the_thresholds_convert_back_at_the_tuned_size_and_rate():
    units = Units.of(180, 16)
    assert units.frames(MAX_GAP) == 30
    assert abs(units.speed(FIRST_STEP) - 24.0) < 1e-9
    assert abs(units.accel(MAX_ACCEL) - 3.0) < 1e-9
