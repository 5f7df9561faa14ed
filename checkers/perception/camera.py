"""Camera motion between consecutive frames: a robust homography from tracked corners.

Corners (Shi-Tomasi) of the previous frame are followed into the current one with
pyramidal Lucas-Kanade, kept only when tracking them back lands where they started
(forward-backward check), and a homography is fitted with OpenCV's USAC (MAGSAC++), as
OpenCV's videostab module and its samples do. The inliers are the scene that moves with the
camera (pans, zooms, rotation, shake); the outliers are what moves on its own. The share of
corners that survive both checks is also the first sign of a shot cut: across a cut nothing
tracks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

MAX_CORNERS = 160
# Distances in units of the frame's short side, so the analysis size is a free parameter.
CORNER_SPACING = 0.025  # corners at least this far apart: spread over the frame
ROUND_TRIP = 0.006  # forward-backward error that still counts as one tracked point
INLIER_RADIUS = 0.008  # reprojection error of a point that moves with the camera
MIN_POINTS = 12  # fewer tracked corners cannot support a homography: camera taken as still


@dataclass
class CameraStep:
    """How the camera moved from the previous frame to this one."""

    homography: np.ndarray  # (3, 3): previous frame's pixels -> this frame's pixels
    tracked: int  # corners that survived the forward-backward check
    corners: int  # corners that were looked for
    inlier_share: float  # of the tracked corners, those that move with the camera (0..1)
    fitted: bool  # False when too few corners tracked to fit (homography is identity)
    # Tracked corners that do not move with the camera: (n, 4) rows of x, y (this frame) and
    # their own motion dx, dy after the camera's is removed, pixels. What moves on its own.
    movers: np.ndarray = field(default_factory=lambda: np.zeros((0, 4), np.float32))

    @property
    def tracked_share(self) -> float:
        return self.tracked / self.corners if self.corners else 1.0

    @property
    def shift(self) -> tuple[float, float]:
        """Translation part, pixels: where the frame centre moved."""
        return float(self.homography[0, 2]), float(self.homography[1, 2])


IDENTITY_STEP = CameraStep(np.eye(3), 0, 0, 1.0, False)


class CameraTracker:
    """Feed gray frames in order; each call gives the camera step from the previous one."""

    def __init__(self):
        self._prev: np.ndarray | None = None

    def update(self, gray: np.ndarray) -> CameraStep:
        prev, self._prev = self._prev, gray
        if prev is None:
            return IDENTITY_STEP
        return camera_step(prev, gray)


def camera_step(prev: np.ndarray, cur: np.ndarray) -> CameraStep:
    """The homography mapping `prev` onto `cur` (both uint8 gray, same size)."""
    short = float(min(prev.shape))
    corners = cv2.goodFeaturesToTrack(
        prev, MAX_CORNERS, qualityLevel=0.01, minDistance=max(2.0, CORNER_SPACING * short)
    )
    if corners is None or len(corners) < MIN_POINTS:
        return CameraStep(np.eye(3), 0, 0 if corners is None else len(corners), 1.0, False)
    lk = {"winSize": (13, 13), "maxLevel": 2}
    ahead, ok1, _ = cv2.calcOpticalFlowPyrLK(prev, cur, corners, None, **lk)
    back, ok2, _ = cv2.calcOpticalFlowPyrLK(cur, prev, ahead, None, **lk)
    round_trip = np.linalg.norm((back - corners).reshape(-1, 2), axis=1)
    good = (ok1.ravel() == 1) & (ok2.ravel() == 1) & (round_trip < ROUND_TRIP * short + 0.5)
    src, dst = corners.reshape(-1, 2)[good], ahead.reshape(-1, 2)[good]
    if len(src) < MIN_POINTS:
        return CameraStep(np.eye(3), int(len(src)), len(corners), 0.0, False)
    radius = max(0.75, INLIER_RADIUS * short)
    homography, inliers = cv2.findHomography(src, dst, cv2.USAC_MAGSAC, radius)
    if homography is None or not _plausible(homography, prev.shape):
        return CameraStep(np.eye(3), int(len(src)), len(corners), 0.0, False)
    share = float(inliers.mean()) if inliers is not None else 0.0
    out = inliers.ravel() == 0 if inliers is not None else np.ones(len(src), bool)
    carried = cv2.perspectiveTransform(src[out].reshape(-1, 1, 2), homography).reshape(-1, 2)
    own = dst[out] - carried
    movers = np.hstack([dst[out], own]).astype(np.float32)
    return CameraStep(homography, int(len(src)), len(corners), share, True, movers)


def _plausible(h: np.ndarray, shape: tuple[int, int]) -> bool:
    """A camera moves the frame a little between frames; a wild fit is a failure to fit."""
    rows, cols = shape[:2]
    corners = np.float32([[0, 0], [cols, 0], [cols, rows], [0, rows]]).reshape(-1, 1, 2)
    moved = cv2.perspectiveTransform(corners, h).reshape(-1, 2)
    area = cv2.contourArea(moved.astype(np.float32))
    ratio = area / float(rows * cols)
    return 0.5 < ratio < 2.0 and cv2.isContourConvex(moved.astype(np.float32))
