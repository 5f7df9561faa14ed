"""benchmarks/burst_idea_probe.py: its two "nothing moved it" measures tell a cross-fade from
a shift on small synthetic frames (no clip is read)."""

from __future__ import annotations

import numpy as np
import pytest
from benchmark_scripts import load_benchmark

BOX = [16, 16, 32, 32]


@pytest.fixture(scope="module")
def probe():
    return load_benchmark("burst_idea_probe")


def textured(seed: int, shift: int = 0) -> np.ndarray:
    """A 64x96 frame: a gray backdrop with a random blocky patch, moved `shift` px right."""
    rng = np.random.default_rng(seed)
    frame = np.full((64, 96, 3), 128, np.uint8)
    patch = np.kron(rng.integers(0, 256, (8, 8, 3)), np.ones((4, 4, 1))).astype(np.uint8)
    frame[16:48, 16 + shift : 48 + shift] = patch
    return frame


def fade(a: np.ndarray, b: np.ndarray, share: float) -> np.ndarray:
    return np.round((1 - share) * a.astype(np.float32) + share * b).astype(np.uint8)


def test_a_cross_fade_moves_every_pixel_together(probe):
    start, end = textured(1), textured(2)
    seq = [fade(start, end, s) for s in (0.0, 0.25, 0.5, 0.75, 1.0)]
    assert probe.spread(seq, BOX)["spread"] < 0.05


def test_a_sweeping_edge_does_not(probe):
    start, end = textured(1), textured(2)
    seq = [start.copy() for _ in range(5)]
    for k, cut in enumerate((16, 26, 36, 48)):  # the new look wipes in from the left
        seq[k + 1][:, 16:cut] = end[:, 16:cut]
    seq[-1] = end
    assert probe.spread(seq, BOX)["spread"] > 0.3


def test_flow_finds_a_shifted_patch_but_not_a_faded_one(probe):
    start = textured(3)
    shifted = probe.flow_unexplained(start, textured(3, shift=3), BOX)
    gone = probe.flow_unexplained(start, np.full_like(start, 128), BOX)
    assert max(shifted["fw"], shifted["bw"]) < 0.5
    assert min(gone["fw"], gone["bw"]) > 0.8
