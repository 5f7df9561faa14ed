"""Scene-level perception for footage of any kind: one object fed every analysis frame.

It runs the stages in order and hands the checkers one `SceneStep` per frame:
camera motion (camera.py) -> shot cuts (cuts.py) -> exposure and white balance
(photometric.py) -> unexplained change (change.py) -> bursts of change in a calm place
(bursts.py). The shapes-world object tracker (checkers/tracking/) runs beside it; the
checkers use the object tracks on clean backdrops and these scene signals elsewhere.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

import cv2
import numpy as np

from checkers.perception.bursts import Burst, BurstFinder
from checkers.perception.camera import IDENTITY_STEP, CameraStep, camera_step
from checkers.perception.change import ChangeMeter, gray_and_lab
from checkers.perception.cuts import (
    color_histogram,
    could_be_cut,
    histogram_change,
    is_cut,
    layout_correlation,
    thumbnail,
)
from checkers.perception.lasting import lasting_change

# The scene stages run on a copy this small (short side, pixels): they look for changes of
# at least a few percent of the frame, and a quarter of the analysis copy's pixels keeps
# them fast. Every threshold in them is in shares of the frame, so this is free to change.
SCENE_SHORT_SIDE = 96
MIN_SIDE = 16


@dataclass
class SceneStep:
    index: int
    time: float
    # Cuts-only steps (`bursts=False`) carry the camera step only where the colors could
    # mark a cut (IDENTITY_STEP elsewhere): nothing but `is_cut` reads it there.
    camera: CameraStep
    cut: bool  # a new shot starts at this frame
    histogram_change: float  # 0..1, color histogram distance to the previous frame
    exposure: float  # accumulated brightness change since the shot began, 0..255 units
    changed_share: float  # share of the frame with unexplained change
    bursts: list[Burst] = field(default_factory=list)  # decided now, about earlier frames


class ScenePerception:
    """`embedder`: an appearance embedder (checkers/features) that must confirm each burst
    as a lasting change of look (lasting.py), or None to take bursts as found.
    `bursts=False` finds cuts alone (the camera step, the histogram and the layout), with no
    unexplained change and no bursts: the cuts are those of the full perception, and the
    steps' `exposure` and `changed_share` are 0 (on_demand.py runs it so)."""

    def __init__(self, fps: float, width: int, height: int, embedder=None, bursts: bool = True):
        self.fps = fps if fps and math.isfinite(fps) and fps > 0 else 16.0
        self.factor = min(1.0, SCENE_SHORT_SIDE / min(width, height))
        self.size = (round(width * self.factor), round(height * self.factor))
        # Dense flow needs 12 pixels a side and the grid stages a few cells: a frame this
        # small has no scene to read, so its steps are neutral.
        self.blind = min(self.size) < MIN_SIDE
        self._change = ChangeMeter(keep_map=True, regions=False)
        self._bursts = BurstFinder(self.fps, *self.size)
        self._prev_hist: np.ndarray | None = None
        self._prev_layout: np.ndarray | None = None
        self._prev_gray: np.ndarray | None = None  # cuts alone: the frame a camera step starts from
        self._exposure = 0.0
        self._embedder = embedder
        self.bursts = bursts
        # The frames a burst's confirmation needs: its own and a calm stretch on each side.
        self._frames: deque[tuple[int, np.ndarray]] = deque(
            maxlen=self._bursts.burst + 2 * self._bursts.calm + 8
        )

    def shrink(self, rgb: np.ndarray) -> np.ndarray:
        """The analysis frame `rgb` at the size the stages run on (`update` takes either)."""
        if self.blind or self.factor >= 1.0 or rgb.shape[1::-1] == self.size:
            return rgb
        return cv2.resize(rgb, self.size, interpolation=cv2.INTER_AREA)

    def update(self, index: int, time: float, rgb: np.ndarray) -> SceneStep:
        """`rgb`: the analysis frame, or its `shrink`; bursts come back in the analysis
        frame's pixels."""
        if self.blind:
            return SceneStep(index, time, IDENTITY_STEP, False, 0.0, 0.0, 0.0)
        rgb = self.shrink(rgb)
        if not self.bursts:
            return self._cut_only(index, time, rgb)
        step = self._change.update(rgb)
        lab = step.lab
        jump, same = self._colors_and_layout(lab)
        cut = index > 0 and is_cut(jump, same, step.camera)
        bursts: list[Burst] = []
        if cut:
            # Nothing before a cut is compared with anything after it: the old shot's
            # bursts are decided and confirmed on its own frames, then both are dropped.
            bursts = self._confirmed(self._bursts.flush())
            self._bursts = BurstFinder(self.fps, *self.size)
            self._frames.clear()
            self._exposure = 0.0
        else:
            self._exposure += step.photometric.brightness_change
        self._frames.append((index, rgb))
        bursts += self._confirmed(self._bursts.update(index, time, lab, step))
        bursts = [self._to_analysis(b) for b in bursts]
        return SceneStep(
            index, time, step.camera, cut, jump, self._exposure, step.changed_share, bursts
        )

    def _colors_and_layout(self, lab: np.ndarray) -> tuple[float, float | None]:
        """How far the colors jumped since the previous frame, and how alike the layouts are."""
        hist = color_histogram(lab)
        jump = 0.0 if self._prev_hist is None else histogram_change(self._prev_hist, hist)
        self._prev_hist = hist
        layout = thumbnail(lab)
        same = None if self._prev_layout is None else layout_correlation(self._prev_layout, layout)
        self._prev_layout = layout
        return jump, same

    def _cut_only(self, index: int, time: float, rgb: np.ndarray) -> SceneStep:
        """The cut decided as the full perception decides it, from the same gray and Lab
        frames as ChangeMeter makes. The camera step was 5% of a check's CPU time on
        gen-clips and wild clips, and within a shot the colors and layout almost never jump
        (2 of 750 frames): it is fitted only where they do, the one case it decides."""
        gray, lab = gray_and_lab(rgb)
        prev, self._prev_gray = self._prev_gray, gray
        jump, same = self._colors_and_layout(lab)
        camera = IDENTITY_STEP
        if prev is not None and could_be_cut(jump, same):
            camera = camera_step(prev, gray)
        cut = index > 0 and is_cut(jump, same, camera)
        return SceneStep(index, time, camera, cut, jump, 0.0, 0.0)

    def flush(self) -> list[Burst]:
        """Bursts in the clip's last second, decided once the clip has ended."""
        if self.blind or not self.bursts:
            return []
        return [self._to_analysis(b) for b in self._confirmed(self._bursts.flush())]

    def _confirmed(self, bursts: list[Burst]) -> list[Burst]:
        if self._embedder is None or not bursts:
            return bursts
        frames = dict(self._frames)
        gap = self._bursts.calm
        return [b for b in bursts if lasting_change(b, frames, self._embedder, gap) >= 1.0]

    def _to_analysis(self, burst: Burst) -> Burst:
        burst.bbox = tuple(int(round(v / self.factor)) for v in burst.bbox)
        return burst
