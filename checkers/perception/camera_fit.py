"""The camera's motion between two frames, as the background model (background.py) and its
clean plate (clean_plate.py) carry the backdrop by it.

Corners are followed as in camera.py (Shi-Tomasi, LK with a forward-backward check) and a
similarity is fitted to them. The strongest corners of a soft, dark or plain backdrop are a
crisp object's, so a fit to them alone follows the object; a fit to corners spread over the
frame, and no motion at all, are weighed against it, and the one that aligns the frame best
is the camera's.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from checkers.perception.camera import (
    CORNER_SPACING,
    INLIER_RADIUS,
    MAX_CORNERS,
    MIN_POINTS,
    ROUND_TRIP,
)
from checkers.perception.cuts import LOST_SCENE

# The camera fit (camera_similarity): a backdrop that is soft, dark or plain has only faint
# corners, far weaker than a crisp object's, and the fit followed the object (wild TUNE
# corpora: a tiled backdrop panned under two objects held them in the model as backdrop).
FAINT = 0.001  # quality level (share of the strongest corner's) of a faint corner
CELL = 0.25  # short sides: the patches over which the corners are spread
PER_CELL = 4  # corners each patch contributes at most to the fit
MISALIGNED = 24  # gray levels: a pixel this far off counts as misaligned, however far
BETTER = 0.9  # another fit replaces the strong corners' when it leaves this share of misalignment


def camera_similarity(prev: np.ndarray, cur: np.ndarray) -> np.ndarray | None:
    """The camera's motion from `prev` to `cur` (uint8 gray) as a 3x3 similarity (shift,
    zoom, roll), or None when the scene was lost (a shot cut).

    Corners are followed as in camera.py (Shi-Tomasi, LK with a forward-backward check), but
    the fit is a similarity, not a homography: the model is carried by every step's fit in
    turn, and a homography's perspective terms, poorly pinned by corners bunched on one
    textured region, skew the rest of the frame a little more each step. A frame with too
    few corners to follow (a plain backdrop) is taken as a still camera.
    """
    short = float(min(prev.shape))
    spacing = max(2.0, CORNER_SPACING * short)
    corners = cv2.goodFeaturesToTrack(prev, MAX_CORNERS, qualityLevel=0.01, minDistance=spacing)
    if corners is None or len(corners) < MIN_POINTS:
        return np.eye(3)
    lk = {"winSize": (13, 13), "maxLevel": 2}
    ahead, ok1, _ = cv2.calcOpticalFlowPyrLK(prev, cur, corners, None, **lk)
    back, ok2, _ = cv2.calcOpticalFlowPyrLK(cur, prev, ahead, None, **lk)
    round_trip = np.linalg.norm((back - corners).reshape(-1, 2), axis=1)
    good = (ok1.ravel() == 1) & (ok2.ravel() == 1) & (round_trip < ROUND_TRIP * short + 0.5)
    if good.sum() < LOST_SCENE * len(corners) or good.sum() < MIN_POINTS:
        return None
    src, dst = corners.reshape(-1, 2)[good], ahead.reshape(-1, 2)[good]
    radius = max(0.75, INLIER_RADIUS * short)
    fit, inliers = cv2.estimateAffinePartial2D(src, dst, method=cv2.RANSAC,
                                               ransacReprojThreshold=radius)  # fmt: skip
    if fit is None or inliers is None or inliers.mean() * good.mean() < LOST_SCENE:
        return None
    fitted = np.vstack([fit, [0.0, 0.0, 1.0]])
    return _backdrop_fit(prev, cur, fitted, short, lk)


def _backdrop_fit(prev, cur, fitted: np.ndarray, short: float, lk: dict) -> np.ndarray:
    """The camera's motion that best aligns the whole frame: the strong corners' fit
    (`fitted`), a fit to corners spread evenly over the frame, or no motion.

    The strongest corners of a soft, dark or plain backdrop are a crisp object's, and a fit
    to them follows the object (wild TUNE corpora: a dark tiled backdrop panned under two
    objects held them as backdrop; on a plain one, two objects sliding apart read as a
    zoom). Corners spread over the frame give each patch a bounded say, and the pixels
    decide between the fits: the backdrop covers most of the frame, so the fit that aligns
    most of it is the camera's.
    """
    spacing = max(2.0, CORNER_SPACING * short)
    faint = cv2.goodFeaturesToTrack(prev, MAX_CORNERS, qualityLevel=FAINT, minDistance=spacing)
    candidates = [fitted, np.eye(3)]
    if faint is not None:
        points = _spread(faint.reshape(-1, 2), prev.shape, short)
        ahead, ok1, _ = cv2.calcOpticalFlowPyrLK(prev, cur, points, None, **lk)
        back, ok2, _ = cv2.calcOpticalFlowPyrLK(cur, prev, ahead, None, **lk)
        round_trip = np.linalg.norm(back - points, axis=1)
        good = (ok1.ravel() == 1) & (ok2.ravel() == 1) & (round_trip < ROUND_TRIP * short + 0.5)
        if good.sum() >= MIN_POINTS:
            radius = max(0.75, INLIER_RADIUS * short)
            fit, _ = cv2.estimateAffinePartial2D(points[good], ahead[good], method=cv2.RANSAC,
                                                 ransacReprojThreshold=radius)  # fmt: skip
            if fit is not None:
                candidates.append(np.vstack([fit, [0.0, 0.0, 1.0]]))
    costs = _misalignment(prev, cur, candidates)
    # The strong corners' fit stands unless another aligns the frame clearly better.
    best = int(np.argmin(costs))
    return candidates[best] if costs[best] < BETTER * costs[0] else fitted


def _misalignment(prev, cur, motions: list[np.ndarray]) -> list[float]:
    """Mean gray difference (clipped: an object's own motion counts no more than a patch of
    backdrop) between `cur` and `prev` carried by each motion, at half size, over the
    pixels every motion keeps in view."""
    half = np.diag([0.5, 0.5, 1.0])
    small_prev = cv2.resize(prev, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    small_cur = cv2.resize(cur, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    h, w = small_cur.shape
    seen = np.ones((h, w), np.uint8)
    diffs = []
    for motion in motions:
        m = half @ motion @ np.linalg.inv(half)
        moved = cv2.warpPerspective(small_prev, m, (w, h), flags=cv2.INTER_LINEAR)
        inside = cv2.warpPerspective(np.ones_like(seen), m, (w, h), flags=cv2.INTER_NEAREST)
        seen &= inside
        diffs.append(np.minimum(cv2.absdiff(small_cur, moved), MISALIGNED))
    keep = seen.astype(bool)
    if not keep.any():
        return [0.0] * len(motions)
    return [float(d[keep].mean()) for d in diffs]


def _spread(corners: np.ndarray, shape: tuple[int, int], short: float) -> np.ndarray:
    """At most PER_CELL of `corners` (strongest first, as goodFeaturesToTrack orders them) in
    each square cell of CELL short sides."""
    cell = max(4.0, CELL * short)
    h, w = shape
    cols = int(math.ceil(w / cell))
    ids = (corners[:, 1] // cell).astype(int) * cols + (corners[:, 0] // cell).astype(int)
    taken: dict[int, int] = {}
    keep = []
    for k, cid in enumerate(ids):
        if taken.get(cid, 0) < PER_CELL:
            taken[cid] = taken.get(cid, 0) + 1
            keep.append(k)
    return corners[keep]
