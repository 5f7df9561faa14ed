"""Surfaces that change color in one frame while the motion carries their brightness across.

Object tracks see a color switch only where a part can be cut out and followed (recolor.py,
look_switch.py, chroma_step.py); on real footage most surfaces never become such a part.
This stage needs no segmentation. Dense flow carries the previous frame onto this one; what
the flow cannot explain in the chroma (Lab a*b*) is a color change, and a color change that
is a failure has two marks real footage rarely makes together:

- the brightness pattern came along exactly: inside the region, the HSV value (the largest
  channel) of the frame correlates with the previous frame's carried by the flow. An object
  turning, a hand passing, a new surface coming into view or flow that lost the motion (fast
  moves, blur) changes the pattern too; a hue turned in place keeps it (the edit keeps the
  value exactly; an AI clip's dress that flips color keeps its folds), and so does its level
  (a blurred object the flow lost can keep a correlated pattern at another level);
- it is a step: the same region's chroma matched the flow the frame before and matches it
  again the frame after (a flicker or a place the flow keeps failing on steps every frame);
- the new color is new: a hue turned in place makes a color that was not beside the region
  the frame before, while something the flow lost (an object coming out from behind an
  occluder, or falling in faster than the flow followed, a pattern scrolling in hue alone)
  brings along a color that was already there.

The flow is checked forward and backward, and a region must sit mostly where the two agree.
The whole frame's chroma offset (a white-balance change) is taken out first. Thresholds are
shares of the frame and Lab units, so the analysis size is free; the work runs on a copy of
WORK_SHORT_SIDE pixels. Tuned on edited-real s126 (real footage with hue edits, 60 unedited
clips) and looked at on s127 and ../shared/gen-clips (BENCHMARKS.md, session 38); the
color-beside test on the finds of six edited-real and four wild corpora (session 39).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from checkers.perception.pixel_grid import pixel_grid

WORK_SHORT_SIDE = 180  # pixels: edits of 8% of the short side are still 14 px across
CHROMA_STEP = 10.0  # Lab a*b* units a pixel's color must move beyond what the flow explains
# A region counts from this share of the frame (about 0.08 short sides square at 16:9): the
# edited-real hue edits cover 0.4-1% of the frame; real footage's unexplained slivers less.
MIN_SHARE = 0.004
# Correlation of the region's brightness pattern with the previous frame's carried by the
# flow. Hue edits on real footage reach 0.4-0.99 (the encoder's chroma subsampling and the
# edit's soft rim blur the value); unedited footage's chroma mismatches 0.5-0.96, from blur,
# turning surfaces and hands. At 0.95 (session 38) the pattern alone held those off; with the
# color-beside test (NEAR_SHARE) doing most of that, 0.8 keeps a third more of the edits on
# the development corpora (53 -> 70 found) with no false find added there.
SAME_PATTERN = 0.8
PATTERN_LEVELS = 1.0  # value spread (0-255) under which a region has no pattern to compare
# And the brightness itself came along: the region's mean |value - carried value|, 0-255
# (edited-real hue switches 1.4-9.7; a blurred pan the flow lost in unedited s127 er_0085,
# 65, although its pattern still correlated 0.97).
BRIGHTNESS_KEPT = 16.0
# At most this share of the region may step the frame before or after (a one-frame step).
STEPS_AROUND = 0.5
RELIABLE_SHARE = 0.5  # the share of the region where forward and backward flow agree
# A region moving this far in one frame (short sides) is not judged: motion blur mixes its
# colors with what it passes, and the flow follows it poorly (fresh edited-real 9418 and
# 4666: a hand swung at the camera, 0.15, gave the only chroma steps on unedited footage;
# the edits found there and on s126/s127 moved 0.0002-0.044). A per-frame bar, as blur and
# flow error grow with the step between frames, not with the speed per second.
FAST_MOTION = 0.08
# Forward-backward disagreement a pixel's flow may have: a floor plus a share of its motion,
# in shares of the short side (0.5 px plus 10% at 180 px).
FLOW_AGREE = 0.5 / 180
FLOW_AGREE_SHARE = 0.1
# The new color was already beside the region the frame before when this share of its pixels
# find their new a*b* there, within NEAR_REACH short sides and to within a NEAR_BIN bin
# (3-6 Lab units). Development finds (edited-real s126 s127 s9418 h4666 s659 h1671, wild
# 5968 1663 7193 6719): hue edits and color switches 0.01-0.27, hue drifts up to 0.68;
# false finds 0.91-1.0 but for two (0.38, 0.52), and a shaded ball's leading rim, blended
# with what is behind it, at 0.79 (wild 8463 clip 178). The reach is about how far something
# moves in one frame before FAST_MOTION stops the judging.
NEAR_SHARE = 0.75
NEAR_REACH = 0.1
NEAR_BIN = 3.0
# A region thinner than this (short sides: twice its deepest point's distance from its edge)
# is an edge the flow lost, not a surface that changed color: on the development wild
# corpora, 3-7 px strips at 180 px (0.021-0.042) along an occluder's rim in a pan and at the
# seam of two objects passing through each other; the edits and color switches found were
# 0.062 or thicker.
MIN_THICKNESS = 0.05
# Pixel-scale clean-ups, as shares of the short side (3 and 5 px at 180).
OPEN_SIDE = 3 / 180
PATTERN_MARGIN = 5 / 180


@dataclass(frozen=True)
class Recolor:
    frame: int
    time: float
    bbox: tuple[int, int, int, int]  # x, y, w, h in the analysis frame's pixels
    step: float  # mean chroma step over the region, Lab units
    share: float  # the region's share of the frame
    pattern: float  # brightness-pattern correlation across the step


@dataclass
class _Candidate:
    recolor: Recolor
    mask: np.ndarray  # bool, work size


class RecolorFlow:
    """Feed every analysis frame in order (`update`); `found()` after the last."""

    def __init__(self, sensitivity: float = 1.0):
        self.k = sensitivity
        self._dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_FAST)
        self._prev: tuple[np.ndarray, np.ndarray] | None = None  # brightness, looks
        self._back = self._to_prev = None  # this frame's flow to the one before
        self._prev_steps: np.ndarray | None = None  # bool map of the last frame's steps
        self._pending: list[_Candidate] = []
        self._found: list[Recolor] = []
        self._factor = 1.0

    def update(self, index: int, time: float, rgb: np.ndarray) -> None:
        short = min(rgb.shape[:2])
        self._factor = min(1.0, WORK_SHORT_SIDE / short)
        if self._factor < 1.0:
            size = (round(rgb.shape[1] * self._factor), round(rgb.shape[0] * self._factor))
            rgb = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
        # The flow follows the value (the largest channel), not the gray: a recolor keeps
        # the value (a red dress turned blue keeps it; its gray drops to a third), so the
        # flow still follows the surface across the change it is asked about.
        red, green, blue = cv2.split(rgb)
        brightness = cv2.max(cv2.max(red, green), blue)
        # 8-bit Lab keeps a* and b* in Lab units (offset by 128, which the differences drop).
        lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB)
        looks = np.dstack([lab[..., 1], lab[..., 2], brightness]).astype(np.float32)
        prev, self._prev = self._prev, (brightness, looks)
        if prev is None or min(brightness.shape) < 16:
            self._prev_steps = None
            return
        steps, step_size, carried_value = self._steps(prev, brightness, looks)
        # Last frame's candidates: kept if this frame does not step again where they did.
        # The masks are read where the region was, not moved along the flow: at the speeds
        # judged (under FAST_MOTION) most of a region overlaps itself from frame to frame.
        for cand in self._pending:
            if float(steps[cand.mask].mean()) <= STEPS_AROUND:
                self._found.append(cand.recolor)
        # A step needs a frame before it that matched: the second picture has none.
        self._pending = []
        if self._prev_steps is not None:
            now = (brightness, looks)
            self._pending = self._candidates(
                index, time, steps, step_size, carried_value, prev, now
            )
        self._prev_steps = steps

    def __getstate__(self) -> dict:
        """What a finished stage keeps when pickled (benchmarks/identity_replay.py caches a
        checked clip's identity state): its finds, without the flow object and the frames."""
        state = dict(self.__dict__, _dis=None, _prev=None, _prev_steps=None)
        state.update(_back=None, _to_prev=None, _pending=[])
        state["_found"] = self.found()
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_FAST)

    def found(self) -> list[Recolor]:
        """The recolors found, in frame order (a candidate on the last frame has no frame
        after it to disagree and stands)."""
        out = self._found + [c.recolor for c in self._pending]
        return sorted(out, key=lambda r: r.frame)

    def _steps(self, prev, brightness, looks):
        prev_brightness, prev_looks = prev
        self._back = self._dis.calc(brightness, prev_brightness, None)  # to the frame before
        self._to_prev = pixel_grid(brightness.shape) + self._back
        carried = cv2.remap(
            prev_looks, self._to_prev[..., 0], self._to_prev[..., 1], cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_REPLICATE,
        )  # fmt: skip
        diff = looks[..., :2] - carried[..., :2]
        # A white-balance change of the whole frame (its median, read on every 4th pixel).
        diff -= np.median(diff[::4, ::4].reshape(-1, 2), axis=0)
        step_size = cv2.magnitude(
            np.ascontiguousarray(diff[..., 0]), np.ascontiguousarray(diff[..., 1])
        )
        steps = step_size > CHROMA_STEP * self.k
        return steps, step_size, carried[..., 2]

    def _reliable(self, pair) -> np.ndarray:
        """Where the forward flow, read where each pixel came from, leads back to it (only
        asked on frames with a candidate: the second flow is most of the stage's time)."""
        prev_brightness, brightness = pair
        back, to_prev = self._back, self._to_prev
        ahead = self._dis.calc(prev_brightness, brightness, None)
        return_trip = back + cv2.remap(ahead, to_prev[..., 0], to_prev[..., 1], cv2.INTER_LINEAR)
        short = min(brightness.shape)
        return cv2.magnitude(return_trip[..., 0], return_trip[..., 1]) < (
            FLOW_AGREE * short + FLOW_AGREE_SHARE * cv2.magnitude(back[..., 0], back[..., 1])
        )

    def _candidates(self, index, time, steps, step_size, carried_value, prev, now):
        """This frame's regions that pass every test; `prev` and `now` are the frames'
        (brightness, looks)."""
        value, pair = now[1][..., 2], (prev[0], now[0])
        short = min(steps.shape)
        opened = cv2.morphologyEx(steps.astype(np.uint8), cv2.MORPH_OPEN, _square(OPEN_SIDE, short))
        count, labels, stats, _ = cv2.connectedComponentsWithStats(opened)
        area = steps.size
        margin = _square(PATTERN_MARGIN, short)
        out, reliable, speeds = [], None, None
        for i in range(1, count):
            share = stats[i, cv2.CC_STAT_AREA] / area
            if share < MIN_SHARE:
                continue
            region = labels == i
            # The frame before matched here: the cheap tests before the forward flow.
            if float(self._prev_steps[region].mean()) > STEPS_AROUND:
                continue
            if _thickness(region, stats[i, :4]) < MIN_THICKNESS * short:
                continue
            if speeds is None:
                speeds = cv2.magnitude(self._back[..., 0], self._back[..., 1])
            if float(speeds[region].mean()) > FAST_MOTION * short:
                continue
            if reliable is None:
                reliable = self._reliable(pair)
            if float(reliable[region].mean()) < RELIABLE_SHARE:
                continue
            near = cv2.dilate(region.astype(np.uint8), margin).astype(bool)
            pattern = _correlation(value[near], carried_value[near])
            if not pattern >= SAME_PATTERN:
                continue
            if float(np.abs(value[region] - carried_value[region]).mean()) > BRIGHTNESS_KEPT:
                continue
            if _was_beside(region, now[1], prev[1]) >= NEAR_SHARE:
                continue
            x, y, w, h = (int(v) for v in stats[i, :4])
            f = self._factor
            bbox = (round(x / f), round(y / f), round(w / f), round(h / f))
            step = float(step_size[region].mean())
            out.append(_Candidate(Recolor(index, time, bbox, step, share, pattern), region))
        return out


