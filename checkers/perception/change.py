"""Unexplained change: what in this frame neither the camera nor any motion accounts for.

The previous frame is carried into this one in three steps: the camera's homography
(checkers/perception/camera.py), the exposure change fitted on the static scene
(photometric.py), and a dense residual flow (OpenCV DIS) for everything that moves on its own.
What still differs is content that appeared, vanished or changed its look in place: the
evidence of a permanence or identity failure, whatever the scene's texture. Pixels the
residual flow cannot follow back (forward-backward mismatch) are being uncovered or covered
by motion, which is expected, so they are kept apart (`occluded`).

Connected areas of strong unexplained change become `ChangeRegion`s, sized in shares of the
frame; whether something appeared, vanished or changed is read from how much the area stands
out from its surroundings before and after.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from checkers.perception.camera import CameraStep, CameraTracker
from checkers.perception.photometric import NEUTRAL, Photometric, fit_photometric
from checkers.perception.pixel_grid import pixel_grid
from checkers.segment import lab_distance, to_lab

# Lab units of unexplained change that count whatever the clip's noise (compression and
# interpolation errors stay below this on real footage at crf 23-28).
CHANGE_FLOOR = 14.0
NOISE_FACTOR = 4.0  # ... and this many times the frame's median residual
MIN_REGION = 0.002  # share of the frame: smaller areas are noise, speckle, texture shimmer
# Two bars on single flow measurements, so per frame, not per second: they sit just above
# what DIS gets wrong between two frames of a static textured scene, whatever the frame rate.
STATIC_SPEED = 0.006  # residual flow (short-side units a frame) below which scene is static
OCCLUSION = 0.01  # forward-backward flow mismatch (short-side units) that marks (dis)occlusion
RING = 0.03  # width of the surroundings an area is compared with (short-side units)


@dataclass
class ChangeRegion:
    bbox: tuple[int, int, int, int]  # x, y, w, h in analysis pixels
    share: float  # area as a share of the frame
    strength: float  # median unexplained change inside, Lab units
    contrast_before: float  # how much the area stood out from its surroundings before (Lab)
    contrast_after: float  # ... and now
    moving: float  # median residual flow inside, short-side units per frame

    @property
    def hint(self) -> str:
        """appear / vanish / change, from the area's contrast with its surroundings."""
        if self.contrast_after > 1.8 * self.contrast_before + 4.0:
            return "appear"
        if self.contrast_before > 1.8 * self.contrast_after + 4.0:
            return "vanish"
        return "change"


@dataclass
class ChangeStep:
    camera: CameraStep
    photometric: Photometric
    noise: float  # median unexplained change over the frame, Lab units
    changed_share: float  # share of the frame with strong unexplained change
    occluded_share: float  # share being covered or uncovered by motion
    moving_share: float  # share moving on its own (residual flow above the static level)
    regions: list[ChangeRegion] = field(default_factory=list)
    residual: np.ndarray | None = None  # (h, w) float32 unexplained change, Lab units
    speed: np.ndarray | None = None  # (h, w) residual flow, short-side units per frame
    occluded: np.ndarray | None = None  # (h, w) bool, being covered or uncovered
    lab: np.ndarray | None = None  # (h, w, 3) this frame in Lab (lightly blurred), for reuse


