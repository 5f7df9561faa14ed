"""Can motion explain a change? Content is conserved by motion, not by appearing or fading.

The burst finder's motion gates (bursts.py) excuse strong unexplained change next to
something that moves: in real footage, flow is least reliable at a mover's edges, so the
residual there is not evidence. But the excuse is too broad for generated footage, where a
hand fades out while its arm moves, or a rock grows beside a breaking wave.

Motion moves content; it neither makes nor removes it. So a cell's change between two
frames is explained by motion only if both of its pictures are found in the other frame
within the distance anything could have moved: what was there before is somewhere nearby
after (it moved away, uncovering the backdrop) and what is there after was somewhere nearby
before (it moved in). A hand that fades leaves its old picture nowhere in the new frame; a
rock that appears has its new picture nowhere in the old one; a color that turns fails both.
The match is a search over every shift within the reach (OpenCV's template matching, one
call per cell and direction), judged against the clip's own residual noise level, the bar
the change map itself uses.
"""

from __future__ import annotations

import cv2
import numpy as np

# The farthest a thing may have moved between two frames, short sides per second: a brisk
# hand in close-up. At 8 fps this searches 0.12 short sides a frame; at 30 fps 0.03.
REACH_SPEED = 1.0
MIN_REACH = 2  # pixels of the scene copy: flow and resampling jitter even for still content
MARGIN = 1  # pixels added around a cell: its picture with some context to match


def match_errors(
    before: np.ndarray, after: np.ndarray, cells: np.ndarray, reach: int
) -> np.ndarray:
    """For each True cell of the (rows, cols) grid `cells`: how far (RMS Lab units) motion
    within `reach` pixels falls short of explaining the change between the Lab frames `before`
    and `after` (same size): the worse of the two directions' best shifted matches. NaN
    elsewhere."""
    rows, cols = cells.shape
    h, w = before.shape[:2]
    r = max(MIN_REACH, int(reach))
    pad_before = cv2.copyMakeBorder(before, r, r, r, r, cv2.BORDER_REPLICATE)
    pad_after = cv2.copyMakeBorder(after, r, r, r, r, cv2.BORDER_REPLICATE)
    out = np.full(cells.shape, np.nan, np.float32)
    for cy, cx in zip(*np.nonzero(cells), strict=True):
        x0 = max(0, int(cx * w / cols) - MARGIN)
        x1 = min(w, int((cx + 1) * w / cols) + MARGIN)
        y0 = max(0, int(cy * h / rows) - MARGIN)
        y1 = min(h, int((cy + 1) * h / rows) + MARGIN)
        if x1 - x0 < 2 or y1 - y0 < 2:
            out[cy, cx] = 0.0
            continue
        out[cy, cx] = max(
            _best_rms(after[y0:y1, x0:x1], pad_before[y0 : y1 + 2 * r, x0 : x1 + 2 * r]),
            _best_rms(before[y0:y1, x0:x1], pad_after[y0 : y1 + 2 * r, x0 : x1 + 2 * r]),
        )
    return out


def unexplained_cells(
    before: np.ndarray,
    after: np.ndarray,
    cells: np.ndarray,
    reach: int,
    bar: float,
) -> np.ndarray:
    """True for each True cell of `cells` whose change motion within `reach` pixels leaves
    further than `bar` Lab units (RMS) from explaining, in either direction."""
    return np.nan_to_num(match_errors(before, after, cells, reach), nan=0.0) > bar


def _best_rms(patch: np.ndarray, around: np.ndarray) -> float:
    """RMS Lab distance of `patch`'s best match anywhere in `around` (its place +- reach)."""
    sq = cv2.matchTemplate(around, patch, cv2.TM_SQDIFF)
    return float(np.sqrt(max(0.0, float(sq.min())) / (patch.shape[0] * patch.shape[1])))
