"""Draw shapes-world states into uint8 RGB frames with OpenCV's anti-aliased polygon fill.

Every shape is one polygon of N_POINTS points sampled on rays from its center at the same
angles, so a shape morph is a plain interpolation of two outlines. Coordinates go to OpenCV
with 4 fractional bits (shift=4), so motion is smooth below a pixel; no supersampling needed.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from vidgen.world.physics import ObjectState
from vidgen.world.scene import Scene
from vidgen.world.vocab import COLORS

N_POINTS = 48  # multiple of 8: square corners and the triangle's vertices fall on rays
_SHIFT = 4
_SCALE = 1 << _SHIFT

# Unit outlines, half-extent 1, y down, centered on the object's position. The triangle
# points up with its base on the bottom edge, so every shape rests on the floor at y + r.
_VERTICES = {
    "square": [(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)],
    "triangle": [(0.0, -1.0), (1.0, 1.0), (-1.0, 1.0)],
}
# The wild profile's shapes (vocab.WILD_SHAPES). Every vertex lies on one of the N_POINTS rays
# (angles in steps of 7.5 degrees from straight up), so no corner is shaved off; each fits the
# half-extent box and touches y = 1, so it rests on the floor like the others.
_R8 = 1.0 / math.cos(math.pi / 8)  # the octagon's corners: its flat sides touch the box


def _polar(radii: list[float], start_deg: float) -> list[tuple[float, float]]:
    step = 360.0 / len(radii)
    out = []
    for k, rad in enumerate(radii):
        a = math.radians(start_deg + k * step)
        out.append((rad * math.cos(a), rad * math.sin(a)))
    return out


_VERTICES.update(
    hexagon=_polar([1.0] * 6, -90.0),  # pointed top and bottom
    octagon=_polar([_R8] * 8, -90.0 + 22.5),  # flat top, bottom and sides
    star=_polar([1.0, 0.5] * 6, -90.0),  # six points
    diamond=[(0.0, -1.0), (1.0, 0.0), (0.0, 1.0), (-1.0, 0.0)],
)


def _ray_outline(vertices: list[tuple[float, float]], angles: np.ndarray) -> np.ndarray:
    """Where rays from the origin at `angles` leave the convex polygon `vertices`."""
    out = np.zeros((len(angles), 2))
    for k, a in enumerate(angles):
        dx, dy = math.cos(a), math.sin(a)
        best = math.inf
        for (x0, y0), (x1, y1) in zip(vertices, vertices[1:] + vertices[:1], strict=True):
            ex, ey = x1 - x0, y1 - y0
            den = dx * ey - dy * ex
            if abs(den) < 1e-12:
                continue
            s = (x0 * ey - y0 * ex) / den  # distance along the ray
            u = (x0 * dy - y0 * dx) / den  # position along the edge
            if s > 0 and -1e-9 <= u <= 1 + 1e-9:
                best = min(best, s)
        out[k] = (dx * best, dy * best)
    return out


def _outlines() -> dict[str, np.ndarray]:
    angles = -math.pi / 2 + 2 * math.pi * np.arange(N_POINTS) / N_POINTS
    outlines = {"ball": np.stack([np.cos(angles), np.sin(angles)], axis=1)}
    for name, vertices in _VERTICES.items():
        outlines[name] = _ray_outline(vertices, angles)
    return outlines


OUTLINES: dict[str, np.ndarray] = _outlines()


def floor_color(background: str) -> tuple[int, int, int]:
    return {"white": (95, 95, 95), "gray": (45, 45, 45), "black": (175, 175, 175)}[background]


class View:
    """World -> pixel mapping of one render size: the view is `height` px per world unit,
    centered on the scene's laid-out width, and follows the camera pan."""

    def __init__(self, scene: Scene, width: int, height: int):
        self.width, self.height = width, height
        self.scale = float(height)
        self.offset = (width - scene.aspect * height) / 2.0
        self.pan = scene.pan

    roll = 0.0  # radians: this view never rotates (wild_camera.CameraView can)

    def x(self, x: float, t: float) -> float:
        return (x - self.pan * t) * self.scale + self.offset

    def y(self, y: float) -> float:
        return y * self.scale

    def point(self, x: float, y: float, t: float) -> tuple[float, float]:
        """A world point's pixel (x, y) at time t."""
        return self.x(x, t), self.y(y)


