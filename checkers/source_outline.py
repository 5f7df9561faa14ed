"""A part's outline read at the source resolution: a crop of the decoded frame, segmented there.

At the analysis size (short side 180) the wild world's objects are 10-20 px across and their
cut loses its anti-aliased rim, so the radial spread cannot tell a star from a square or a
diamond from a square (session 28 traced 21 missed morphs to this). The decoded frame has 2-4
times the pixels across: the part's box, scaled up with a margin, is cut out of it and
segmented against its own surround (colors of the object's middle against colors of the ring
around its box), and the outline is read there.

Three numbers, each telling apart pairs the others confuse (values of the world's outlines):
- `spread` (outline.spread of the radial profile): ball 0, octagon ~0.08, square ~0.3,
  triangle ~0.6; blind to a turn.
- `box_fill`, the share of the upright box the part covers: square 1, octagon 0.83, ball
  0.79, hexagon 0.75, diamond and triangle 0.5. The world's objects never turn, so a diamond
  becoming a square changes it by 0.5 while its radial profile stays the same.
- `solidity`, area over hull area: convex outlines 1, the six-point star ~0.75.
"""

from __future__ import annotations

import cv2
import numpy as np

from checkers.outline import radial_profile, spread

# The crop reaches this share of the part's larger side beyond its box on every side: the
# analysis cut loses the rim, and the ring beyond it is read as the surround.
MARGIN = 0.5
# Seeds of the object's colors: an ellipse this share of the box's half-sides about its
# middle (a star's or triangle's middle is its own at any outline).
CORE = 0.35
# The surround's colors are read beyond the box grown by this share of its sides.
RING = 0.25
OBJECT_COLORS, SURROUND_COLORS = 2, 3  # k-means centers: shading, and a textured surround
SAMPLES = 256  # pixels each k-means reads, about (evenly spaced: 256 to 511)
# A part larger than this across (decoded px) is read on a crop scaled down to it: the
# world's outlines differ by 0.2 or more in their numbers at 20 px; the cost grows with it.
PART_PX = 48.0
# A cut that covers under this share of the box, or reaches the crop's edge, took in the
# surround or lost the object: its outline says nothing.
LEAST_FILL = 0.25
NUMBERS = ("spread", "box_fill", "solidity")


def source_look(image: np.ndarray, bbox, scale: float) -> np.ndarray | None:
    """(spread, box_fill, solidity, log width and height of its box, log area) of the part whose
    analysis-pixel box is `bbox`, read on `image`, the decoded frame (RGB uint8) `scale`
    times the analysis size; None when the part cannot be cut out of its surround there."""
    box = crop_box(bbox, scale, image.shape[1], image.shape[0])
    if box is None:
        return None
    x0, y0, x1, y1 = box
    return crop_look(image[y0:y1, x0:x1], box, bbox, scale)


def crop_box(bbox, scale: float, width: int, height: int) -> tuple[int, int, int, int] | None:
    """The crop (x0, y0, x1, y1) of a `width` x `height` decoded frame that `crop_look` reads
    for the part whose analysis-pixel box is `bbox`; None when too little of it is inside."""
    x, y, w, h = (float(v) * scale for v in bbox)
    pad = MARGIN * max(w, h) + 2.0
    x0, y0 = int(max(0, np.floor(x - pad))), int(max(0, np.floor(y - pad)))
    x1, y1 = int(min(width, np.ceil(x + w + pad))), int(min(height, np.ceil(y + h + pad)))
    if x1 - x0 < 8 or y1 - y0 < 8:
        return None
    return x0, y0, x1, y1


