"""The motion-compensated background model (checkers/perception/background.py) on texture.

A textured scene is panned and zoomed by a known homography while a shaded disc crosses it:
the disc must be found as one part where it is, the texture must not be foreground, and the
backdrop a resting disc leaves when it starts to move must not stay an object (a ghost).
"""

from __future__ import annotations

import cv2
import numpy as np

from checkers.perception.background import MotionBackground
from checkers.runner import check_frames
from checkers.tracking import Tracker
from checkers.video import Frame

W, H, FPS = 320, 180, 16.0


def texture(seed: int, size: int = 480) -> np.ndarray:
    """Colored multi-scale noise: a stand-in for a wall, a floor, a photograph."""
    rng = np.random.default_rng(seed)
    out = np.zeros((size, size, 3), np.float32)
    for scale, weight in ((4, 0.5), (16, 0.3), (48, 0.2)):
        small = rng.random((size // scale + 2, size // scale + 2, 3)).astype(np.float32)
        out += weight * cv2.resize(small, (size, size), interpolation=cv2.INTER_CUBIC)
    return np.clip(40 + 180 * out, 0, 255).astype(np.uint8)


def camera(t: int) -> np.ndarray:
    """Scene -> frame homography at frame t: a pan right and down with a slow zoom in."""
    zoom = 1.0 + 0.004 * t
    return np.array([[zoom, 0, -80 - 1.5 * t], [0, zoom, -100 - 0.7 * t], [0, 0, 1]], np.float64)


def shaded_disc(frame: np.ndarray, cx: float, cy: float, r: float) -> np.ndarray:
    """A ball lit from the top left: dark body, bright highlight (two colors, one object)."""
    ys, xs = np.mgrid[0:H, 0:W]
    d = np.hypot(xs - cx, ys - cy)
    light = np.clip(1.2 - np.hypot(xs - cx + 0.4 * r, ys - cy + 0.4 * r) / r, 0.15, 1.0)
    ball = np.stack([200 * light, 60 * light, 40 + 20 * light], axis=-1)
    out = frame.astype(np.float32)
    out[d <= r] = ball[d <= r]
    return out.astype(np.uint8)


def model_events(frames: list[np.ndarray], check: str) -> list[tuple[str, int]]:
    """(kind, frame) of one check's events on frames judged with the background model on."""
    report = check_frames(frames, fps=FPS, checks=(check,), perception="auto")
    assert report.verdict != "error", report.error
    return [(e.kind, e.frame) for e in report.checks[check].events]


def clip(frames: int, disc_at) -> list[np.ndarray]:
    scene = texture(3)
    out = []
    for t in range(frames):
        view = cv2.warpPerspective(scene, camera(t), (W, H), flags=cv2.INTER_LINEAR)
        out.append(shaded_disc(view, *disc_at(t), 14.0))
    return out


def test_a_shaded_disc_on_panned_texture_is_one_part_at_its_place():
    model = MotionBackground(FPS, W, H)
    at = lambda t: (60 + 6 * t, 90 + 0.5 * t)  # noqa: E731
    for image in clip(24, at):
        step = model.update(image)
    dets = step.segmentation.detections
    assert step.reliable
    assert len(dets) == 1, [(d.cx, d.cy, d.area) for d in dets]
    cx, cy = at(23)
    assert abs(dets[0].cx - cx) < 3 and abs(dets[0].cy - cy) < 3
    assert 0.6 < dets[0].area / (np.pi * 14.0**2) < 1.5
    # The texture is backdrop: nothing but the disc is foreground.
    assert step.segmentation.foreground_fraction < 1.6 * np.pi * 14.0**2 / (W * H)


def test_a_disc_that_starts_moving_leaves_no_ghost():
    model = MotionBackground(FPS, W, H)
    at = lambda t: (80 + max(0, t - 8) * 7.0, 90)  # noqa: E731  # rests, then rolls away
    for image in clip(26, at):
        step = model.update(image)
    dets = step.segmentation.detections
    assert len(dets) == 1 and abs(dets[0].cx - at(25)[0]) < 3, [(d.cx, d.cy) for d in dets]


def test_the_tracker_keeps_plain_backdrops_on_the_plain_path():
    plain = np.full((H, W, 3), 30, np.uint8)
    cv2.circle(plain, (100, 90), 12, (220, 40, 40), -1)
    tracker = Tracker(W, H, FPS, background=True)
    tracker.update(Frame(0, 0.0, plain))
    assert tracker._mode == "plain"
    textured = Tracker(W, H, FPS, background=True)
    textured.update(Frame(0, 0.0, clip(1, lambda t: (100, 90))[0]))
    assert textured._mode == "motion"