class Renderer:
    """Draws frames of one scene at one size; holds the precomputed background and noise."""

    def __init__(self, scene: Scene, width: int, height: int, t_max: float):
        self.scene = scene
        self.view = View(scene, width, height)
        self.width, self.height = width, height
        bg = np.array(COLORS[scene.background], dtype=np.float32)
        rng = np.random.default_rng(scene.seed)
        # The background strip covers everything the panning camera sees in [0, t_max].
        travel = int(math.ceil(abs(scene.pan) * t_max * height)) + 2
        self._strip_x0 = -travel if scene.pan < 0 else 0
        strip_w = width + travel
        if scene.texture > 0:
            cells = rng.uniform(-1.0, 1.0, size=(8, max(2, int(8 * strip_w / height))))
            soft = cv2.resize(
                cells.astype(np.float32), (strip_w, height), interpolation=cv2.INTER_CUBIC
            )
            strip = bg[None, None, :] + scene.texture * soft[:, :, None]
            self._strip = np.clip(strip, 0, 255).astype(np.uint8)
        else:
            self._strip = np.empty((height, strip_w, 3), np.uint8)
            self._strip[:] = bg.astype(np.uint8)
        self._noise: list[tuple[np.ndarray, np.ndarray]] = []
        if scene.noise > 0:
            for n in noise_bank(rng, scene.noise, height, width):
                pos = np.clip(n, 0, 255).astype(np.uint8)
                neg = np.clip(-n, 0, 255).astype(np.uint8)
                self._noise.append((pos, neg))

    def _background(self, shift: float) -> np.ndarray:
        """The background strip seen from `shift` px: a textured strip is interpolated between
        whole pixels, so it pans as smoothly as the objects move (no 1-px judder)."""
        whole = int(math.floor(shift + 1e-9))
        frac = shift - whole
        view = self._strip[:, whole : whole + self.width]
        if self.scene.texture <= 0 or frac < 1e-3:
            return np.ascontiguousarray(view)
        if frac > 1 - 1e-3:
            return np.ascontiguousarray(self._strip[:, whole + 1 : whole + 1 + self.width])
        after = self._strip[:, whole + 1 : whole + 1 + self.width]
        return cv2.addWeighted(view, 1.0 - frac, after, frac, 0.0)

    def frame(self, index: int, t: float, states: list[ObjectState]) -> np.ndarray:
        scene, view = self.scene, self.view
        img = self._background(scene.pan * t * view.scale - self._strip_x0)
        if scene.floor_visible:
            thick = max(1.0, self.height / 160.0)
            y0 = view.y(scene.floor_y)
            _fill_rect(img, -2, y0, self.width + 2, y0 + thick, floor_color(scene.background))
        for s in states:
            if s.exists:
                _fill_shape(img, s, view, t)
        occ = scene.occluder
        if occ is not None:
            _fill_rect(
                img, view.x(occ.x0, t), view.y(occ.y0), view.x(occ.x1, t), view.y(occ.y1),
                COLORS[occ.color],
            )  # fmt: skip
        if self._noise:
            pos, neg = self._noise[index % len(self._noise)]
            dx = noise_shift(index)
            img = cv2.subtract(
                cv2.add(img, pos[:, dx : dx + self.width]), neg[:, dx : dx + self.width]
            )
        return img


def _fill_rect(img: np.ndarray, x0: float, y0: float, x1: float, y1: float, color) -> None:
    pts = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]]) * _SCALE
    cv2.fillPoly(img, [np.round(pts).astype(np.int32)], _color_tuple(color), cv2.LINE_AA, _SHIFT)


def _fill_shape(img: np.ndarray, s: ObjectState, view: View, t: float) -> None:
    outline = OUTLINES[s.shape]
    if s.morph > 0.0:
        outline = (1.0 - s.morph) * outline + s.morph * OUTLINES[s.morph_to]
    r = s.r * view.scale
    pts = outline * r + (view.x(s.x, t), view.y(s.y))
    cv2.fillPoly(
        img, [np.round(pts * _SCALE).astype(np.int32)], _color_tuple(s.rgb), cv2.LINE_AA, _SHIFT
    )


def _color_tuple(color) -> tuple[int, int, int]:
    """An (R, G, B) color as OpenCV's integer 3-tuple. Frames are RGB end to end: OpenCV only
    sees a 3-tuple, whatever it calls the channels, so no BGR swap."""
    return (int(round(color[0])), int(round(color[1])), int(round(color[2])))


NOISE_FIELDS, NOISE_SLACK = 3, 64


def noise_bank(rng: np.random.Generator, sigma: float, height: int, width: int) -> list:
    """A small bank of Gaussian noise fields, cycled with shifts (`noise_shift`): drawing fresh
    noise for every 832x480 frame would cost more than the rest of the frame."""
    size = (height, width + NOISE_SLACK, 3)
    return [rng.normal(0.0, sigma, size=size).astype(np.float32) for _ in range(NOISE_FIELDS)]


def noise_shift(index: int) -> int:
    """The column frame `index` reads its noise field from."""
    return (index * 37) % NOISE_SLACK
