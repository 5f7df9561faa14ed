"""Shot cuts: the whole picture is replaced between two frames.

Two signs must agree, so that neither a fast pan nor a flash alone reads as a cut: the color
histogram of the frame changes a lot at once (PySceneDetect's content detector works on the
same HSV statistics), and the camera tracker loses the scene (almost no corner of the
previous frame can be followed into this one). A cut is reported as its own event kind and
splits the clip into shots: nothing before it is compared with anything after it.
"""

from __future__ import annotations

import cv2
import numpy as np

from checkers.perception.camera import CameraStep

# Half the L1 distance of two normalized HSV histograms (0 same colors, 1 disjoint). Fast
# pans and people walking through keep it under 0.3 on real footage; cuts between unrelated
# shots give 0.5 and more.
HISTOGRAM_JUMP = 0.35
LOST_SCENE = 0.35  # share of corners followed into the new frame, below which the scene is lost
HIST_BINS = (16, 4, 4)


def color_histogram(rgb: np.ndarray) -> np.ndarray:
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    hist = cv2.calcHist([hsv], [0, 1, 2], None, list(HIST_BINS), [0, 180, 0, 256, 0, 256])
    hist = hist.ravel()
    return hist / max(1.0, float(hist.sum()))


def histogram_change(a: np.ndarray, b: np.ndarray) -> float:
    return 0.5 * float(np.abs(a - b).sum())


def is_cut(change: float, camera: CameraStep) -> bool:
    """Both signs: the colors jump and the camera tracker cannot follow the scene."""
    lost = (not camera.fitted) or camera.tracked_share * camera.inlier_share < LOST_SCENE
    return change >= HISTOGRAM_JUMP and lost
