"""Gravity reversing at a high frame rate, where pixel-snapped edges swamp gravity's share
of one second difference (checkers/physics/gravity.py, SMOOTH).

A part's centroid snaps to whole pixels, so its second differences jitter by about a pixel
per frame^2 at any frame rate; at 30 fps gravity is a few tenths of that. Tracks of motion
parts built in code, as in test_motion_physics.py, at 30 fps.
"""

from __future__ import annotations

import numpy as np
from test_motion_physics import det

from checkers.physics import PhysicsChecker
from checkers.tracking import FrameObservation, Point, Track
from checkers.units import Units
from checkers.video import Frame

FPS = 30.0
SIDE = 20.0
G = 0.35  # px/frame^2 at 30 fps: 1.75 short sides/s^2 on a 180 px short side


def judge(path) -> list[tuple[str, int]]:
    track = Track(0, units=Units(180.0, FPS))
    checker = PhysicsChecker()
    checker.begin(1.0, FPS, 180)
    image = np.zeros((180, 320, 3), np.uint8)
    for i, (x, y) in enumerate(path):
        d = det(x, y, SIDE, SIDE)
        track.points.append(Point(i, i / FPS, x, y, d, "motion", False))
        obs = FrameObservation(i, i / FPS, [d], {0: 0}, {0: track}, (0.0, 0.0), 0.01, True,
                               1.0, 1.0, 1.0)  # fmt: skip
        checker.process(i, Frame(i, i / FPS, image), obs)
    return [(e.kind, e.frame) for e in checker.finalize().events]


def thrown(reverse_at: int | None) -> list[tuple[float, float]]:
    """Thrown right and up, falling under G, gravity pointing up from `reverse_at` on (None:
    never); the centroid's height snapped to whole pixels as a rendered edge is."""
    out, y, vy = [], 90.0, -4.0
    for i in range(45):
        out.append((40.0 + 4.0 * i, float(np.round(y))))
        vy += G if reverse_at is None or i < reverse_at else -G
        y += vy
    return out


def test_a_reversal_at_30_fps_is_found_through_pixel_jitter():
    # Fails before session 25: the raw samples alternate around the bar and no run lasts.
    events = judge(thrown(reverse_at=25))
    assert any(k == "gravity_reversal" and abs(f - 25) <= 2 for k, f in events)


def test_a_fall_at_30_fps_with_pixel_jitter_is_no_reversal():
    assert "gravity_reversal" not in [k for k, _ in judge(thrown(reverse_at=None))]
