"""Parts that move together are one object (issue 16 item 3).

The background model cuts one thing into several parts where its look varies: a shaded
body and its highlight, a hand's fingers, a dress's folds, a textured object's pieces. The
tracker would follow each fragment, and the checks would judge a fragment's size or look.
Here the parts close to each other are joined into one detection when they share one
motion: each part's shift since the last frame (its pixels matched in the last frame as the
camera carried it, searched near the part only) agrees within a share of their speed.

What stays apart:
- parts that move apart or toward each other (a split's halves, two objects meeting,
  crossing or colliding): their flows differ by far more than the share;
- still parts side by side (two objects at rest, an object beside a resting one): nothing
  tells one object from two there, so they stay as the model cut them, unless they were
  one object in the frame before (an object that comes to rest stays whole).

Sizes are shares of the smaller part's own size (the root of its area) and speeds are
object sizes per second, so the analysis size and the frame rate are free, except the shift
search: it reaches SEARCH short sides a frame, so at 8 frames/s a part moving more than
about 1.4 short sides a second has no known motion and is left as cut (review, session 28).
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from checkers.outline import radial_profile
from checkers.segment import Detection, describe_part, shape_numbers

# The gap between two parts (their nearest pixels) under this share of the smaller part's
# size: close enough to be one object's pieces.
GAP = 0.5
# Their flows differ by under this share of the faster part's speed: one motion.
AGREE = 0.2
# Parts slower than this (object sizes per second) show no motion to share.
MOVING = 0.75
# A part's best match costs under this share of its typical match along the search's row
# and column through it: the match is one place (a flat part, or bare backdrop with one
# edge such as a ghost on a floor line, matches equally well all along a line).
DISTINCT = 0.25
# A frame with more parts is clutter (the background model calls 8 too many): its parts are
# left as cut rather than paired (the pairs grow with the square of their number).
MAX_JUDGED = 32
# The farthest a part's shift is searched, in short sides of the frame (a fast object's
# step between frames), and never beyond the part's own size.
SEARCH = 0.18


def _box_gap(a, b) -> float:
    """Gap between two boxes (x, y, w, h), 0 where they overlap. (tracking/boxes.box_gap's
    twin: checkers.tracking imports the perception, so the perception cannot import it.)"""
    dx = max(a[0] - (b[0] + b[2]), b[0] - (a[0] + a[2]), 0)
    dy = max(a[1] - (b[1] + b[3]), b[1] - (a[1] + a[3]), 0)
    return math.hypot(dx, dy)


class PartGrouper:
    """Per clip: which of a frame's parts are one object. Remembers the last frame's joined
    groups, so an object that stops stays whole."""

    def __init__(self, fps: float, short_side: int):
        self.fps = fps
        self.search = max(4, round(SEARCH * short_side))  # px
        self._last: list[tuple[int, int, int, int]] = []  # boxes of the last frame's groups

    def reset(self) -> None:
        self._last = []

    def group(self, labels, stats, keep, gray, still) -> list[list[int]]:
        """`keep`: the part labels to judge; `gray` this frame, `still` the previous frame
        carried into this frame's pixels by the camera (None where nothing relates them).
        Returns the parts as groups (lists of labels, a lone part a group of one)."""
        if len(keep) > MAX_JUDGED:
            self._last = []
            return [[i] for i in keep]
        sizes = {i: math.sqrt(float(stats[i, cv2.CC_STAT_AREA])) for i in keep}
        boxes = {i: tuple(int(v) for v in stats[i, :4]) for i in keep}
        pairs = []
        for n, i in enumerate(keep):
            for j in keep[n + 1 :]:
                reach = GAP * min(sizes[i], sizes[j])
                if _box_gap(boxes[i], boxes[j]) <= reach:
                    pairs.append((i, j, reach))
        parent = {i: i for i in keep}
        if pairs and still is not None:
            flows: dict[int, np.ndarray | None] = {}
            for i, j, reach in pairs:
                if _gap(labels, boxes[i], boxes[j], i, j) > reach:
                    continue
                for k in (i, j):
                    if k not in flows:
                        flows[k] = self._flow(labels, boxes[k], k, gray, still)
                if self._one_motion(flows[i], flows[j], min(sizes[i], sizes[j]), i, j, stats):
                    parent[_root(parent, j)] = _root(parent, i)
        groups: dict[int, list[int]] = {}
        for i in keep:
            groups.setdefault(_root(parent, i), []).append(i)
        found = list(groups.values())
        self._last = [_union_box([boxes[i] for i in g]) for g in found if len(g) > 1]
        return found

    def _one_motion(self, a, b, size, i, j, stats) -> bool:
        if a is None or b is None:
            return False
        moving = MOVING * size / self.fps  # px a frame
        speed = max(float(np.hypot(*a)), float(np.hypot(*b)))
        apart = float(np.hypot(*(a - b)))
        if speed >= moving:
            return apart < AGREE * speed
        # Both still: one object only if it was one a frame ago (it has come to rest).
        ci, cj = _centre(stats[i]), _centre(stats[j])
        return any(_inside(ci, box) and _inside(cj, box) for box in self._last)

    def _flow(self, labels, box, k, gray, still) -> np.ndarray | None:
        """Part `k`'s motion since the last frame (px, x and y, camera-compensated): where
        its pixels match best in the last frame, searched up to its own size away."""
        x, y, w, h = box
        reach = max(4, min(max(w, h), self.search))
        H, W = gray.shape
        x0, y0 = max(0, x - reach), max(0, y - reach)
        x1, y1 = min(W, x + w + reach), min(H, y + h + reach)
        template = gray[y : y + h, x : x + w]
        mask = (labels[y : y + h, x : x + w] == k).astype(np.uint8)
        cost = cv2.matchTemplate(still[y0:y1, x0:x1], template, cv2.TM_SQDIFF, mask=mask)
        if not np.isfinite(cost).all():
            return None
        row, col = np.unravel_index(int(np.argmin(cost)), cost.shape)
        best = float(cost[row, col])
        # (A flat part matches at no cost anywhere: 0 is not under DISTINCT of 0.)
        if best >= DISTINCT * min(float(np.median(cost[row])), float(np.median(cost[:, col]))):
            return None  # a flat part, or one edge, matches all along a line: motion unknown
        found = np.array(
            [
                col + _vertex(cost[row, col - 1 : col + 2]),
                row + _vertex(cost[row - 1 : row + 2, col]),
            ]
        )
        # Found in the last frame at `found`: the part moved from there to where it is.
        return np.array([x - x0, y - y0], np.float64) - found


def _vertex(three: np.ndarray) -> float:
    """Sub-pixel offset of a minimum from its three costs (0 at an edge of the search)."""
    if len(three) < 3:
        return 0.0
    left, mid, right = (float(v) for v in three)
    curve = left - 2.0 * mid + right
    return 0.0 if curve <= 0 else 0.5 * (left - right) / curve


def _gap(labels, a, b, i, j) -> float:
    """Distance between the nearest pixels of parts i and j (on their boxes' union)."""
    x0, y0 = min(a[0], b[0]), min(a[1], b[1])
    x1, y1 = max(a[0] + a[2], b[0] + b[2]), max(a[1] + a[3], b[1] + b[3])
    sub = labels[y0:y1, x0:x1]
    away = cv2.distanceTransform((sub != i).astype(np.uint8), cv2.DIST_L2, 3)
    return float(away[sub == j].min()) - 1.0


def _root(parent: dict[int, int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _union_box(boxes) -> tuple[int, int, int, int]:
    x0 = min(b[0] for b in boxes)
    y0 = min(b[1] for b in boxes)
    x1 = max(b[0] + b[2] for b in boxes)
    y1 = max(b[1] + b[3] for b in boxes)
    return x0, y0, x1 - x0, y1 - y0


def _centre(stat) -> tuple[float, float]:
    return stat[0] + stat[2] / 2.0, stat[1] + stat[3] / 2.0


def _inside(point, box) -> bool:
    return box[0] <= point[0] <= box[0] + box[2] and box[1] <= point[1] <= box[1] + box[3]


def bridged(labels, group: list[int], box, size: float) -> np.ndarray:
    """The group's parts with the gaps between them closed (uint8 0/1, on `box`): the
    silhouette its shape and outline are read on."""
    x, y, w, h = box
    sub = np.isin(labels[y : y + h, x : x + w], group).astype(np.uint8)
    k = max(3, round(GAP * size) * 2 + 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    pad = k
    padded = cv2.copyMakeBorder(sub, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0)
    closed = cv2.morphologyEx(padded, cv2.MORPH_CLOSE, kernel)
    return closed[pad:-pad, pad:-pad] | sub


def describe_group(group: list[int], labels, stats, lab, field) -> Detection:
    """One detection for the parts in `group`: color, area and centroid read on their
    union, shape and outline on the union with its gaps closed. `labels` and `stats` are
    changed: the group's parts take its first label, whose stats become the union's."""
    first = group[0]
    if len(group) > 1:
        size = math.sqrt(float(stats[group, cv2.CC_STAT_AREA].min()))
        box = _union_box([tuple(int(v) for v in stats[i, :4]) for i in group])
        x, y, w, h = box
        sub = labels[y : y + h, x : x + w]
        sub[np.isin(sub, group)] = first
        stats[first, :4] = box
        stats[first, cv2.CC_STAT_AREA] = int(stats[group, cv2.CC_STAT_AREA].sum())
    detection = describe_part(first, labels, stats, lab, field, "motion")
    if len(group) > 1:
        mask = bridged(labels, [first], box, size)
        detection.shape = shape_numbers(mask, float(mask.sum()))
        detection.outline = radial_profile(mask)
    return detection
