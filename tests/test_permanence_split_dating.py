"""A split the tracker cuts as a piece of its own (tracking/splits.py) is dated from the
first frame its parent's blob is wider than one piece along the line the two part on: the
copy drawing out of it (permanence_parting.drew_out_at). Where the blob does not show that,
it is dated from when the parent's blob began to grow from one object to two, read off its
mass as the parting rule dates its splits, or from the tracker's date when earlier: the
tracker dates it from when the parent's outline began to come apart."""

from __future__ import annotations

from test_permanence_arrivals import built, permanence_events

N = 30
GROWS = 12  # the copy begins to draw out of the object
CUT = 17  # the tracker cuts the copy as a piece of its own
SPEED = 4  # px a frame the copy draws away from the ball at


def split_events(origin: int, unseen: range = range(0)) -> list[tuple[str, int]]:
    """A 20 px ball sliding right 1 px a frame; from GROWS its blob stretches SPEED px a
    frame as its copy draws out of it; at CUT the copy is cut as a piece of its own, which
    the tracker marks as split off, dated from `origin`. The blob is not seen in frames
    `unseen` (gone behind something)."""
    path, sizes = [], []
    for i in range(CUT):
        grown = SPEED * max(0, i - GROWS + 1)
        path.append((40.0 + i + grown / 2, 90.0))
        sizes.append((20 + grown, 20))
    path += [(40.0 + i, 90.0) for i in range(CUT, N)]
    sizes += [(20, 20)] * (N - CUT)
    ball = built(path, sizes, 0)
    for point in ball.points[unseen.start : unseen.stop]:
        point.det = None
    apart = [40.0 + i + SPEED * (i - GROWS + 1) for i in range(CUT, N)]
    piece = built([(x, 90.0) for x in apart], [(20, 20)] * (N - CUT), 1, CUT)
    piece.points[0].how = "split"
    piece.points[0].near = [0]
    piece.parent, piece.origin = 0, origin
    return permanence_events({0: ball, 1: piece}, N)


def test_a_split_is_dated_from_when_the_copy_began_to_draw_out():
    # The tracker said 16; the blob is wider than one piece from GROWS.
    assert split_events(origin=16) == [("split", GROWS)]


def test_a_tracker_date_before_the_copy_drew_out_is_overruled():
    # The parent passed its usual area early (coming out from behind something, seen a
    # little larger as it turned): the tracker dated the split from then. On main: 5.
    assert split_events(origin=5) == [("split", GROWS)]


def test_a_blob_not_seen_as_it_grew_is_dated_off_its_mass_or_the_tracker():
    assert split_events(origin=16, unseen=range(CUT - 3, CUT)) == [("split", 16)]
    assert split_events(origin=10, unseen=range(CUT - 3, CUT)) == [("split", 10)]
