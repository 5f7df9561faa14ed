"""Foreground on any backdrop: a motion-compensated background model.

The plain-backdrop segmentation (checkers/segment.py) models the backdrop as one smooth
color field, so texture, photographs and floors become "objects". Here the backdrop is
instead *remembered*: a background image kept in the current frame's pixels, carried along
with the camera (a homography from tracked corners, camera.py) and refreshed where nothing
stands in front of it. What the current frame shows that the remembered backdrop does not is
foreground, so any texture the camera has already seen is background.

Per frame:
1. camera step (a similarity from corners followed with LK, camera_fit.py, judged knowing
   whether the camera moved over a third of a second, camera_lag.py); the background is
   warped along, newly revealed border is taken from the frame; a lost scene (shot cut)
   resets the model;
2. exposure and white balance: per-channel gain and offset fitted on background pixels
   (photometric.py) and applied to the model, so a drift is not foreground;
3. distance: how far each pixel lies outside the 3x3 envelope of the model (min..max per
   channel), so a sub-pixel misregistration of sharp texture is not foreground;
4. parts closer than a small share of the frame are closed into one (a shaded ball's
   highlight and body share one silhouette); parts a little further apart that move as one
   are joined into one detection too (grouping.py);
5. ghosts (ghosts.py): a part whose outline shows strong edges in the model but none in the
   frame is the backdrop an object has just left, not an object: the model takes the frame
   there;
6. the model learns the frame where it is background; foreground is never learnt, so an
   object that comes to rest stays an object.

Each kept part becomes the same `Detection` segment.py emits, so tracks and checkers run
unchanged. All sizes are shares of the frame's short side and times are seconds.
"""

from __future__ import annotations

import math
import os
from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass, field

import cv2
import numpy as np

from checkers.base import CheckError
from checkers.perception.camera_ahead import CameraAhead
from checkers.perception.camera_lag import LaggedPictures, camera_step, lag_pictures
from checkers.perception.clean_plate import camera_steps
from checkers.perception.ghosts import GhostTest, ghost_view
from checkers.perception.grouping import PartGrouper, describe_group
from checkers.perception.photometric import fit_photometric
from checkers.segment import (
    Detection,
    Segmentation,
    lab_distance,
    lab_from_8bit,
    to_lab,
)

# Sizes as shares of the frame's short side, so the analysis size is free.
MIN_OBJECT = 0.035  # side of the smallest object: smaller parts are compression or texture
JOIN = 0.025  # parts closer than this are one object (a shaded ball's body and highlight)
# Times in seconds, converted once with the clip's frame rate.
LEARN_SECONDS = 0.6  # time constant with which the model takes in the backdrop it sees
FOREGROUND_SECONDS = 6.0  # ... and foreground, so that no misregistration stays for good
WARM_SECONDS = 0.25  # after a start or a cut the model has seen too little to judge
# Lab units.
MIN_DISTANCE = 11.0  # below this outside the model's envelope a pixel is backdrop
NOISE_FACTOR = 4.0  # ... or below this many times the frame's typical envelope distance
# Frames where these bounds are exceeded show no clean objects (clutter, a swarm of parts,
# a scene change the camera fit missed): object-level reasoning does not apply.
MAX_FOREGROUND = 0.25
MAX_PARTS = 8
_STILL = np.eye(3)  # the camera fit of a camera that did not move (camera_fit.py)


# On by default since session 15: started from a clean plate, with firm track confidence and
# the checkers' rules for its parts, it finds far more of the wild profile's violations
# (dev seed 1515: identity 15/34, permanence 7/21, physics 20/39 against 0, 4 and 2 with it
# off) and fails fewer of their clean clips (8 of 106 against 9); on ../shared/gen-clips
# 3/17 detected, 2/17 localized, 3/30 false alarms (2/17, 1/17, 2/30 off). VIDGEN_BGMODEL=0
# turns it off (the plain segmentation alone, with frame-level signals on other footage),
# as does `vidgen check --perception plain`.
ENV_SWITCH = "VIDGEN_BGMODEL"
# What `--perception` chooses: "auto" lets the model take clips whose first frame is not
# plain backdrop; "plain" keeps the plain segmentation on every clip (faster, shapes world).
PERCEPTIONS = ("auto", "plain")


def background_model_enabled(perception: str | None = None) -> bool:
    """Whether the model may take clips: `perception` when given, else VIDGEN_BGMODEL."""
    if perception is None:
        return os.environ.get(ENV_SWITCH, "1").strip().lower() not in ("0", "off", "false", "no")
    if perception not in PERCEPTIONS:
        raise CheckError(f"unknown perception {perception!r}; choose from {', '.join(PERCEPTIONS)}")
    return perception == "auto"


