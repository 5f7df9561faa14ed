"""bursts.py's OpenCV stand-ins give exactly what scipy.ndimage gave (ties included)."""

import numpy as np
import pytest
from scipy.ndimage import label, maximum_filter

from checkers.perception.bursts import _label, _max_filter


@pytest.mark.parametrize("seed", range(20))
def test_max_filter_matches_scipy(seed):
    rng = np.random.default_rng(seed)
    values = rng.random((18, 32)).astype(np.float32) * (rng.random((18, 32)) < 0.3)
    for size in (3, 5):
        assert np.array_equal(_max_filter(values, size), maximum_filter(values, size=size))
    cells = rng.random((18, 32)) < 0.2
    ring = _max_filter(cells.astype(np.uint8), 3).astype(bool)
    assert np.array_equal(ring, maximum_filter(cells, size=3))


@pytest.mark.parametrize("share", [0.0, 0.1, 0.4, 0.6, 1.0])
@pytest.mark.parametrize("seed", range(10))
def test_label_matches_scipy(seed, share):
    mask = np.random.default_rng(seed).random((18, 32)) < share
    groups, count = _label(mask)
    expected, expected_count = label(mask)
    assert count == expected_count
    assert np.array_equal(groups, expected)
