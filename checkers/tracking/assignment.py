"""Tracks to parts: the cheapest one-to-one assignment (the Hungarian method, scipy's).

Most frames need no solver: when no two tracks compete for a part and no part for two tracks
(each row and each column of the cost matrix has at most one affordable entry), the
cheapest assignment takes every affordable pair, whichever solver finds it, since any
affordable cost is far below the `unmatched` sentinel. scipy.optimize is imported only for
a frame where tracks do compete: its import is about 0.3 s of `vidgen check`'s start-up
(BENCHMARKS.md, "Speed, session 10").
"""

from __future__ import annotations

import numpy as np


def assign(cost: np.ndarray, unmatched: float) -> list[tuple[int, int]]:
    """(row, column) pairs of the cheapest assignment whose cost is under `unmatched`, rows
    ascending (as scipy's linear_sum_assignment gives them)."""
    affordable = cost < unmatched
    if (affordable.sum(axis=0) <= 1).all() and (affordable.sum(axis=1) <= 1).all():
        rows, cols = np.nonzero(affordable)  # row-major: rows ascending
        return [(int(i), int(j)) for i, j in zip(rows, cols, strict=True)]
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(cost)
    return [(int(i), int(j)) for i, j in zip(rows, cols, strict=True) if cost[i, j] < unmatched]
