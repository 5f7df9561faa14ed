"""The pixel coordinates a dense flow is added to, to pull each pixel from where it came.

Every flow stage (flow.py, change.py, recolor_flow.py, jump_flow.py) remaps a frame along a
flow at the same few analysis sizes: one shared, read-only grid per size instead of one per
stage.
"""

from __future__ import annotations

import functools

import numpy as np


@functools.lru_cache(maxsize=8)
def pixel_grid(shape: tuple[int, int]) -> np.ndarray:
    """(h, w, 2) float32: each pixel's x and y, for a frame of `shape` (h, w)."""
    h, w = shape
    xs, ys = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    grid = np.dstack([xs, ys])
    grid.flags.writeable = False  # shared: callers add to it, never change it
    return grid
