"""The background model run one picture ahead of the tracker (perception/model_ahead.py).

Fed ahead, the model must hand out exactly the steps it gives when run in turn, and the
tracker must see its age and start as of the step it was given, not as of the picture the
model has already moved on to (the tracker's young-model rules read them).
"""

from __future__ import annotations

from concurrent.futures import Future

import cv2
import numpy as np
import pytest
from test_background_model import FPS, H, W, clip, texture

from checkers.base import DecodeStopped
from checkers.cadence import Shown
from checkers.perception.background import MotionBackground
from checkers.perception.model_ahead import segmented_ahead
from checkers.video import Frame


class RunsAtOnce:
    """An executor that runs each call as it is submitted: the model is then always a whole
    picture ahead of `update`, the case where reading its live state would go wrong."""

    def submit(self, fn, *args) -> Future:
        future: Future = Future()
        future.set_result(fn(*args))
        return future


def pictures() -> list[np.ndarray]:
    """A textured pan with a rolling disc, cut to another scene at picture 14 (the model
    restarts there, from the frame, no longer from its plate)."""
    first = clip(14, lambda t: (60 + 6 * t, 90))
    other = texture(11)[:H, :W].copy()
    second = [np.roll(other, 2 * t, axis=1) for t in range(10)]
    return first + second


def summary(step, model: MotionBackground) -> tuple:
    seg = step.segmentation
    parts = tuple((d.cx, d.cy, d.area, d.bbox) for d in seg.detections)
    camera = None if step.camera is None else step.camera.tobytes()
    return (parts, seg.foreground_fraction, seg.residue.tobytes(), step.reliable,
            tuple(step.ghosts), camera, model.age, model.primed)  # fmt: skip


def plate_of(images: list[np.ndarray]) -> np.ndarray:
    return cv2.GaussianBlur(images[0], (5, 5), 0).astype(np.float32)


def test_a_model_fed_ahead_gives_the_steps_and_state_of_one_run_in_turn():
    images = pictures()
    in_turn = MotionBackground(FPS, W, H)
    in_turn.start_from(plate_of(images))
    expected = [summary(in_turn.update(image), in_turn) for image in images]
    assert expected[0][-1] and not expected[-1][-1], "primed at the start, not after the cut"

    ahead = MotionBackground(FPS, W, H)
    ahead.start_from(plate_of(images))
    ahead.run_on(RunsAtOnce())
    ahead.feed(images[0])
    got = []
    for i, image in enumerate(images):
        if i + 1 < len(images):
            ahead.feed(images[i + 1])  # segmented before this picture's step is taken
        got.append(summary(ahead.update(image), ahead))
    assert got == expected


def test_a_frame_other_than_the_one_fed_is_refused():
    images = pictures()
    model = MotionBackground(FPS, W, H)
    model.run_on(RunsAtOnce())
    model.feed(images[0])
    with pytest.raises(RuntimeError, match="fed frames other"):
        model.update(images[0].copy())


def shown(images: list[np.ndarray], repeats: set[int]) -> list[Shown]:
    out, picture = [], -1
    for i, image in enumerate(images):
        picture += i not in repeats
        out.append(Shown(Frame(i, i / FPS, image), picture, i in repeats))
    return out


def test_the_pictures_come_in_order_with_a_decode_error_after_the_last():
    images = pictures()[:6]
    items = shown(images, repeats={3})

    def source():
        yield from items
        raise DecodeStopped("stream damaged", len(items))

    model = MotionBackground(FPS, W, H)
    seen = []
    with pytest.raises(DecodeStopped):
        for item in segmented_ahead(source(), model):
            seen.append(item)
            if not item.repeat:
                model.update(item.frame.image)  # as the tracker does, on this thread
    assert seen == items
    assert model.age == 5  # every picture but the repeat segmented once
