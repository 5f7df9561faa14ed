"""Appearances judged on built background-model tracks (checkers/permanence.py): a part
born where other parts stood the frame before is one blob cut anew, not an object out of
nowhere; the same part born where the backdrop showed is an appearance."""

from __future__ import annotations

from test_track_confidence import UNITS, det

from checkers.permanence import PermanenceChecker
from checkers.tracking import Point, Track

N = 20  # frames, 16 a second
BORN = 10


def built(path, sizes, tid: int, start: int = 0) -> Track:
    t = Track(tid, units=UNITS)
    for i, ((x, y), (w, h)) in enumerate(zip(path, sizes, strict=True), start):
        how = "new" if i == start else "motion"
        t.points.append(Point(i, i / UNITS.fps, x, y, det(x, y, w, h), how, False))
    return t


def arrivals(born_at: float) -> list[tuple[str, int]]:
    """A blob of two objects side by side (40 x 20 px) sliding right; at BORN only its left
    half is cut as that track, and a new part of 20 x 20 px is born at x = born_at."""
    steps = [(100 + i, 90.0) for i in range(BORN)] + [(90 + i, 90.0) for i in range(BORN, N)]
    sizes = [(40, 20)] * BORN + [(20, 20)] * (N - BORN)
    blob = built(steps, sizes, 0)
    new = built([(born_at + i, 90.0) for i in range(N - BORN)], [(20, 20)] * (N - BORN), 1, BORN)
    return permanence_events({0: blob, 1: new}, N)


def permanence_events(tracks, frames: int) -> list[tuple[str, int]]:
    """(kind, frame) of the permanence events on `tracks`, every one of `frames` reliable,
    on a 320x180 analysis frame."""
    checker = PermanenceChecker()
    checker.begin(1.0, UNITS.fps, 180)
    checker._tracks = tracks
    checker._reliable = dict.fromkeys(range(frames), True)
    checker._last, checker._size = frames - 1, (320, 180)
    return [(e.kind, e.frame) for e in checker.finalize().events]


def test_a_part_born_where_a_blob_stood_the_frame_before_did_not_appear():
    # Its box lies 18 of its 20 px wide inside the blob's last box: the blob's right half.
    assert arrivals(125.0) == []


def test_a_part_born_where_the_backdrop_showed_appeared():
    assert arrivals(170.0) == [("appear", BORN)]


def brushed(first_touch: int, lost: range = range(0)) -> list[tuple[str, int]]:
    """A still part born at BORN on open backdrop, which a second part sliding past brushes
    (their boxes touch) for 15 frames from `first_touch` on: half of the new part's life.
    The new part is not seen in the frames `lost`."""
    frames, last_touch = 40, first_touch + 15
    new = built([(200.0, 90.0)] * (frames - BORN), [(20, 20)] * (frames - BORN), 1, BORN)
    new.points = [p for p in new.points if p.frame not in lost]
    mover = built([(60.0 + 6 * i, 90.0) for i in range(frames)], [(20, 20)] * frames, 0)
    for p in new.points:
        if first_touch <= p.frame < last_touch:
            p.near, mover.points[p.frame].near = [0], [1]
    return permanence_events({0: mover, 1: new}, frames)


def test_a_part_brushed_by_a_mover_long_after_it_arrived_still_appeared():
    # Touching half the time rules it out as an object in general (confidence 'apart'); how
    # it arrived is read off its first 0.5 s, when nothing touched it. Fails on main.
    assert brushed(first_touch=BORN + 12) == [("appear", BORN)]


def test_a_part_touched_as_it_arrives_is_not_judged_on_its_own():
    assert brushed(first_touch=BORN + 2) == []


def test_a_part_lost_soon_after_it_arrived_is_not_judged_on_its_own():
    # Seen 0.25 s of its first 0.5 s: apart only while it was seen.
    assert brushed(first_touch=BORN + 12, lost=range(BORN + 4, BORN + 12)) == []
