"""A lost object found again as another track (checkers/permanence_back.py): a fast object
that passed behind scenery between two frames and came out as a new part along its path is
not a vanish; a part of another color born there does not excuse one."""

from __future__ import annotations

import numpy as np
from test_permanence_arrivals import UNITS, built, permanence_events

from checkers.tracking import Point

N = 30  # frames, 16 a second
LOST, BACK = 10, 16  # seen until LOST - 1, out again (a new part) from BACK
STEP = 6.0  # px a frame, to the right


def _tracks(back_lab: tuple[float, float, float]) -> dict:
    """A 20 x 20 object slides right; gone from LOST (nothing marks it behind anything),
    a new part on its path from BACK: first its leading half (coming out from behind the
    scenery), then whole, of color `back_lab`."""
    x = [40.0 + STEP * i for i in range(N)]
    gone = built([(x[i], 90.0) for i in range(LOST)], [(20, 20)] * LOST, 0)
    for k in range(LOST, N):
        gone.points.append(Point(k, k / UNITS.fps, x[k], 90.0, None, "missing", False))
    sizes = [(10, 20)] + [(20, 20)] * (N - BACK - 1)
    back = built([(x[i], 90.0) for i in range(BACK, N)], sizes, 1, BACK)
    for p in back.points:
        p.det.lab = np.array(back_lab)
    return {0: gone, 1: back}


def test_an_object_back_on_its_path_as_another_track_did_not_vanish():
    # Fails on main: the loss at LOST was a vanish.
    assert permanence_events(_tracks((0.0, 0.0, 0.0)), N) == []


def test_a_part_of_another_color_on_its_path_does_not_excuse_a_vanish():
    events = permanence_events(_tracks((0.0, 40.0, 0.0)), N)
    assert ("vanish", LOST) in events
