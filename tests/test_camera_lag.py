"""Camera steps judged over a third of a second (checkers/perception/camera_lag.py)."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import cv2
import numpy as np

from checkers.perception.background import MotionBackground
from checkers.perception.camera_ahead import CameraAhead
from checkers.perception.camera_fit import STILL_STEP, camera_similarity
from checkers.perception.camera_lag import (
    SPAN_MOVED,
    LaggedPictures,
    camera_step,
    lag_pictures,
    span_moved,
)
from checkers.perception.clean_plate import camera_steps

FPS = 16.0
LAG = lag_pictures(FPS)  # pictures: a third of a second
SHORT = 180  # the views' short side, px
# A slow pan: half again as far over a span as the bar of a moving span, a pixel or less a step.
SLOW = 1.5 * SPAN_MOVED * SHORT / LAG


def _backdrop(softness: float) -> np.ndarray:
    """A wide gray backdrop of blurred noise: the larger `softness`, the softer."""
    rng = np.random.default_rng(3)
    noise = rng.integers(0, 256, (400, 600)).astype(np.float32)
    return cv2.normalize(cv2.GaussianBlur(noise, (0, 0), softness), None, 30, 220, cv2.NORM_MINMAX)


def _panned(backdrop: np.ndarray, per_frame: float, noise: float, count: int = 24) -> list:
    """`count` 320xSHORT gray views of `backdrop` panned left by `per_frame` px a frame, each
    with its own sensor noise of `noise` gray levels."""
    rng = np.random.default_rng(7)
    views = []
    for k in range(count):
        shift = np.float32([[1, 0, -per_frame * k - 50], [0, 1, -50]])
        view = cv2.warpAffine(backdrop, shift, (320, SHORT), flags=cv2.INTER_CUBIC)
        views.append(np.clip(view + rng.normal(0, noise, view.shape), 0, 255).astype(np.uint8))
    return views


def _lagged_steps(views: list) -> list:
    recent = LaggedPictures(LAG)
    recent.add(views[0])
    steps = []
    for previous, current in zip(views, views[1:], strict=False):
        steps.append(camera_step(previous, current, recent.back()))
        recent.add(current)
    return steps


def _still(motion) -> bool:
    return np.array_equal(motion, np.eye(3))


def test_a_slow_pan_over_a_soft_backdrop_is_followed_once_a_span_is_seen():
    views = _panned(_backdrop(20.0), per_frame=SLOW, noise=1.0)
    alone = [camera_similarity(a, b) for a, b in zip(views, views[1:], strict=False)]
    # One step alone cannot tell a slow pan of a soft backdrop from no motion.
    assert sum(_still(m) for m in alone) >= 5
    lagged = _lagged_steps(views)
    # Every step with a whole span before it follows the pan, and the chain stays on it.
    assert not any(_still(m) for m in lagged[LAG - 1 :])
    true_shift = -SLOW * (len(views) - 1)
    chained = sum(m[0, 2] for m in lagged)
    alone_chained = sum(m[0, 2] for m in alone)
    assert abs(chained - true_shift) < 0.5 * abs(alone_chained - true_shift)


def test_a_still_camera_with_sensor_noise_is_held_still():
    views = _panned(_backdrop(8.0), per_frame=0.0, noise=2.0)
    alone = [camera_similarity(a, b) for a, b in zip(views, views[1:], strict=False)]
    # One step alone takes the noise for a little motion, and the model would drift by it.
    assert sum(not _still(m) for m in alone) >= 10
    lagged = _lagged_steps(views)
    assert all(_still(m) for m in lagged[LAG - 1 :])


def test_the_model_the_plate_and_the_steps_fitted_ahead_take_the_same_span_steps():
    # A slow pan, so that spans are fitted and change steps: an off-by-one in any path's
    # span would change some of them.
    views = _panned(_backdrop(20.0), per_frame=SLOW, noise=1.0, count=16)
    rgb = [cv2.cvtColor(v, cv2.COLOR_GRAY2RGB) for v in views]
    alone = [camera_similarity(a, b) for a, b in zip(views, views[1:], strict=False)]
    lagged = _lagged_steps(views)
    assert any(not np.array_equal(a, b) for a, b in zip(alone, lagged, strict=True))
    in_turn = MotionBackground(FPS, 320, SHORT)  # fits each step itself
    assert in_turn.camera_lag == LAG
    fitted_in_turn = [in_turn.update(image).camera for image in rgb][1:]
    with ThreadPoolExecutor(2) as pool:
        camera = CameraAhead(pool, LAG)
        ahead = MotionBackground(FPS, 320, SHORT)
        ahead.fit_ahead(camera)
        for image in rgb:
            camera.add(image)
        leading = ahead.leading_steps(rgb)
        fitted_ahead = [ahead.update(image).camera for image in rgb][1:]
    for steps in (fitted_in_turn, camera_steps(rgb, LAG), leading, fitted_ahead):
        assert len(steps) == len(lagged)
        assert all(np.array_equal(a, b) for a, b in zip(steps, lagged, strict=True))


def test_a_pan_just_after_an_object_left_is_not_held_still():
    # A crisp checkerboard rides with a slow pan of a soft backdrop and vanishes at frame 10.
    # Spans that reach back before it lose its strong corners, and a fit that lost them takes
    # no motion by default: that is no finding, so those steps are the steps alone, which
    # follow the pan (the span used to hold them still: the model fell behind the camera
    # just after a vanish, where the checker judges).
    views = _panned(_backdrop(25.0), per_frame=SLOW, noise=1.0, count=20)
    board = (np.indices((60, 60)).sum(0) // 6 % 2 * 200 + 20).astype(np.uint8)
    for k in range(10):
        x = 130 - int(round(SLOW * k))
        views[k][60:120, x : x + 60] = board
    alone = [camera_similarity(a, b) for a, b in zip(views, views[1:], strict=False)]
    # Steps into frames 11..10+LAG-1: their spans reach back to the board.
    after, after_alone = _lagged_steps(views)[10 : 9 + LAG], alone[10 : 9 + LAG]
    assert sum(not _still(m) for m in after_alone) >= 2
    assert all(np.array_equal(a, b) for a, b in zip(after, after_alone, strict=True))


def test_a_span_says_nothing_before_it_is_whole_or_without_corners():
    recent = LaggedPictures(3)
    views = _panned(_backdrop(4.0), per_frame=2.0, noise=0.0, count=4)
    for view in views[:2]:
        recent.add(view)
        assert recent.back() is None  # fewer pictures than the span
    recent.add(views[2])
    assert recent.back() is views[0]
    assert span_moved(None, views[3]) is None
    assert span_moved(views[0], views[3]) is True  # 6 px: moved
    assert span_moved(views[3], views[3]) is False
    plain = np.full((SHORT, 320), 128, np.uint8)  # no corners: cannot tell
    assert span_moved(plain, plain) is None
    # A span that moved more than a still step but less than a moving span says nothing.
    between = 1.5 * STILL_STEP * SHORT
    moved = _panned(_backdrop(4.0), per_frame=between, noise=0.0, count=2)
    assert span_moved(moved[0], moved[1]) is None


def test_the_span_is_a_third_of_a_second_at_any_frame_rate():
    assert lag_pictures(24.0) == 8
    assert lag_pictures(30.0) == 10
    assert lag_pictures(8.0) == 3
    assert lag_pictures(3.0) == 2  # never shorter than two pictures
    assert lag_pictures(math.nan) == lag_pictures(16.0) == LAG
