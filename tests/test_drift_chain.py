"""A hue drift split across a break of the object's track (checkers/drift_chain.py).

On background-model tracks built by hand (12 fps, a square moving right): a red object turning
green over 0.8 s whose track ends partway through and is taken on by a new one is one drift
(TUNE dev1515 180 and fresh4711 58: missed on main, where neither track's own hue fit passed
the bar); a red track ending where a green one goes on (another object taking the place
over in one frame) is none. A one-frame switch where the new part begins off the old one's
lead (at a bounce) is joined here and judged by chroma_step.py (held9191 52, missed on main).
"""

from __future__ import annotations

import numpy as np

from checkers.chroma_step import chroma_steps
from checkers.drift_chain import chained_drifts, successions
from checkers.identity_motion import MotionLooks
from checkers.look_switch import motion_switches
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


def _bouncing(tid: int, frames) -> Track:
    """A square falling 6 px a frame to frame 14, then rising 4 px a frame (a bounce)."""
    track = _track(tid, frames)
    for p in track.points:
        y = 72.0 + 6.0 * min(p.frame, 14) - 4.0 * max(0, p.frame - 14)
        p.x, p.y = 80.0, y
        p.det.cx, p.det.cy = 80.0, y
        p.det.bbox = (round(80.0 - SIDE / 2), round(y - SIDE / 2), round(SIDE), round(SIDE))
    return track


def test_a_switch_at_a_bounce_is_judged_at_the_join():
    # Red to frame 14 (the bounce), green on a new track from frame 15: the old path's lead
    # is 16 px below where the new part is, past look_switch's reach (half the size, 12 px):
    # missed on main, as held9191 52 was.
    old, new = _bouncing(1, range(0, 15)), _bouncing(2, range(15, 40))
    old.points[-1].y = old.points[-1].det.cy = 72.0 + 6.0 * 14 + 3.0  # caught a little lower
    tracks = {1: old, 2: new}
    chroma = {(1, f): RED for f in range(0, 15)} | {(2, f): GREEN for f in range(15, 40)}
    reliable = dict.fromkeys(range(40), True)

    def chroma_of(t, f):
        return chroma.get((t, f))

    assert motion_switches(tracks, FPS, reliable, chroma_of) == []
    pairs = successions(tracks, FPS)
    assert [(o.id, n.id) for o, n in pairs] == [(1, 2)]
    found = chroma_steps(tracks, reliable, chroma_of, FPS, 1.0, pairs)
    assert [s.start.frame for s in found] == [15]
