"""Physics judged only where the track carries the evidence (checkers/physics/jumps.py,
gravity.py): a speed read from enough sightings either side, a gravity reversal
only of an object seen falling first. Tracks of motion parts built in code, as in
test_motion_physics.py; each case here that says "no event" raised one before session
19.
"""

from __future__ import annotations

from test_motion_physics import SIDE_PX, N, arc, judge, level

SQUARE = [(SIDE_PX, SIDE_PX)] * N


def test_a_speed_change_on_the_last_two_sightings_is_not_judged():
    # Steady, then twice as fast for the track's last two sightings only: each side's fit
    # needs three sightings, one sighting's cut would set a two-sighting velocity.
    path = [(40.0 + 3.0 * i + (3.0 * (i - (N - 3)) if i > N - 3 else 0.0), 90.0) for i in range(N)]
    assert "speed_jump" not in judge(path, SQUARE)
    # The same change with the rest of the track after it is a speed jump.
    assert "speed_jump" in judge(level(3.0, 9.0), SQUARE)


def test_a_straight_mover_whose_path_bends_up_is_no_gravity_reversal():
    # Moving on a straight line (rising at 3 px a frame, no gravity seen), then bending
    # upward for a third of a second: not free flight, so nothing to reverse. The same bend
    # after a fall is a reversal.
    assert "gravity_reversal" not in judge(arc(0.0, -0.8), SQUARE)
    assert "gravity_reversal" in judge(arc(0.8, -0.8), SQUARE)


def test_a_fall_after_a_long_glide_that_reverses_is_a_gravity_reversal():
    # Gliding straight for a second, falling for 0.6 s, then accelerating upward: the fall
    # just before the reversal is what counts, not the glide that came long before it.
    path, y, vy = [], 60.0, 0.0
    for i in range(16 + 10 + 8):
        path.append((40.0 + 3.0 * i, y))
        vy += 0.0 if i < 16 else (0.8 if i < 26 else -0.8)
        y += vy
    assert "gravity_reversal" in judge(path, [(SIDE_PX, SIDE_PX)] * len(path))
