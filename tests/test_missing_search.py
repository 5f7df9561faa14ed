"""The missing-track search's small medians (tracking/missing.py) are numpy's, bit for bit.

The search runs for every missing track on every frame, so it takes its medians of a dozen
sightings in plain Python; a box size or a usual area that differed in its last bit could
move a predicted box by a pixel and a decision with it.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from checkers.tracking.missing import _median


@pytest.mark.parametrize("length", [1, 2, 3, 4, 11, 12])
def test_the_median_is_numpys_to_the_bit(length):
    rng = random.Random(length)
    for _ in range(200):
        areas = [rng.uniform(5.0, 5000.0) for _ in range(length)]
        sides = [rng.randint(1, 400) for _ in range(length)]
        for values in (areas, sides):
            ours, numpys = _median(values), np.median(values)
            assert ours == numpys and type(ours) is float, (values, ours, numpys)
            assert np.float64(ours).tobytes() == np.float64(numpys).tobytes()


def test_an_even_count_averages_the_middle_two_in_float64():
    # 2**53 + 1 is not a float64: numpy converts each value before adding, as the search must.
    values = [2**53 + 1, 2**53 + 3]
    assert _median(values) == np.median(values)
    assert _median([0.1, 0.2, 0.7, 0.9]) == np.median([0.1, 0.2, 0.7, 0.9])
