"""Classical appearance vectors: color, coarse layout and edge directions; numpy and OpenCV only.

Always available and fast (well under a millisecond a crop), so it is the fallback of every
learned backend. Three blocks, each a unit (or shorter) vector, weighted and concatenated:
- color: a soft 4x6x6 Lab histogram, square-rooted so cosine becomes the Bhattacharyya
  coefficient (robust to a few stray pixels, unlike a mean color);
- layout: a 4x4 grid of mean Lab minus the object's mean, so it tells a red-top/blue-bottom
  object from its upside-down twin that the histogram cannot;
- gradient: magnitude-weighted edge-orientation histograms over 2x2 cells (texture and
  outline), divided by the total edge strength so a relit object keeps its vector.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from checkers.features.base import Box, Embedder, crop, l2_normalize, masks_or_none

SIDE = 48  # px: every crop is area-resized to this square first, so cost is per crop
# Coarse in lightness, finer in chroma: 4 L bins keep a 15% relighting at a third of the
# distance that 8 bins give it (a dress changing hue is a chroma change).
L_BINS, A_BINS, B_BINS = 4, 6, 6
AB_RANGE = 80.0  # Lab a/b of natural colors stay within about +-80; beyond is clamped
GRID = 4
ORIENT_BINS, ORIENT_CELLS = 8, 2
LAB_SCALE = 20.0  # Lab units of layout contrast that make the layout block full length
MIN_EDGE = 4.0  # mean Sobel magnitude (L units) below which the gradient block shrinks
WEIGHTS = (1.0, 0.6, 0.6)  # color, layout, gradient: color identity counts most
DIM = L_BINS * A_BINS * B_BINS + GRID * GRID * 3 + ORIENT_CELLS * ORIENT_CELLS * ORIENT_BINS


class ClassicalEmbedder(Embedder):
    name = "classical"
    dim = DIM
    # benchmarks/features_speed.py: an object moved 6 px in a fixed 80 px box and relit by
    # 0.85 is 0.05-0.08 from its first look, another object 0.63. Everyday jitter between
    # frames is a fraction of that change.
    noise_floor = 0.02

    def embed(
        self,
        frame: np.ndarray,
        boxes: Sequence[Box],
        masks: Sequence[np.ndarray | None] | None = None,
    ) -> np.ndarray:
        out = np.empty((len(boxes), DIM), np.float32)
        for i, (box, mask) in enumerate(zip(boxes, masks_or_none(masks, len(boxes)), strict=True)):
            pixels, mask = crop(frame, box, mask)
            out[i] = describe(pixels, mask)
        return out


def describe(pixels: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """(DIM,) unit vector of an RGB uint8 crop; `mask` (same h, w, bool) limits the pixels."""
    rgb = np.ascontiguousarray(pixels, dtype=np.float32) / 255.0
    if mask is None:
        weight = np.ones((SIDE, SIDE), np.float32)
        small = cv2.resize(rgb, (SIDE, SIDE), interpolation=cv2.INTER_AREA)
    else:
        # Premultiplied resizing: a pixel on the mask's edge averages object pixels only, so
        # the background never leaks in; pixels with no object take the object's mean.
        m = mask.astype(np.float32)
        weight = cv2.resize(m, (SIDE, SIDE), interpolation=cv2.INTER_AREA)
        summed = cv2.resize(rgb * m[..., None], (SIDE, SIDE), interpolation=cv2.INTER_AREA)
        mean = (rgb * m[..., None]).sum(axis=(0, 1)) / max(float(m.sum()), 1.0)
        has = weight[..., None] > 1e-3
        small = np.where(has, summed / np.maximum(weight[..., None], 1e-3), mean)
        if weight.sum() < 1.0:  # the mask covers under one analysis pixel: use the whole box
            weight = np.ones((SIDE, SIDE), np.float32)
            small = cv2.resize(rgb, (SIDE, SIDE), interpolation=cv2.INTER_AREA)
    lab = cv2.cvtColor(small.astype(np.float32), cv2.COLOR_RGB2LAB)  # L 0-100, a/b +-127
    blocks = (_color(lab, weight), _layout(lab, weight), _gradient(lab[..., 0], weight))
    return l2_normalize(np.concatenate([w * b for w, b in zip(WEIGHTS, blocks, strict=True)]))


def _soft_bins(values: np.ndarray, lo: float, hi: float, n: int):
    """Each value split between its two nearest bin centres, linearly (no hard edges)."""
    u = np.clip((values - lo) / (hi - lo) * n - 0.5, 0.0, n - 1.0)
    low = np.minimum(np.floor(u).astype(np.int64), n - 2)
    frac = (u - low).astype(np.float32)
    return (low, 1.0 - frac), (low + 1, frac)


def _color(lab: np.ndarray, weight: np.ndarray) -> np.ndarray:
    w = weight.ravel()
    ls = _soft_bins(lab[..., 0].ravel(), 0.0, 100.0, L_BINS)
    as_ = _soft_bins(lab[..., 1].ravel(), -AB_RANGE, AB_RANGE, A_BINS)
    bs = _soft_bins(lab[..., 2].ravel(), -AB_RANGE, AB_RANGE, B_BINS)
    # The 8 corner combinations of the three soft assignments, counted in one bincount.
    index, mass = [], []
    for li, lw in ls:
        for ai, aw in as_:
            for bi, bw in bs:
                index.append((li * A_BINS + ai) * B_BINS + bi)
                mass.append(w * lw * aw * bw)
    size = L_BINS * A_BINS * B_BINS
    hist = np.bincount(np.concatenate(index), weights=np.concatenate(mass), minlength=size)
    return np.sqrt(hist / max(hist.sum(), 1e-9)).astype(np.float32)


def _layout(lab: np.ndarray, weight: np.ndarray) -> np.ndarray:
    # Area resizing to GRID x GRID is exactly the mean of each cell.
    mass = cv2.resize(weight, (GRID, GRID), interpolation=cv2.INTER_AREA)[..., None]
    sums = cv2.resize(lab * weight[..., None], (GRID, GRID), interpolation=cv2.INTER_AREA)
    mean = (lab * weight[..., None]).sum(axis=(0, 1)) / weight.sum()
    # A cell the mask leaves empty reads as the object's mean (no contrast), not as black.
    cells = np.where(mass > 1e-3, sums / np.maximum(mass, 1e-3), mean)
    v = ((cells - mean) / LAB_SCALE).ravel()
    return (v / max(float(np.linalg.norm(v)), 1.0)).astype(np.float32)


def _gradient(lightness: np.ndarray, weight: np.ndarray) -> np.ndarray:
    gx = cv2.Sobel(lightness, cv2.CV_32F, 1, 0, ksize=3) / 8.0  # L units per pixel
    gy = cv2.Sobel(lightness, cv2.CV_32F, 0, 1, ksize=3) / 8.0
    magnitude = np.hypot(gx, gy) * weight
    # Unsigned orientation: an edge is the same edge whichever side is brighter.
    angle = np.mod(np.arctan2(gy, gx), np.pi)
    bins = np.minimum((angle / np.pi * ORIENT_BINS).astype(np.int64), ORIENT_BINS - 1)
    cell = SIDE // ORIENT_CELLS
    rows, cols = np.indices((SIDE, SIDE)) // cell
    index = (rows * ORIENT_CELLS + cols) * ORIENT_BINS + bins
    hist = np.bincount(
        index.ravel(), weights=magnitude.ravel(), minlength=ORIENT_CELLS**2 * ORIENT_BINS
    )
    total = max(float(hist.sum()), MIN_EDGE * float(weight.sum()))
    return np.sqrt(hist / total).astype(np.float32)
