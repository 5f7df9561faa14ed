"""A split the tracker cuts as a piece of its own (tracking/splits.py) is dated from when the
parent's blob began to grow from one object to two, read off its mass as the parting rule
dates its splits (checkers/permanence_parting.py): the tracker dates it from when the
parent's outline began to come apart, frames after the copy began to draw out of it."""

from __future__ import annotations

from test_permanence_arrivals import built, permanence_events

N = 30
GROWS = 12  # the copy begins to draw out of the object
CUT = 17  # the tracker cuts it as a piece of its own


def split_events(origin: int) -> list[tuple[str, int]]:
    """A 20 px ball sliding right 1 px a frame; from GROWS its blob stretches 4 px a frame
    to twice its width; at CUT it is cut as the ball and a piece beside it, which the
    tracker marks as split off, dated from `origin`."""
    path, sizes = [], []
    for i in range(CUT):
        grown = 4 * max(0, i - GROWS + 1)
        path.append((40.0 + i + grown / 2, 90.0))
        sizes.append((20 + grown, 20))
    path += [(40.0 + i, 90.0) for i in range(CUT, N)]
    sizes += [(20, 20)] * (N - CUT)
    ball = built(path, sizes, 0)
    piece = built(
        [(62.0 + 5 * (i - CUT), 90.0) for i in range(CUT, N)], [(20, 20)] * (N - CUT), 1, CUT
    )
    piece.points[0].how = "split"
    piece.points[0].near = [0]
    piece.parent, piece.origin = 0, origin
    return permanence_events({0: ball, 1: piece}, N)


def test_a_split_is_dated_from_when_the_parents_blob_began_to_grow():
    # The tracker said 16; the blob held more than one object from frame 12. On main: 16.
    assert split_events(origin=16) == [("split", GROWS)]


def test_an_earlier_tracker_date_stands():
    assert split_events(origin=10) == [("split", 10)]
