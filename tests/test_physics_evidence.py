"""Physics judged only where the track carries the evidence (checkers/physics/jumps.py,
gravity.py): a speed read from enough sightings either side, a gravity reversal
only of an object seen falling first. Tracks of motion parts built in code, as in
test_motion_physics.py; each case here that says "no event" raised one before session
19, and the teleport beside a touched part was excused.
"""

from __future__ import annotations

import numpy as np
from test_motion_physics import CHANGE, FPS, SIDE_PX, N, arc, det, judge, level

from checkers.physics import PhysicsChecker
from checkers.tracking import FrameObservation, Point, Track
from checkers.units import Units
from checkers.video import Frame

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


# Parts of 40 px, 14 px apart (within the tracker's contact margin of 4 + 0.3 sizes): a swap
# moves each track 54 px, past the teleport bar of 1.2 sizes, so only the swap test can keep
# a swap from reading as a teleport.
BIG_PX = 40.0
GAP_PX = 14.0


def judge_touching_jump(lands_at_other: bool) -> list[str]:
    """A part creeping right beside a small part it touches, then jumping. It lands far off
    (a teleport) or where the small part was (the tracker swapping the two tracks)."""
    units = Units(180.0, FPS)
    a, b = Track(0, units=units), Track(1, units=units)
    checker = PhysicsChecker()
    checker.begin(1.0, FPS, 180)
    image = np.zeros((180, 320, 3), np.uint8)
    for i in range(N):
        xa, xb = 60.0 + 2.0 * i, 60.0 + 2.0 * i + BIG_PX + GAP_PX
        if i >= CHANGE:
            xa, xb = (xb, xa) if lands_at_other else (xa + 120.0, xb)
        da, db = det(xa, 90.0, BIG_PX, BIG_PX), det(xb, 90.0, BIG_PX, BIG_PX)
        touching = i == CHANGE - 1
        a.points.append(
            Point(i, i / FPS, xa, 90.0, da, "motion", False, near=[1] if touching else [])
        )
        b.points.append(
            Point(i, i / FPS, xb, 90.0, db, "motion", False, near=[0] if touching else [])
        )
        obs = FrameObservation(i, i / FPS, [da, db], {0: 0, 1: 1}, {0: a, 1: b}, (0.0, 0.0),
                               0.02, True, 1.0, 1.0, 1.0)  # fmt: skip
        checker.process(i, Frame(i, i / FPS, image), obs)
    return [e.kind for e in checker.finalize().events]


def test_a_part_jumping_far_from_what_it_touched_is_a_teleport():
    # Touching another part just before the jump once excused it as a swap of tracks; a
    # swap lands where the other part was, a teleport far from it (fresh4711 clip 115).
    assert "teleport" in judge_touching_jump(lands_at_other=False)
    assert "teleport" not in judge_touching_jump(lands_at_other=True)
