"""Foreground objects in one analysis frame: what differs from the background, cut into parts.

The background is modelled per frame as a smooth field fitted to the pixels near the frame's
dominant color (normalized convolution), so it follows soft textures and gradients, needs no
warm-up, and is unaffected by camera pans (a pan moves the field with the content). Pixels
far from that field are foreground. Strong color edges are then cut out of the foreground,
so two touching objects of different colors (a ball passing a wall) stay separate parts;
each connected part becomes a `Detection` with its appearance descriptors.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from checkers.outline import radial_profile

MIN_AREA = 8  # analysis pixels; smaller parts are compression noise
PAD = 3  # pixels around a part searched for its edge (edge cutting trims ~2 px, then anti-aliasing)
FLOOR_SHARE = 0.6  # a row this full of foreground is a line across the frame, not objects
PLAIN_BAND = 12.0  # Lab units around the dominant color that count as plain backdrop
MAX_PARTS = 24  # beyond this many parts a frame has no clean objects (texture, clutter)


@dataclass
class Detection:
    cx: float  # centroid, analysis pixels
    cy: float
    bbox: tuple[int, int, int, int]  # x, y, w, h, analysis pixels
    area: float
    lab: np.ndarray  # mean color, CIE Lab (L 0..100)
    lab_spread: float  # mean distance of its pixels from that color: low for solid objects
    hist: np.ndarray  # normalized 4x4x4 Lab histogram
    shape: np.ndarray  # circularity, solidity, fill of its min-area rectangle
    at_edge: bool  # touches the frame border
    # "plain": cut from a plain backdrop (this module); "motion": found by the
    # motion-compensated background model (perception/background.py) on any backdrop.
    source: str = "plain"
    # Sorted centroid-to-outline distances over their mean (outline.radial_profile), or None.
    outline: np.ndarray | None = None

    @property
    def size(self) -> float:
        return float(np.sqrt(self.area))


@dataclass
class Segmentation:
    detections: list[Detection]
    foreground_fraction: float
    # The dominant background color and the bool mask of pixels well clear of any
    # foreground: None from the background model, where nothing reads them.
    background_lab: np.ndarray | None
    threshold: float  # the foreground distance used (Lab units)
    background_mask: np.ndarray | None
    floor_y: int | None  # row of a ground line spanning the frame, analysis pixels
    plain: float  # share of the frame near the dominant background color
    # Background model only: every pixel unlike the backdrop, before small parts are dropped
    # (bool). Where a lost object still shows a remnant, it is going out of sight behind
    # something, not vanishing.
    residue: np.ndarray | None = None


def to_lab(rgb: np.ndarray) -> np.ndarray:
    """uint8 RGB -> float32 CIE Lab with L in 0..100 and a, b centred on 0."""
    if rgb.dtype != np.uint8:
        return _to_lab_affine(rgb)
    # OpenCV's 8-bit Lab, each channel scaled through a table of its 256 values: one pass,
    # the same float32 values as converting and scaling the frame (each output channel
    # depends on its own input channel alone).
    return lab_from_8bit(cv2.cvtColor(rgb, cv2.COLOR_RGB2Lab))


def lab_from_8bit(lab8: np.ndarray) -> np.ndarray:
    """OpenCV's 8-bit Lab (`cv2.COLOR_RGB2Lab` of uint8 RGB) as `to_lab` gives it. Each
    channel's table rises strictly, so it commutes with min and max: a min or max taken on
    the 8-bit values and then converted is the float one, bit for bit."""
    return cv2.LUT(lab8, _LAB_TABLE)


def _to_lab_affine(rgb: np.ndarray) -> np.ndarray:
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2Lab).astype(np.float32)
    return cv2.transform(lab, _LAB_AFFINE)  # one pass: scale L, centre a and b


_LAB_AFFINE = np.array([[100.0 / 255.0, 0, 0, 0], [0, 1, 0, -128.0], [0, 0, 1, -128.0]], np.float32)
# The affine above applied to every 8-bit value of each channel, shaped for cv2.LUT.
_LAB_TABLE = cv2.transform(
    np.repeat(np.arange(256, dtype=np.float32), 3).reshape(256, 1, 3), _LAB_AFFINE
)


def lab_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per-pixel Euclidean distance between two (h, w, 3) float32 Lab images."""
    diff = cv2.subtract(a, b)
    return cv2.sqrt(cv2.transform(cv2.multiply(diff, diff), np.ones((1, 3), np.float32)))


