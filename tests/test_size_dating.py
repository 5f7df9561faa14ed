"""A resize of a background-model part made while it is in front of another part is dated
where it began (checkers/identity_motion.py).

On a track built by hand: a square's cut steady, then in front of another part (its
sightings marked `hides`) from frame 8 to 19, shrinking to 0.55 of its size from frame 14,
and in open view again from frame 20. The open-view sightings leave the start anywhere in
the gap; the sightings in front of the other part show it (main: dated at frame 7, the
last open-view sighting before the gap).
"""

from __future__ import annotations

import numpy as np

from checkers.identity_motion import MotionLooks
from checkers.segment import Detection
from checkers.tracking import Point, Track

FPS, SIGHTINGS, SHRINK_AT, SHRINK_FRAMES = 12.0, 40, 14, 6
IN_FRONT = range(8, 20)


def _track(in_front=IN_FRONT) -> Track:
    rng = np.random.default_rng(5)
    points = []
    for f in range(SIGHTINGS):
        scale = 1.0 - 0.45 * float(np.clip((f - SHRINK_AT) / SHRINK_FRAMES, 0.0, 1.0))
        side = 30.0 * scale
        area = side * side * (1.0 + 0.02 * rng.standard_normal())
        box = (100, 60, round(side), round(side))
        det = Detection(115.0, 75.0, box, area, np.zeros(3), 1.0, np.zeros(64),
                        np.array([0.78, 0.98, 1.0]), False, "motion")  # fmt: skip
        hides = [2] if f in in_front else []
        points.append(Point(f, f / FPS, 115.0, 75.0, det, "motion", False, hides=hides))
    return Track(1, points)


def _change(track: Track):
    looks = MotionLooks()
    image = np.full((160, 240, 3), (40, 160, 60), np.uint8)
    for p in track.points:
        looks.add(track.id, p.frame, image, p.det)
    return looks.change(track, dict.fromkeys(range(SIGHTINGS), True), FPS, 1.0)


def test_a_resize_in_front_of_another_part_is_dated_where_it_began():
    change = _change(_track())
    assert change is not None and change.key == "size", change
    assert abs(change.start.frame - SHRINK_AT) <= 2, change


def test_the_same_resize_in_open_view_is_dated_alike():
    change = _change(_track(in_front=()))
    assert change is not None and change.key == "size", change
    assert abs(change.start.frame - SHRINK_AT) <= 2, change
