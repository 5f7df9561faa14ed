"""Bounces the tracker split between two tracks (physics/handoffs.py, session 31).

At 8-16 fps a bounce turns a fall round between two frames; the tracker, predicting the fall
on, gives its track up and starts a new one on the rise (spent wild 3779 clips 115 and 118).
No run of either track holds the bounce, so a bounce gaining energy went unread. Tracks
built in code, as in test_physics_wild.py, each begun "new" as the tracker begins a track.
"""

from __future__ import annotations

import numpy as np
from test_physics_relocation_ends import run
from test_physics_wild import RED, SIDE, det

FLOOR = 150.0
BLUE = np.array([40.0, 20.0, -60.0])
BOUNCE = 12  # the first sighting after the first bounce


def bouncing(gain: float, handed: bool = True, rise_lab=RED, rise_dx: float = 0.0) -> list[dict]:
    """A background-model part falls from y 90, bounces at `gain` times the speed it hit
    (first just before frame BOUNCE); with `handed`, the rise after the first bounce is
    track 1 (of `rise_lab`'s color, `rise_dx` px to the side) and track 0 ends at the
    bounce."""
    frames, y, vy, bounced = [], 90.0, 0.0, False
    for _ in range(40):
        if y >= FLOOR and vy > 0:
            y, vy = FLOOR, -vy * gain
        if bounced and handed:
            frames.append({1: det(100.0 + rise_dx, y, SIDE, SIDE, lab=rise_lab)})
        else:
            frames.append({0: det(100.0, y, SIDE, SIDE, lab=RED)})
        bounced = bounced or y == FLOOR
        vy += 1.0
        y += vy
    return frames


def test_a_bounce_gain_split_between_two_tracks_is_read_across_them():
    # One track: read at its rise.
    assert run(bouncing(1.3, handed=False)) == [("energy_gain", BOUNCE)]
    # Fails before session 31: the fall's track ends at the bounce, the rise's begins after.
    assert run(bouncing(1.3)) == [("energy_gain", BOUNCE)]


def test_a_handed_bounce_that_loses_energy_is_no_event():
    assert run(bouncing(0.7)) == []


def test_a_rise_of_another_color_or_far_off_is_not_the_fall_handed_on():
    # (The rise's own track reads its own later bounces; a jump aside is relocations'.)
    assert ("energy_gain", BOUNCE) not in run(bouncing(1.3, rise_lab=BLUE))
    assert ("energy_gain", BOUNCE) not in run(bouncing(1.3, rise_dx=2 * SIDE))
