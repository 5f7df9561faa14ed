"""A bounce while unseen is no teleport (physics/relocations.py).

A fast-falling object can be lost for a frame or two where it meets the ground (cut with
the floor or its shadow) and seen again rising. Its straight prediction goes on down, so
the landing lies far above it, which read as a teleport (TUNE, session 27: held9191 clip
35, a triangle at 30 fps). A landing on the predicted x, rising, and no higher than the
fall mirrored about the last sighting's height is the ground's doing; off the predicted x
it is still a teleport.
"""

from __future__ import annotations

from test_physics_relocation_ends import run
from test_physics_wild import det, kinds

FLOOR = 160.0  # where the ball turns, px (the frame is 180 high)
SPEED = 18.0  # px a frame, down and then up


def bounce(shift: float = 0.0) -> list[dict]:
    """A ball falls at SPEED, unseen on frame 8 (at the ground), seen from frame 9 rising,
    `shift` px along x from where it fell."""
    frames = []
    for i in range(20):
        y = 20.0 + SPEED * i
        if y > FLOOR:
            y = 2 * FLOOR - y  # mirrored: it bounced
        x = 100.0 + (shift if i > 8 else 0.0)
        frames.append({0: None if i == 8 else det(x, y)})
    return frames


def test_a_bounce_while_unseen_is_no_teleport():
    assert "teleport" not in kinds(run(bounce()))


def test_a_landing_off_the_fall_is_still_a_teleport():
    assert "teleport" in kinds(run(bounce(shift=60.0)))
