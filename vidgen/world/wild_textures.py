"""Procedural textures for the wild profile: noise, gradients, stripes, tiles, wood, blobs.

Every texture is a float32 RGB field (H, W, 3) in 0..255, drawn from its own generator and
sized in view heights (`unit` is the pixels of one view height), so a texture looks the same
at 256 px and at 1280 px. Smooth parts are drawn at a low resolution and resized: a blur of a
large canvas would cost more than the rest of the clip.
"""

from __future__ import annotations

import colorsys
import math

import cv2
import numpy as np

BACKGROUND_KINDS = ("noise", "gradient", "stripes", "tiles", "wood", "blobs", "plain")
SURFACE_KINDS = ("wood", "tiles", "noise", "stripes", "plain", "gradient")


def hsv_color(h: float, s: float, v: float) -> tuple[float, float, float]:
    """An RGB color (0..255) from hue in degrees, saturation and value in 0..1."""
    r, g, b = colorsys.hsv_to_rgb((h % 360.0) / 360.0, min(max(s, 0.0), 1.0), min(max(v, 0.0), 1.0))
    return (255.0 * r, 255.0 * g, 255.0 * b)


def random_color(rng: np.random.Generator, sat=(0.0, 0.6), val=(0.1, 0.95)):
    """A natural-looking color: any hue, mostly muted."""
    return hsv_color(float(rng.uniform(0, 360)), float(rng.uniform(*sat)), float(rng.uniform(*val)))


def shifted(color, rng: np.random.Generator, amount: float) -> tuple[float, float, float]:
    """`color` moved by about `amount` levels in a random direction (a related second color)."""
    d = rng.normal(0.0, 1.0, 3)
    d = d / (np.linalg.norm(d) + 1e-9) * amount
    return tuple(float(np.clip(c + x, 0, 255)) for c, x in zip(color, d, strict=True))


def fractal_noise(
    rng: np.random.Generator, h: int, w: int, cell: float, octaves: int = 4, stretch: float = 1.0
) -> np.ndarray:
    """Smooth value noise (H, W) float32, about unit spread; `cell` is the coarsest feature in px,
    `stretch` > 1 elongates it horizontally (grain)."""
    out = np.zeros((h, w), np.float32)
    amp, total = 1.0, 0.0
    for _ in range(octaves):
        cy, cx = max(cell, 1.5), max(cell * stretch, 1.5)
        gh, gw = int(math.ceil(h / cy)) + 3, int(math.ceil(w / cx)) + 3
        grid = rng.standard_normal((gh, gw)).astype(np.float32)
        big = cv2.resize(grid, (int(gw * cx), int(gh * cy)), interpolation=cv2.INTER_CUBIC)
        out += amp * big[:h, :w]
        total += amp * amp
        amp *= 0.5
        cell /= 2.0
    return out / math.sqrt(total)


def _mix(a, b, t: np.ndarray) -> np.ndarray:
    """Per-pixel blend of colors a and b by t (H, W) in 0..1 -> (H, W, 3)."""
    a32, b32 = np.asarray(a, np.float32), np.asarray(b, np.float32)
    return a32 + (b32 - a32) * t[:, :, None]


def _smoothstep(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3.0 - 2.0 * x)


def _coords(h: int, w: int, unit: float):
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    return xs / unit, ys / unit


