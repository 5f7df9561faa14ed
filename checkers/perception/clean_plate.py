"""The backdrop of a clip's first frame with its moving objects taken out (a clean plate).

The background model (background.py) learns the backdrop from what it sees. Started from the
first frame alone, it holds every object in that frame as backdrop: such an object is seen
only as a crescent off its centre until it has cleared its old place, and a slow one comes
apart in fragments that "vanish" and "appear" while it is plainly there (wild dev corpus: most
false permanence events on clean clips were such fragments).

Here the first second or so is looked at before the model starts: each frame is carried back
into the first frame's view by the chained camera fit (the same similarity the model is carried
by), and the per-pixel median over them is what stands still there. An object that moves more
than about half its size over that time is taken out; one that rests all along stays, as
scenery (it is backdrop for this clip; it becomes an object when it starts to move, through
the model's ghost rule). A shot cut ends the look: frames after it show another scene.
"""

from __future__ import annotations

import cv2
import numpy as np

from checkers.perception.camera_lag import LaggedPictures, camera_step, lag_pictures

PLATE_SECONDS = 1.5  # how far ahead the plate looks
PLATE_FRAMES = 12  # at most this many frames, spread over that time (the median's cost)
MIN_FRAMES = 3  # with fewer, the median cannot outvote an object: no plate


def plate_frames(fps: float) -> int:
    """How many leading frames the plate wants to see."""
    return max(MIN_FRAMES, round(PLATE_SECONDS * fps))


def camera_steps(images: list[np.ndarray], lag: int) -> list[np.ndarray]:
    """The camera's motion from each leading frame to the next (camera_lag.camera_step over
    spans of `lag` pictures, 3x3), up to the first shot cut. The background model takes them
    over for its first frames (`MotionBackground.start_from`), so each is fitted once."""
    steps = []
    previous = cv2.cvtColor(images[0], cv2.COLOR_RGB2GRAY)
    recent = LaggedPictures(lag)
    recent.add(previous)
    for image in images[1:]:
        gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
        motion = camera_step(previous, gray, recent.back())
        if motion is None:  # a cut: the rest is another scene
            break
        steps.append(motion)
        recent.add(gray)
        previous = gray
    return steps


def clean_plate(
    images: list[np.ndarray], steps: list[np.ndarray] | None = None, fps: float | None = None
) -> np.ndarray | None:
    """The first frame's backdrop (float32 RGB, its pixels) from `images` (uint8 RGB, the
    clip's leading frames in order, `fps` pictures a second; `steps` their `camera_steps`
    when already fitted), or None when too few frames share its scene."""
    if len(images) < MIN_FRAMES:
        return None
    if steps is None:
        if fps is None:
            raise ValueError("clean_plate needs the camera steps, or the fps to fit them at")
        steps = camera_steps(images, lag_pictures(fps))
    h, w = images[0].shape[:2]
    step = max(1, len(images) // PLATE_FRAMES)
    to_first = np.eye(3)  # maps the first frame's pixels to the current frame's
    views = [images[0].astype(np.float32)]
    for i, motion in enumerate(steps, start=1):
        to_first = motion @ to_first
        if i % step:
            continue
        flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
        view = cv2.warpPerspective(images[i].astype(np.float32), to_first, (w, h), flags=flags,
                                   borderMode=cv2.BORDER_CONSTANT, borderValue=(np.nan,) * 3)  # fmt: skip
        views.append(view)
    if len(views) < MIN_FRAMES:
        return None
    # Border the camera never showed in a frame is NaN there; the others decide. NaN-aware
    # medians cost several times a plain one (numpy masks the whole stack), so they are
    # taken only where a view has a gap: elsewhere both pick the same two middle values and
    # average them alike, so the plate is the same to the bit.
    stack = np.stack(views)  # (n, h, w, 3)
    gaps = np.isnan(stack).any(axis=0)  # (h, w, 3); the first view has none
    plate = _median_first_axis(stack)
    if gaps.any():
        plate[gaps] = np.nanmedian(stack[:, gaps], axis=0)
    return plate.astype(np.float32)


def _median_first_axis(stack: np.ndarray) -> np.ndarray:
    """`np.median(stack, axis=0)` of a float32 stack, bit for bit, about three times faster:
    numpy partitions each pixel's dozen values on its own, while one sort runs along a
    contiguous last axis. The middle value, or the float32 mean of the middle two as numpy
    takes it ((a + b) / 2); NaN sorts last, and a pixel with one is NaN, as numpy has it."""
    n = stack.shape[0]
    ordered = np.sort(np.ascontiguousarray(np.moveaxis(stack, 0, -1)), axis=-1)
    k = n // 2
    # numpy's mean sums from +0.0 (so a middle -0.0 comes out +0.0).
    zero = np.float32(0.0)
    median = zero + ordered[..., k] if n % 2 else (zero + ordered[..., k - 1] + ordered[..., k]) / 2
    median[np.isnan(ordered[..., -1])] = np.nan
    return median
