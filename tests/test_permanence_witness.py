"""A lost track whose object the frame still shows is not a vanish (checkers/permanence_witness.py):
the background model can learn a slow or dull object into the backdrop, but the frame after
the loss still shows the object's core where it was; a vanish leaves the backdrop there."""

from __future__ import annotations

import numpy as np
from test_permanence_arrivals import UNITS, built

from checkers.permanence import PermanenceChecker
from checkers.permanence_witness import still_visible
from checkers.tracking import Point

N, LOST = 30, 12  # frames, 16 a second; the track is seen until LOST - 1
SIZE = 20  # px, the object's side on a 320 x 180 analysis frame


def _backdrop() -> np.ndarray:
    """A soft gray texture: a busy backdrop, as the wild profile's photographs are."""
    rng = np.random.default_rng(7)
    coarse = rng.uniform(90, 150, size=(18, 32)).astype(np.float32)
    return np.repeat(np.repeat(coarse, 10, axis=0), 10, axis=1)


def _frame(x: float | None, lift: float = 25.0) -> np.ndarray:
    """The backdrop with the object's square centred at (x, 90), `lift` gray levels above
    it (a dull object, under the model's distance floor), or without it when x is None."""
    gray = _backdrop()
    if x is not None:
        x0, y0 = int(x - SIZE / 2), 90 - SIZE // 2
        gray[y0 : y0 + SIZE, x0 : x0 + SIZE] += lift
    return np.repeat(np.clip(gray, 0, 255).astype(np.uint8)[..., None], 3, axis=2)


def test_the_core_of_an_object_that_moved_a_little_is_still_visible():
    box = (90, 80, SIZE, SIZE)
    assert still_visible(_frame(100.0), _frame(103.0), box, UNITS)


def test_the_backdrop_where_an_object_stood_does_not_show_it():
    box = (90, 80, SIZE, SIZE)
    assert not still_visible(_frame(100.0), _frame(None), box, UNITS)


def test_a_look_alike_beside_where_an_object_vanished_does_not_witness_it():
    # A twin of the object's core 15 px to its right, within reach, in both frames: the
    # new frame matches the core there, but so did the frame before. Fails without the
    # look-alike test.
    def with_twin(x):
        frame = _frame(x)
        frame[82:98, 107:123] = _frame(100.0)[82:98, 92:108]  # its core and a rim around
        return frame

    box = (90, 80, SIZE, SIZE)
    assert not still_visible(with_twin(100.0), with_twin(None), box, UNITS)


def _events(still_there: bool) -> list[tuple[str, int]]:
    """A 20 px object sliding right at 6 px a frame, lost by the tracker at LOST; the frame
    there still shows it, or shows the backdrop."""
    xs = [40.0 + 6 * i for i in range(N)]
    track = built([(x, 90.0) for x in xs[:LOST]], [(SIZE, SIZE)] * LOST, 0)
    for k in range(LOST, N):
        track.points.append(Point(k, k / UNITS.fps, xs[k], 90.0, None, "missing", False))
    checker = PermanenceChecker()
    checker.begin(1.0, UNITS.fps, 180)
    lost_view = {0: type(track)(0, units=UNITS)}
    lost_view[0].points = track.points[: LOST + 1]
    checker._witness.update(LOST - 1, _frame(xs[LOST - 1]), {}, UNITS)
    now = _frame(xs[LOST] if still_there else None)
    checker._witness.update(LOST, now, lost_view, UNITS)
    checker._tracks = {0: track}
    checker._reliable = dict.fromkeys(range(N), True)
    checker._last, checker._size = N - 1, (320, 180)
    return [(e.kind, e.frame) for e in checker.finalize().events]


def test_a_track_lost_where_the_frame_still_shows_its_object_did_not_vanish():
    # Fails on main: the loss at LOST was a vanish whatever the frame showed.
    assert _events(still_there=True) == []


def test_a_track_lost_where_the_frame_shows_the_backdrop_vanished():
    assert _events(still_there=False) == [("vanish", LOST)]
