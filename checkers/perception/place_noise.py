"""Each place's own noise: the bar a pixel's unexplained change must pass, set by how much
that same place varied in the frames just before.

The change stage's bar is absolute (change.CHANGE_FLOOR, 14 Lab) because compressed real
footage is not uniformly noisy: texture shimmers, edges jitter, block artefacts flicker. But
an absolute bar is blind to a weak step in a quiet place: an inpainted object or a frozen
region steps by 4-13 Lab in one frame where the same place varied by 0.6-2 Lab a frame before
(BENCHMARKS.md, session 18). Here each pixel is calibrated on itself: its robust noise is the
median of its unexplained change over the last NOISE_S, spread over its neighbours (an edge
that jitters by a pixel calibrates the pixels beside it too). A place with no history yet (the
clip's or the shot's first frames) keeps the absolute bar.
"""

from __future__ import annotations

from collections import deque

import cv2
import numpy as np

NOISE_S = 0.5  # seconds of history a place's noise is read from
PLACE_SIGMAS = 8.0  # a change counts once it is this many times its place's noise ...
PLACE_FLOOR = 7.0  # ... and at least this many Lab units, whatever the place
SPREAD = 0.03  # share of the short side over which a place's noise reaches its neighbours


class PlaceNoise:
    """Feed each frame's unexplained change (Lab, per pixel) in order; `bar` returns the
    per-pixel bar for the frame about to be fed, from the frames before it."""

    def __init__(self, fps: float, absolute: float, sigmas: float | None = None,
                 floor: float | None = None, spread: float | None = None):  # fmt: skip
        self.frames = max(3, int(round(NOISE_S * fps)))
        self.absolute = absolute
        self.sigmas = PLACE_SIGMAS if sigmas is None else sigmas
        self.floor = PLACE_FLOOR if floor is None else floor
        self.spread = SPREAD if spread is None else spread
        self._history: deque[np.ndarray] = deque(maxlen=self.frames)

    def bar(self, shape: tuple[int, int]) -> np.ndarray | float:
        """The bar for each pixel; the absolute one until NOISE_S of history is in."""
        if len(self._history) < self.frames or self._history[0].shape != shape:
            return self.absolute
        noise = np.median(np.stack(self._history), axis=0)
        radius = max(1, int(round(self.spread * min(shape))))
        noise = cv2.dilate(noise, np.ones((2 * radius + 1, 2 * radius + 1), np.uint8))
        # Never above the absolute bar: a noisy place keeps the bar it had.
        return np.minimum(self.absolute, np.maximum(self.floor, self.sigmas * noise))

    def add(self, residual: np.ndarray) -> None:
        self._history.append(residual.astype(np.float32, copy=False))

    def reset(self) -> None:
        self._history.clear()
