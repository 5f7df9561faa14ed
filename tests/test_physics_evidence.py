"""Physics judged only where the track carries the evidence (checkers/physics/jumps.py,
gravity.py): a speed read from enough sightings either side, a gravity reversal
only of an object seen falling first. Tracks of motion parts built in code, as in
test_motion_physics.py; each case here that says "no event" raised one before session
19.
"""

from __future__ import annotations

from test_motion_physics import CHANGE, SIDE_PX, N, arc, judge, level

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


def emerging(speed_out: float) -> tuple[list, list]:
    """A 60 px square moving left at 3.6 px a frame out from behind a wall whose left edge
    is at x = 200: its part grows at the leading edge while the trailing edge stays at the
    wall, so the centroid moves at half the square's speed until the square is out (frame
    10), then at the square's speed, `speed_out` from then on. Slowly enough that the part's
    box stays within the motion gate's steady ratio across the fits (as at 30 fps)."""
    path, boxes, left = [], [], 200.0 - 24.0
    for i in range(26):
        right = min(left + 60.0, 200.0)
        path.append(((left + right) / 2, 90.0))
        boxes.append((right - left, 60.0))
        left -= 3.6 if i < 10 else speed_out
    return path, boxes


def test_a_part_coming_out_from_behind_a_wall_is_no_speed_jump():
    # Its centroid doubles its speed as the square comes out, but its leading edge moves at
    # 3.6 px a frame throughout (dev1515 clip 83, test5757 clip 257).
    assert "speed_jump" not in judge(*emerging(3.6))
    # The same square speeding up as it comes out moves its leading edge faster too.
    assert "speed_jump" in judge(*emerging(7.2))


def test_a_mover_reversing_with_no_contact_seen_is_no_speed_jump():
    # An obstacle the tracker did not see touch the object (one hidden behind a wall, one it
    # took for scenery) reverses it, faster or slower; only a push from behind, which would
    # be seen, speeds it up along its way (spent seeds, session 23: test7171 clip 214, test9595
    # clip 37). The gain along the way is still a speed jump.
    assert "speed_jump" not in judge(level(6.0, -6.0), SQUARE)
    assert "speed_jump" not in judge(level(4.0, -8.0), SQUARE)
    assert "speed_jump" in judge(level(3.0, 9.0), SQUARE)


def jittered_reversal(every_third: float) -> list[tuple[float, float]]:
    """A fall (0.8 px/frame^2 down), then gravity reversed from CHANGE on, with every third
    second difference set to `every_third` (the cut's jitter, or a wobble pulling down)."""
    out, y, vy = [], 60.0, -3.0
    for i in range(N):
        out.append((40.0 + 3.0 * i, y))
        vy += 0.8 if i < CHANGE else (every_third if (i - CHANGE) % 3 == 2 else -0.8)
        y += vy
    return out


def test_a_reversal_broken_by_one_near_zero_step_is_still_a_gravity_reversal():
    # One near-zero second difference inside the reversed run is jitter (TUNE, session 23:
    # fresh4711 clip 192); one pulling down as hard as gravity is a wobble, not a reversal.
    assert "gravity_reversal" in judge(jittered_reversal(0.0), SQUARE)
    assert "gravity_reversal" not in judge(jittered_reversal(0.8), SQUARE)
