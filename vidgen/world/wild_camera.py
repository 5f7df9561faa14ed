"""The wild profile's camera: zoom, handheld shake and roll on top of the scene's pan, and the
exposure and white-balance drift, shutter (motion blur) and noise of its sensor.

The camera is a similarity, q = c + zoom * (p - c) + (dx, dy), then a roll by `roll` radians
about the frame's center c, applied to the scene's own view (which already pans). Objects are drawn through it (no resampling), the
background canvas is warped with the same matrix, and the labels' tracks and flags come from it,
so every label stays frame-exact. Everything is a function of time in seconds and of view
heights, never of frames or pixels: a clip at 8 fps and one at 30 fps share the same camera.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from vidgen.world.render import View

MIN_ZOOM = 0.86  # the camera only widens from the laid-out view: nothing laid out leaves it
MAX_SHAKE = 0.012  # view heights: handheld, not an earthquake
MAX_ROLL = math.radians(5.0)  # a tilted horizon, not a barrel roll
ROLL_SHARE = 0.3  # of clips whose camera rolls
SHUTTER_SHARE = 0.5  # of clips with motion blur
SHUTTER = (0.2, 0.5)  # share of the frame interval the shutter is open (0.5: a 180-degree one)


class CameraView:
    """A View seen through the camera at one instant: same interface as render.View."""

    def __init__(self, base: View, zoom: float, dx: float, dy: float, roll: float = 0.0):
        self.base = base
        self.width, self.height = base.width, base.height
        self.scale = base.scale * zoom
        self.pan = base.pan
        self.zoom, self.dx, self.dy = zoom, dx, dy
        self.cx, self.cy = (base.width - 1) / 2.0, (base.height - 1) / 2.0
        self.roll = roll
        self.cos, self.sin = math.cos(roll), math.sin(roll)

    # x and y are the camera's before its roll: exact only when roll == 0 (use point)
    def x(self, x: float, t: float) -> float:
        return self.cx + self.zoom * (self.base.x(x, t) - self.cx) + self.dx

    def y(self, y: float) -> float:
        return self.cy + self.zoom * (self.base.y(y) - self.cy) + self.dy

    def point(self, x: float, y: float, t: float) -> tuple[float, float]:
        """A world point's pixel (x, y) at time t, roll included."""
        qx, qy = self.x(x, t), self.y(y)
        return (qx, qy) if self.roll == 0.0 else self.turn(qx, qy)

    def turn(self, qx: float, qy: float) -> tuple[float, float]:
        """A pixel of the unrolled camera, turned by the roll about the frame's center."""
        ux, uy = qx - self.cx, qy - self.cy
        return self.cx + self.cos * ux - self.sin * uy, self.cy + self.sin * ux + self.cos * uy

    def matrix(self) -> np.ndarray:
        """The roll as a 2x3 affine matrix on pixels (about the frame's center)."""
        c, s = self.cos, self.sin
        return np.float64([[c, -s, self.cx - c * self.cx + s * self.cy],
                           [s, c, self.cy - s * self.cx - c * self.cy]])  # fmt: skip


def _smooth(u: float) -> float:
    u = min(max(u, 0.0), 1.0)
    return u * u * (3.0 - 2.0 * u)


@dataclass(frozen=True)
class Camera:
    """zoom from zoom0 to zoom1 over the clip (eased); shake: sums of sines (Hz, view heights)."""

    zoom0: float = 1.0
    zoom1: float = 1.0
    shake: float = 0.0  # amplitude, view heights
    freqs: tuple[float, ...] = ()
    phases: tuple[float, ...] = ()  # two per frequency: x, then y
    roll: tuple[float, float] = (0.0, 0.0)  # radians at the start and at the end (eased)
    roll_shake: float = 0.0  # radians: a handheld wobble at the first shake frequency
    roll_phase: float = 0.0

    def at(self, t: float, duration: float) -> tuple[float, float, float]:
        """(zoom, dx, dy) at time t; dx, dy in view heights."""
        zoom = self.zoom0 + (self.zoom1 - self.zoom0) * _smooth(t / max(duration, 1e-6))
        dx = dy = 0.0
        if self.shake > 0 and self.freqs:
            norm = self.shake / math.sqrt(len(self.freqs))
            for k, f in enumerate(self.freqs):
                dx += norm * math.sin(2 * math.pi * f * t + self.phases[2 * k])
                dy += norm * math.sin(2 * math.pi * f * t + self.phases[2 * k + 1])
        return zoom, dx, dy

    def roll_at(self, t: float, duration: float) -> float:
        """The roll at time t, radians (positive turns the picture clockwise)."""
        a = self.roll[0] + (self.roll[1] - self.roll[0]) * _smooth(t / max(duration, 1e-6))
        if self.roll_shake > 0 and self.freqs:
            a += self.roll_shake * math.sin(2 * math.pi * self.freqs[0] * t + self.roll_phase)
        return a

    def max_roll(self) -> float:
        return max(abs(self.roll[0]), abs(self.roll[1])) + self.roll_shake

    def view(self, base: View, t: float, duration: float) -> CameraView:
        zoom, dx, dy = self.at(t, duration)
        roll = self.roll_at(t, duration)
        return CameraView(base, zoom, dx * base.height, dy * base.height, roll)

    def to_dict(self) -> dict:
        return {
            "zoom": [round(self.zoom0, 4), round(self.zoom1, 4)],
            "shake": round(self.shake, 5),
            "freqs": [round(f, 4) for f in self.freqs],
            "phases": [round(p, 4) for p in self.phases],
            "roll": [round(self.roll[0], 5), round(self.roll[1], 5)],
            "roll_shake": round(self.roll_shake, 5),
            "roll_phase": round(self.roll_phase, 4),
        }


