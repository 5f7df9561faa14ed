"""Sessions 21 and 22's speed-ups each give the same bits as the code they replace."""

import numpy as np

from checkers.perception.camera_fit import PER_CELL, _spread
from checkers.perception.clean_plate import _median_first_axis
from checkers.perception.photometric import Photometric
from checkers.segment import _to_lab_affine, to_lab


def test_lab_table_equals_the_affine_on_every_value():
    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 256, (97, 131, 3), dtype=np.uint8)  # an odd width: SIMD tails
    rgb[0, : 256 // 2] = np.arange(0, 256, 2, dtype=np.uint8)[:, None]
    fast, slow = to_lab(rgb), _to_lab_affine(rgb)
    assert fast.dtype == slow.dtype == np.float32
    assert np.array_equal(fast.view(np.uint32), slow.view(np.uint32))


def test_gains_along_rows_equal_broadcast_gains():
    rng = np.random.default_rng(1)
    frame = rng.uniform(0, 255, (45, 77, 3)).astype(np.float32)
    light = Photometric(np.float32([1.07, 0.93, 1.001]), np.float32([-3.5, 0.25, 12.0]))
    expected = frame * light.gain + light.offset
    got = light.apply(frame)
    assert got.shape == frame.shape and got.dtype == np.float32
    assert np.array_equal(got.view(np.uint32), expected.view(np.uint32))


def _spread_loop(corners, shape, short):
    cell = max(4.0, 0.25 * short)
    cols = int(np.ceil(shape[1] / cell))
    ids = (corners[:, 1] // cell).astype(int) * cols + (corners[:, 0] // cell).astype(int)
    taken, keep = {}, []
    for k, cid in enumerate(ids):
        if taken.get(cid, 0) < PER_CELL:
            taken[cid] = taken.get(cid, 0) + 1
            keep.append(k)
    return np.array(keep, dtype=np.intp)


def test_spread_keeps_the_strongest_per_cell_as_the_loop_did():
    rng = np.random.default_rng(2)
    for n in (0, 1, 7, 160):
        corners = np.round(rng.uniform(0, 120, (n, 2))).astype(np.float32)
        assert np.array_equal(
            _spread(corners, (120, 160), 120.0), _spread_loop(corners, (120, 160), 120.0)
        )


def test_plate_median_equals_numpy_median_bit_for_bit():
    rng = np.random.default_rng(3)
    for n in (3, 4, 12, 13):
        stack = np.round(rng.normal(128, 50, (n, 21, 33, 3))).astype(np.float32)
        stack[rng.random(stack.shape) < 0.05] = np.nan
        stack[:, :2] = -0.0
        expected = np.median(stack, axis=0)
        assert np.array_equal(_median_first_axis(stack).view(np.uint32), expected.view(np.uint32))


def test_envelope_on_8bit_lab_equals_the_float_envelope():
    """Session 22: the model's envelope taken on OpenCV's 8-bit Lab, then converted."""
    import cv2

    from checkers.perception.background import _envelope_distance
    from checkers.segment import _LAB_TABLE, lab_distance

    table = _LAB_TABLE.reshape(256, 3)
    assert np.all(np.diff(table, axis=0) > 0)  # each channel's table rises strictly
    rng = np.random.default_rng(5)
    kernel = np.ones((3, 3), np.uint8)
    for _ in range(5):
        frame = rng.integers(0, 256, (41, 67, 3), dtype=np.uint8)
        model = np.clip(frame + rng.integers(-30, 30, frame.shape), 0, 255).astype(np.uint8)
        frame_8bit = cv2.cvtColor(frame, cv2.COLOR_RGB2Lab)
        model_8bit = cv2.cvtColor(model, cv2.COLOR_RGB2Lab)
        lab, model_lab = to_lab(frame), to_lab(model)
        high, low = cv2.dilate(model_lab, kernel), cv2.erode(model_lab, kernel)
        expected = lab_distance(lab, np.minimum(np.maximum(lab, low), high))
        got = _envelope_distance(lab, frame_8bit, model_8bit)
        assert np.array_equal(got.view(np.uint32), expected.view(np.uint32))


def test_learning_the_model_equals_the_broadcast_blend():
    """Session 22: the model's blend with the rates repeated along rows."""
    from checkers.perception.background import _learn

    rng = np.random.default_rng(7)
    model = rng.uniform(-20, 280, (37, 53, 3)).astype(np.float32)
    cur = rng.integers(0, 256, (37, 53, 3)).astype(np.float32)
    foreground = rng.random((37, 53)) < 0.3
    rates = np.float32(0.0104), np.float32(0.0988)
    expected = model + np.where(foreground, *rates)[..., None] * (cur - model)
    got = _learn(model, cur, foreground, rates)
    assert got.dtype == np.float32 and got.shape == model.shape
    assert np.array_equal(got.view(np.uint32), expected.view(np.uint32))
