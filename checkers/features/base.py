"""The appearance-embedding interface, crop preparation, and per-object calibration.

An embedder turns boxes (x, y, w, h in the frame's pixels) of one RGB uint8 frame into
L2-normalized float32 vectors; two looks of an object are compared by cosine distance.
Distances mean different things for different backends and objects (a striped shirt moves
more under motion blur than a plain wall), so they are never compared with an absolute
cut-off: `Calibration` measures an object's own spread across its early looks and states a
later look's distance in robust standard deviations of that spread.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from checkers.base import CheckError
from checkers.stats import MAD_TO_SIGMA

Box = tuple[int, int, int, int]  # x, y, w, h in the frame's pixels
# ImageNet's mean color: what the learned backends see outside an object's mask. It is zero
# after their input normalization, so the background carries no signal.
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
FILL_RGB = tuple(round(255 * m) for m in IMAGENET_MEAN)


class FeaturesUnavailable(CheckError):
    """A features backend was asked for by name but its package or weights are missing."""


class Embedder(ABC):
    """Appearance vectors for boxes of one frame; `name` goes into the report as "features".

    `noise_floor` is the smallest robust spread (cosine distance) that calibration will
    assume for an object: a static object's early looks can be near-identical, and a zero
    spread would turn a compression flicker into a huge z-score. Each backend measures its
    own (benchmarks/features_speed.py prints shifted/relit distances).
    """

    name: str
    dim: int
    noise_floor: float = 0.02

    @abstractmethod
    def embed(
        self,
        frame: np.ndarray,
        boxes: Sequence[Box],
        masks: Sequence[np.ndarray | None] | None = None,
    ) -> np.ndarray:
        """(n, dim) float32, each row L2-normalized, for n boxes of `frame` (H, W, 3) uint8.

        A mask is boolean, either the frame's size or the box's size; pixels outside it do
        not count (classical) or are painted ImageNet's mean color (learned backends).
        """

    def distance(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return cosine_distance(a, b)


def cosine_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """1 - cos between L2-normalized rows; broadcasts like `a * b` over leading axes."""
    a, b = np.asarray(a, dtype=np.float32), np.asarray(b, dtype=np.float32)
    return np.clip(1.0 - (a * b).sum(axis=-1), 0.0, 2.0)


def pairwise_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(n, m) cosine distances between the rows of a (n, d) and b (m, d)."""
    return np.clip(1.0 - np.asarray(a, np.float32) @ np.asarray(b, np.float32).T, 0.0, 2.0)


def l2_normalize(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)


def clip_box(box: Box, shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    """The box as (x0, y0, x1, y1) inside a frame of `shape`; raises if nothing is left."""
    x, y, w, h = (int(round(v)) for v in box)
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(shape[1], x + w), min(shape[0], y + h)
    if x1 <= x0 or y1 <= y0:
        raise ValueError(f"box {tuple(box)} lies outside the {shape[1]}x{shape[0]} frame")
    return x0, y0, x1, y1


def crop(
    frame: np.ndarray, box: Box, mask: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray | None]:
    """The box's pixels and its mask cut to the same window (None when no mask)."""
    x0, y0, x1, y1 = clip_box(box, frame.shape)
    pixels = frame[y0:y1, x0:x1]
    if mask is None:
        return pixels, None
    mask = np.asarray(mask, dtype=bool)
    if mask.shape[:2] == frame.shape[:2]:
        mask = mask[y0:y1, x0:x1]
    else:
        # A box-sized mask: cut it by the part of the box that survived clipping.
        x, y = int(round(box[0])), int(round(box[1]))
        mask = mask[y0 - y : y1 - y, x0 - x : x1 - x]
    if mask.shape != pixels.shape[:2]:
        raise ValueError(f"mask of shape {mask.shape} fits neither the frame nor box {box}")
    return pixels, mask


def square_crop(frame: np.ndarray, box: Box, mask: np.ndarray | None, size: int) -> np.ndarray:
    """A size x size RGB uint8 image of the box for a CNN or ViT.

    Letterboxed (padded to a square with the fill color), not stretched: a learned backend
    should see an object's change of proportions, and a stretched crop would hide it.
    """
    pixels, mask = crop(frame, box, mask)
    if mask is not None:
        pixels = np.where(mask[..., None], pixels, np.array(FILL_RGB, np.uint8))
    h, w = pixels.shape[:2]
    scale = size / max(h, w)
    nh, nw = max(1, round(h * scale)), max(1, round(w * scale))
    # INTER_AREA averages when shrinking (no aliasing), INTER_LINEAR when enlarging.
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    small = cv2.resize(np.ascontiguousarray(pixels), (nw, nh), interpolation=interp)
    out = np.empty((size, size, 3), np.uint8)
    out[:] = FILL_RGB
    top, left = (size - nh) // 2, (size - nw) // 2
    out[top : top + nh, left : left + nw] = small
    return out


def masks_or_none(masks, n: int) -> Sequence[np.ndarray | None]:
    if masks is None:
        return [None] * n
    if len(masks) != n:
        raise ValueError(f"{len(masks)} masks for {n} boxes: give one per box (or None)")
    return masks


@dataclass(frozen=True)
class Calibration:
    """An object's own early-look spread, to read later distances against.

    `median` and `sigma` are the median and MAD-based sigma of the pairwise distances among
    the early looks; a later look's distance is the median of its distances to the early
    looks, so both are the same kind of number. `sigma` is never below the backend's noise
    floor (two or three near-identical early looks would otherwise give a zero spread).
    """

    early: np.ndarray  # (k, d) the early looks, L2-normalized
    median: float
    sigma: float

    @classmethod
    def from_early(cls, early: np.ndarray, floor: float) -> Calibration:
        early = np.asarray(early, dtype=np.float32)
        if early.ndim != 2 or len(early) < 2:
            raise ValueError(f"calibration needs at least 2 early looks, got {len(early)}")
        d = pairwise_distance(early, early)[np.triu_indices(len(early), k=1)]
        median = float(np.median(d))
        sigma = MAD_TO_SIGMA * float(np.median(np.abs(d - median)))
        return cls(early=early, median=median, sigma=max(sigma, floor))

    def distances(self, looks: np.ndarray) -> np.ndarray:
        """(n,) the median distance of each later look (n, d) to the early looks."""
        looks = np.atleast_2d(np.asarray(looks, dtype=np.float32))
        return np.median(pairwise_distance(looks, self.early), axis=1)

    def z(self, looks: np.ndarray) -> np.ndarray:
        """(n,) how many robust sigmas each look is beyond the object's early spread."""
        return (self.distances(looks) - self.median) / self.sigma


def robust_z(values: np.ndarray, baseline: np.ndarray, floor: float) -> np.ndarray:
    """(values - median(baseline)) / max(MAD sigma of baseline, floor): the same reading as
    `Calibration` for callers that hold distances rather than vectors."""
    base = np.asarray(baseline, dtype=float)
    base = base[np.isfinite(base)]
    if base.size == 0:
        raise ValueError("robust_z needs at least one finite baseline distance")
    median = float(np.median(base))
    sigma = max(MAD_TO_SIGMA * float(np.median(np.abs(base - median))), floor)
    return (np.asarray(values, dtype=float) - median) / sigma
