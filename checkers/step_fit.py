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
PAIR_CELLS = 2_000_000  # (bend pair, sighting) cells scored at once: about 16 MB a block


def onset(frames: np.ndarray, values: np.ndarray) -> float:
    """Where a least-squares "flat, linear ramp, flat" fit of the series starts its ramp."""
    return bends(frames, values)[0]


def bends(frames: np.ndarray, values: np.ndarray) -> tuple[float, float]:
    """The two bends (t0, t1) of a least-squares "flat, linear ramp, flat" fit.

    `values` is (n,) or (n, d) over sorted `frames`; the d columns share the bends. t0 is
    before frames[0] when the series starts mid-change. The fit of
    a + b * clip((f - t0) / (t1 - t0), 0, 1) is linear in a and b for each (t0, t1), so
    every pair on a grid is scored in closed form.
    """
    f = np.asarray(frames, dtype=float)
    y = np.asarray(values, dtype=float).reshape(len(f), -1)
    y = y - y.mean(axis=0)
    starts = np.arange(f[0] - ONSET_STEP, f[-1], ONSET_STEP)
    ends = np.arange(f[0], f[-1] + END_STEP, END_STEP)
    # The grid grows with the square of the frames spanned and each pair weighs every
    # sighting: scored a block of starts at a time, memory stays bounded (a 240-sighting
    # series scored at once took about 0.9 GB).
    block = max(1, PAIR_CELLS // max(1, len(ends) * len(f)))
    best, best_pair = -np.inf, (float(starts[0]), float(ends[-1]))
    for lo in range(0, len(starts), block):
        t0, t1 = np.meshgrid(starts[lo : lo + block], ends, indexing="ij")
        keep = t1 > t0
        t0, t1 = t0[keep], t1[keep]
        if not len(t0):
            continue
        g = np.clip((f[None, :] - t0[:, None]) / (t1 - t0)[:, None], 0.0, 1.0)
        g -= g.mean(axis=1, keepdims=True)
        sgg = (g * g).sum(axis=1)
        sgy = g @ y
        # Residual = total - explained; the pair explaining most of the variance wins
        # (the first such pair in the grid's order, as one argmax over it would pick).
        explained = np.where(sgg > 1e-9, (sgy * sgy).sum(axis=1) / np.maximum(sgg, 1e-9), 0.0)
        at = int(np.argmax(explained))
        if explained[at] > best:
            best, best_pair = float(explained[at]), (float(t0[at]), float(t1[at]))
    return best_pair


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
# of consecutive sightings (the bend search grows with the cube of the sightings).
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
