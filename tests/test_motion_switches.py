"""Color switches of background-model parts joined at a track's end
(checkers/look_switch.py motion_switches).

On tracks built by hand (16 fps), a part ends and another begins where its path leads the
next frame:
- along the frame's bottom, its box touching the border on every sighting (an object on a
  floor at the bottom of the frame), in another hue: joined and judged off the hue line as
  in open view (TUNE held9191 146: the old look was seen only there, and main judged
  nothing); a part that only comes into shadow there is no switch;
- from a dull old look (chroma under DULL_CHROMA) to a saturated one whose hue lies near
  the dull one's line: the whole distance counts (TUNE d3131 67, 31 off the line, 65 in
  all); the same dull part only brightened is no switch;
- whose track is found again later (spent wild 1618 12, 4181 37): it ended at the switch
  all the same; found again while the new look is still to hold, it is no end.
"""

from __future__ import annotations

import numpy as np
import pytest

from checkers.identity_motion import HUE_SHIFT
from checkers.look_switch import motion_switches
from checkers.segment import Detection
from checkers.tracking import Point, Track

FPS = 16.0
RED_AB, BLUE_AB = np.array([40.0, 30.0]), np.array([10.0, -40.0])


def _track(tid: int, frames: range, x0: float, at_edge: bool = True) -> Track:
    points = []
    for f in frames:
        x = x0 + 2.0 * (f - frames[0])
        det = Detection(x, 170.0, (int(x) - 10, 160, 20, 20), 400.0, np.zeros(3), 1.0,
                        np.zeros(64), np.zeros(3), at_edge, "motion")  # fmt: skip
        how = "new" if f == frames[0] else "motion"
        points.append(Point(f, f / FPS, x, 170.0, det, how, at_edge))
    return Track(tid, points)


@pytest.fixture
def trusted(monkeypatch):
    # The join at the edge is under test here, not the tracks' confidence.
    monkeypatch.setattr(Track, "solid", property(lambda self: True))


@pytest.mark.parametrize(("after", "switched"), [(BLUE_AB, True), (0.5 * RED_AB, False)])
def test_a_part_along_the_frames_bottom_is_judged_at_its_switch(trusted, after, switched):
    old, new = _track(1, range(0, 15), 20.0), _track(2, range(15, 30), 50.0)

    def chroma(tid, frame):
        return RED_AB if tid == 1 else after

    reliable = dict.fromkeys(range(30), True)
    found = motion_switches({1: old, 2: new}, FPS, reliable, chroma)
    assert len(found) == 1 and found[0][:3] == (old, new, 15), found
    assert (found[0][3] > HUE_SHIFT) == switched, found


DULL_AB, SATURATED_AB = np.array([1.0, 7.0]), np.array([-22.0, 68.0])


@pytest.mark.parametrize(("after", "switched"), [(SATURATED_AB, True), (1.8 * DULL_AB, False)])
def test_a_switch_from_a_dull_look_counts_its_whole_distance(trusted, after, switched):
    old, new = _track(1, range(0, 15), 20.0, False), _track(2, range(15, 30), 50.0, False)

    def chroma(tid, frame):
        return DULL_AB if tid == 1 else after

    reliable = dict.fromkeys(range(30), True)
    (found,) = motion_switches({1: old, 2: new}, FPS, reliable, chroma)
    assert (found[3] > HUE_SHIFT) == switched, found


def _refound(again: int) -> Track:
    """Seen 0-14, unseen, found again from frame `again` to 35 (elsewhere)."""
    track = _track(1, range(0, 15), 20.0, False)
    later = _track(1, range(again, 36), 150.0, False)
    for p in later.points:
        p.how = "motion"
    track.points += later.points
    return track


@pytest.mark.parametrize(("again", "joined"), [(26, True), (17, False)])
def test_a_track_found_again_later_ended_at_the_switch(trusted, again, joined):
    old, new = _refound(again), _track(2, range(15, 30), 50.0, False)

    def chroma(tid, frame):
        return RED_AB if tid == 1 else BLUE_AB

    reliable = dict.fromkeys(range(36), True)
    found = motion_switches({1: old, 2: new}, FPS, reliable, chroma)
    assert bool(found) == joined, found
    if joined:
        (ended, begun, frame, shift) = found[0]
        assert (ended.id, begun, frame) == (1, new, 15) and shift > HUE_SHIFT, found
        assert ended.seen[-1].frame == 14


@pytest.mark.parametrize(("start", "joined"), [(16, True), (17, False)])
def test_a_switch_caught_mid_way_for_a_frame_is_joined_past_it(trusted, start, joined):
    # The frame of the switch shows a blend of both colors, cut as a one-sighting part of
    # its own (spent wild 8761 clip 261, 9431 clip 184): the new track begins a frame later
    # where the old one's path leads. Two frames later is no longer the same switch.
    old = _track(1, range(0, 15), 20.0, False)
    blend = _track(2, range(15, 16), 50.0, False)
    new = _track(3, range(start, 31), 20.0 + 2.0 * start, False)
    # The new part covers where the tracker still predicts both lost tracks.
    new.points[0].hides = [1, 2]
    for p in new.points[1:4]:
        p.hides = [2]

    def chroma(tid, frame):
        return {1: RED_AB, 2: 0.5 * (RED_AB + BLUE_AB)}.get(tid, BLUE_AB)

    reliable = dict.fromkeys(range(31), True)
    found = motion_switches({1: old, 2: blend, 3: new}, FPS, reliable, chroma)
    assert [(o.id, n.id, f) for o, n, f, _ in found] == ([(1, 3, start)] if joined else [])
    if joined:
        assert found[0][3] > HUE_SHIFT