@dataclass
class BackgroundStep:
    segmentation: Segmentation
    reliable: bool  # the model is warm, the camera was followed and the parts are few
    # Boxes (x, y, w, h) of ghosts found this frame: where an object that was part of the
    # model (there since the shot began, or at rest) has just moved away from.
    ghosts: list[tuple[int, int, int, int]] = field(default_factory=list)
    # The camera's motion since the previous frame (3x3, previous pixels -> these), as the
    # model was carried; None at the start and after a lost scene (nothing to relate to).
    camera: np.ndarray | None = None


class MotionBackground:
    """Feed the analysis frames of one clip in order; each call segments one frame."""

    def __init__(self, fps: float, width: int, height: int):
        fps = fps if fps and math.isfinite(fps) and fps > 0 else 16.0
        short = float(min(width, height))
        self.size = (width, height)
        self.learn = 1.0 - math.exp(-1.0 / (fps * LEARN_SECONDS))
        self.learn_foreground = 1.0 - math.exp(-1.0 / (fps * FOREGROUND_SECONDS))
        self.warm_frames = max(2, round(WARM_SECONDS * fps))
        self.min_area = max(6.0, (MIN_OBJECT * short) ** 2)
        join = max(3, round(JOIN * short)) | 1
        self._join = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (join, join))
        self._ghosts = GhostTest(short)
        self._grouper = PartGrouper(fps, min(width, height))
        self.camera_lag = lag_pictures(fps)  # pictures each camera step is judged over
        self._recent = LaggedPictures(self.camera_lag)  # for steps fitted here
        self._model: np.ndarray | None = None  # float32 RGB, current frame's pixels
        self._gray: np.ndarray | None = None
        self._foreground: np.ndarray | None = None
        self._age = 0  # frames since the model (re)started
        self._warm = self.warm_frames  # frames of this start shown without parts
        # The first frame's backdrop without its moving objects (clean_plate.py), when the
        # caller could look ahead: the model starts from it instead of the first frame.
        self._plate: np.ndarray | None = None
        self._primed = False  # this start of the model began from a plate
        self._steps: deque[np.ndarray] = deque()  # camera steps fitted ahead (start_from)
        # Frames fed ahead of `update` (model_ahead.py): each with its step in the making.
        self._pool = None
        self._fed: deque[tuple[np.ndarray, Future]] = deque()
        # The camera steps fitted as the pictures were decoded (camera_ahead.py), if they are.
        self._camera: CameraAhead | None = None
        # (age, primed) as of the last step `update` handed out: a model running ahead has
        # moved on, and the caller must see the state its step came from.
        self._shown = (0, False)

    def start_from(self, plate: np.ndarray, steps: list[np.ndarray] = ()) -> None:
        """Start from `plate` (float32 RGB, the first frame's pixels) rather than from the
        first frame itself: objects in that frame are then foreground from the start.
        `steps`: the camera's motion between the first frames, already fitted for the plate
        (clean_plate.camera_steps), used instead of fitting it again."""
        self._plate = plate
        self._steps = deque(steps)

    def fit_ahead(self, camera: CameraAhead) -> None:
        """Take each picture's camera step from `camera` (given every picture, in order)."""
        self._camera = camera

    def leading_steps(self, images: list[np.ndarray]) -> list[np.ndarray]:
        """clean_plate.camera_steps of the leading pictures, fitted ahead when they are."""
        if self._camera is None:
            return camera_steps(images, self.camera_lag)
        return self._camera.leading(len(images))

    def run_on(self, pool) -> None:
        """Segment the frames given to `feed` on `pool` (an executor of one thread)."""
        self._pool = pool

    def feed(self, rgb: np.ndarray) -> None:
        """`rgb` is the next frame `update` will be given (fed in the order they will be):
        its step starts now on the pool's thread, while the caller works on the frame
        before. The model reads the frames alone, never the tracks, so when its steps run
        changes nothing in them."""
        self._fed.append((rgb, self._pool.submit(self._segment, rgb)))

    def update(self, rgb: np.ndarray) -> BackgroundStep:
        """This frame's step: the one fed ahead, or computed now when none was."""
        if self._fed:
            fed, future = self._fed.popleft()
            if fed is not rgb:
                raise RuntimeError("the background model was fed frames other than it segments")
            step, self._shown = future.result()
        else:
            step, self._shown = self._segment(rgb)
        return step

    @property
    def age(self) -> int:
        """Frames since the model (re)started (1 on its first frame), as of the last step."""
        return self._shown[0]

    @property
    def primed(self) -> bool:
        """Whether the start of the model the last step came from began from a plate."""
        return self._shown[1]

    def _segment(self, rgb: np.ndarray) -> tuple[BackgroundStep, tuple[int, bool]]:
        if self._camera is not None:
            gray, ahead = self._camera.take(rgb)
        else:
            gray, ahead = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), None
        cur = rgb.astype(np.float32)
        h, w = gray.shape
        camera_ok = True
        previous, motion = self._gray, None
        if self._model is None:
            self._restart(cur)
        else:
            motion = self._steps.popleft() if self._steps else None
            if motion is None:  # the plate's step, the one fitted ahead, or fitted now: alike
                if ahead is not None:
                    motion = ahead.result()
                else:
                    motion = camera_step(previous, gray, self._recent.back())
            if motion is None:
                self._restart(cur)
                camera_ok = False
            else:
                self._carry(motion, cur)
        self._gray = gray
        self._recent.add(gray)
        self._age += 1

        model = self._model
        static = ~self._foreground if self._foreground is not None else np.ones((h, w), bool)
        light = fit_photometric(model, cur, static)
        model = light.apply(model)  # the backdrop as this frame's exposure shows it
        model_u8 = _u8(model)
        # `cur` holds whole numbers 0..255, so `rgb` is its uint8 copy: convert that.
        cur_8bit = cv2.cvtColor(rgb, cv2.COLOR_RGB2Lab)
        model_8bit = cv2.cvtColor(model_u8, cv2.COLOR_RGB2Lab)
        cur_lab, model_lab = lab_from_8bit(cur_8bit), lab_from_8bit(model_8bit)
        distance = _envelope_distance(cur_lab, cur_8bit, model_8bit)
        typical = float(np.median(distance[::2, ::2]))
        threshold = max(MIN_DISTANCE, NOISE_FACTOR * typical)
        raw = (distance > threshold).astype(np.uint8)
        joined = cv2.morphologyEx(raw, cv2.MORPH_CLOSE, self._join)
        joined = cv2.morphologyEx(joined, cv2.MORPH_OPEN, self._join)

        count, labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
        small = stats[:, cv2.CC_STAT_AREA] < self.min_area
        small[0] = False  # the backdrop
        joined[small[labels]] = 0  # the parts too small to be objects, all at once
        view = None  # what the ghost test reads, made for the first part it judges
        still = None  # the last frame as this camera sees it now, made with `view`
        keep: list[int] = []
        ghosts: list[tuple[int, int, int, int]] = []
        for i in range(1, count):
            if small[i]:
                continue
            if view is None:
                still = _carried(previous, motion)
                view = ghost_view(gray, model_u8, still)
            if self._ghosts.is_ghost(labels, i, stats[i], *view):
                # The backdrop an object left: the frame shows it, so the model takes it.
                part = labels == i
                model[part] = cur[part]
                # Lab is converted pixel by pixel: the model's Lab there is now the frame's.
                model_lab[part] = cur_lab[part]
                joined[part] = 0
                ghosts.append(tuple(int(v) for v in stats[i, :4]))
                continue
            keep.append(i)
        foreground = joined.astype(bool)

        # Learn the backdrop where nothing stands in front of it. Foreground learns too, but
        # slowly: a pixel that never learns keeps any misregistration it once had, and its
        # neighbours, compared against it, turn foreground in turn (a creeping false part
        # along every strong edge). An object at rest fades into the model only over
        # several seconds, longer than the clips judged.
        rates = np.float32(self.learn_foreground), np.float32(self.learn)
        self._model = _learn(model, cur, foreground, rates)
        self._foreground = joined.astype(bool)

        field = model_lab  # the model as learnt from (ghosts taken from the frame)
        fraction = float(foreground.mean())
        warming = self._age <= self._warm
        # Too little seen to tell objects from the backdrop while warming: no parts at all.
        # Such a frame shows nothing to judge rather than clutter, so it does not count
        # against the clip's share of clean frames (a 0.25 s warm-up is 14% of a 1.75 s
        # clip, more than that share allows). Objects first seen after it are marked emerged.
        detections: list[Detection] = []
        if keep and not warming:  # the smoothed frame's Lab is read by parts alone
            lab = to_lab(cv2.GaussianBlur(rgb, (3, 3), 0))
            # Parts that move together are one object (grouping.py).
            groups = self._grouper.group(labels, stats, keep, gray, still)
            for group in groups:
                detections.append(describe_group(group, labels, stats, lab, field))
        else:
            self._grouper.reset()
        reliable = camera_ok and (
            warming or (fraction < MAX_FOREGROUND and len(detections) <= MAX_PARTS)
        )
        # No dominant color and no clear-of-foreground mask: on this path nothing reads them
        # (the flow meter reads the mask for its camera shift, which the tracker asks for on
        # the plain path only); they were a dilation and a median a frame.
        seg = Segmentation(detections, fraction, None, threshold, None, None, 0.0, raw > 0)
        return BackgroundStep(seg, reliable, ghosts, motion), (self._age, self._primed)

    def _restart(self, cur: np.ndarray) -> None:
        plate, self._plate = self._plate, None  # the first start only: not after a cut
        if plate is None:
            self._steps.clear()  # fitted for the first start's frames only
        self._model = cur.copy() if plate is None else plate
        self._primed = plate is not None
        self._foreground = None
        self._age = 0
        # A plate has seen the backdrop already: no warm-up.
        self._warm = self.warm_frames if plate is None else 0

    def _carry(self, homography: np.ndarray, cur: np.ndarray) -> None:
        """Warp the model into the current frame; border the camera just revealed is taken
        from the frame (nothing is known there yet)."""
        if np.array_equal(homography, _STILL):
            # A still camera (half the steps on static shots and plain backdrops) carries
            # every pixel onto itself: the cubic warp of the model is the model (the same
            # bits, but for the sign of a zero), nothing is revealed and the foreground
            # stays in place. Skipping the three warps changes nothing downstream.
            return
        w, h = self.size
        # Cubic: the model is resampled every frame, and linear resampling blurs texture a
        # little more each time until its edges read as foreground.
        flags = cv2.INTER_CUBIC
        self._model = cv2.warpPerspective(self._model, homography, (w, h), flags=flags)
        known = np.ones((h, w), np.uint8)
        known = cv2.warpPerspective(known, homography, (w, h), flags=cv2.INTER_NEAREST)
        known = cv2.erode(known, np.ones((3, 3), np.uint8)).astype(bool)
        self._model[~known] = cur[~known]
        if self._foreground is not None:
            fg = self._foreground.astype(np.uint8)
            fg = cv2.warpPerspective(fg, homography, (w, h), flags=cv2.INTER_NEAREST)
            self._foreground = fg.astype(bool) & known


