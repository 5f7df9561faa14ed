"""Content that left one place and appeared at another in one frame: a jump no motion makes.

Object tracks see a teleport only where the tracker follows the object (physics/jumps.py,
relocations.py); on real footage a patch that moves little is backdrop to the background
model and is never a track. This stage needs no segmentation. Dense flow carries the
previous frame onto this one, and what it cannot explain (a step) is where content changed.
A place that stepped is a jump's start when:

- it is a step: it matched the flow the frame before (STEPS_BEFORE);
- what it showed the frame before is found again now, whole (MATCH, normalized
  cross-correlation of its gray picture) and far off (JUMP_SIZES of its own size): more
  than a frame's motion the flow would have followed;
- where it is found, that place stepped too (ARRIVED) after matching the flow the frame
  before: the picture arrived there (a look-alike that was there all along did not step);
- the jump does not go on the way the place moved the frame before (UNEXPLAINED): content
  in flight that outran the flow for a frame is not a teleport;
- and the frame after, neither place steps again (STEPS_AFTER): the content sits in its new
  place, unlike a fast swing or blur that keeps stepping.

The whole frame must be calm: where much of it steps (BUSY_FRAME: a fast swing through the
view, a pan the flow lost, water), matching pictures across it finds look-alikes. Sizes are
shares of the short side or of the frame, so the analysis size is free; the work runs on a
copy of WORK_SHORT_SIDE pixels. Tuned on edited-real s126, s127, s9418 and s659 (real
footage, 27 teleported patches, 240 unedited clips) and looked at on wild 8463 and
../shared/gen-clips (BENCHMARKS.md, session 40).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from checkers.perception.pixel_grid import pixel_grid

WORK_SHORT_SIDE = 180  # pixels: patches of 8% of the short side are still 14 px across
CHANGE_STEP = 20.0  # 8-bit Lab units a pixel's color moves beyond what the flow explains
MIN_SHARE = 0.003  # a place counts from this share of the frame
MIN_SIDE = 5 / 180  # ... and this many short sides across both ways (a template to match)
MIN_TEXTURE = 6.0  # gray levels of spread a place needs for its picture to be matched
STEPS_BEFORE = 0.3  # at most this share of the place stepped the frame before
MATCH = 0.8  # its picture found again at this normalized cross-correlation or more
JUMP_SIZES = 1.5  # ... at least this many of its sizes (its box's longer side) away
ARRIVED = 0.3  # at least this share of the new place stepped now
ARRIVED_BEFORE = 0.1  # ... and at most this share of it the frame before
STEPS_AFTER = 0.2  # at most this share of either place steps the frame after
# Share of the frame stepping above which nothing is matched. Development teleports stepped
# 0.017-0.06 of their frame; the look-alikes matched across a busy frame 0.14-0.38 (a blurred
# arm swung at the camera, a river at 8 pictures a second, a fast pan in the dark).
BUSY_FRAME = 0.1
OPEN_SIDE = 3 / 180  # the step map's clean-up, short sides
# A jump must not go on the place's own motion: content in flight outruns the flow for a
# frame (a thrown diamond at 8 pictures a second, wild 4726 clip 71: 1.8 of its sizes, 0.29 of
# it unexplained), and its jump then continues the way it moved the frame before. The share of
# the jump that the place's motion the frame before leaves unexplained (|jump - motion| /
# |jump|) must be at least this: the jump is more than twice that motion, along it. The
# development teleports (patches creeping 0.5-1.2% of the short side a frame) left 0.985-1.03.
UNEXPLAINED = 0.5


@dataclass(frozen=True)
class Jump:
    frame: int
    time: float
    bbox: tuple[int, int, int, int]  # the new place: x, y, w, h in analysis pixels
    origin: tuple[int, int, int, int]  # where the content was the frame before
    match: float  # normalized cross-correlation of the two pictures
    sizes: float  # distance jumped in the content's sizes
    unexplained: float = 1.0  # share of the jump its place's motion the frame before leaves


@dataclass
class _Candidate:
    jump: Jump
    places: tuple[tuple[int, int, int, int], tuple[int, int, int, int]]  # work pixels


class JumpFlow:
    """Feed every analysis frame in order (`update`); `found()` after the last."""

    def __init__(self):
        self._dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_FAST)
        self._prev: tuple[np.ndarray, np.ndarray] | None = None  # gray, Lab
        self._prev_steps: np.ndarray | None = None  # bool map of the last frame's steps
        self._prev_back: np.ndarray | None = None  # the last frame's flow to the one before
        self._pending: list[_Candidate] = []
        self._found: list[Jump] = []

    def update(self, index: int, time: float, rgb: np.ndarray) -> None:
        factor = min(1.0, WORK_SHORT_SIDE / min(rgb.shape[:2]))
        if factor < 1.0:
            size = (round(rgb.shape[1] * factor), round(rgb.shape[0] * factor))
            rgb = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
        gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB).astype(np.float32)
        prev, self._prev = self._prev, (gray, lab)
        if prev is None or min(gray.shape) < 16:
            self._prev_steps = self._prev_back = None
            return
        back = self._dis.calc(gray, prev[0], None)  # this frame's flow to the one before
        source = pixel_grid(gray.shape) + back
        carried = cv2.remap(
            prev[1], source[..., 0], source[..., 1], cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_REPLICATE,
        )  # fmt: skip
        steps = np.sqrt(((lab - carried) ** 2).sum(axis=2)) > CHANGE_STEP
        # Last frame's candidates stand if neither place steps again now.
        for cand in self._pending:
            if all(_share(steps, place) <= STEPS_AFTER for place in cand.places):
                self._found.append(cand.jump)
        self._pending = []
        if self._prev_steps is not None and float(steps.mean()) <= BUSY_FRAME:
            self._pending = self._candidates(index, time, steps, prev[0], gray, factor)
        self._prev_steps, self._prev_back = steps, back

    def found(self) -> list[Jump]:
        """The jumps found, in frame order (a candidate on the last frame has no frame after
        it to disagree and stands)."""
        return sorted(self._found + [c.jump for c in self._pending], key=lambda j: j.frame)

    def __getstate__(self) -> dict:
        """What a finished stage keeps when pickled: its finds, without the flow object and
        the frames."""
        state = dict(self.__dict__, _dis=None, _prev=None, _prev_steps=None, _prev_back=None)
        state.update(_pending=[], _found=self.found())
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_FAST)

    def _candidates(self, index, time, steps, prev_gray, gray, factor) -> list[_Candidate]:
        short = min(steps.shape)
        side = max(1, round(OPEN_SIDE * short))
        opened = cv2.morphologyEx(steps.astype(np.uint8), cv2.MORPH_OPEN, np.ones((side, side)))
        count, labels, stats, _ = cv2.connectedComponentsWithStats(opened)
        least = max(2, round(MIN_SIDE * short))
        out = []
        for i in range(1, count):
            x, y, w, h = (int(v) for v in stats[i, :4])
            if stats[i, cv2.CC_STAT_AREA] < MIN_SHARE * steps.size or min(w, h) < least:
                continue
            if float(self._prev_steps[labels == i].mean()) > STEPS_BEFORE:
                continue
            picture = prev_gray[y : y + h, x : x + w]
            if float(picture.std()) < MIN_TEXTURE:
                continue
            scores = cv2.matchTemplate(gray, picture, cv2.TM_CCOEFF_NORMED)
            _, match, _, (nx, ny) = cv2.minMaxLoc(scores)
            sizes = float(np.hypot(nx - x, ny - y)) / max(w, h)
            if match < MATCH or sizes < JUMP_SIZES:
                continue
            there = (nx, ny, w, h)
            if _share(steps, there) < ARRIVED or _share(self._prev_steps, there) > ARRIVED_BEFORE:
                continue
            unexplained = _unexplained_share(self._prev_back, (x, y, w, h), (nx - x, ny - y))
            if unexplained < UNEXPLAINED:
                continue
            jump = Jump(index, time, _scaled(there, factor), _scaled((x, y, w, h), factor),
                        float(match), sizes, unexplained)  # fmt: skip
            out.append(_Candidate(jump, ((x, y, w, h), there)))
        return out


def _unexplained_share(back_before: np.ndarray | None, box, jump) -> float:
    """The share of `jump` (dx, dy) that the place `box` did not already move the frame
    before: its median motion then is the negative of that frame's backward flow there."""
    if back_before is None:
        return 1.0
    x, y, w, h = box
    moved = -np.median(back_before[y : y + h, x : x + w].reshape(-1, 2), axis=0)
    length = float(np.hypot(*jump))
    return float(np.hypot(jump[0] - moved[0], jump[1] - moved[1])) / max(length, 1e-6)


def _share(mask: np.ndarray, box) -> float:
    x, y, w, h = box
    return float(mask[y : y + h, x : x + w].mean())


def _scaled(box, factor: float) -> tuple[int, int, int, int]:
    return tuple(round(v / factor) for v in box)
