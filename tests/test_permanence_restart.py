"""Appearances after the background model restarts mid-clip (checkers/permanence.py): a
model restarted without a plate holds the frame it restarts on as backdrop, so a part born
in its first half second may be an object of that frame starting to move (tracker._young
marks it emerged). The frames before the restart settle it: a part born where no track was
lost at the restart came from nowhere; one born where such a track went may be that object.
"""

from __future__ import annotations

from test_permanence_arrivals import built

from checkers.permanence import PermanenceChecker

N = 24  # frames, 16 a second
RESTART = 8  # the camera fit failed here: the model restarted from this frame
WARM = 4  # frames the restarted model shows no parts
BORN = 14


def _young(track, start: int) -> None:
    first = track.points[0]
    first.emerged, first.emerged_why, first.model_start = True, ("young",), start


def arrivals(born_at: float, lost_at: float | None, start: int = RESTART, ball=True) -> list:
    """A ball rolling right all clip, lost while the restarted model warms up and found
    again; a new part born at BORN at x = born_at, marked emerged as young. With `lost_at`,
    a second ball seen until the restart at x = lost_at and never followed after it."""
    rolling = built([(40.0 + 2 * i, 60.0) for i in range(N)], [(20, 20)] * N, 0)
    gap = range(RESTART, RESTART + WARM)
    rolling.points = [p for p in rolling.points if p.frame not in gap]
    new = built([(born_at, 120.0)] * (N - BORN), [(20, 20)] * (N - BORN), 1, BORN)
    _young(new, start)
    tracks = {0: rolling, 1: new} if ball else {1: new}
    if lost_at is not None:
        tracks[2] = built([(lost_at, 120.0)] * RESTART, [(20, 20)] * RESTART, 2)
    checker = PermanenceChecker()
    checker.begin(1.0, 16.0, 180)
    checker._tracks = tracks
    checker._reliable = dict.fromkeys(range(N), True)
    checker._last, checker._size = N - 1, (320, 180)
    return [(e.kind, e.frame) for e in checker.finalize().events]


def test_a_part_born_where_nothing_stood_before_the_restart_appeared():
    assert arrivals(230.0, None) == [("appear", BORN)]
    # A ball lost at the restart far off (150 px away, 0.4 s before) is not it.
    assert arrivals(230.0, 80.0) == [("appear", BORN)]


def test_a_part_born_where_a_ball_was_lost_at_the_restart_emerged():
    assert arrivals(230.0, 215.0) == []


def bounced(born_x: float, born_y: float) -> list:
    """A ball falling 20 px a frame is lost at the restart at (100, 140); a new part is born
    at BORN, 7 frames on (where its fall would have taken it 140 px lower), at the point
    given; a second ball rolls right all clip (a trusted object before the restart)."""
    rolling = built([(40.0 + 2 * i, 30.0) for i in range(N)], [(20, 20)] * N, 0)
    fall = [(100.0, 140.0 - 20 * (RESTART - 1 - i)) for i in range(RESTART)]
    falling = built(fall, [(20, 20)] * RESTART, 2)
    new = built([(born_x, born_y)] * (N - BORN), [(20, 20)] * (N - BORN), 1, BORN)
    _young(new, RESTART)
    checker = PermanenceChecker()
    checker.begin(1.0, 16.0, 180)
    checker._tracks = {0: rolling, 1: new, 2: falling}
    checker._reliable = dict.fromkeys(range(N), True)
    checker._last, checker._size = N - 1, (320, 180)
    return [(e.kind, e.frame) for e in checker.finalize().events]


def test_a_part_born_where_a_falling_ball_bounced_back_to_emerged():
    # It fell into the restart and rose again: born on its path, 130 px short of where its
    # fall would have taken it (test9595 clip 280, clean).
    assert bounced(100.0, 150.0) == []
    assert bounced(100.0, 280.0) == []  # where the fall would have taken it


def test_a_part_born_beside_a_falling_ball_s_path_appeared():
    # 90 px to the side of its path (more than its size and 7 frames' slack): not that ball.
    assert bounced(190.0, 150.0) == [("appear", BORN)]


def test_a_part_born_young_with_no_object_seen_before_the_restart_emerged():
    # Nothing trusted in the frames before: that model may itself have held its objects.
    assert arrivals(230.0, None, ball=False) == []


def test_a_part_born_young_at_the_clip_start_emerged():
    # No frames before the model's first start: nothing to judge the part against.
    assert arrivals(230.0, None, start=0) == []


def test_the_tracker_notes_a_birth_while_a_restarted_model_is_young():
    """The camera fit cannot follow a change of the whole backdrop, so the model restarts
    there (frame 10); a disc that shows up 6 frames later is young, and the tracker notes
    why and since when, for permanence to judge it against the frames before."""
    from test_background_model import H, W, shaded_disc, texture
    from test_track_confidence import run_tracker

    first, second = texture(3)[:H, :W], texture(7)[:H, :W]
    images = [first] * 10 + [second] * 6
    images += [shaded_disc(second, 60 + 6 * t, 90, 14.0) for t in range(16, 24)]
    tracker = run_tracker(images)
    born = [t.points[0] for t in tracker.tracks.values() if t.points[0].frame >= 16]
    assert born and born[0].emerged_why == ("young",) and born[0].model_start == 10
