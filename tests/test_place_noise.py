"""Each place's own noise (checkers/perception/place_noise.py): a weak step in a quiet place is
strong change, the same step in a place that is noisy by itself is not."""

from __future__ import annotations

import cv2
import numpy as np

from checkers.perception.bursts import BurstFinder
from checkers.perception.change import CHANGE_FLOOR, ChangeMeter
from checkers.perception.place_noise import PLACE_FLOOR, PlaceNoise

W, H = 320, 180
BOX = np.s_[60:108, 140:188]  # the place that steps


def _texture(seed: int) -> np.ndarray:
    """Colored multi-scale noise, a stand-in for a natural scene."""
    rng = np.random.default_rng(seed)
    out = np.zeros((H, W, 3), np.float32)
    for scale, weight in ((4, 0.5), (16, 0.3), (48, 0.2)):
        small = rng.random((H // scale + 2, W // scale + 2, 3)).astype(np.float32)
        out += weight * cv2.resize(small, (W, H), interpolation=cv2.INTER_CUBIC)
    return 40 + 180 * out


def _bursts(shimmer: float, fps: float = 30.0, n: int = 60, at: int = 30) -> list:
    """A still textured scene with light sensor noise; from frame `at` one place's color
    steps by about 13 Lab (under the absolute floor of 14) and stays. `shimmer`: extra
    per-pixel noise of that place alone, RGB units a frame."""
    rng = np.random.default_rng(3)
    scene = _texture(3)
    finder, meter = BurstFinder(fps, W, H), ChangeMeter(keep_map=True)
    found = []
    for t in range(n):
        frame = scene + rng.normal(0.0, 1.0, scene.shape)
        frame[BOX] += rng.normal(0.0, shimmer, frame[BOX].shape) if shimmer else 0.0
        if t >= at:
            frame[BOX] += np.float32([0, 11, -11])
        step = meter.update(np.clip(frame, 0, 255).astype(np.uint8))
        found += finder.update(t, t / fps, step.lab, step)
    return found + finder.flush()


def test_a_weak_step_in_a_quiet_place_is_a_burst():
    found = _bursts(shimmer=0.0)
    assert [b.frame for b in found] == [30]
    x, y, w, h = found[0].bbox
    assert x <= 188 and x + w >= 140 and y <= 108 and y + h >= 60


def test_the_same_step_where_the_place_shimmers_by_itself_is_not():
    assert _bursts(shimmer=6.0) == []


def test_a_place_keeps_the_absolute_bar_until_its_noise_is_known():
    places = PlaceNoise(fps=10.0, absolute=CHANGE_FLOOR)
    quiet, noisy = np.full((20, 30), 0.5, np.float32), np.full((20, 30), 4.0, np.float32)
    assert places.bar((20, 30)) == CHANGE_FLOOR
    for _ in range(places.frames):
        places.add(quiet)
    assert np.all(places.bar((20, 30)) == PLACE_FLOOR)
    for _ in range(places.frames):
        places.add(noisy)
    assert np.all(places.bar((20, 30)) == CHANGE_FLOOR)