def random_camera(rng: np.random.Generator) -> Camera:
    zoom0 = zoom1 = 1.0
    if rng.random() < 0.4:
        zoom0, zoom1 = 1.0, float(rng.uniform(MIN_ZOOM, 0.95))
        if rng.random() < 0.5:
            zoom0, zoom1 = zoom1, zoom0
    if rng.random() < 0.15:  # a still camera: a tripod
        return Camera(zoom0, zoom1)
    n = int(rng.integers(2, 4))
    freqs = tuple(float(f) for f in rng.uniform(0.4, 3.0, n))
    phases = tuple(float(p) for p in rng.uniform(0, 2 * math.pi, 2 * n))
    shake = float(rng.uniform(0.001, MAX_SHAKE))
    return Camera(zoom0, zoom1, shake, freqs, phases)


def random_roll(rng: np.random.Generator, camera: Camera) -> Camera:
    """The camera with a roll for ROLL_SHARE of clips: a tilt that drifts, and a wobble when
    the camera is handheld (never past MAX_ROLL, which the renderer's canvas allows for)."""
    if rng.random() >= ROLL_SHARE:
        return camera
    wobble = float(rng.uniform(0.05, 0.2)) * MAX_ROLL if camera.shake > 0 else 0.0
    limit = MAX_ROLL - wobble  # the tilt plus the wobble stays within MAX_ROLL
    start = float(rng.uniform(-0.6, 0.6)) * limit
    end = float(np.clip(start + rng.uniform(-0.8, 0.8) * limit, -limit, limit))
    phase = float(rng.uniform(0, 2 * math.pi))
    return replace(camera, roll=(start, end), roll_shake=wobble, roll_phase=phase)


@dataclass(frozen=True)
class Sensor:
    """Exposure and white balance drift (eased ramps over the clip), vignette and noise."""

    exposure: tuple[float, float] = (1.0, 1.0)  # gain at the start, at the end
    balance: tuple[tuple[float, float, float], tuple[float, float, float]] = (
        (1.0, 1.0, 1.0),
        (1.0, 1.0, 1.0),
    )
    vignette: float = 0.0  # darkening at the corners, share of the level
    noise: float = 0.0  # Gaussian sigma, 8-bit levels
    blur: float = 0.0  # Gaussian sigma, view heights (focus and lens softness)
    shutter: float = 0.0  # share of the frame interval the shutter is open: motion blur

    def gains(self, t: float, duration: float) -> np.ndarray:
        """Per-channel (R, G, B) gains at time t."""
        u = _smooth(t / max(duration, 1e-6))
        e = self.exposure[0] + (self.exposure[1] - self.exposure[0]) * u
        b0, b1 = np.asarray(self.balance[0]), np.asarray(self.balance[1])
        return (e * (b0 + (b1 - b0) * u)).astype(np.float32)

    def to_dict(self) -> dict:
        return {
            "exposure": [round(x, 4) for x in self.exposure],
            "balance": [[round(x, 4) for x in b] for b in self.balance],
            "vignette": round(self.vignette, 4),
            "noise": round(self.noise, 3),
            "blur": round(self.blur, 5),
            "shutter": round(self.shutter, 4),
        }


def random_sensor(rng: np.random.Generator) -> Sensor:
    exposure = (1.0, 1.0)
    if rng.random() < 0.6:
        start = float(rng.uniform(0.85, 1.15))
        exposure = (start, start * float(rng.uniform(0.8, 1.25)))
    cast = (float(rng.uniform(0.9, 1.1)), 1.0, float(rng.uniform(0.9, 1.1)))
    balance = (cast, cast)
    if rng.random() < 0.5:
        drift = (float(rng.uniform(-0.08, 0.08)), 0.0, float(rng.uniform(-0.08, 0.08)))
        balance = (cast, tuple(c + d for c, d in zip(cast, drift, strict=True)))
    return Sensor(
        exposure=exposure,
        balance=balance,
        vignette=float(rng.uniform(0.0, 0.35)) if rng.random() < 0.6 else 0.0,
        noise=float(rng.uniform(0.5, 5.0)),
        blur=float(rng.uniform(0.0005, 0.0025)) if rng.random() < 0.5 else 0.0,
    )


def random_shutter(rng: np.random.Generator, sensor: Sensor) -> Sensor:
    """The sensor with an open shutter (motion blur) for SHUTTER_SHARE of clips."""
    if rng.random() >= SHUTTER_SHARE:
        return sensor
    return replace(sensor, shutter=float(rng.uniform(*SHUTTER)))