def gray_and_lab(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The gray frame the camera is fitted on and the lightly blurred Lab frame colors are
    read from: one place, so that the cuts-only scene (scene.py) reads what ChangeMeter does."""
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), to_lab(cv2.GaussianBlur(rgb, (3, 3), 0))


class ChangeMeter:
    """Feed RGB analysis frames in order; each call returns that frame's `ChangeStep`."""

    def __init__(self, keep_map: bool = False, regions: bool = True):
        """`keep_map`: hand out the per-pixel maps; `regions`: cut the change into
        ChangeRegions (connected areas), which the scene's burst finder does not need."""
        self._camera = CameraTracker()
        # MEDIUM follows motions of several pixels a frame that ULTRAFAST misses (a small object
        # sliding fast over texture); at the scene size it costs about 2 ms a call.
        self._dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)
        self._prev_rgb: np.ndarray | None = None
        self._keep_map = keep_map
        self._regions = regions

    def update(self, rgb: np.ndarray, compare: bool = True) -> ChangeStep:
        """`compare=False`: the camera step and the Lab frame only, with no unexplained
        change (neutral, as on the first frame): what finding cuts needs, at a fifth of the
        cost."""
        gray, lab = gray_and_lab(rgb)
        step = self._camera.update(gray)
        prev, self._prev_rgb = self._prev_rgb, rgb
        if prev is None or not compare:
            return ChangeStep(step, NEUTRAL, 0.0, 0.0, 0.0, 0.0, lab=lab)
        return self._compare(prev, rgb, gray, lab, step)

    def _compare(self, prev, rgb, gray, lab_now, step: CameraStep) -> ChangeStep:
        h, w = gray.shape
        short = float(min(h, w))
        warped = cv2.warpPerspective(prev, step.homography, (w, h), borderMode=cv2.BORDER_REPLICATE)
        inside = cv2.warpPerspective(np.ones((h, w), np.uint8), step.homography, (w, h)) > 0
        inside = cv2.erode(inside.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
        warped_gray = cv2.cvtColor(warped, cv2.COLOR_RGB2GRAY)
        forward = self._dis.calc(warped_gray, gray, None)  # (h, w, 2) warped prev -> current
        backward = self._dis.calc(gray, warped_gray, None)
        grid = pixel_grid((h, w))
        # Pull each current pixel from where the residual flow says it came from.
        source = grid + backward
        back_again = cv2.remap(forward, source[..., 0], source[..., 1], cv2.INTER_LINEAR)
        mismatch = _length(backward + back_again) / short
        occluded = (mismatch > OCCLUSION) & inside
        speed = _length(backward) / short
        static = inside & ~occluded & (speed < STATIC_SPEED)

        photometric = fit_photometric(warped, rgb, static)
        corrected = photometric.apply_uint8(warped)
        predicted = cv2.remap(corrected, source[..., 0], source[..., 1], cv2.INTER_LINEAR,
                              borderMode=cv2.BORDER_REPLICATE)  # fmt: skip
        lab_pred = to_lab(cv2.GaussianBlur(predicted, (3, 3), 0))
        residual = lab_distance(lab_now, lab_pred)
        residual[~inside] = 0.0
        usable = inside & ~occluded
        noise = float(np.median(residual[usable])) if usable.any() else 0.0
        strong = (residual > max(CHANGE_FLOOR, NOISE_FACTOR * noise)) & usable
        regions = []
        if self._regions:
            lab_before = to_lab(cv2.GaussianBlur(corrected, (3, 3), 0))
            regions = _regions(strong, residual, speed, lab_before, lab_now, short)
        return ChangeStep(
            step,
            photometric,
            noise,
            float(strong.mean()),
            float(occluded.mean()),
            float((speed >= STATIC_SPEED).mean()),
            regions,
            residual if self._keep_map else None,
            speed if self._keep_map else None,
            occluded if self._keep_map else None,
            lab_now,
        )


def _length(vectors: np.ndarray) -> np.ndarray:
    """Per-pixel length of an (h, w, 2) float32 flow: the float32 arithmetic of
    np.linalg.norm(vectors, axis=2), at a sixth of its cost."""
    dx, dy = vectors[..., 0], vectors[..., 1]
    return np.sqrt(dx * dx + dy * dy)


def _regions(strong, residual, speed, lab_before, lab_now, short) -> list[ChangeRegion]:
    """Connected areas of strong change, closed over small gaps, largest first."""
    radius = max(1, int(round(0.01 * short)))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    closed = cv2.morphologyEx(strong.astype(np.uint8), cv2.MORPH_CLOSE, kernel)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(closed, connectivity=8)
    total = float(strong.size)
    ring = max(2, int(round(RING * short)))
    out = []
    for i in range(1, count):
        share = stats[i, cv2.CC_STAT_AREA] / total
        if share < MIN_REGION:
            continue
        x, y, w, h = (int(v) for v in stats[i, :4])
        # Work inside the area's box grown by the ring: whole-frame masks per area cost more
        # than the rest of the frame's analysis.
        H, W = labels.shape
        x0, y0 = max(0, x - ring), max(0, y - ring)
        x1, y1 = min(W, x + w + ring), min(H, y + h + ring)
        mask = labels[y0:y1, x0:x1] == i
        around = ~mask
        out.append(
            ChangeRegion(
                (x, y, w, h),
                float(share),
                float(np.median(residual[y0:y1, x0:x1][mask])),
                _contrast(lab_before[y0:y1, x0:x1], mask, around),
                _contrast(lab_now[y0:y1, x0:x1], mask, around),
                float(np.median(speed[y0:y1, x0:x1][mask])),
            )
        )
    return sorted(out, key=lambda r: -r.share)


def _contrast(lab: np.ndarray, inside: np.ndarray, around: np.ndarray) -> float:
    """Lab distance between an area's mean color and that of its surroundings."""
    if not around.any() or not inside.any():
        return 0.0
    return float(np.linalg.norm(lab[inside].mean(axis=0) - lab[around].mean(axis=0)))