def background_field(lab: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """A smooth background estimate (same shape as `lab`), the dominant color, and the share
    of the frame close to that color (high for a plain or softly textured backdrop)."""
    h, w = lab.shape[:2]
    small = cv2.resize(lab, (max(8, w // 4), max(8, h // 4)), interpolation=cv2.INTER_AREA)
    dominant = np.median(small.reshape(-1, 3), axis=0)
    dist = np.linalg.norm(small - dominant, axis=2)
    # Pixels close to the dominant color are background; the band widens with texture.
    band = max(14.0, 3.0 * float(np.median(dist)))
    weight = (dist < band).astype(np.float32)
    sigma = max(small.shape[:2]) / 10.0
    num = cv2.GaussianBlur(small * weight[..., None], (0, 0), sigma)
    den = cv2.GaussianBlur(weight, (0, 0), sigma)[..., None]
    field = np.where(den > 0.05, num / np.maximum(den, 1e-6), dominant).astype(np.float32)
    plain = float((dist < PLAIN_BAND).mean())
    return cv2.resize(field, (w, h), interpolation=cv2.INTER_LINEAR), dominant, plain


def segment(rgb: np.ndarray) -> Segmentation:
    """Find the foreground parts of one RGB analysis frame."""
    lab = to_lab(cv2.GaussianBlur(rgb, (3, 3), 0))
    field, dominant, plain = background_field(lab)
    dist = lab_distance(lab, field)
    noise = float(np.median(dist[::3, ::3]))
    threshold = max(12.0, 4.0 * noise + 6.0)
    foreground = dist > threshold
    fraction = float(foreground.mean())

    # Per-pixel color gradient (Lab units per pixel): boundaries between parts.
    grad2 = np.zeros(dist.shape, np.float32)
    for channel in cv2.split(lab):  # contiguous planes: Sobel would copy each strided one twice
        gx = cv2.Sobel(channel, cv2.CV_32F, 1, 0, ksize=3)
        gy = cv2.Sobel(channel, cv2.CV_32F, 0, 1, ksize=3)
        grad2 += gx * gx + gy * gy
    grad = cv2.sqrt(grad2) * 0.125
    edge_cut = max(6.0, 0.35 * threshold, 3.0 * float(np.median(grad[::3, ::3])))
    interior = foreground & (grad < edge_cut)
    floor_y = _floor_line(foreground)
    if floor_y is not None:
        # The ground line is scenery, not an object; objects resting on it lose a pixel row.
        interior[max(0, floor_y - 2) : floor_y + 3] = False
    interior = interior.astype(np.uint8)

    count, labels, stats, centroids = cv2.connectedComponentsWithStats(interior, connectivity=4)
    keep = [i for i in range(1, count) if stats[i, cv2.CC_STAT_AREA] >= MIN_AREA]
    if len(keep) > MAX_PARTS:
        keep = sorted(keep, key=lambda i: -stats[i, cv2.CC_STAT_AREA])[:MAX_PARTS]
    detections = [describe_part(i, labels, stats, lab, field) for i in keep]
    clear = cv2.dilate(foreground.astype(np.uint8), np.ones((5, 5), np.uint8)) == 0
    return Segmentation(detections, fraction, dominant, threshold, clear, floor_y, plain)


def _floor_line(foreground: np.ndarray) -> int | None:
    """The row of a thin horizontal line across most of the frame (a floor), if any."""
    share = foreground.mean(axis=1)
    rows = np.flatnonzero(share > FLOOR_SHARE)
    if rows.size == 0 or rows.size > 6:  # none, or a wide band (not a line)
        return None
    return int(round(rows.mean()))


def describe_part(i, labels, stats, lab, field, source: str = "plain") -> Detection:
    """Part `i` of `labels` (connected-component stats `stats`) as a Detection; `field` is
    the background behind it (Lab), which its anti-aliased edge is read against. Only a
    background-model part ("motion") gets its outline profile: only those are judged by
    it (outline_change.py), and it costs a contour trace a part."""
    x, y, w, h, _ = (int(v) for v in stats[i])
    roi = labels[y : y + h, x : x + w] == i
    pixels = lab[y : y + h, x : x + w][roi]  # (n, 3)
    mean = pixels.mean(axis=0)
    spread = float(np.linalg.norm(pixels - mean, axis=1).mean())
    hist = _histogram(lab[y : y + h, x : x + w], roi)
    cx, cy, area = _coverage(i, labels, (x, y, w, h), lab, field, mean)
    mask = roi.astype(np.uint8)
    shape = shape_numbers(mask, float(roi.sum()))
    H, W = labels.shape
    at_edge = x <= 1 or y <= 1 or x + w >= W - 1 or y + h >= H - 1
    outline = radial_profile(mask) if source == "motion" else None
    return Detection(
        cx, cy, (x, y, w, h), area, mean, spread, hist, shape, at_edge, source, outline
    )


def _coverage(i, labels, box, lab, field, color) -> tuple[float, float, float]:
    """Sub-pixel centroid and area from anti-aliased edges.

    The interior mask has whole-pixel edges, so its centroid moves in half-pixel steps and its
    second differences flicker; a pixel's share of the object is read off its color instead
    (a linear mix of background and object color), so edges count fractionally.
    """
    x, y, w, h = box
    H, W = labels.shape
    x0, y0, x1, y1 = max(0, x - PAD), max(0, y - PAD), min(W, x + w + PAD), min(H, y + h + PAD)
    sub = labels[y0:y1, x0:x1]
    bg = field[y0:y1, x0:x1]
    here = lab[y0:y1, x0:x1]
    # The projection of (pixel - background) on (color - background), over the latter's
    # squared length. Summed channel by channel in the order numpy's sum over the last axis
    # takes (the same float32 sums, bit for bit on 912 parts of gen-clips and wild frames),
    # at half the cost of reducing an axis of three.
    dot = norm = None
    for k in range(3):
        toward = color[k] - bg[..., k]
        along = (here[..., k] - bg[..., k]) * toward
        dot = along if dot is None else dot + along
        norm = toward * toward if norm is None else norm + toward * toward
    share = np.clip(dot / np.maximum(norm, 1.0), 0.0, 1.0)
    mine = sub == i
    share[~mine & (sub != 0)] = 0.0  # pixels of other parts are not ours
    share[mine] = 1.0
    total = float(share.sum())
    # Broadcast rows and columns (np.mgrid's values without building its two full grids).
    ys, xs = np.arange(y0, y1)[:, None], np.arange(x0, x1)[None, :]
    return float((xs * share).sum() / total), float((ys * share).sum() / total), total


def _histogram(lab_roi: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Normalized 4x4x4 Lab histogram of the part's pixels (L 0..100, a and b -128..128)."""
    hist = cv2.calcHist(
        [np.ascontiguousarray(lab_roi)],
        [0, 1, 2],
        mask.astype(np.uint8),
        [4, 4, 4],
        [0, 100.01, -128, 128, -128, 128],
    ).ravel()
    return hist / max(1.0, float(hist.sum()))


def shape_numbers(mask: np.ndarray, area: float) -> np.ndarray:
    """Rotation-invariant shape numbers: circle ~ (0.9, 1, 0.79), square ~ (0.8, 1, 1)."""
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return np.zeros(3, np.float32)
    contour = max(contours, key=cv2.contourArea)
    perimeter = cv2.arcLength(contour, True)
    hull_area = cv2.contourArea(cv2.convexHull(contour))
    (_, _), (rw, rh), _ = cv2.minAreaRect(contour)
    # Pixel-count area against polygon measures: add half the perimeter so small shapes
    # are not biased low.
    poly_area = max(1.0, cv2.contourArea(contour) + perimeter / 2.0)
    circularity = min(1.0, 4.0 * np.pi * poly_area / max(1.0, (perimeter + np.pi) ** 2))
    solidity = min(1.0, poly_area / max(1.0, hull_area + perimeter / 2.0))
    fill = min(1.0, area / max(1.0, (rw + 1.0) * (rh + 1.0)))
    return np.array([circularity, solidity, fill], np.float32)
