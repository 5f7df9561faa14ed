"""A "steady, then changing, then steady" fit of a series: where a change starts and ends,
and how large it is.

A change that builds up (a drift) crosses any bar several frames after it begins, so it is
dated where the fitted line bends, not where the accumulated amount crosses the bar.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Frames between candidate bends: fine for the first bend (the date), coarser for the
# second (where the change ends matters less).
ONSET_STEP = 0.25
END_STEP = 0.5
PAIR_BLOCK = 50_000  # bend pairs scored at once: a few MB a block, whatever the series
# The grid is this fine over at most this many frames (a 33 s track at 30 frames/s).
MAX_GRID_FRAMES = 1000.0
TIE = 1e-9  # relative: two pairs' explained shares this close are one


def onset(frames: np.ndarray, values: np.ndarray) -> float:
    """Where a least-squares "flat, linear ramp, flat" fit of the series starts its ramp."""
    return bends(frames, values)[0]


def bends(frames: np.ndarray, values: np.ndarray) -> tuple[float, float]:
    """The two bends (t0, t1) of a least-squares "flat, linear ramp, flat" fit.

    `values` is (n,) or (n, d) over sorted `frames`; the d columns share the bends. t0 is
    before frames[0] when the series starts mid-change. The fit of
    a + b * clip((f - t0) / (t1 - t0), 0, 1) is linear in a and b for each (t0, t1), so
    every pair on a grid is scored in closed form: the ramp's sums come from running sums
    of the sightings, so a pair costs the same however many sightings lie under it.
    """
    f = np.asarray(frames, dtype=float)
    y = np.asarray(values, dtype=float).reshape(len(f), -1)
    y = y - y.mean(axis=0)
    span = f[-1] - f[0]
    # Candidate bends every ONSET_STEP / END_STEP frames; a series spanning more than
    # MAX_GRID_FRAMES frames gets a coarser grid, so that a track minutes long costs no
    # more than one of MAX_GRID_FRAMES (its onset is dated again on its own sightings,
    # pooled_fit's DATING_WINDOW, where the series is long).
    coarse = max(1.0, span / MAX_GRID_FRAMES)
    onset_step, end_step = ONSET_STEP * coarse, END_STEP * coarse
    starts = np.arange(f[0] - onset_step, f[-1], onset_step)
    ends = np.arange(f[0], f[-1] + end_step, end_step)
    sums = _RunningSums(f, y)
    block = max(1, PAIR_BLOCK // max(1, len(ends)))
    best, best_pair = 0.0, None
    for lo in range(0, len(starts), block):
        t0, t1 = np.meshgrid(starts[lo : lo + block], ends, indexing="ij")
        keep = t1 > t0
        t0, t1 = t0[keep], t1[keep]
        if not len(t0):
            continue
        sgg, sgy = sums.scores(t0, t1)
        # Residual = total - explained; the pair explaining most of the variance wins
        # (the first such pair in the grid's order, as one argmax over it would pick).
        # Pairs that put the same ramp on every sighting explain the same share; summed
        # differently, they differ in the last digits, so equal is within TIE.
        explained = np.where(sgg > 1e-9, (sgy * sgy).sum(axis=1) / np.maximum(sgg, 1e-9), 0.0)
        top = float(explained.max())
        if best_pair is None or top > best + TIE * max(abs(best), 1.0):
            at = int(np.argmax(explained >= top - TIE * max(abs(top), 1.0)))
            best, best_pair = top, (float(t0[at]), float(t1[at]))
    return best_pair if best_pair is not None else (float(starts[0]), float(ends[-1]))


class _RunningSums:
    """Running sums of a sorted series (frames `f`, centred values `y` (n, d)) that give,
    for any bends (t0, t1), the centred ramp g = clip((f - t0) / (t1 - t0), 0, 1)'s sum of
    squares and its products with y, without forming g."""

    def __init__(self, f: np.ndarray, y: np.ndarray):
        # Frames from the first: the squares stay small on long clips (float rounding).
        self.origin = f[0]
        u = f - self.origin
        self.u = u
        zero = np.zeros((1, y.shape[1]))
        self.s1 = np.concatenate([[0.0], np.cumsum(u)])
        self.s2 = np.concatenate([[0.0], np.cumsum(u * u)])
        self.sy = np.concatenate([zero, np.cumsum(y, axis=0)])
        self.suy = np.concatenate([zero, np.cumsum(u[:, None] * y, axis=0)])
        self.n = len(f)

    def scores(self, t0: np.ndarray, t1: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """sum((g - mean g)^2) (m,) and sum((g - mean g) * y) (m, d) for each pair."""
        s0, width = t0 - self.origin, t1 - t0
        # Sightings at or before t0 are 0, at or after t1 are 1, those between on the ramp.
        lo = np.searchsorted(self.u, s0, side="right")
        hi = np.searchsorted(self.u, t1 - self.origin, side="left")
        hi = np.maximum(hi, lo)
        k = hi - lo
        ramp1 = self.s1[hi] - self.s1[lo]
        ramp2 = self.s2[hi] - self.s2[lo]
        after = self.n - hi
        sg = (ramp1 - k * s0) / width + after
        sgg = (ramp2 - 2.0 * s0 * ramp1 + k * s0 * s0) / (width * width) + after - sg * sg / self.n
        ramp_y = self.sy[hi] - self.sy[lo]
        ramp_uy = self.suy[hi] - self.suy[lo]
        total_y = self.sy[self.n]
        sgy = (ramp_uy - s0[:, None] * ramp_y) / width[:, None] + (total_y - self.sy[hi])
        sgy -= (sg / self.n)[:, None] * total_y
        return sgg, sgy


@dataclass(frozen=True)
class Step:
    """A fitted "flat, ramp, flat" series: the ramp runs from frame t0 to t1, from level
    `before` to level `after`; `residual` is the rms distance of the values from the fit."""

    t0: float
    t1: float
    before: np.ndarray
    after: np.ndarray
    residual: float


def fit_step(frames: np.ndarray, values: np.ndarray) -> Step:
    """The least-squares "flat, linear ramp, flat" fit of `values` ((n,) or (n, d))."""
    f = np.asarray(frames, dtype=float)
    y = np.asarray(values, dtype=float).reshape(len(f), -1)
    t0, t1 = bends(f, y)
    g = np.clip((f - t0) / max(t1 - t0, 1e-9), 0.0, 1.0)
    design = np.stack([np.ones_like(g), g], axis=1)  # (n, 2)
    (a, b), *_ = np.linalg.lstsq(design, y, rcond=None)
    residual = float(np.sqrt(((y - design @ np.stack([a, b])) ** 2).sum(axis=1).mean()))
    return Step(t0, t1, a, a + b, residual)


# Sightings the first fit of `pooled_fit` sees at most: a longer series is pooled into medians
# of consecutive sightings. (Pooled for cost when each pair formed its ramp; a pair now costs
# the same for any series, but the thresholds were tuned on the pooled levels.)
MAX_FIT_POINTS = 40
DATING_WINDOW = 24  # sightings either side of a pooled onset that date it exactly
MIN_DATING = 5  # sightings the exact dating needs, else the pooled onset stands


def pooled_fit(frames: np.ndarray, values: np.ndarray) -> Step:
    """`fit_step` of a long series at bounded cost: fitted on pooled medians, then dated on
    the sightings themselves around the pooled onset."""
    frames = np.asarray(frames, dtype=float)
    values = np.asarray(values, dtype=float).reshape(len(frames), -1)
    group = -(-len(frames) // MAX_FIT_POINTS)  # ceil
    if group == 1:
        return fit_step(frames, values)
    cut = range(0, len(frames), group)
    pooled = fit_step(
        np.array([frames[i : i + group].mean() for i in cut]),
        np.array([np.median(values[i : i + group], axis=0) for i in cut]),
    )
    at = int(np.searchsorted(frames, pooled.t0))
    near = slice(max(0, at - DATING_WINDOW), at + DATING_WINDOW)
    if len(frames[near]) < MIN_DATING:
        return pooled
    local = fit_step(frames[near], values[near])
    return Step(local.t0, max(local.t1, pooled.t1), pooled.before, pooled.after, pooled.residual)
