"""A fast object the tracker cannot follow is cut as a new part in each frame and lost in
the next (checkers/permanence_births.py, cut_again): a part born the frame a young part of
its size and look was lost, within a frame's fastest motion of it, is that object's next
cut; born further off, it appeared from nowhere."""

from __future__ import annotations

from test_permanence_arrivals import UNITS, built

from checkers.permanence import PermanenceChecker
from checkers.tracking import Point

N = 20  # frames, 16 a second
BORN = 10


def arrivals(
    lost_at: tuple[float, float], seen: int = 1, step: tuple[float, float] = (0.0, 0.0)
) -> list[tuple[str, int]]:
    """A ball sliding right all clip (a trusted object); a part seen `seen` frames up to
    BORN - 1 ending at `lost_at`, moving `step` px a frame, and lost at BORN; a new part of its size born at BORN at
    (150, 150) and staying."""
    ball = built([(40.0 + i, 30.0) for i in range(N)], [(20, 20)] * N, 0)
    start = BORN - seen
    path = [(lost_at[0] - step[0] * k, lost_at[1] - step[1] * k) for k in range(seen - 1, -1, -1)]
    lost = built(path, [(20, 20)] * seen, 2, start)
    lost.points.append(Point(BORN, BORN / UNITS.fps, *lost_at, None, "missing", False))
    new = built([(150.0, 150.0)] * (N - BORN), [(20, 20)] * (N - BORN), 1, BORN)
    checker = PermanenceChecker()
    checker.begin(1.0, UNITS.fps, 180)
    checker._tracks = {0: ball, 1: new, 2: lost}
    checker._reliable = dict.fromkeys(range(N), True)
    checker._last, checker._size = N - 1, (320, 180)
    return [(e.kind, e.frame) for e in checker.finalize().events]


def test_a_part_born_below_a_falling_part_lost_as_it_was_born_is_its_next_cut():
    # 60 px above, seen once (a ball falling 60 px a frame, 5.3 short sides a second at
    # 16 fps): within its size and a frame of the fastest motion (45 px) of the new part.
    assert arrivals((150.0, 90.0)) == []


def test_a_part_born_far_from_a_young_part_lost_as_it_was_born_appeared():
    assert arrivals((150.0, 20.0)) == [("appear", BORN)]


def test_a_part_born_beside_a_long_seen_part_lost_as_it_was_born_appeared():
    # A part seen for 6 frames the tracker followed: not a fast object's cut (a trusted
    # object lost there is judged a jump; this one is not trusted, being still all along).
    assert arrivals((150.0, 90.0), seen=6) == [("appear", BORN)]


def test_a_part_born_away_from_a_young_part_standing_still_appeared():
    # Seen twice standing still 60 px above, then lost: its next cut would be where it
    # stood, so the new part is no cut of it (review, session 23).
    assert arrivals((150.0, 90.0), seen=2) == [("appear", BORN)]


def test_a_part_born_where_a_young_fast_part_was_heading_is_its_next_cut():
    # Seen twice falling 60 px a frame: the new part is born where that fall carries it.
    assert arrivals((150.0, 90.0), seen=2, step=(0.0, 60.0)) == []
