"""Tracks to parts: the cheapest one-to-one assignment (the Hungarian method, scipy's).

Most frames need no solver: when no two tracks compete for a part and no part for two tracks
(each row and each column of the cost matrix has at most one affordable entry), the
cheapest assignment takes every affordable pair, whichever solver finds it, since any
affordable cost is far below the `unmatched` sentinel. scipy.optimize is imported only for
a frame where tracks do compete, and then only its solver (`_solver`).
"""

from __future__ import annotations

import functools
import importlib.machinery
import importlib.util
from pathlib import Path

import numpy as np


def assign(cost: np.ndarray, unmatched: float) -> list[tuple[int, int]]:
    """(row, column) pairs of the cheapest assignment whose cost is under `unmatched`, rows
    ascending (as scipy's linear_sum_assignment gives them)."""
    affordable = cost < unmatched
    if (affordable.sum(axis=0) <= 1).all() and (affordable.sum(axis=1) <= 1).all():
        rows, cols = np.nonzero(affordable)  # row-major: rows ascending
        return [(int(i), int(j)) for i, j in zip(rows, cols, strict=True)]
    rows, cols = _solver()(cost)
    return [(int(i), int(j)) for i, j in zip(rows, cols, strict=True) if cost[i, j] < unmatched]


@functools.cache
def _solver():
    """scipy's linear_sum_assignment, loaded from its own compiled module (`_lsap`, which
    needs numpy alone). Importing it through scipy.optimize also imports scipy.linalg and
    the rest of that package: about 0.35 s of CPU at start-up, paid on 58 of gen-clips' 63
    clips, where tracks compete on some frame (BENCHMARKS.md, session 41). The same
    function either way (scipy.optimize re-exports it); anything unexpected in scipy's
    layout falls back to the package import."""
    spec = importlib.util.find_spec("scipy")
    if spec is not None and spec.origin:
        folder = Path(spec.origin).parent / "optimize"
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            path = folder / f"_lsap{suffix}"
            if not path.is_file():
                continue
            try:
                found = importlib.util.spec_from_file_location("scipy.optimize._lsap", path)
                module = importlib.util.module_from_spec(found)
                found.loader.exec_module(module)
                return module.linear_sum_assignment
            except (ImportError, AttributeError, OSError):
                break
    from scipy.optimize import linear_sum_assignment

    return linear_sum_assignment
