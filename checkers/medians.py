"""`np.median` along the first axis, bit for bit, without its per-call overhead.

numpy's median partitions, then takes the mean of the middle one or two values through its
generic reduction machinery: about 70 us a call on this project's CPU, most of it Python,
for the few dozen values a point step or a track boundary reads (physics/point_speed.py:
several calls a frame). Here the same partition and the same sums: numpy's mean adds from
+0.0 (a middle -0.0 comes out +0.0), divides by the count, and a slice holding NaN is NaN.
Arrays that are not floating point, empty or of more than two dimensions go to numpy.
"""

from __future__ import annotations

import numpy as np


def median0(values) -> np.ndarray | np.floating:
    """`np.median(values, axis=0)`: a 1-D input gives a scalar, an (n, m) one an (m,) row."""
    a = np.asanyarray(values)
    n = a.shape[0] if a.ndim else 0
    if (
        a.dtype.kind != "f"
        or a.dtype.itemsize < 4
        or n == 0
        or a.ndim > 2
        or type(a) is not np.ndarray
    ):
        return np.median(a, axis=0)
    k = n // 2
    part = np.partition(a, (k - 1, k, n - 1) if n % 2 == 0 else (k, n - 1), axis=0)
    zero = a.dtype.type(0.0)
    two = a.dtype.type(2.0)
    middle = zero + part[k] if n % 2 else (zero + part[k - 1] + part[k]) / two
    last = part[n - 1]
    if a.ndim == 1:
        return last if np.isnan(last) else middle  # numpy hands back the NaN itself
    if np.isnan(last).any():
        middle[np.isnan(last)] = np.nan
    return middle
