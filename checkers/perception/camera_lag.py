"""Whether the camera moved over a span of a third of a second, to judge each step by.

One step of a slow pan or a slow zoom moves the frame by a pixel or less, and the pixels of
one step cannot tell that from no motion: the fitted motion is resampled and blurred, no
motion is not, so the fit's judge (camera_fit.py) took such steps as still. The model then
stayed behind the camera and its texture edges read as foreground. On the wild world's true
camera (benchmarks/camera_truth.py, 148 clean clips of wild 8642) 37-40% of the steps that
moved on shake, zoom and pan clips were taken as still; the other way, 31% of half-second
spans on tripod clips drifted by over a pixel from noise fits accepted one step at a time.

Over a third of a second a slow pan has moved the frame by several pixels and noise has not
piled up, so the same fit and judge between the frame and the one that long before it tell
the two apart. Each step is then judged with that verdict (camera_similarity's `span`).
The verdict is a function of the pictures alone, as each step is, so the steps are still
fitted ahead (camera_ahead.py) and the same pictures give the same steps on every path.
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np

from checkers.perception.camera_fit import (
    FOLLOWED,
    PLAIN,
    STILL_STEP,
    camera_fit,
    camera_similarity,
    corner_shift,
)

LAG_SECONDS = 0.33  # the span each step is judged over
MIN_LAG = 2  # pictures: a span of one is the step itself
# A span whose fit moves the frame by more than this (short sides) moved; one whose fit moves
# it by less than a still step's bar stood still; anything between says nothing.
SPAN_MOVED = 2 * STILL_STEP


def lag_pictures(fps: float) -> int:
    """How many pictures back the span reaches at `fps` (pictures a second)."""
    fps = fps if fps and math.isfinite(fps) and fps > 0 else 16.0
    return max(MIN_LAG, round(LAG_SECONDS * fps))


def span_moved(back: np.ndarray | None, cur: np.ndarray) -> bool | None:
    """Whether the camera moved from `back` (gray, the picture a span before, or None when
    there is none) to `cur`: True, False, or None when the span cannot say (no picture, a
    scene lost between them, too few corners, a fit between the two bars).

    A still span counts only where its strong corners were followed: where they were not (an
    object that left within the span took them along), no motion is the fit's default, not a
    finding, and would hold the model still behind a pan just after a vanish."""
    if back is None:
        return None
    motion, how = camera_fit(back, cur)
    if motion is None or how == PLAIN:
        return None
    shift = corner_shift(motion, cur.shape) / min(cur.shape)
    if shift > SPAN_MOVED:
        return True
    if shift < STILL_STEP and how == FOLLOWED:
        return False
    return None


def camera_step(prev: np.ndarray, cur: np.ndarray, back: np.ndarray | None) -> np.ndarray | None:
    """The camera's step from `prev` to `cur` (gray), judged knowing whether the camera moved
    from `back` (the picture a span before `cur`) to `cur`: the span is fitted only where it
    can change the step (camera_similarity's `span`)."""
    return camera_similarity(prev, cur, lambda: span_moved(back, cur))


class LaggedPictures:
    """The last pictures (gray) given in order, to find the one a span before the next."""

    def __init__(self, lag: int):
        self._lag = lag
        self._recent: deque[np.ndarray] = deque(maxlen=lag)

    def back(self) -> np.ndarray | None:
        """The picture `lag` pictures before the next one, or None while fewer were given: a
        shorter span moves less, and a slow pan would read as still over it."""
        return self._recent[0] if len(self._recent) == self._lag else None

    def add(self, gray: np.ndarray) -> None:
        self._recent.append(gray)
