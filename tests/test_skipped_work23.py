"""Session 23's skips: the background model no longer makes the dominant color and the
clear-of-foreground mask, which nothing on its path reads."""

import cv2
import numpy as np

from checkers.perception.background import MotionBackground


def test_the_model_step_makes_no_unread_dominant_color_or_clear_mask():
    rng = np.random.default_rng(3)
    backdrop = cv2.GaussianBlur(rng.integers(0, 256, (48, 64, 3), dtype=np.uint8), (5, 5), 0)
    model = MotionBackground(16.0, 64, 48)
    for i in range(12):
        frame = backdrop.copy()
        frame[20:30, 4 + 3 * i : 14 + 3 * i] = (250, 20, 20)  # a red square crossing
        step = model.update(frame)
    seg = step.segmentation
    assert seg.background_lab is None and seg.background_mask is None
    assert seg.detections  # the square is still found
