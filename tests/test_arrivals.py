"""A part found again while still coming out from behind scenery (checkers/arrivals.py).

On tracks built by hand (12 fps, a square cut, as test_resize_gates.py): seen whole, lost
behind a wall for 0.8 s, found again growing into view over four sightings, then shrunk
by a size change. The arrival's sightings are left out of the resize fit, so the shrink is
found where it began (on main their residual refused it: TUNE held9191 99); a part that
only comes back into view and keeps its size is no change.
"""

from __future__ import annotations

from test_resize_gates import FPS, _change, _side, _track

from checkers.arrivals import arriving
from checkers.identity_motion import _fit, _log_areas

WHOLE, SMALL = 30.0, 20.0
BACK = 16  # the first sighting after the wall
ARRIVAL = {16: 10.0, 17: 16.0, 18: 22.0, 19: 27.0}


def _sides(shrink_at: int | None) -> dict[int, float]:
    sides = {f: WHOLE for f in range(0, 6)}  # seen whole, then behind the wall
    sides.update(ARRIVAL)
    for f in range(20, 48):
        sides[f] = WHOLE if shrink_at is None else _side(f, shrink_at, 6, WHOLE, SMALL)
    return sides


def test_a_shrink_after_an_arrival_is_a_size_change_where_it_began():
    change = _change(_track(1, _sides(shrink_at=30)))
    assert change is not None and change.key == "size", change
    assert abs(change.start.frame - 30) <= 2, change.start.frame


def test_a_part_that_only_comes_back_into_view_is_no_change():
    assert _change(_track(1, _sides(shrink_at=None))) is None


def test_the_arrival_is_what_lies_under_the_old_level_after_the_gap():
    track = _track(1, _sides(shrink_at=30))
    seen = track.seen
    step = _fit(seen, _log_areas(seen), FPS)
    away = arriving([p.frame for p in seen], seen, step, 1.0)
    assert away == {16, 17, 18}, sorted(away)  # 27 px is within the cut's noise of 30
