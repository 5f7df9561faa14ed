"""The camera steps the background model is carried by, fitted as the pictures are decoded.

The camera fit (camera_lag.camera_step: corners followed both ways with LK, then the fits
weighed on the pixels, knowing whether the camera moved over a third of a second) costs
about 4 ms a step at the analysis size, a quarter of the model's time on gen-clips. Run
inside the model it lengthens the model's thread, a check's longest (model_ahead.py), and
the look-ahead fits the first 1.5 s of steps for the clean plate (clean_plate.py) on the
runner's thread alone, before any picture is judged, while the other stages wait (on wild
fresh4711 clip 48, 44 steps: a quarter of the whole check).

A step reads its two pictures alone, never the model, so each is fitted here as soon as its
picture is decoded, on threads of their own (two at a time: during the look-ahead nothing
else runs), while the decoder, the model and the tracker go on. The model then takes the
steps in order (`MotionBackground.fit_ahead`), and the plate reads the leading ones.

Nothing is decided differently: every step is the fit of the same two pictures, and the fit
is a function of them alone (its RANSAC draws from a generator seeded afresh each call), so
the model is carried exactly as when it fits each step itself
(benchmarks/verdict_parity.py holds sets of clips to the same verdicts and events).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import cv2
import numpy as np

from checkers.cadence import Shown
from checkers.overlap import held_back
from checkers.perception.camera_lag import LaggedPictures, camera_step

FITTERS = 2  # threads that fit steps: the look-ahead's steps are fitted two at a time


class CameraAhead:
    """The camera steps between pictures given in order with `add` (from one thread), fitted
    on `pool`, taken in the same order by the model (`take`, from another)."""

    def __init__(self, pool, lag: int):
        self._pool = pool
        self._previous: np.ndarray | None = None  # the last picture added, gray
        self._recent = LaggedPictures(lag)  # each step is judged over a span (camera_lag.py)
        # Each picture added and not yet taken: it, gray, and the step from the picture
        # before it (None for the first).
        self._pending: deque[tuple[np.ndarray, np.ndarray, Future | None]] = deque()

    def add(self, rgb: np.ndarray) -> None:
        gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        previous, self._previous = self._previous, gray
        step = None
        if previous is not None:
            step = self._pool.submit(camera_step, previous, gray, self._recent.back())
        self._recent.add(gray)
        self._pending.append((rgb, gray, step))

    def take(self, rgb: np.ndarray) -> tuple[np.ndarray, Future | None]:
        """The next picture's gray and its step in the making (None for the first picture)."""
        added, gray, step = self._pending.popleft()
        if added is not rgb:
            raise RuntimeError("the camera steps were fitted for frames other than segmented")
        return gray, step

    def leading(self, count: int) -> list[np.ndarray]:
        """The steps between the first `count` pictures not yet taken, up to the first lost
        scene (a cut): clean_plate.camera_steps of those pictures."""
        steps = []
        for _, _, step in list(self._pending)[1:count]:
            motion = step.result()
            if motion is None:
                break
            steps.append(motion)
        return steps


def fitted_ahead(pictures: Iterable[Shown], tracker, threads: bool = True) -> Iterator[Shown]:
    """`pictures`, each yielded once the next is decoded and, on a clip the background model
    segments, its camera step set fitting (every picture that is not a repeat). The tracker
    chooses the clip's path on the first picture it is given, so the pictures decoded before
    that wait for it. Without threads, or a tracker that cannot take the model, the pictures
    pass as they come."""
    if not threads or not tracker.looks_ahead:
        yield from pictures
        return
    with ThreadPoolExecutor(FITTERS, thread_name_prefix="checkers-camera") as pool:
        camera: CameraAhead | None = None
        waiting: list[np.ndarray] | None = []  # pictures decoded before the path was chosen

        def settle() -> None:
            nonlocal camera, waiting
            if waiting is None or tracker.segmented_by is None:
                return  # settled already, or no path chosen yet
            model = tracker.background
            if model is not None:
                camera = CameraAhead(pool, model.camera_lag)
                model.fit_ahead(camera)
                for rgb in waiting:
                    camera.add(rgb)
            waiting = None

        def arrived(shown: Shown) -> None:
            settle()
            if not shown.repeat:
                if camera is not None:
                    camera.add(shown.frame.image)
                elif waiting is not None:
                    waiting.append(shown.frame.image)

        yield from held_back(pictures, arrived, ending=settle)
