"""Box geometry shared by the tracker and the checkers: gaps, coverage, contact.

Boxes are (x, y, w, h) in analysis pixels.
"""

from __future__ import annotations

import numpy as np

# Box gap (analysis px) still counted as touching: edge cutting trims ~2 px off each part.
CONTACT_MARGIN = 4.0
# The smaller of a box's width and height changes, as a share of the larger, for a part that
# was scaled as a whole (identity_motion's resizes, occlusion's shrinks).
BOTH_WAYS = 0.5


def box_gap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    """Distance between two boxes (0 when they touch or overlap)."""
    dx = max(a[0] - (b[0] + b[2]), b[0] - (a[0] + a[2]), 0)
    dy = max(a[1] - (b[1] + b[3]), b[1] - (a[1] + a[3]), 0)
    return float(np.hypot(dx, dy))


def covered(box, cover, grow: int = 3) -> float:
    """Share of `box` inside `cover` grown by `grow` pixels (cut edges, prediction error)."""
    # Asked for every part about every missing track on every frame: written out with
    # conditional expressions rather than max and min calls (the same numbers).
    bx, by, bw, bh = box
    cx, cy, cw, ch = cover
    x0, y0 = cx - grow, cy - grow
    x0, y0 = (bx if bx >= x0 else x0), (by if by >= y0 else y0)
    x1, y1 = cx + cw + grow, cy + ch + grow
    x1, y1 = (bx + bw if bx + bw <= x1 else x1), (by + bh if by + bh <= y1 else y1)
    if x1 <= x0 or y1 <= y0:
        return 0 / max(1, bw * bh)
    return (x1 - x0) * (y1 - y0) / max(1, bw * bh)


def scaled_alike(before: list, after: list) -> bool:
    """Boxes `after` grew or shrank from boxes `before` in width and height alike (their
    median log sides), as a resized object's box does. A part cut by scenery it slides
    behind, or dragging a shadow, changes along one side (wild dev: width and height changed
    by ratios of 0.25-0.3 there, 0.75-1.0 on resizes)."""
    sides = [
        np.median([np.log(np.maximum(box[2:], 1)) for box in boxes], axis=0)
        for boxes in (before, after)
    ]
    dw, dh = sides[1] - sides[0]
    return dw * dh > 0 and min(abs(dw), abs(dh)) >= BOTH_WAYS * max(abs(dw), abs(dh))
