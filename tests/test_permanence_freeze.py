"""Frozen regions (checkers/permanence_freeze.py): a patch that stops updating mid-motion."""

import numpy as np
import pytest

from checkers.permanence import PermanenceChecker
from checkers.permanence_freeze import FreezeWatch, freeze_events
from checkers.units import Units
from checkers.video import Frame

FPS, W, H, T = 24.0, 320, 180, 48


def textured(seed: int = 0) -> np.ndarray:
    # A wide random texture, smoothed a little so it stays textured after the 4 px cells.
    rng = np.random.default_rng(seed)
    tex = rng.integers(0, 255, (H, W + 4 * T, 3)).astype(np.float32)
    k = np.ones(3, np.float32) / 3
    tex = np.apply_along_axis(np.convolve, 1, tex, k, mode="same")
    return tex.clip(0, 255).astype(np.uint8)


def clip(freeze_at=None, stop_all_at=None, box=(140, 70, 40, 40)):
    """A camera panning 4 px a frame over texture; optionally one patch or everything stops."""
    tex = textured()
    x, y, w, h = box
    out, held = [], None
    for i in range(T):
        shift = 4 * min(i, stop_all_at) if stop_all_at is not None else 4 * i
        f = tex[:, shift : shift + W].copy()
        if freeze_at is not None and i == freeze_at - 1:
            held = f[y : y + h, x : x + w].copy()
        if held is not None and i >= freeze_at:
            f[y : y + h, x : x + w] = held
        out.append(Frame(i, i / FPS, f))
    return out


def found(frames):
    watch = FreezeWatch(Units.of(H, FPS))
    for f in frames:
        watch.add(f)
    return watch.found


def test_a_patch_that_stops_while_the_scene_pans_is_found_at_its_first_still_frame():
    hits = found(clip(freeze_at=20))
    assert len(hits) == 1
    assert hits[0].frame == 20
    x, y, w, h = hits[0].bbox
    assert 140 <= x < 180 and 70 <= y < 110 and w * h >= 3 * 4 * 4


@pytest.mark.parametrize(
    "kwargs", [pytest.param({}, id="panning"), pytest.param({"stop_all_at": 20}, id="camera-stops")]
)
def test_no_freeze_where_nothing_stops_or_everything_does(kwargs):
    assert found(clip(**kwargs)) == []


def test_the_checker_reports_a_frozen_region_from_its_frames_alone():
    checker = PermanenceChecker()
    checker.begin(1.0, FPS, H)
    for f in clip(freeze_at=20):
        checker.watch(f.index, f)
    (event,) = freeze_events(checker.name, checker._freeze, checker.box)
    assert (event.check, event.kind, event.frame) == ("object_permanence", "frozen_region", 20)
    assert event.time == pytest.approx(20 / FPS)


def test_a_patch_smaller_than_an_object_is_not_reported():
    # 8 px at a 180 px short side: two cells across, the size of the false finds on real clips
    assert found(clip(freeze_at=20, box=(140, 72, 8, 8))) == []


def test_a_plain_object_sliding_past_is_not_a_freeze():
    # A flat square moving down over a plain backdrop: inside it every cell looks still
    # once its rim has passed, yet nothing froze (the shapes world's falling square).
    frames = []
    for i in range(T):
        f = np.full((H, W, 3), 235, np.uint8)
        top = 20 + 3 * i
        f[top : top + 60, 100:160] = (230, 200, 20)
        f[140:142] = 90  # a floor line
        frames.append(Frame(i, i / FPS, f))
    assert found(frames) == []


def test_a_strip_one_cell_thick_is_not_reported():
    # the shape of the rim of a plain object (its inside looks still as it moves)
    assert found(clip(freeze_at=20, box=(140, 72, 40, 4))) == []
