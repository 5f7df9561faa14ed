"""Parts that move together are one object (issue 16 item 3).

The background model cuts one thing into several parts where its look varies: a shaded
body and its highlight, a hand's fingers, a dress's folds, a textured object's pieces. The
tracker would follow each fragment, and the checks would judge a fragment's size or look.
Here the parts close to each other are joined into one detection when they share one
motion: each part's shift since the last frame (its pixels matched in the last frame as the
camera carried it, searched near the part only) agrees within a share of their speed.

A join is earned and then kept (session 29). Deciding afresh on every frame made joins
switch on and off (49 switches between cut and joined on the cockatoo real clip), and each
switch moves the summed area, box and centroid the tracker reads: a square the model cut in
two pieces, joined on one frame of spent wild 4181 clip 6 and cut again on the next, failed
that clean clip with a shape_change. So a pair that agrees is joined only once it has earned
it: parts at that place have agreed for EARN seconds running (the place carried by their
shift and the camera, so the parts may be cut differently from frame to frame). A joined
group then stays joined while its parts keep one motion within a looser share, or their
motion is unknown, or they stand still, or the model shows them as one part again.

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
# A joined group's parts stay joined while their flows differ by under this share (a
# hysteresis band above AGREE: a shaded body's pieces read a little differently each frame).
AGREE_KEPT = 0.35
# Parts at one place must agree for this long, running, before they are joined (seconds; at
# least two frames): one coincident frame joins nothing.
EARN = 0.1
# A remembered place matches a pair when both its parts' centres fall in the place's box
# (carried to this frame) grown by this share of the box's size on each side.
SLACK = 0.25
# A lone part covering this share (intersection over union) of a remembered place is that
# place, its parts shown as one.
KEPT = 0.5
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
    """Per clip: which of a frame's parts are one object. Remembers where parts agreed and
    where they were joined a frame ago (boxes carried to the next frame), so a join is
    earned over EARN seconds and then held."""

    def __init__(self, fps: float, short_side: int):
        self.fps = fps
        self.search = max(4, round(SEARCH * short_side))  # px
        self.need = max(2, math.ceil(EARN * fps))  # frames of agreement that earn a join
        # Places (box, shift px a frame, frames agreed running) of the last frame's agreeing
        # pairs, and boxes (with shifts) of its joined groups.
        self._agreed: list[tuple[tuple, np.ndarray, int]] = []
        self._joined: list[tuple[tuple, np.ndarray]] = []

    def reset(self) -> None:
        self._agreed, self._joined = [], []

    def group(self, labels, stats, keep, gray, still, camera=None) -> list[list[int]]:
        """`keep`: the part labels to judge; `gray` this frame, `still` the previous frame
        carried into this frame's pixels by the camera (None where nothing relates them),
        `camera` that carry (3x3, previous pixels -> these; None: no motion known).
        Returns the parts as groups (lists of labels, a lone part a group of one)."""
        if len(keep) > MAX_JUDGED or still is None:
            self.reset()
            return [[i] for i in keep]
        agreed = [(_carry(b, f, camera), f, n) for b, f, n in self._agreed]
        joined = [(_carry(b, f, camera), f) for b, f in self._joined]
        sizes = {i: math.sqrt(float(stats[i, cv2.CC_STAT_AREA])) for i in keep}
        boxes = {i: tuple(int(v) for v in stats[i, :4]) for i in keep}
        pairs = []
        for n, i in enumerate(keep):
            for j in keep[n + 1 :]:
                reach = GAP * min(sizes[i], sizes[j])
                if _box_gap(boxes[i], boxes[j]) <= reach:
                    pairs.append((i, j, reach))
        parent = {i: i for i in keep}
        flows: dict[int, np.ndarray | None] = {}
        now_agreed = []
        for i, j, reach in pairs:
            if _gap(labels, boxes[i], boxes[j], i, j) > reach:
                continue
            for k in (i, j):
                if k not in flows:
                    flows[k] = self._flow(labels, boxes[k], k, gray, still)
            centres = _centre(stats[i]), _centre(stats[j])
            held = any(_holds(box, centres) for box, _ in joined)
            verdict = self._motion(flows[i], flows[j], min(sizes[i], sizes[j]))
            if verdict == "one":
                run = 1 + max((n for box, _, n in agreed if _holds(box, centres)), default=0)
                shift = (flows[i] + flows[j]) / 2.0
                now_agreed.append((_union_box([boxes[i], boxes[j]]), shift, run))
                join = run >= self.need or held
            else:
                # Held: still, close, unknown or near one motion. A split's halves or two
                # objects parting differ by far more than AGREE_KEPT.
                join = held and verdict in ("near", "still", "unknown")
            if join:
                parent[_root(parent, j)] = _root(parent, i)
        groups: dict[int, list[int]] = {}
        for i in keep:
            groups.setdefault(_root(parent, i), []).append(i)
        found = list(groups.values())
        self._remember(found, boxes, flows, now_agreed, agreed, joined)
        return found

    def _remember(self, found, boxes, flows, now_agreed, agreed, joined) -> None:
        """Keep this frame's places for the next: its agreeing pairs, joined groups and lone
        parts, and the last frame's places its lone parts carry on."""
        self._agreed = now_agreed
        self._joined = []
        for g in found:
            if len(g) > 1:
                known = [flows[k] for k in g if flows.get(k) is not None]
                shift = np.mean(known, axis=0) if known else np.zeros(2)
                self._joined.append((_union_box([boxes[i] for i in g]), shift))
        # A place whose parts the background model shows as one part this frame is still
        # one place (the cut changes from frame to frame): it keeps its join, or its run of
        # agreement (not counted up: a lone part shows no motion shared).
        lone = [boxes[g[0]] for g in found if len(g) == 1]
        for box, shift, run in agreed:
            part = _same_place(box, lone)
            if part is not None and not any(_overlap(part, b) >= KEPT for b, _, _ in now_agreed):
                self._agreed.append((part, shift, run))
        for box, shift in joined:
            part = _same_place(box, lone)
            if part is not None:
                self._joined.append((part, shift))

    def _motion(self, a, b, size) -> str:
        """How two parts' flows relate: "one" motion, "near" one (within AGREE_KEPT), both
        "still", "apart", or "unknown" (either part has no unique shift)."""
        if a is None or b is None:
            return "unknown"
        moving = MOVING * size / self.fps  # px a frame
        speed = max(float(np.hypot(*a)), float(np.hypot(*b)))
        apart = float(np.hypot(*(a - b)))
        if speed < moving:
            return "still"
        if apart < AGREE * speed:
            return "one"
        return "near" if apart < AGREE_KEPT * speed else "apart"

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


