"""Vanishes judged on built plain-path tracks (checkers/permanence.py): a part typically as
wide as an object that goes missing in open view vanished; a part typically far thinner (the
flat core of a shaded object, a stripe of a texture the first frame passed as plain) that
drops out says nothing of any object, even when it was once wide enough to be tracked."""

from __future__ import annotations

import numpy as np
from test_track_confidence import UNITS

from checkers.permanence import PermanenceChecker
from checkers.segment import Detection
from checkers.tracking import Point, Track

N = 30  # frames, 16 a second
GONE = 12  # the part is missing from this frame to the end (1.1 s)


def plain_det(cx: float, cy: float, w: int, h: int) -> Detection:
    return Detection(
        cx, cy, (int(cx - w / 2), int(cy - h / 2), w, h), float(w * h),
        np.zeros(3), 0.5, np.zeros(64), np.zeros(3), False, source="plain",
    )  # fmt: skip


def vanishes(sizes) -> list[tuple[str, int]]:
    """A plain-path part of the given (w, h) sightings sliding right in open view, then
    missing from GONE on."""
    t = Track(0, units=UNITS)
    for i in range(N):
        x, y = 100.0 + 2 * i, 90.0
        d = plain_det(x, y, *sizes[i]) if i < GONE else None
        how = "new" if i == 0 else ("motion" if d is not None else "missing")
        t.points.append(Point(i, i / UNITS.fps, x, y, d, how, False))
    checker = PermanenceChecker()
    checker.begin(1.0, UNITS.fps, 180)
    checker._tracks = {0: t}
    checker._reliable = dict.fromkeys(range(N), True)
    checker._last, checker._size = N - 1, (320, 180)
    return [(e.kind, e.frame) for e in checker.finalize().events]


def test_an_object_wide_plain_part_that_goes_missing_in_open_view_vanished():
    assert vanishes([(18, 18)] * GONE) == [("vanish", GONE)]  # 0.1 short sides across


def test_a_piece_far_thinner_than_an_object_that_drops_out_did_not_vanish():
    # Once 12 px wide (so tracked as solid), typically 5 px thick: 0.03 short sides.
    assert vanishes([(12, 12)] * 2 + [(30, 5)] * (GONE - 2)) == []
