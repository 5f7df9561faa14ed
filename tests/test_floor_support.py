"""floor_line._support: the frames showing a line near each line's height, counted in one
pass, as comparing every line with every other counts them."""

from __future__ import annotations

import numpy as np
import pytest

from checkers.physics.floor_line import _support


def _every_pair(found, reach):
    return [len({f for f, other in found if abs(other - y) <= reach}) for _, y in found]


@pytest.mark.parametrize("seed", range(6))
def test_support_counts_frames_as_every_pair_does(seed):
    rng = np.random.default_rng(seed)
    found = []
    for frame in range(int(rng.integers(1, 80))):
        # A floor most frames show, shaking a little, and lines that come and go.
        found.append((frame, 120.0 + float(rng.normal(0, 1.5))))
        for _ in range(int(rng.integers(0, 3))):
            found.append((frame, float(rng.uniform(0, 180))))
        if seed % 2:  # whole-pixel heights: lines exactly `reach` apart
            found = [(f, float(round(y))) for f, y in found]
    rng.shuffle(found)
    found = [(int(f), float(y)) for f, y in found]
    assert _support(found, 2.0) == _every_pair(found, 2.0)
