"""The adherence benchmark's reader (benchmarks/adherence.py), which `--size` runs on frames
larger than the 64x64 its pixel thresholds were set for."""

from __future__ import annotations

import numpy as np
import pytest
from benchmark_scripts import load_benchmark

from vidgen.world import render_clip


@pytest.fixture(scope="module")
def adherence():
    return load_benchmark("adherence")


def test_the_reader_reads_a_scene_the_same_at_64_and_96_pixels(adherence):
    for scene in adherence.benchmark_scenes(12):
        small = adherence.read_clip(
            render_clip(scene, width=64, height=64, frames=17, fps=8).frames
        )
        large = adherence.read_clip(
            render_clip(scene, width=96, height=96, frames=17, fps=8).frames
        )
        assert small == large, scene
        assert None not in small.values()


def drifting_square(width: int, side: int, drift: int) -> np.ndarray:
    """17 white frames with a red square that moves `drift` pixels to the right in all."""
    frames = np.full((17, width, width, 3), 255, np.uint8)
    top = width // 2 - side // 2
    for i, frame in enumerate(frames):
        left = top + round(drift * i / 16)
        frame[top : top + side, left : left + side] = (220, 30, 30)
    return frames


def test_the_readers_still_threshold_scales_with_the_frame(adherence):
    # 4 px of drift in a 64-wide frame is jitter ("none"); the same clip drawn twice as large
    # drifts 8 px, which is still jitter, not a move to the right.
    assert adherence.read_clip(drifting_square(64, 8, 4))["motion"] == "none"
    assert adherence.read_clip(drifting_square(128, 16, 8))["motion"] == "none"
    assert adherence.read_clip(drifting_square(128, 16, 24))["motion"] == "right"


def test_the_reader_reads_nothing_in_an_empty_clip(adherence):
    empty = np.zeros((1, 64, 64, 3), np.uint8)
    assert adherence.read_clip(empty) == {"color": None, "shape": None, "motion": None}
