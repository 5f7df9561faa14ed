"""The burst motion gates excuse a change only where motion explains it (conserved.py).

Textured synthetic footage as in test_perception.py: an object rests on a rug while a
second one moves right beside it, close enough for the motion gates to take it as the cause
of anything that changes there.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from checkers.perception.conserved import unexplained_cells
from checkers.runner import check_frames
from checkers.segment import to_lab

W, H = 320, 180


@pytest.fixture(autouse=True)
def scene_level_only(monkeypatch):
    monkeypatch.setenv("VIDGEN_BGMODEL", "0")


def texture(seed: int, width: int, height: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = np.zeros((height, width, 3), np.float32)
    for scale, weight in ((4, 0.5), (16, 0.3), (48, 0.2)):
        small = rng.random((height // scale + 2, width // scale + 2, 3)).astype(np.float32)
        out += weight * cv2.resize(small, (width, height), interpolation=cv2.INTER_CUBIC)
    return np.clip(40 + 180 * out, 0, 255).astype(np.uint8)


def clip(fade_at: int | None, n: int = 48) -> list[np.ndarray]:
    """A still rug; a toy rests at (120, 70); a second toy bobs up and down just right of it
    the whole time. From `fade_at` the resting toy fades out over three frames."""
    rug = texture(7, W, H)
    toy = (0.5 * texture(107, 40, 40) + np.float32([110, 20, 10])).astype(np.uint8)
    mover = (0.5 * texture(207, 30, 30) + np.float32([10, 30, 110])).astype(np.uint8)
    frames = []
    for t in range(n):
        frame = rug.copy()
        alpha = 1.0 if fade_at is None else float(np.clip(1 - (t - fade_at + 1) / 3, 0, 1))
        region = frame[70:110, 120:160].astype(np.float32)
        frame[70:110, 120:160] = ((1 - alpha) * region + alpha * toy).astype(np.uint8)
        y = int(60 + 40 * abs(((t * 5) % 80) / 40 - 1))  # up and down, 5 px a frame
        frame[y : y + 30, 170:200] = mover
        frames.append(frame)
    return frames


def kinds(frames):
    report = check_frames(frames, 16.0, name="synthetic", features="classical")
    assert report.verdict in ("pass", "fail"), report.error
    return [(e.kind, e.frame) for e in report.events]


def test_a_toy_fading_out_beside_a_moving_one_vanished():
    found = [f for k, f in kinds(clip(fade_at=24)) if k == "vanish_in_place"]
    assert found and abs(found[0] - 24) <= 2


def test_a_toy_resting_beside_a_moving_one_has_no_event():
    assert kinds(clip(fade_at=None)) == []


def test_moved_content_is_explained_and_faded_content_is_not():
    rug = to_lab(texture(3, 96, 96))
    toy = to_lab(texture(103, 20, 20))
    before = rug.copy()
    before[40:60, 40:60] = toy
    moved, faded = rug.copy(), rug.copy()
    moved[40:60, 45:65] = toy  # 5 pixels to the right
    cells = np.zeros((8, 8), bool)
    cells[4, 4] = True  # pixels 48-60: the toy's middle
    assert not unexplained_cells(before, moved, cells, reach=6, bar=14.0)[4, 4]
    assert unexplained_cells(before, faded, cells, reach=6, bar=14.0)[4, 4]
