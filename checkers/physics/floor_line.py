"""The floor line of a clip on any backdrop: a long straight edge across the whole frame.

The plain segmentation finds the ground line of a plain backdrop (segment.py); on a textured
or photographed backdrop (the background model's clips) the floor is a textured surface or
the top of a table, and what marks it is the edge where the wall meets it: straight, nearly
level (a rolled camera tilts it a few degrees) and crossing the frame from side to side,
which texture edges, photo edges and objects do not.

Per frame: the color change across each row, in vertical strips of the frame; a line is a
row change that most strips agree on (fitted through the strongest changes of each strip).
Cheap enough to run on every analysis frame. Per clip: the line most frames show
(`floor_lines`).
"""

from __future__ import annotations

from collections import Counter
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
SAME_PLACE = 0.03  # short sides within which lines of different frames are one edge (shake)
LINE_SHARE = 0.5  # share of the frames that must show the floor's edge
COMMON = 0.8  # share of the most common edge's frames that makes an edge as common


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


def find_lines(image: np.ndarray) -> list[Line]:
    """The lines across one analysis frame (RGB uint8) that could be the floor's edge,
    top first: straight, nearly level, crossing most of the frame's strips."""
    h, w = image.shape[:2]
    short = min(h, w)
    tolerance = max(1.5, ON_LINE * short)
    cands = _candidates(_row_changes(image), int(TOP * h), w)
    if len(cands) < AGREE * STRIPS:
        return []
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
        return []
    predicted = pts[i, 1][:, None] + slope[:, None] * (pts[None, :, 0] - pts[i, 0][:, None])
    near = np.abs(pts[None, :, 1] - predicted) <= tolerance  # (lines, N)
    strips = np.maximum.reduceat(near, strip_starts, axis=1).sum(axis=1)
    strength = (near * pts[None, :, 2]).sum(axis=1)
    qualified = np.flatnonzero(strips >= AGREE * STRIPS)
    if not len(qualified):
        return []
    # Faint lines (a soft stripe of a wall) do not count.
    qualified = qualified[strength[qualified] >= FAINT * strength[qualified].max()]
    middle = pts[i, 1] + slope * (w / 2 - pts[i, 0])
    # One edge is proposed by many pairs: keep the best supported line of each edge.
    order = qualified[np.lexsort((-strength[qualified], -strips[qualified]))]
    lines: list[Line] = []
    taken: list[float] = []
    for k in order:
        if any(abs(middle[k] - m) <= SEPARATE * short for m in taken):
            continue
        taken.append(float(middle[k]))
        inliers = pts[near[k]]
        fit_slope, y0 = np.polyfit(inliers[:, 0], inliers[:, 1], 1)
        lines.append(Line(float(y0), float(fit_slope)))
    return sorted(lines, key=lambda ln: ln.at(w / 2))


def floor_lines(per_frame: dict[int, list[Line]], width: int, short: float) -> dict[int, Line]:
    """The clip's floor edge in each frame that shows it.

    The floor's edge crosses every frame; a wall's line or a photo's edge comes and goes
    (its strength near the faint bar), and the floor's own texture draws lines below it.
    So the floor is the line position most frames show (the camera shakes it a little),
    the topmost of those nearly as common, and frames without a line there have none.
    """
    found = [(f, ln, ln.at(width / 2)) for f, lines in per_frame.items() for ln in lines]
    if not found:
        return {}
    reach = SAME_PLACE * short
    support = _support([(f, y) for f, _, y in found], reach)
    best = max(support)
    if best < LINE_SHARE * len(per_frame):
        return {}
    top = min(y for (_, _, y), n in zip(found, support, strict=True) if n >= COMMON * best)
    out: dict[int, Line] = {}
    for f, ln, y in found:
        if abs(y - top) <= reach and (
            f not in out or abs(y - top) < abs(out[f].at(width / 2) - top)
        ):
            out[f] = ln
    return out


def _support(found: list[tuple[int, float]], reach: float) -> list[int]:
    """For each (frame, height) in `found`, how many frames show a line within `reach` of
    its height. The lines taken in order of height, the ones within reach form a window that
    only moves up, so a clip's lines are counted in one pass (comparing every line with every
    other grew with the square of the clip's length: about 1 s at 1200 frames)."""
    order = sorted(range(len(found)), key=lambda i: found[i][1])
    heights = [found[i][1] for i in order]
    in_window: Counter[int] = Counter()
    support = [0] * len(found)
    lo = hi = 0
    for i, y in zip(order, heights, strict=True):
        while hi < len(order) and heights[hi] - y <= reach:
            in_window[found[order[hi]][0]] += 1
            hi += 1
        while y - heights[lo] > reach:
            frame = found[order[lo]][0]
            in_window[frame] -= 1
            if not in_window[frame]:
                del in_window[frame]
            lo += 1
        support[i] = len(in_window)
    return support
