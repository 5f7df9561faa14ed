"""Ghosts: where the background model (background.py) shows an object that has left.

An object that was part of the model (there since the shot began, or at rest) and then
moves away leaves its picture in the model, and the frame there differs from it: a part
of foreground that is no object. Its outline has strong edges in the model and none in the
frame, and nothing inside it moves; the model then takes the frame there.
"""

from __future__ import annotations

import cv2
import numpy as np

OUTLINE = 0.012  # short sides: the ring on which a part's outline is compared with the model
# A part's outline in the frame has under this share of the model's edge strength there:
# the model shows an edge the frame does not, so the part is where an object used to be.
GHOST_EDGES = 0.55
GHOST_STILL = 12  # gray levels of change since the previous frame that count as motion
GHOST_MOVING = 0.2  # a ghost has under this share of its pixels changing (compression noise)


class GhostTest:
    """The ghost test for one clip's frames, whose short side is `short` pixels."""

    def __init__(self, short: float):
        ring = max(3, round(OUTLINE * short) * 2 + 1)
        self.ring = np.ones((ring, ring), np.uint8)

    def is_ghost(self, labels, i, stat, cur_edges, model_edges, change) -> bool:
        """The model shows an outline the frame lacks, and nothing moves there now: the
        backdrop an object left. An object moving over its own old place (a part that is
        object and ghost at once) changes from frame to frame, and is never taken into the
        model whole."""
        x, y, w, h, _ = (int(v) for v in stat)
        r = self.ring.shape[0]
        H, W = labels.shape
        x0, y0, x1, y1 = max(0, x - r), max(0, y - r), min(W, x + w + r), min(H, y + h + r)
        part = (labels[y0:y1, x0:x1] == i).astype(np.uint8)
        ring = (cv2.dilate(part, self.ring) - cv2.erode(part, self.ring)).astype(bool)
        if not ring.any():
            return False
        in_frame = float(cur_edges[y0:y1, x0:x1][ring].mean())
        in_model = float(model_edges[y0:y1, x0:x1][ring].mean())
        if in_frame >= GHOST_EDGES * in_model:
            return False
        inside = part.astype(bool)
        moving = float((change[y0:y1, x0:x1][inside] > GHOST_STILL).mean())
        return moving < GHOST_MOVING


def ghost_view(gray, model_u8, still) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The frame's and the model's edge strength, and the gray change since the previous
    frame as this camera sees it (what changed moves; none after a start or a lost scene)."""
    h, w = gray.shape
    change = np.zeros((h, w), np.uint8) if still is None else cv2.absdiff(gray, still)
    return _edges(gray), _edges(cv2.cvtColor(model_u8, cv2.COLOR_RGB2GRAY)), change


def _edges(gray: np.ndarray) -> np.ndarray:
    gx = cv2.Sobel(gray, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(gray, cv2.CV_32F, 0, 1, ksize=3)
    return cv2.magnitude(gx, gy)