def _learn(model: np.ndarray, cur: np.ndarray, foreground: np.ndarray, rates) -> np.ndarray:
    """model + rate * (cur - model), each pixel's rate (float32) by whether it is foreground.

    The rates are repeated along each row's run of values: numpy broadcasting one rate over
    the last axis steps three values at a time (about 1.4x slower); the same products and
    sums (addition commutes exactly)."""
    mix = np.where(foreground, *rates)  # (h, w) float32
    learnt = cur - model
    learnt.reshape(len(learnt), -1)[...] *= np.repeat(mix, 3, axis=1)
    learnt += model
    return learnt


def _envelope_distance(lab: np.ndarray, lab_8bit: np.ndarray, model_8bit: np.ndarray) -> np.ndarray:
    """Lab distance of each pixel from the 3x3 envelope (per-channel min..max) of the model:
    zero anywhere a one-pixel misregistration of the model could explain the pixel.

    `lab` is `lab_8bit` converted (segment.lab_from_8bit); the envelope and the pixel's
    nearest point in it are taken on the 8-bit values, where they are the float ones
    (the conversion commutes with min and max) at a quarter of the bytes a pass."""
    kernel = np.ones((3, 3), np.uint8)
    high, low = cv2.dilate(model_8bit, kernel), cv2.erode(model_8bit, kernel)
    nearest = np.minimum(np.maximum(lab_8bit, low), high)
    return lab_distance(lab, lab_from_8bit(nearest))


def _carried(previous, motion) -> np.ndarray | None:
    """The previous frame (gray) as this frame's camera sees it; None after a start or a
    lost scene (nothing to relate to)."""
    if motion is None:
        return None
    h, w = previous.shape
    return cv2.warpPerspective(previous, motion, (w, h), flags=cv2.INTER_LINEAR)


def _u8(rgb: np.ndarray) -> np.ndarray:
    return np.clip(rgb, 0, 255).astype(np.uint8)
