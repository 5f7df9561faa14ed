"""Photometric normalization: exposure and white-balance changes are not object changes.

Between two aligned frames each color channel is fitted as `current = gain * previous +
offset` on pixels that belong to the static scene (they moved with the camera), with the
worst-fitting fifth dropped and the fit repeated, so moving objects and new content do not
pull it. The fitted change is applied to the previous frame before anything compares
colors, and the per-frame gains are kept: a steady drift of the whole scene's color is its
own finding, not a change of every object in it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

MIN_PIXELS = 200  # fewer static pixels cannot pin down six numbers
SAMPLE = 4000  # static pixels used for the fit
TRIM = 0.8  # share of best-fitting pixels kept for the second fit
MAX_GAIN_STEP = 0.5  # |log gain| beyond this in one frame is not exposure: fit refused


@dataclass
class Photometric:
    gain: np.ndarray  # (3,) per RGB channel
    offset: np.ndarray  # (3,) in 0..255 units

    def apply(self, rgb: np.ndarray) -> np.ndarray:
        """`rgb` (float32, 0..255) as it would look under this frame's exposure."""
        if rgb.ndim == 3 and rgb.shape[2] == 3 and rgb.flags.c_contiguous:
            # Each row as one run of values with the gains repeated along it: numpy
            # broadcasting three numbers over the last axis steps three values at a time
            # (about 6x slower on an analysis frame); every product and sum is the same.
            h, w, _ = rgb.shape
            out = rgb.reshape(h, w * 3) * np.tile(self.gain, w)
            out += np.tile(self.offset, w)
            return out.reshape(h, w, 3)
        out = rgb * self.gain
        out += self.offset  # in place: one frame-sized temporary fewer, the same sums
        return out

    def apply_uint8(self, rgb: np.ndarray) -> np.ndarray:
        """`apply` on a uint8 RGB image, clipped to 0..255 and truncated back to uint8.

        Through a table of each channel's 256 values: the same float32 arithmetic as
        `apply` on every pixel, at a fraction of the cost of converting the whole frame.
        """
        values = np.arange(256, dtype=np.float32)[:, None]
        table = np.clip(self.apply(values), 0, 255).astype(np.uint8)  # (256, 3)
        return cv2.LUT(rgb, table.reshape(256, 1, 3))

    @property
    def brightness_change(self) -> float:
        """Mean-gray change this step causes at mid-gray, in 0..255 units."""
        return float(np.mean(self.gain * 128.0 + self.offset) - 128.0)


NEUTRAL = Photometric(np.ones(3, np.float32), np.zeros(3, np.float32))


def fit_photometric(previous: np.ndarray, current: np.ndarray, static: np.ndarray) -> Photometric:
    """Fit per-channel gain and offset on `static` pixels (bool mask) of two aligned frames.

    `previous` and `current` are RGB in 0..255 (uint8 or float) of the same size; only
    the sampled pixels are converted (to float64).
    """
    if np.count_nonzero(static) < MIN_PIXELS:
        return NEUTRAL
    # A few thousand pixels pin six numbers down as well as all of them, at a fraction of
    # the cost.
    where = np.flatnonzero(static)
    where = where[:: max(1, where.size // SAMPLE)]
    # One row a channel, (3, n): the three channels' fits share each numpy call (a row's
    # sum is the same pairwise sum as the channel's column's, so every value is the same).
    # (np.take gathers the same rows as indexing with `where`, at a third of its cost.)
    x = np.take(previous.reshape(-1, 3), where, axis=0).T.astype(np.float64, order="C")
    y = np.take(current.reshape(-1, 3), where, axis=0).T.astype(np.float64, order="C")
    # Each channel is fitted on its own; the three first fits come before any second one
    # so that one quantile call trims all three (the same values as a call per channel).
    g, o = _lines(x, y)
    residual = np.abs(y - (g[:, None] * x + o[:, None]))  # (3, n)
    bars = _quantile_rows(residual, TRIM)
    # The second fits on each channel's best-fitting pixels, gathered for all three at once
    # (row by row, in order: each channel's kept values as its own gather would give them).
    keep = residual <= bars[:, None]
    ends = np.cumsum(np.count_nonzero(keep, axis=1)).tolist()
    x_kept, y_kept = x[keep], y[keep]
    gain, offset = np.ones(3), np.zeros(3)
    for c, (start, end) in enumerate(zip([0, *ends[:2]], ends, strict=True)):
        g, o = _line(x_kept[start:end], y_kept[start:end])
        if abs(np.log(max(g, 1e-3))) > MAX_GAIN_STEP:
            return NEUTRAL
        gain[c], offset[c] = g, o
    return Photometric(gain.astype(np.float32), offset.astype(np.float32))


def _line(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Least-squares y = g x + o; a flat patch (no spread in x) gets an offset only.

    numpy's `x.var()` and `x.mean()` as the sums they take (pairwise, divided by n): the
    same bits without their per-call overhead."""
    n = x.size
    x_mean = np.add.reduce(x) / n
    dx = x - x_mean
    spread = float(np.add.reduce(dx * dx) / n)
    if spread < 25.0:  # under 5 gray levels of spread the gain is not measurable
        return 1.0, float(np.add.reduce(y - x) / n)
    y_mean = np.add.reduce(y) / n
    g = float(np.add.reduce(dx * (y - y_mean)) / n / spread)
    return g, float(y_mean - g * x_mean)


def _lines(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`_line` of each row of `x` and `y` (k, n), as (k,) gains and offsets.

    The sums numpy's `var` and `mean` take (pairwise, from the row's first value), each
    divided by n: the same bits as `x.var()`, `x.mean()` on each row, without their
    per-call overhead (the fit ran three times a frame for each of two callers)."""
    n = x.shape[1]
    x_mean = np.add.reduce(x, axis=1) / n
    y_mean = np.add.reduce(y, axis=1) / n
    dx = x - x_mean[:, None]
    spread = np.add.reduce(dx * dx, axis=1) / n
    # Under 5 gray levels of spread (a variance of 25) the gain is not measurable.
    flat = spread < 25.0
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.add.reduce(dx * (y - y_mean[:, None]), axis=1) / n / spread
    offset = y_mean - g * x_mean
    if flat.any():
        g[flat] = 1.0
        offset[flat] = np.add.reduce((y - x)[flat], axis=1) / n
    return g, offset


def _quantile_rows(values: np.ndarray, q: float) -> np.ndarray:
    """`np.quantile(values, q, axis=1)` (linear, numpy's default) of a (k, n) float64
    array, bit for bit: the two order statistics around (n - 1) q, blended as numpy's
    `_lerp` blends them. A row holding NaN goes through numpy itself."""
    n = values.shape[1]
    virtual = (n - 1) * q
    below = min(math.floor(virtual), n - 1)
    above = min(below + 1, n - 1)
    part = np.partition(values, (below, above, n - 1), axis=1)
    if np.isnan(part[:, -1]).any():
        return np.quantile(values, q, axis=1)
    if virtual >= n - 1:
        return part[:, -1].copy()
    a, b = part[:, below], part[:, above]
    gamma = virtual - below
    diff = b - a
    return b - diff * (1 - gamma) if gamma >= 0.5 else a + diff * gamma
