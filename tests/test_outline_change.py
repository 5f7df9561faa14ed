"""A held change of a background-model part's outline, on its radial profile
(checkers/outline_change.py, checkers/outline.py).

A flat-colored square slides across a panned, zooming textured backdrop with the model on.
Turning into a ball (the shapes world's morph: its outline blended onto the circle's over
10 frames) is an identity event dated where the morph began; main's shape numbers
(circularity, solidity, fill of a loose cut) read it as no change. The same square turning
on itself, or unchanged, is none: the sorted profile does not see a turn.
"""

from __future__ import annotations

import cv2
import numpy as np
from test_background_model import H, W, camera, model_events, texture
from test_shape_motion import _ANGLES, _SQUARE, FRAMES, RADIUS, SPAN, START

from checkers.outline import radial_profile, spread

_BALL = np.stack([np.cos(_ANGLES), np.sin(_ANGLES)], axis=1)


def _morph(t: int) -> float:
    return float(np.clip((t - START) / SPAN, 0.0, 1.0))


def _scene(amount=lambda t: 0.0, turn=lambda t: 0.0) -> list[np.ndarray]:
    backdrop = texture(11)
    frames = []
    for t in range(FRAMES):
        view = cv2.warpPerspective(backdrop, camera(t), (W, H), flags=cv2.INTER_LINEAR)
        w = amount(t)
        outline = (1.0 - w) * _SQUARE + w * _BALL
        c, s = np.cos(turn(t)), np.sin(turn(t))
        outline = outline @ np.array([[c, s], [-s, c]])
        center = np.array([50 + 4.5 * t, 95 + 0.3 * t])
        pts = np.round((center + RADIUS * outline) * 16).astype(np.int32)
        cv2.fillPoly(view, [pts], (200, 60, 40), lineType=cv2.LINE_AA, shift=4)
        frames.append(view)
    return frames


def test_a_square_turning_into_a_ball_is_an_identity_event_where_it_began():
    events = model_events(_scene(amount=_morph), "identity_drift")
    assert [kind for kind, _ in events] == ["shape_change"], events
    assert abs(events[0][1] - START) <= 2, events


def test_the_same_square_unchanged_or_turning_is_no_event():
    assert model_events(_scene(), "identity_drift") == []
    # A quarter turn over the clip: the box and the cut's pixels change, the outline not.
    turn = lambda t: np.radians(90) * t / FRAMES  # noqa: E731
    assert model_events(_scene(turn=turn), "identity_drift") == []


def _polygon(sides: int, radius: float, angle: float) -> np.ndarray:
    mask = np.zeros((80, 80), np.uint8)
    a = angle + 2 * np.pi * np.arange(sides) / sides
    pts = np.stack([40 + radius * np.cos(a), 40 + radius * np.sin(a)], axis=1)
    cv2.fillPoly(mask, [np.round(pts * 16).astype(np.int32)], 1, shift=4)
    return mask


def test_the_profile_spread_orders_outlines_and_ignores_turn_and_scale():
    def read(sides, radius, angle):
        if sides == 0:
            mask = cv2.circle(np.zeros((80, 80), np.uint8), (40, 40), radius, 1, -1)
            return spread(radial_profile(mask))
        return spread(radial_profile(_polygon(sides, radius, angle)))

    for radius in (10, 16, 25):
        ball, square, triangle = read(0, radius, 0), read(4, radius, 0.3), read(3, radius, 1.0)
        assert ball < 0.12 < square < 0.45 < triangle, (radius, ball, square, triangle)
    # Turned or scaled, a square reads the same within its pixel steps.
    squares = [read(4, r, a) for r in (12, 20) for a in (0.0, 0.4, 0.8)]
    assert max(squares) - min(squares) < 0.08, squares
