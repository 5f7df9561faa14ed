"""Track-to-part assignment: the solver-free path gives what scipy's solver gives."""

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from checkers.tracking.assignment import assign

UNMATCHED = 1e6


def _scipy(cost):
    rows, cols = linear_sum_assignment(cost)
    return [(int(i), int(j)) for i, j in zip(rows, cols, strict=True) if cost[i, j] < UNMATCHED]


@pytest.mark.parametrize("seed", range(200))
def test_assign_matches_scipy(seed):
    rng = np.random.default_rng(seed)
    shape = tuple(rng.integers(1, 7, 2))
    cost = np.where(rng.random(shape) < rng.uniform(0.05, 0.9), rng.random(shape) * 4, UNMATCHED)
    assert assign(cost, UNMATCHED) == _scipy(cost)


def test_competing_tracks_go_to_the_solver():
    cost = np.array([[0.1, 0.5], [0.2, UNMATCHED]])  # both tracks want part 0
    assert assign(cost, UNMATCHED) == [(0, 1), (1, 0)]


def test_nothing_affordable():
    assert assign(np.full((2, 3), UNMATCHED), UNMATCHED) == []


def test_the_solver_is_scipys_own_function():
    from checkers.tracking.assignment import _solver

    assert _solver() is linear_sum_assignment or _solver().__doc__ == linear_sum_assignment.__doc__


def test_competing_tracks_do_not_import_scipy_optimize():
    """The solver comes from scipy's compiled module alone: scipy.optimize's import was 0.35 s
    of a check's start-up."""
    import subprocess
    import sys

    code = (
        "import sys, numpy as np\n"
        "from checkers.tracking.assignment import assign\n"
        "pairs = assign(np.array([[0.1, 0.5], [0.2, 1e6]]), 1e6)\n"
        "print(pairs, 'scipy.optimize' in sys.modules, 'scipy.linalg' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[(0, 1), (1, 0)] False False"
