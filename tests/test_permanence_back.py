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


def _tracks(back_lab: tuple[float, float, float], offset: float = 0.0, start: int = BACK,
            returned: int | None = None) -> dict:  # fmt: skip
    """A 20 x 20 object slides right; gone from LOST (nothing marks it behind anything),
    a new part `offset` px along its path from where it would be, from frame `start`: first
    its leading half (coming out from behind the scenery), then whole, of color `back_lab`.
    With `returned`, the object's own track is seen again from that frame on."""
    x = [40.0 + STEP * i for i in range(N)]
    gone = built([(x[i], 90.0) for i in range(LOST)], [(20, 20)] * LOST, 0)
    for k in range(LOST, N):
        seen = returned is not None and k >= returned
        det = built([(x[k], 90.0)], [(20, 20)], 0).points[0].det if seen else None
        gone.points.append(
            Point(k, k / UNITS.fps, x[k], 90.0, det, "motion" if seen else "missing", False)
        )
    sizes = [(10, 20)] + [(20, 20)] * (N - start - 1)
    back = built([(x[i] + offset, 90.0) for i in range(start, N)], sizes, 1, start)
    for p in back.points:
        p.det.lab = np.array(back_lab)
    return {0: gone, 1: back}


def test_an_object_back_on_its_path_as_another_track_did_not_vanish():
    # Fails on main: the loss at LOST was a vanish.
    assert permanence_events(_tracks((0.0, 0.0, 0.0)), N) == []


def test_a_part_of_another_color_on_its_path_does_not_excuse_a_vanish():
    events = permanence_events(_tracks((0.0, 40.0, 0.0)), N)
    assert ("vanish", LOST) in events


def test_a_look_alike_behind_the_object_does_not_excuse_a_vanish():
    # Born 34 px back along its path from its last sighting, not ahead of it. Fails
    # before the review's mend: the reach was a disc.
    events = permanence_events(_tracks((0.0, 0.0, 0.0), offset=-76.0), N)
    assert ("vanish", LOST) in events


def test_a_look_alike_born_after_the_object_came_back_does_not_excuse_its_absence():
    # The object's own track is back at frame 20; a look-alike born at 25 is another
    # object. Fails before the review's mend.
    events = permanence_events(_tracks((0.0, 0.0, 0.0), start=25, returned=20), N)
    assert ("vanish", LOST) in events
