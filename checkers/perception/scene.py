"""Scene-level perception for footage of any kind: one object fed every analysis frame.

It runs the stages in order and hands the checkers one `SceneStep` per frame:
camera motion (camera.py) -> shot cuts (cuts.py) -> exposure and white balance
(photometric.py) -> unexplained change (change.py) -> bursts of change in a calm place
(bursts.py). The shapes-world object tracker (checkers/tracking.py) runs beside it; the
checkers use the object tracks on clean backdrops and these scene signals elsewhere.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np

from checkers.perception.bursts import Burst, BurstFinder
from checkers.perception.camera import CameraStep
from checkers.perception.change import ChangeMeter
from checkers.perception.cuts import color_histogram, histogram_change, is_cut
from checkers.segment import to_lab


@dataclass
class SceneStep:
    index: int
    time: float
    camera: CameraStep
    cut: bool  # a new shot starts at this frame
    histogram_change: float  # 0..1, color histogram distance to the previous frame
    exposure: float  # accumulated brightness change since the shot began, 0..255 units
    changed_share: float  # share of the frame with unexplained change
    bursts: list[Burst] = field(default_factory=list)  # decided now, about earlier frames


class ScenePerception:
    def __init__(self, fps: float, width: int, height: int):
        self.fps = fps if fps and math.isfinite(fps) and fps > 0 else 16.0
        self.width, self.height = width, height
        self._change = ChangeMeter(keep_map=True)
        self._bursts = BurstFinder(self.fps, width, height)
        self._prev_hist: np.ndarray | None = None
        self._exposure = 0.0

    def update(self, index: int, time: float, rgb: np.ndarray) -> SceneStep:
        step = self._change.update(rgb)
        hist = color_histogram(rgb)
        jump = 0.0 if self._prev_hist is None else histogram_change(self._prev_hist, hist)
        self._prev_hist = hist
        cut = self._prev_hist is not None and index > 0 and is_cut(jump, step.camera)
        bursts: list[Burst] = []
        if cut:
            # Nothing before a cut is compared with anything after it.
            bursts = self._bursts.flush()
            self._bursts = BurstFinder(self.fps, self.width, self.height)
            self._exposure = 0.0
        else:
            self._exposure += step.photometric.brightness_change
        lab = to_lab(cv2.GaussianBlur(rgb, (3, 3), 0))
        bursts += self._bursts.update(index, time, lab, step)
        return SceneStep(
            index, time, step.camera, cut, jump, self._exposure, step.changed_share, bursts
        )

    def flush(self) -> list[Burst]:
        """Bursts in the clip's last second, decided once the clip has ended."""
        return self._bursts.flush()
