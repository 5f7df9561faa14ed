"""How alike two parts look (color, size, shape): what tells one object from another when
position cannot, as when a lost track is picked up again far from where it was; and the
looks of a part of the background model that survive shading and a loose cut (its core's
chroma and hue), which identity drift compares over time.
"""

from __future__ import annotations

import cv2
import numpy as np

from checkers.segment import Detection

SAME_COLOR = 12.0  # Lab distance within which two parts have one color (objects' colors differ)
GRAY_CHROMA = 3.0  # Lab units of chroma below which a color has no hue to speak of


def color_distance(a: Detection, b: Detection) -> float:
    """How far apart two parts' mean colors are, in SAME_COLOR units (1: no longer one color)."""
    return float(np.linalg.norm(a.lab - b.lab)) / SAME_COLOR


def appearance_cost(a: Detection, b: Detection) -> float:
    """0 for identical looks; 1 or more for different objects."""
    color = color_distance(a, b)
    size = abs(np.log(max(1.0, b.area) / max(1.0, a.area))) / 0.5
    shape = float(np.abs(a.shape - b.shape).max()) / 0.25
    return max(color, size, shape)


# The middle of a part of the background model, as a share of its size: inside the object
# whatever its cut does at the rim (a contact shadow, backdrop caught at the edge, motion blur).
CORE_SHARE = 0.5


def core_chroma(image: np.ndarray, det: Detection) -> np.ndarray:
    """The (a, b) chroma of the middle of a part: the median over a square of CORE_SHARE of
    its size around its centroid, in CIE Lab, from the uint8 RGB analysis frame.

    The median ignores the spots, stripes and highlight of a textured or shaded object, and
    chroma (unlike the part's mean color) ignores how much of the rim the cut took in.
    """
    r = max(1, int(round(CORE_SHARE * det.size / 2)))
    x, y = int(round(det.cx)), int(round(det.cy))
    h, w = image.shape[:2]
    patch = image[max(0, y - r) : min(h, y + r + 1), max(0, x - r) : min(w, x + r + 1)]
    if patch.size == 0:
        return np.zeros(2)
    lab = cv2.cvtColor(np.ascontiguousarray(patch), cv2.COLOR_RGB2Lab).astype(np.float32)
    return np.median(lab.reshape(-1, 3)[:, 1:], axis=0) - 128.0


def hue_shift(before: np.ndarray, after: np.ndarray) -> float:
    """How far chroma `after` lies from the hue line of `before` (Lab units): its distance
    to the half-line from gray through `before`.

    Shading scales an object's color, which moves its chroma along that half-line, not off
    it: a shaded ball rolling into shadow or light keeps its hue. A hue turned half-way
    round (yellow to blue) is as far from it as its chroma is from gray. A nearly gray
    object has no hue line to keep, so any chroma change counts there.
    """
    norm = float(np.linalg.norm(before))
    if norm < GRAY_CHROMA:
        return float(np.linalg.norm(after - before))
    ux, uy = before / norm
    if ux * after[0] + uy * after[1] < 0.0:
        return float(np.linalg.norm(after))
    return float(abs(ux * after[1] - uy * after[0]))
