"""The outline of one part as a compact, scale- and rotation-invariant descriptor.

The shape numbers of segment._shape (circularity, solidity, fill) read a loose cut's
perimeter and hull, so pixel steps and a rim that follows shading move them as much as a
morph does. The radial profile reads the whole outline instead: the distance from the
part's centroid to its outline along evenly spaced rays, over their mean, sorted. A circle's
profile is flat, a square's spans 1 to 1.41 of its inradius, a triangle's 1 to 2; sorting
drops the angle, so a turning object keeps its profile.
"""

from __future__ import annotations

import cv2
import numpy as np

RAYS = 24  # rays around the centroid: a part 10 px across still has an outline pixel on each


def radial_profile(mask: np.ndarray) -> np.ndarray:
    """Sorted centroid-to-outline distances of the largest outline in `mask` (uint8, 0/1)
    along RAYS rays, over their mean; all ones when there is no outline to read."""
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    if not contours:
        return np.ones(RAYS, np.float32)
    contour = max(contours, key=cv2.contourArea)[:, 0, :].astype(np.float64)
    m = cv2.moments(mask, binaryImage=True)
    if m["m00"] < 1.0:
        return np.ones(RAYS, np.float32)
    dx = contour[:, 0] - m["m10"] / m["m00"]
    dy = contour[:, 1] - m["m01"] / m["m00"]
    # Outline pixels are pixel centres: the part reaches half a pixel further.
    radius = np.hypot(dx, dy) + 0.5
    ray = ((np.arctan2(dy, dx) + np.pi) / (2.0 * np.pi) * RAYS).astype(int) % RAYS
    far = np.full(RAYS, np.nan)
    np.fmax.at(far, ray, radius)
    seen = np.flatnonzero(~np.isnan(far))
    if seen.size < 3:
        return np.ones(RAYS, np.float32)
    # Rays no outline pixel fell in (a small part): read between their neighbours.
    empty = np.flatnonzero(np.isnan(far))
    far[empty] = np.interp(empty, seen, far[seen], period=RAYS)
    return np.sort(far / far.mean()).astype(np.float32)


def spread(profile: np.ndarray) -> float:
    """How far the outline departs from a circle: the 90th less the 10th percentile of the
    profile (a circle ~0, a hexagon ~0.1, a square ~0.3, a triangle ~0.7)."""
    lo, hi = np.percentile(profile, [10, 90])
    return float(hi - lo)
