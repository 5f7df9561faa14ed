"""Box geometry shared by the tracker and the checkers: gaps, coverage, contact.

Boxes are (x, y, w, h) in analysis pixels.
"""

from __future__ import annotations

import numpy as np

# Box gap (analysis px) still counted as touching: edge cutting trims ~2 px off each part.
CONTACT_MARGIN = 4.0


def box_gap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    """Distance between two boxes (0 when they touch or overlap)."""
    dx = max(a[0] - (b[0] + b[2]), b[0] - (a[0] + a[2]), 0)
    dy = max(a[1] - (b[1] + b[3]), b[1] - (a[1] + a[3]), 0)
    return float(np.hypot(dx, dy))


def covered(box, cover, grow: int = 3) -> float:
    """Share of `box` inside `cover` grown by `grow` pixels (cut edges, prediction error)."""
    x0, y0 = max(box[0], cover[0] - grow), max(box[1], cover[1] - grow)
    x1 = min(box[0] + box[2], cover[0] + cover[2] + grow)
    y1 = min(box[1] + box[3], cover[1] + cover[3] + grow)
    inside = max(0, x1 - x0) * max(0, y1 - y0)
    return inside / max(1, box[2] * box[3])
