"""What the floor can do to a moving object (kinematics.floor_contact): stop a fall, slow a
slide, never speed the object along it. Tracks built in code as in test_physics_wild.py."""

from __future__ import annotations

import numpy as np
from test_physics_wild import det, run

from checkers.kinematics import floor_contact
from checkers.units import Units

UNITS = Units(180.0, 16.0)


def slider(factor: float, at: int = 14, frames: int = 30) -> list[dict]:
    """A part sliding left 6 px a frame whose cut sinks 0.7 px a frame over the four frames
    before `at` (as a background-model cut wobbles), and from `at` on `factor` times as fast."""
    out, x = [], 290.0
    for i in range(frames):
        y = 120.0 + 0.7 * min(4, max(0, i - (at - 4)))
        out.append({0: det(x, y)})
        x -= 6.0 * (factor if i + 1 >= at else 1.0)
    return out


def test_a_landing_is_floor_contact_and_a_faster_slide_is_not():
    assert floor_contact(np.array([-3.0, 6.0]), np.array([-2.5, 0.0]), UNITS)  # lands
    assert floor_contact(np.array([-3.0, 6.0]), np.array([-3.0, -4.0]), UNITS)  # bounces
    # sinking 0.7 px a frame, then 2.5 times as fast along the floor (spent wild 4181 clip
    # 12 and 1618 clip 264; main: contact)
    assert not floor_contact(np.array([-7.2, 0.7]), np.array([-19.5, -0.3]), UNITS)


def test_a_sliders_speed_jump_is_not_excused_by_its_cut_sinking():
    # Main: no event (the sinking cut read as landing on the floor).
    assert run(slider(1.0)) == []
    assert run(slider(2.5)) == [("speed_jump", 14)]
