"""A swinging bob unseen for two frames is no teleport, and one that jumps while unseen is
(physics/relocations.py): across a gap a bob follows its arc, which a straight line drawn
from the sightings before it misses near a turn; a parabola follows it (TUNE, session 25:
dev1515 clip 158, a clean swing at 10 fps unseen for two frames at its turn).
"""

from __future__ import annotations

import math

from test_physics_wild import FPS, det, kinds, run


def swing(unseen: range, jump: float = 0.0) -> list[dict]:
    """A flat-colored bob on a 90 px string swinging 0.8 rad either way with a 1.6 s period,
    unseen in the frames `unseen`; from their end on, `jump` px to the right."""
    out = []
    for i in range(40):
        angle = 0.8 * math.cos(2 * math.pi * i / FPS / 1.6)
        x = 160 + 90.0 * math.sin(angle) + (jump if i >= unseen.stop else 0.0)
        y = 10 + 90.0 * math.cos(angle)
        out.append({0: None if i in unseen else det(x, y, source="plain", spread=1.0)})
    return out


def test_a_bob_unseen_for_two_frames_is_no_teleport():
    # Fail before session 25: each read as a jump off its path while unseen.
    for first in (4, 11, 12):
        assert "teleport" not in kinds(run(swing(range(first, first + 2))))


def test_a_bob_that_jumps_while_unseen_is_a_teleport():
    for first in (4, 8, 11, 12):
        unseen = range(first, first + 2)
        assert ("teleport", unseen.stop) in run(swing(unseen, jump=80.0))
