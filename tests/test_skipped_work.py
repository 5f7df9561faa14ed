"""Session 22's speed-ups skip work whose result nothing reads: the results stay the same and
the skipped work is not done."""

import cv2
import numpy as np
import pytest

from checkers.flow import FlowMeter
from checkers.perception.background import MotionBackground
from checkers.perception.scene import ScenePerception


def _texture(seed: int, h: int = 96, w: int = 160) -> np.ndarray:
    """A blurred random scene with corners to follow."""
    rng = np.random.default_rng(seed)
    noise = rng.integers(0, 256, (h // 4, w // 4, 3), dtype=np.uint8)
    return cv2.GaussianBlur(cv2.resize(noise, (w, h), interpolation=cv2.INTER_CUBIC), (3, 3), 0)


def _shot_with_a_cut() -> list[np.ndarray]:
    """A slow pan over one scene, then a cut to another scene, panned on."""
    a, b = _texture(0, 96, 200), _texture(1, 96, 200)
    return [a[:, i : i + 160] for i in range(0, 12, 2)] + [b[:, i : i + 160] for i in range(6)]


@pytest.fixture
def corner_searches(monkeypatch):
    """Counts Shi-Tomasi corner searches (every camera step starts with one)."""
    calls = []
    search = cv2.goodFeaturesToTrack

    def counted(*args, **kwargs):
        calls.append(1)
        return search(*args, **kwargs)

    monkeypatch.setattr(cv2, "goodFeaturesToTrack", counted)
    return calls


def test_cuts_alone_are_the_full_perceptions_and_fit_the_camera_only_at_a_jump(corner_searches):
    frames = _shot_with_a_cut()
    full = ScenePerception(16.0, 160, 96, bursts=True)
    steps_full = [full.update(i, i / 16, f) for i, f in enumerate(frames)]
    corner_searches.clear()
    alone = ScenePerception(16.0, 160, 96, bursts=False)
    steps_alone = [alone.update(i, i / 16, f) for i, f in enumerate(frames)]
    assert [s.cut for s in steps_alone] == [s.cut for s in steps_full]
    assert [s.index for s in steps_alone if s.cut] == [6]
    assert [s.histogram_change for s in steps_alone] == [s.histogram_change for s in steps_full]
    # One camera step, at the cut: the calm frames' steps could not have made a cut.
    assert len(corner_searches) == 1
    assert steps_alone[6].camera.fitted == steps_full[6].camera.fitted
    assert steps_alone[6].camera.tracked == steps_full[6].camera.tracked


def test_a_still_camera_carries_the_model_without_warping(monkeypatch):
    model = MotionBackground(16.0, 64, 48)
    rng = np.random.default_rng(2)
    before = rng.uniform(0, 255, (48, 64, 3)).astype(np.float32)
    foreground = rng.random((48, 64)) < 0.3
    model._model, model._foreground = before.copy(), foreground.copy()
    # What the warps give for a still camera, bit for bit: the model and its foreground.
    still = cv2.warpPerspective(before, np.eye(3), (64, 48), flags=cv2.INTER_CUBIC)
    assert np.array_equal(still.view(np.uint32), before.view(np.uint32))
    warps = []
    monkeypatch.setattr(cv2, "warpPerspective", lambda *a, **k: warps.append(1))
    model._carry(np.eye(3), np.zeros_like(before))
    assert not warps
    assert np.array_equal(model._model.view(np.uint32), before.view(np.uint32))
    assert np.array_equal(model._foreground, foreground)


def test_the_flow_without_its_shift_measures_the_rest_the_same():
    frames = _shot_with_a_cut()[:4]
    mask = np.ones((96, 160), bool)
    with_shift, without = FlowMeter(), FlowMeter()
    for frame in frames:
        a = with_shift.update(frame, mask)
        b = without.update(frame, mask, shift=False)
        assert np.array_equal(b.camera_shift, np.zeros(2))
        assert (a.similarity_first, a.similarity_prev) == (b.similarity_first, b.similarity_prev)
        assert a.warp_error == b.warp_error or (np.isnan(a.warp_error) and np.isnan(b.warp_error))
    assert np.any(a.camera_shift != 0)  # the pan is measured when asked for


# The background model makes no dominant color and no clear-of-foreground mask, which
# nothing on its path reads (session 23).
def test_the_model_step_makes_no_unread_dominant_color_or_clear_mask():
    rng = np.random.default_rng(3)
    backdrop = cv2.GaussianBlur(rng.integers(0, 256, (48, 64, 3), dtype=np.uint8), (5, 5), 0)
    model = MotionBackground(16.0, 64, 48)
    for i in range(12):
        frame = backdrop.copy()
        frame[20:30, 4 + 3 * i : 14 + 3 * i] = (250, 20, 20)  # a red square crossing
        step = model.update(frame)
    seg = step.segmentation
    assert seg.background_lab is None and seg.background_mask is None
    assert seg.detections  # the square is still found
