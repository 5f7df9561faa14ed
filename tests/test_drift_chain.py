"""A hue drift split across a break of the object's track (checkers/drift_chain.py).

On background-model tracks built by hand (12 fps, a square moving right): a red object turning
green over 0.8 s whose track ends partway through and is taken on by a new one is one drift
(TUNE dev1515 180 and fresh4711 58: missed on main, where neither track's own hue fit passed
the bar); a red track ending where a green one goes on (another object taking the place
over in one frame) is none.
"""

from __future__ import annotations

import numpy as np

from checkers.drift_chain import chained_drifts
from checkers.identity_motion import MotionLooks
from checkers.segment import Detection
from checkers.tracking import Point, Track
from checkers.units import Units

FPS, SIDE, SPEED = 12.0, 24.0, 3.0  # frames a second, px, px a frame
RED, GREEN = np.array([40.0, 30.0]), np.array([-30.0, 40.0])  # core (a, b), 50 off red's line


def _track(tid: int, frames) -> Track:
    points = []
    for f in frames:
        cx = 40.0 + SPEED * f
        box = (round(cx - SIDE / 2), 60, round(SIDE), round(SIDE))
        det = Detection(cx, 72.0, box, SIDE * SIDE, np.zeros(3), 1.0, np.zeros(64),
                        np.array([0.78, 0.98, 1.0]), False, "motion")  # fmt: skip
        how = "new" if f == frames[0] else "motion"
        points.append(Point(f, f / FPS, cx, 72.0, det, how, False))
    return Track(tid, points, units=Units.of(160, FPS))


def _drift(f: int) -> np.ndarray:
    """Red to frame 10, green from frame 20, a straight blend between."""
    share = float(np.clip((f - 10) / 10, 0.0, 1.0))
    return RED + share * (GREEN - RED)


def _chains(color_of_old, color_of_new):
    old, new = _track(1, range(0, 17)), _track(2, range(17, 40))
    chroma = {(1, f): color_of_old(f) for f in range(0, 17)}
    chroma |= {(2, f): color_of_new(f) for f in range(17, 40)}
    tracks = {1: old, 2: new}
    assert old.solid and new.solid
    found = chained_drifts(tracks, dict.fromkeys(range(40), True), lambda t, f: chroma.get((t, f)),
                           FPS, 1.0)  # fmt: skip
    return tracks, chroma, found


def test_a_drift_split_across_two_tracks_is_one_change_where_it_began():
    tracks, chroma, found = _chains(_drift, _drift)
    assert [(old.id, new.id) for old, new, _ in found] == [(1, 2)]
    assert abs(found[0][2].start.frame - 10) <= 1, found[0][2].start.frame
    # Neither track alone passes identity_motion's hue rule (what main judged).
    for track in tracks.values():
        looks = MotionLooks()
        looks._chroma = {key: value for key, value in chroma.items() if key[0] == track.id}
        assert looks.change(track, dict.fromkeys(range(40), True), FPS, 1.0) is None


def test_a_track_taken_over_by_another_color_at_once_is_no_drift():
    # Red to its last sighting, then a green part goes on where it was: a one-frame change.
    assert _chains(lambda f: RED, lambda f: GREEN)[2] == []
