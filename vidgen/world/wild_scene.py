"""The wild profile's clip format: size, frame rate, length and H.264 quality, drawn per clip
when the user does not fix them.

Its scenes are the full world's (random_scene lays them out as full, then drops the full
look's soft texture and noise: the wild style, wild_style.py, draws its own).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

# Frame rates that divide physics.STEP_HZ (240), so every frame falls on a physics step.
WILD_FPS = (8, 10, 12, 15, 16, 20, 24, 30)
WIDTHS = (256, 1280)  # px, inclusive
MAX_HEIGHT = 720  # px: a square clip stays a video's size, not a photo's
ASPECTS = (16 / 9, 832 / 480, 3 / 2, 4 / 3, 1.0)
# Seconds. Narrow views get shorter clips: the full world's colliding pair cannot be laid out
# in a 4:3 view over 3.7 s (random_scene gives up).
DURATION = (2.0, 3.5)
NARROW, NARROW_MAX_DURATION = 1.5, 3.0
CRF = (18, 32)  # H.264 constant rate factor, inclusive


@dataclasses.dataclass(frozen=True)
class ClipFormat:
    width: int
    height: int
    fps: int | float
    frames: int
    crf: int


def random_format(
    rng: np.random.Generator,
    *,
    size: tuple[int, int] | None = None,
    fps: float | None = None,
    frames: int | None = None,
) -> ClipFormat:
    """A clip format; size, fps and frames the user fixed are kept, the rest are drawn."""
    aspect = ASPECTS[int(rng.integers(len(ASPECTS)))]
    widest = min(WIDTHS[1], int(MAX_HEIGHT * aspect))
    width = int(rng.integers(WIDTHS[0] // 2, widest // 2 + 1)) * 2
    height = max(2, int(round(width / aspect / 2)) * 2)
    rate = WILD_FPS[int(rng.integers(len(WILD_FPS)))]
    seconds = float(rng.uniform(*DURATION))
    if aspect < NARROW:
        seconds = min(seconds, NARROW_MAX_DURATION)
    crf = int(rng.integers(CRF[0], CRF[1] + 1))
    if size is not None:
        width, height = size
    longest = NARROW_MAX_DURATION if width / height < NARROW else DURATION[1]
    # The cap follows the size the clip really has (a fixed --size, or a drawn one rounded
    # to even sides), not the drawn aspect alone.
    seconds = min(seconds, longest)
    if fps is not None:
        rate = fps
    elif frames is not None and (frames - 1) / rate > longest:
        # fixed frames at a drawn rate: the slowest rate that keeps the clip short enough
        fast = [f for f in WILD_FPS if (frames - 1) / f <= longest]
        rate = fast[0] if fast else WILD_FPS[-1]
    if frames is None:
        frames = int(math.floor(seconds * rate)) + 1
    return ClipFormat(width, height, rate, frames, crf)
