"""The floor line of a clip on any backdrop: a long straight edge across the whole frame.

The plain segmentation finds the ground line of a plain backdrop (segment.py); on a textured
or photographed backdrop (the background model's clips) the floor is a textured surface or
the top of a table, and what marks it is the edge where the wall meets it: straight, nearly
level (a rolled camera tilts it a few degrees) and crossing the frame from side to side,
which texture edges, photo edges and objects do not.

Per frame: the color change across each row, in vertical strips of the frame; a line is a
row change that most strips agree on (a robust fit through the strongest changes of each
strip). Cheap enough to run on every analysis frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

STRIPS = 16  # vertical strips the frame is cut into
AGREE = 0.75  # share of strips whose edge must lie on the line
ON_LINE = 0.012  # short sides: how far a strip's edge may lie off the line (jitter, texture)
MAX_SLOPE = 0.12  # the steepest floor (a rolled camera tilts it up to about 7 degrees)
CONTRAST = 6.0  # Lab units: the least color change across the floor edge
CANDIDATES = 3  # strongest changes kept per strip
TOP = 0.25  # share of the frame's height above which no floor is looked for
SEPARATE = 0.02  # short sides within which lines proposed by pairs are one edge
FAINT = 0.3  # share of the strongest line's change below which a line is ignored


@dataclass(frozen=True)
class Line:
    """y = y0 + slope * x, in analysis pixels of one frame."""

    y0: float
    slope: float

    def at(self, x: float) -> float:
        return self.y0 + self.slope * x


def _row_changes(image: np.ndarray) -> np.ndarray:
    """Color change between the rows above and below each row, per strip (H, STRIPS).

    Each strip's rows are averaged first: a level edge survives, texture, noise and objects
    narrower than a strip average out (and it costs next to nothing)."""
    import cv2

    h = image.shape[0]
    strips = cv2.resize(image, (STRIPS, h), interpolation=cv2.INTER_AREA)  # (H, STRIPS, 3)
    lab = cv2.cvtColor(strips, cv2.COLOR_RGB2LAB).astype(np.float32)
    change = np.zeros((h, STRIPS), np.float32)
    change[1:-1] = np.abs(lab[2:] - lab[:-2]).sum(axis=2)
    return change


def _candidates(change: np.ndarray, top: int, width: int) -> list[tuple[float, float, float]]:
    """(x, y, strength) of the strongest row changes of each strip, below `top`."""
    h = change.shape[0]
    out = []
    for k in range(STRIPS):
        profile = change[:, k].copy()
        profile[:top] = 0.0
        profile[h - 2 :] = 0.0
        x = (k + 0.5) * width / STRIPS
        for _ in range(CANDIDATES):
            y = int(np.argmax(profile))
            if profile[y] < CONTRAST:
                break
            out.append((x, float(y), float(profile[y])))
            profile[max(0, y - 3) : y + 4] = 0.0  # the next one is another edge
    return out


def find_line(image: np.ndarray) -> Line | None:
    """The floor line of one analysis frame (RGB uint8), or None where none crosses it."""
    h, w = image.shape[:2]
    short = min(h, w)
    tolerance = max(1.5, ON_LINE * short)
    cands = _candidates(_row_changes(image), int(TOP * h), w)
    if len(cands) < AGREE * STRIPS:
        return None
    pts = np.array(cands)  # (N, 3): x, y, strength, in strip order
    strip_starts = np.flatnonzero(np.r_[True, np.diff(pts[:, 0]) > 0])
    # Every pair of candidates far enough apart to fix a slope proposes a line.
    i, j = np.triu_indices(len(pts), 1)
    dx = pts[j, 0] - pts[i, 0]
    ok = dx >= w / 3
    i, j, dx = i[ok], j[ok], dx[ok]
    slope = (pts[j, 1] - pts[i, 1]) / dx
    ok = np.abs(slope) <= MAX_SLOPE
    i, slope = i[ok], slope[ok]
    if not len(i):
        return None
    predicted = pts[i, 1][:, None] + slope[:, None] * (pts[None, :, 0] - pts[i, 0][:, None])
    near = np.abs(pts[None, :, 1] - predicted) <= tolerance  # (lines, N)
    strips = np.maximum.reduceat(near, strip_starts, axis=1).sum(axis=1)
    strength = (near * pts[None, :, 2]).sum(axis=1)
    qualified = np.flatnonzero(strips >= AGREE * STRIPS)
    if not len(qualified):
        return None
    # The floor's own texture (tiles, planks, a table's front face) may draw more lines
    # across it, below its edge; the wall meets it at the topmost. Faint lines (a soft
    # stripe of the wall) do not count.
    strongest = strength[qualified].max()
    qualified = qualified[strength[qualified] >= FAINT * strongest]
    middle = pts[i[qualified], 1] + slope[qualified] * (w / 2 - pts[i[qualified], 0])
    top = middle.min()
    # Of the lines at the top (one edge proposes many), the best supported.
    at_top = qualified[middle <= top + SEPARATE * short]
    best = int(at_top[np.lexsort((strength[at_top], strips[at_top]))[-1]])
    inliers = pts[near[best]]
    slope, y0 = np.polyfit(inliers[:, 0], inliers[:, 1], 1)
    return Line(float(y0), float(slope))