def _was_beside(region: np.ndarray, looks: np.ndarray, prev_looks: np.ndarray) -> float:
    """The share of the region's pixels whose a*b* now was present in the frame before within
    NEAR_REACH short sides of the region (a color histogram of that window, each bin widened
    by one on every side, looked up at each pixel's new color)."""
    reach = round(NEAR_REACH * min(region.shape))
    ys, xs = np.nonzero(region)
    y0, x0 = max(int(ys.min()) - reach, 0), max(int(xs.min()) - reach, 0)
    window = prev_looks[y0 : int(ys.max()) + reach + 1, x0 : int(xs.max()) + reach + 1, :2]
    bins = int(256 // NEAR_BIN) + 1
    before = (window.reshape(-1, 2) / NEAR_BIN).astype(np.intp)
    present = np.zeros((bins, bins), np.uint8)
    present[before[:, 0], before[:, 1]] = 1
    present = cv2.dilate(present, np.ones((3, 3), np.uint8))
    now = (looks[..., :2][region] / NEAR_BIN).astype(np.intp)
    return float(present[now[:, 0], now[:, 1]].mean())


def _thickness(region: np.ndarray, box) -> float:
    """Twice the largest distance (pixels) from a pixel of the region to its edge, read in
    the region's box."""
    x, y, w, h = (int(v) for v in box)
    inside = np.pad(region[y : y + h, x : x + w], 1).astype(np.uint8)
    return 2.0 * float(cv2.distanceTransform(inside, cv2.DIST_L2, 3).max())


def _square(share: float, short: int) -> np.ndarray:
    side = max(1, round(share * short))
    return np.ones((side, side), np.uint8)


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Gain- and offset-free correlation of two value samples; NaN where either is flat."""
    sa, sb = float(a.std()), float(b.std())
    if sa <= PATTERN_LEVELS or sb <= PATTERN_LEVELS:
        return float("nan")
    return float(((a - a.mean()) * (b - b.mean())).mean() / (sa * sb))
