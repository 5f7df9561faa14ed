"""The "steady, ramp, steady" fit (checkers/step_fit.py): the running-sum scoring gives what
forming every ramp gives, and a long track costs what a short one does."""

from __future__ import annotations

import numpy as np
import pytest

from checkers import step_fit


def _explained(frames, values, t0, t1):
    """The variance share a "flat, ramp, flat" fit with bends (t0, t1) explains, from the
    ramp itself (the definition the running sums must reproduce)."""
    y = values - values.mean(axis=0)
    g = np.clip((frames - t0) / (t1 - t0), 0.0, 1.0)
    g = g - g.mean()
    sgg = float(g @ g)
    return float(((g @ y) ** 2).sum() / sgg) if sgg > 1e-9 else 0.0


def _grid_best(frames, values):
    """The largest explained share over bends() grid, pair by pair."""
    starts = np.arange(frames[0] - step_fit.ONSET_STEP, frames[-1], step_fit.ONSET_STEP)
    ends = np.arange(frames[0], frames[-1] + step_fit.END_STEP, step_fit.END_STEP)
    return max(_explained(frames, values, a, b) for a in starts for b in ends if b > a)


@pytest.mark.parametrize("seed", range(8))
def test_bends_finds_the_pair_that_explains_most(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(4, 40))
    frames = np.sort(rng.choice(np.arange(3 * n), size=n, replace=False)).astype(float) + 100
    if seed % 2:
        frames += rng.random(n)  # pooled frames are means of several
    start = frames[0] + rng.random() * (frames[-1] - frames[0])
    ramp = np.clip((frames - start) / (1 + 10 * rng.random()), 0, 1)
    values = np.stack([ramp * 3, -ramp], axis=1) + rng.normal(0, 0.3, (n, 2))
    t0, t1 = step_fit.bends(frames, values)
    assert _explained(frames, values, t0, t1) == pytest.approx(_grid_best(frames, values), rel=1e-9)


def test_pairs_that_make_the_same_ramp_are_one_and_the_first_is_taken():
    # Sightings at 0..9 and 20..29: every pair with 9 <= t0 < t1 <= 20 puts the same ramp on
    # every sighting (a step between 9 and 20), summed in different orders; the grid's first
    # such pair is kept, as main's one argmax kept it.
    frames = np.concatenate([np.arange(10), np.arange(20, 30)]).astype(float)
    values = np.concatenate([np.zeros(10), np.ones(10)])
    t0, t1 = step_fit.bends(frames, values)
    assert (t0, t1) == (9.0, 9.5)


def test_a_track_minutes_long_is_fitted_on_a_bounded_grid(monkeypatch):
    # At 30 frames/s, ten minutes are 18000 frames: the grid of bend pairs grows with the
    # square of the frames spanned, so past MAX_GRID_FRAMES its steps widen with the span.
    scored = []
    real = step_fit._RunningSums.scores

    def counting(self, t0, t1):
        scored.append(len(t0))
        return real(self, t0, t1)

    monkeypatch.setattr(step_fit._RunningSums, "scores", counting)
    frames = np.linspace(0, 18000, 40)
    values = (frames > 9000).astype(float)
    t0, t1 = step_fit.bends(frames, values)
    assert frames[19] <= t0 < t1 <= frames[20] + 18000 / step_fit.MAX_GRID_FRAMES
    limit = 4 * step_fit.MAX_GRID_FRAMES * 2 * step_fit.MAX_GRID_FRAMES  # starts x ends
    assert sum(scored) <= limit