def texture(
    kind: str, rng: np.random.Generator, h: int, w: int, unit: float, palette
) -> np.ndarray:
    """A texture of `kind` (H, W, 3) float32 with colors around `palette` (two colors)."""
    c1, c2 = palette
    if kind == "plain":
        grad = fractal_noise(rng, h, w, 0.8 * unit, octaves=1)
        return _mix(c1, c2, 0.5 + 0.08 * grad)
    if kind == "noise":
        n = fractal_noise(rng, h, w, float(rng.uniform(0.15, 0.6)) * unit)
        return _mix(c1, c2, _smoothstep(0.5 + float(rng.uniform(0.2, 0.45)) * n))
    if kind == "gradient":
        a = float(rng.uniform(0, 2 * math.pi))
        xs, ys = _coords(h, w, unit)
        t = xs * math.cos(a) + ys * math.sin(a)
        t = (t - t.min()) / max(float(t.max() - t.min()), 1e-6)
        if rng.random() < 0.4:  # a radial glow instead
            cx, cy = float(rng.uniform(0, w / unit)), float(rng.uniform(0, h / unit))
            t = np.sqrt((xs - cx) ** 2 + (ys - cy) ** 2)
            t = t / max(float(t.max()), 1e-6)
        grain = fractal_noise(rng, h, w, 0.05 * unit, octaves=2)
        return _mix(c1, c2, _smoothstep(t)) + 2.0 * grain[:, :, None]
    if kind == "stripes":
        a = (
            float(rng.uniform(0, math.pi))
            if rng.random() < 0.5
            else float(rng.choice([0, 0.5])) * math.pi
        )
        freq = float(rng.uniform(2.5, 14.0))  # stripes per view height
        xs, ys = _coords(h, w, unit)
        s = np.sin(2 * math.pi * freq * (xs * math.cos(a) + ys * math.sin(a)))
        hard = float(rng.uniform(1.0, 6.0))
        t = 0.5 + 0.5 * np.tanh(hard * s) / math.tanh(hard)
        grain = fractal_noise(rng, h, w, 0.1 * unit, octaves=2)
        return _mix(c1, c2, t) + 4.0 * grain[:, :, None]
    if kind == "tiles":
        return _tiles(rng, h, w, unit, c1, c2)
    if kind == "wood":
        return _wood(rng, h, w, unit, c1, c2)
    if kind == "blobs":
        return _blobs(rng, h, w, unit, c1, c2)
    raise ValueError(f"unknown texture kind {kind!r}")


def _tiles(rng, h, w, unit, c1, c2) -> np.ndarray:
    size = float(rng.uniform(0.07, 0.3)) * unit  # tile side, px
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    gx, gy = np.floor(xs / size).astype(np.int32), np.floor(ys / size).astype(np.int32)
    nx, ny = int(gx.max()) + 1, int(gy.max()) + 1
    jitter = rng.uniform(-1, 1, (ny, nx)).astype(np.float32)
    checker = rng.random() < 0.5
    t = ((gx + gy) % 2).astype(np.float32) if checker else 0.5 + 0.25 * jitter[gy, gx]
    img = _mix(c1, c2, t) + (8.0 * jitter[gy, gx])[:, :, None]
    grout = max(1.0, 0.06 * size)
    fx, fy = xs - gx * size, ys - gy * size
    line = (fx < grout) | (fy < grout)
    grout_color = np.asarray(c1, np.float32) * float(rng.uniform(0.5, 1.3))
    img[line] = np.clip(grout_color, 0, 255)
    return img


def _wood(rng, h, w, unit, c1, c2) -> np.ndarray:
    freq = float(rng.uniform(8.0, 25.0))  # grain lines per view height
    warp = fractal_noise(rng, h, w, 0.25 * unit, octaves=3, stretch=float(rng.uniform(4, 10)))
    _, ys = _coords(h, w, unit)
    rings = np.sin(2 * math.pi * freq * (ys + 0.12 * warp))
    t = 0.5 + 0.5 * np.sign(rings) * np.abs(rings) ** 0.6
    fine = fractal_noise(rng, h, w, 0.02 * unit, octaves=2, stretch=8.0)
    img = _mix(c1, c2, np.clip(0.8 * t + 0.1 * fine, 0, 1))
    if rng.random() < 0.5:  # planks
        plank = float(rng.uniform(0.12, 0.3)) * unit
        rows = (np.arange(h) % plank) < max(1.0, 0.02 * plank)
        img[rows] *= 0.7
    return img


def _blobs(rng, h, w, unit, c1, c2) -> np.ndarray:
    """Soft out-of-focus shapes: drawn at 1/8 size, blurred, resized up."""
    sh, sw = max(8, h // 8), max(8, w // 8)
    small = np.empty((sh, sw, 3), np.float32)
    small[:] = c1
    u = unit / 8.0
    for _ in range(int(rng.integers(6, 18))):
        color = shifted(c2 if rng.random() < 0.5 else c1, rng, float(rng.uniform(20, 70)))
        center = (int(rng.uniform(0, sw)), int(rng.uniform(0, sh)))
        axes = (int(rng.uniform(0.05, 0.3) * u) + 1, int(rng.uniform(0.05, 0.3) * u) + 1)
        cv2.ellipse(small, center, axes, float(rng.uniform(0, 180)), 0, 360, color, -1)
    small = cv2.GaussianBlur(small, (0, 0), max(0.6, float(rng.uniform(0.02, 0.06)) * u))
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
