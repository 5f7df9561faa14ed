"""How alike two parts look (color, size, shape): what tells one object from another when
position cannot, as when a lost track is picked up again far from where it was.
"""

from __future__ import annotations

import numpy as np

from checkers.segment import Detection

SAME_COLOR = 12.0  # Lab distance within which two parts have one color (objects' colors differ)


def appearance_cost(a: Detection, b: Detection) -> float:
    """0 for identical looks; 1 or more for different objects."""
    color = float(np.linalg.norm(a.lab - b.lab)) / SAME_COLOR
    size = abs(np.log(max(1.0, b.area) / max(1.0, a.area))) / 0.5
    shape = float(np.abs(a.shape - b.shape).max()) / 0.25
    return max(color, size, shape)
