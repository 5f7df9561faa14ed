"""An object whose color switches in one frame (checkers/look_switch.py, identity.py).

A red ball crossing a plain backdrop turns blue from one frame to the next. The tracker
ends the red track and starts a blue one where it was (their looks differ); identity drift
compares a track only with its own first sightings and permanence excuses a part born where
another was the frame before (a re-cut), so until session 20 no check said anything. The
two tracks are joined again when one begins where the other's path led, of its size.
"""

from __future__ import annotations

import cv2
import numpy as np

from checkers.runner import check_frames

W, H, FPS, AT = 320, 192, 16, 14
RED, BLUE = (220, 30, 30), (30, 30, 220)


def frames_of(balls_at, n: int = 32) -> list[np.ndarray]:
    """`balls_at(t)`: (x, y, radius, color) of each ball in frame t."""
    rng = np.random.default_rng(0)
    frames = []
    for t in range(n):
        img = np.full((H, W, 3), 240, np.uint8)
        for x, y, r, color in balls_at(t):
            cv2.circle(
                img, (round(x * 16), round(y * 16)), round(r * 16), color, -1, cv2.LINE_AA, 4
            )
        frames.append(np.clip(img + rng.normal(0, 2.0, img.shape), 0, 255).astype(np.uint8))
    return frames


def identity_events(frames):
    report = check_frames(frames, fps=FPS)
    return [(e.kind, e.frame) for e in report.events if e.check == "identity_drift"]


def test_a_color_switched_in_one_frame_is_an_identity_event():
    events = identity_events(
        frames_of(lambda t: [(40 + 5.0 * t, 60, 12, BLUE if t >= AT else RED)])
    )
    assert any(k == "color_jump" and abs(f - AT) <= 2 for k, f in events), events


def test_another_object_appearing_away_from_the_path_is_no_color_switch():
    # The red ball is gone after frame 13 and a blue one of its size appears at once, but
    # 60 px below where the red one's path led: two objects, not one that changed.
    def balls(t):
        return [(40 + 5.0 * t, 60, 12, RED)] if t < AT else [(40 + 5.0 * t, 120, 12, BLUE)]

    assert not [e for e in identity_events(frames_of(balls)) if e[0] == "color_jump"]


def test_a_switch_to_a_much_larger_part_is_no_color_switch():
    # In the ball's place a blue ball twice as wide: not the same object's look.
    def balls(t):
        return [(40 + 5.0 * t, 60, 12 if t < AT else 24, RED if t < AT else BLUE)]

    assert not [e for e in identity_events(frames_of(balls)) if e[0] == "color_jump"]