def crop_look(crop: np.ndarray, box, bbox, scale: float) -> np.ndarray | None:
    """`source_look` read on `crop`, the decoded frame's pixels inside `box` (crop_box)."""
    x, y, w, h = (float(v) * scale for v in bbox)
    x0, y0, x1, y1 = box
    # A larger part is read at PART_PX across: its outline needs no more, and the cost of
    # the crop grows with its pixels.
    shrink = min(1.0, PART_PX / max(w, h))
    if shrink < 1.0:
        size = (max(8, round((x1 - x0) * shrink)), max(8, round((y1 - y0) * shrink)))
        crop = cv2.resize(crop, size, interpolation=cv2.INTER_AREA)
        shrink = size[0] / (x1 - x0)
        x, y, w, h, x0, y0 = (v * shrink for v in (x, y, w, h, x0, y0))
    lab = cv2.cvtColor(crop.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)
    # A column of row numbers and a row of column numbers: broadcast, they give np.mgrid's
    # values (the same float32 sums) without building its two full grids.
    ys = np.arange(crop.shape[0], dtype=np.float32)[:, None]
    xs = np.arange(crop.shape[1], dtype=np.float32)[None, :]
    ys += y0
    xs += x0
    cx, cy = x + w / 2.0, y + h / 2.0
    core = ((xs - cx) / max(CORE * w / 2, 1.0)) ** 2 + ((ys - cy) / max(CORE * h / 2, 1.0)) ** 2
    core = core <= 1.0
    ring = (np.abs(xs - cx) > (0.5 + RING) * w) | (np.abs(ys - cy) > (0.5 + RING) * h)
    inner, outer = lab[core], lab[ring]
    if len(inner) < OBJECT_COLORS or len(outer) < SURROUND_COLORS:
        return None
    mine = _distance(lab, _centers(inner, OBJECT_COLORS))
    theirs = _distance(lab, _centers(outer, SURROUND_COLORS))
    part = ((mine < theirs) & ~ring).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(part, connectivity=8)
    if count < 2:
        return None
    seeds = np.bincount(labels[core], minlength=count)
    seeds[0] = 0
    best = int(np.argmax(seeds))
    if seeds[best] == 0:
        return None
    mask = (labels == best).astype(np.uint8)
    mask = _filled(mask)
    bx, by, bw, bh, _ = stats[best]
    if bx == 0 or by == 0 or bx + bw >= crop.shape[1] or by + bh >= crop.shape[0]:
        return None
    area = float(mask.sum())
    if area < LEAST_FILL * w * h:
        return None
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    contour = max(contours, key=cv2.contourArea)
    hull = max(cv2.contourArea(cv2.convexHull(contour)), 1.0)
    # Pixel counts against polygon areas: a pixel-centred outline is half a pixel short.
    perimeter = cv2.arcLength(contour, True)
    solidity = min(1.0, area / (hull + 0.5 * perimeter))
    box_fill = area / float(bw * bh)
    # decoded px, whatever the crop's scale
    sizes = np.log([bw / shrink, bh / shrink, area / shrink**2])
    return np.array([spread(radial_profile(mask)), box_fill, solidity, *sizes], np.float32)


def _centers(pixels: np.ndarray, k: int) -> np.ndarray:
    """k Lab colors that sum up `pixels` (n, 3) (k-means, seeded deterministically)."""
    pixels = np.ascontiguousarray(pixels[:: max(1, len(pixels) // SAMPLES)], np.float32)
    if len(pixels) <= k:
        return pixels
    cv2.setRNGSeed(0)
    criteria = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_MAX_ITER, 10, 0.5)
    _, _, centers = cv2.kmeans(pixels, k, None, criteria, 1, cv2.KMEANS_PP_CENTERS)
    return centers


def _distance(lab: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """Each pixel's squared Lab distance to the nearest of `centers`.

    Channel by channel, in einsum's order (L, then a, then b, each squared and added): the
    same float32 sums, bit for bit on 1366 crops of wild clips, at a quarter of the cost."""
    channels = lab[..., 0], lab[..., 1], lab[..., 2]
    out = None
    for center in centers:
        d2 = None
        for channel, value in zip(channels, center, strict=True):
            diff = channel - value
            d2 = diff * diff if d2 is None else d2 + diff * diff
        out = d2 if out is None else np.minimum(out, d2)
    return out  # squared: only compared


def _filled(mask: np.ndarray) -> np.ndarray:
    """`mask` with its holes filled (a highlight or texture inside the object is its own)."""
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    out = np.zeros_like(mask)
    cv2.drawContours(out, contours, -1, 1, thickness=cv2.FILLED)
    return out
