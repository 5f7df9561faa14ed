"""A resized part keeps its color (checkers/resize_gates.py kept_color, judged in
checkers/identity_motion.py).

On a track built by hand (12 fps, a square cut, as test_resize_gates.py) that shrinks: with
one green middle throughout it is a size change; when its middle was gray at the old size
and green at the new one, the track followed another object for one of its sizes and it is
none (TUNE held9191 114: a clean clip's size event on main).
"""

from __future__ import annotations

import numpy as np
from test_resize_gates import SIGHTINGS, _side, _track

from checkers.identity_motion import MotionLooks

GREEN, GRAY = (40, 160, 60), (120, 120, 120)
FPS = 12.0


def _change(old_color):
    track = _track(1, {f: _side(f, 16, 8, 30.0, 16.0) for f in range(SIGHTINGS)})
    looks = MotionLooks()
    for p in track.points:
        color = old_color if p.frame < 16 else GREEN
        looks.add(track.id, p.frame, np.full((160, 240, 3), color, np.uint8), p.det)
    return looks.change(track, dict.fromkeys(range(SIGHTINGS), True), FPS, 1.0)


def test_a_shrink_in_one_color_is_a_size_change():
    change = _change(GREEN)
    assert change is not None and change.key == "size", change


def test_a_shrink_whose_middle_changed_color_with_it_is_no_size_change():
    change = _change(GRAY)
    assert change is None or change.key != "size", change
