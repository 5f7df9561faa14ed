"""Frame-level signals from dense optical flow, for content without clean objects.

OpenCV's DIS flow on a half-size gray copy gives, per frame pair: the camera's global shift
(median flow), and the warping error (what is left after moving the previous frame along
the flow): a spike means content changed in a way no motion explains. Color histograms give
the frame-level drift signal: similarity to the first frame and to the previous one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from checkers.perception.pixel_grid import pixel_grid

MIN_CAMERA_SHIFT = 0.1  # px at half size; below this the median flow is noise, not a pan
TEXTURE_GRADIENT = 24.0  # Sobel units (~6 gray levels per pixel): enough texture to track
MIN_TEXTURED = 0.03  # share of textured background pixels needed to measure a pan


@dataclass
class FlowSignals:
    camera_shift: np.ndarray  # (dx, dy) the scene moved, in analysis pixels, this frame
    warp_error: float  # mean absolute gray error after flow compensation, 0..255; NaN at start
    similarity_first: float  # color-histogram intersection with the first frame, 0..1
    similarity_prev: float


class FlowMeter:
    def __init__(self):
        self._dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_ULTRAFAST)
        self._prev_gray: np.ndarray | None = None
        self._first_hist: np.ndarray | None = None
        self._prev_hist: np.ndarray | None = None

    def update(
        self, rgb: np.ndarray, background: np.ndarray | None = None, shift: bool = True
    ) -> FlowSignals:
        """`background`: optional bool mask (analysis size) of pixels that are background.
        `shift=False`: the camera's shift is not wanted (a caller that has the camera from
        elsewhere, as the background model's fit) and comes back as zero, unmeasured."""
        h, w = rgb.shape[:2]
        small = cv2.resize(rgb, (max(16, w // 2), max(16, h // 2)), interpolation=cv2.INTER_AREA)
        gray = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
        hist = cv2.calcHist([small], [0, 1, 2], None, [8, 8, 8], [0, 256] * 3)
        hist /= max(1.0, float(hist.sum()))
        if self._prev_gray is None:
            self._prev_gray, self._first_hist, self._prev_hist = gray, hist, hist
            return FlowSignals(np.zeros(2), math.nan, 1.0, 1.0)
        flow = self._dis.calc(self._prev_gray, gray, None)  # (h, w, 2): prev -> current
        shift = self._camera_shift(gray, flow, background) if shift else np.zeros(2)
        warp_error = self._warp_error(gray, flow)
        sim_first = float(cv2.compareHist(self._first_hist, hist, cv2.HISTCMP_INTERSECT))
        sim_prev = float(cv2.compareHist(self._prev_hist, hist, cv2.HISTCMP_INTERSECT))
        self._prev_gray, self._prev_hist = gray, hist
        return FlowSignals(shift, warp_error, sim_first, sim_prev)

    def _camera_shift(self, gray, flow, background) -> np.ndarray:
        """The scene's shift to add to image positions (minus the background's median flow).

        Only textured background pixels say anything about the camera: on a plain
        background the flow is whatever the objects drag along, so without enough texture
        the camera is taken as still.
        """
        gx = cv2.Sobel(gray, cv2.CV_32F, 1, 0, ksize=3)
        gy = cv2.Sobel(gray, cv2.CV_32F, 0, 1, ksize=3)
        textured = (gx * gx + gy * gy) > TEXTURE_GRADIENT**2
        if background is not None:
            h, w = gray.shape
            small = cv2.resize(background.astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST)
            textured &= small.astype(bool)
        if textured.mean() < MIN_TEXTURED:
            return np.zeros(2)
        vectors = flow[textured]
        median = np.median(vectors, axis=0)
        spread = np.median(np.abs(vectors - median), axis=0).max()
        if np.hypot(*median) < MIN_CAMERA_SHIFT or spread > max(0.5, 0.5 * np.hypot(*median)):
            return np.zeros(2)
        # Flow is measured at half size; positions are in analysis pixels.
        return (-2.0 * median).astype(float)

    def _warp_error(self, gray: np.ndarray, flow: np.ndarray) -> float:
        # Pull each current pixel from where the flow says it came from in the previous frame.
        # DIS gives prev->current flow; using it at the current pixel is the usual
        # first-order approximation of the backward flow.
        source = pixel_grid(gray.shape) - flow
        # The (h, w, 2) map whole: OpenCV reads the x and y planes from it as it would from
        # two maps (the same pixels), without copying out two strided planes first.
        warped = cv2.remap(
            self._prev_gray, source, None, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
        )
        return float(cv2.absdiff(warped, gray).mean())
