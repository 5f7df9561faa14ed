"""Robust statistics for clip-adaptive thresholds (median and MAD, not mean and std)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

MAD_TO_SIGMA = 1.4826  # MAD of a normal distribution times this is its standard deviation


def robust_sigma(values: Sequence[float] | np.ndarray) -> float:
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return 0.0
    return float(MAD_TO_SIGMA * np.median(np.abs(v - np.median(v))))


def robust_threshold(values, k: float, floor: float) -> float:
    """median + k robust sigmas, never below `floor` (compression noise has a size too)."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return floor
    return max(floor, float(np.median(v)) + k * robust_sigma(v))


def runs(flags: Sequence[bool]) -> list[tuple[int, int]]:
    """(start, length) of each run of True values."""
    out, start = [], None
    for i, flag in enumerate(list(flags) + [False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            out.append((start, i - start))
            start = None
    return out