def _holds(box, centres) -> bool:
    """Both centres lie in `box` grown by SLACK of its size on each side."""
    x, y, w, h = box
    mx, my = SLACK * w, SLACK * h
    return all(x - mx <= cx <= x + w + mx and y - my <= cy <= y + h + my for cx, cy in centres)


def _overlap(a, b) -> float:
    """Intersection over union of two boxes (x, y, w, h)."""
    x0, y0 = max(a[0], b[0]), max(a[1], b[1])
    x1, y1 = min(a[0] + a[2], b[0] + b[2]), min(a[1] + a[3], b[1] + b[3])
    inter = max(0.0, x1 - x0) * max(0.0, y1 - y0)
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


def _same_place(place, parts):
    """The box among `parts` that is `place` (overlap KEPT or more), or None."""
    best = max(parts, key=lambda b: _overlap(place, b), default=None)
    return best if best is not None and _overlap(place, best) >= KEPT else None


def _carry(box, shift, camera) -> tuple[float, float, float, float]:
    """A box of the last frame where it lies in this one: moved by its parts' own shift (px a
    frame, camera-compensated), then carried by the camera (the corners' bounding box)."""
    x, y, w, h = box
    x, y = x + float(shift[0]), y + float(shift[1])
    if camera is None:
        return x, y, w, h
    corners = np.array([[[x, y], [x + w, y], [x, y + h], [x + w, y + h]]], np.float64)
    moved = cv2.perspectiveTransform(corners, camera)[0]
    (x0, y0), (x1, y1) = moved.min(axis=0), moved.max(axis=0)
    return float(x0), float(y0), float(x1 - x0), float(y1 - y0)


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
