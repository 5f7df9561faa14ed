"""One-frame color changes of background-model parts (checkers/recolor.py, look_switch.py).

On a panned textured backdrop with the model on: a ball at rest whose color switches in one
frame (the model learnt it as backdrop, so a new part is born on the same picture in other
colors) and a textured poster on the wall recolored are identity events at the switch; a ball
pasted in at once where there was only wall (a new picture) and a ball at rest that only
darkens are none.
"""

from __future__ import annotations

import cv2
import numpy as np
from test_background_model import H, W, camera, model_events, texture
from test_identity_motion import BLUE, RED, ball

import checkers.recolor as recolor

FRAMES, AT = 40, 20


def scene(color, present=lambda t: True, patch=None) -> list[np.ndarray]:
    backdrop = texture(5)
    frames = []
    for t in range(FRAMES):
        view = cv2.warpPerspective(backdrop, camera(t), (W, H), flags=cv2.INTER_LINEAR)
        if patch is not None:  # a textured poster on the wall, red until AT, then blue
            x, y, s = patch
            tint = np.array([0.3, 0.35, 1.0] if t >= AT else [1.0, 0.35, 0.3], np.float32)
            gray = cv2.cvtColor(view[y : y + s, x : x + s], cv2.COLOR_RGB2GRAY)
            view[y : y + s, x : x + s] = (gray[..., None] * tint).astype(np.uint8)
        frames.append(ball(view, 160, 90, 16, color(t)) if present(t) else view)
    return frames


def identity(frames):
    return [e for e in model_events(frames, "identity_drift") if e[0] == "color_jump"]


def test_a_ball_at_rest_switching_color_is_a_color_jump_there():
    events = identity(scene(lambda t: BLUE if t >= AT else RED))
    assert events and abs(events[0][1] - AT) <= 2, events


def test_a_ball_pasted_in_or_darkening_is_no_color_jump():
    assert identity(scene(lambda t: RED, present=lambda t: t >= AT)) == []
    assert identity(scene(lambda t: 0.5 * RED if t >= AT else RED)) == []


def test_the_picture_must_be_the_same_one():
    # With the structure bar above any correlation, the switch is no longer one.
    saved = recolor.SAME_PICTURE
    recolor.SAME_PICTURE = 1.01
    try:
        assert identity(scene(lambda t: BLUE if t >= AT else RED)) == []
    finally:
        recolor.SAME_PICTURE = saved


def test_a_poster_on_the_wall_recolored_is_a_color_jump_there():
    events = identity(scene(lambda t: RED, patch=(60, 40, 40)))
    assert events and abs(events[0][1] - AT) <= 2, events
