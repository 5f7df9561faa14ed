"""A known miss, kept visible: an object whose color switches in one frame.

A red ball crossing a plain backdrop turns blue from one frame to the next. The tracker
ends the red track and starts a blue one where it was (their looks differ), identity drift
only compares a track with its own first sightings, and permanence excuses a part born
where another was the frame before (a re-cut). So no check says anything (session 20;
the wild world, the edited-real corpus and gen-clips label gradual color changes only).
The fix belongs in identity drift: a track that ends where a new one starts the next frame,
on its path and of its size, is one object whose look jumped. When it lands, this test
passes and `xfail(strict=True)` turns that into a failure: drop the mark then.
"""

from __future__ import annotations

import cv2
import numpy as np

from checkers.runner import check_frames

W, H, FPS, AT = 320, 192, 16, 14


def switching_ball(after_bgr, n: int = 32) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    frames = []
    for t in range(n):
        img = np.full((H, W, 3), 240, np.uint8)
        color = after_bgr if t >= AT else (220, 30, 30)
        cv2.circle(img, (round((40 + 5.0 * t) * 16), 60 * 16), 12 * 16, color, -1, cv2.LINE_AA, 4)
        frames.append(np.clip(img + rng.normal(0, 2.0, img.shape), 0, 255).astype(np.uint8))
    return frames


def test_a_color_switched_in_one_frame_is_an_identity_event():
    report = check_frames(switching_ball((30, 30, 220)), fps=FPS)
    assert any(e.check == "identity_drift" and abs(e.frame - AT) <= 2 for e in report.events)
