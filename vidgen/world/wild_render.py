"""Draw shapes-world states the wild way: a textured or photographic world seen by a camera.

Per clip, two canvases are drawn once in the scene's own pixel frame, wide enough for the pan,
the zoom and the shake: the back (background and floor surface) and the front (the occluder,
with its alpha). Per frame both are warped by the camera's matrix, the objects are drawn
between them through the camera's view (exact outlines, no resampling), and the sensor applies
blur, exposure and white balance, vignette and noise. A pendulum's string is drawn from its
pivot to its bob. Nothing depends on the frame rate except motion blur, which by its nature
does: with an open shutter each object is the average of its outlines over the exposure
(shutter / fps seconds centred on the frame's time, from a simulation of the renderer's own),
so its streak is as long as it moves in that time. The camera's own motion is not blurred.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from vidgen.world.geometry import outline_px
from vidgen.world.physics import ObjectState, Simulation
from vidgen.world.render import View, noise_bank, noise_shift
from vidgen.world.scene import Scene
from vidgen.world.vocab import COLORS
from vidgen.world.wild_camera import MAX_ROLL, MAX_SHAKE, MIN_ZOOM, CameraView
from vidgen.world.wild_motion_blur import exposure_states
from vidgen.world.wild_photos import read_still
from vidgen.world.wild_style import Style
from vidgen.world.wild_textures import fractal_noise, texture

_SHIFT = 4
TILE = 32  # object texture tiles, px (resampled to the object's size)
SHADOW_RISE = 2.5  # radii above the floor where an object's shadow has faded out
STRING_WIDTH = 0.004  # view heights: a pendulum's string
STRING_LEVEL = 45.0  # a dark string, whatever the background


class WildLook:
    """What render_clip needs to draw a scene in one style: a renderer and per-frame views."""

    def __init__(self, style: Style):
        self.style = style

    def renderer(
        self, scene: Scene, width: int, height: int, t_max: float, fps: float = 16.0
    ) -> WildRenderer:
        return WildRenderer(scene, self.style, width, height, t_max, fps)

    def views(self, scene: Scene, width: int, height: int, times: list[float]) -> list:
        base = View(scene, width, height)
        return [self.style.camera.view(base, t, times[-1]) for t in times]


def _named_colors(scene: Scene) -> list[tuple]:
    """Each object id's named color at t=0 (spawned and split-off objects included)."""
    names = [o.color for o in scene.objects]
    names += [obj.color for obj, _ in scene.extra_objects().values()]
    return [COLORS[n] for n in names]


class WildRenderer:
    def __init__(
        self, scene: Scene, style: Style, width: int, height: int, t_max: float, fps: float = 16.0
    ):
        self.scene, self.style = scene, style
        self.width, self.height, self.t_max = width, height, t_max
        self.base = View(scene, width, height)
        h = float(height)
        rng = np.random.default_rng(style.seed)
        mx = int(math.ceil((1 / MIN_ZOOM - 1) * width / 2 + 1.5 * MAX_SHAKE * h / MIN_ZOOM)) + 4
        my = int(math.ceil((1 / MIN_ZOOM - 1) * h / 2 + 1.5 * MAX_SHAKE * h / MIN_ZOOM)) + 4
        # a rolled frame's corners reach past the unrolled one's; every clip's canvas allows
        # for the largest roll, so the world drawn on it is the same whether the camera rolls
        turn = math.sin(MAX_ROLL)
        mx += int(math.ceil(turn * h / 2 / MIN_ZOOM)) + 1
        my += int(math.ceil(turn * width / 2 / MIN_ZOOM)) + 1
        # motion blur: the exposure in seconds, and a simulation to sample it
        self.exposure = style.sensor.shutter / fps
        self.sim = Simulation(scene) if self.exposure > 0 else None
        travel = scene.pan * t_max * h
        self.u0 = -mx + min(0.0, travel)
        self.v0 = -my
        cw = int(math.ceil(width + 2 * mx + abs(travel))) + 2
        ch = height + 2 * my + 2
        self.back = self._back(rng, ch, cw)
        self.front = self._front(rng, ch, cw)
        self.named = _named_colors(scene)
        self._tiles: dict[int, np.ndarray] = {}
        self._sensor_setup(rng)

    # -- canvases -------------------------------------------------------------------------

    def _back(self, rng: np.random.Generator, ch: int, cw: int) -> np.ndarray:
        style, h = self.style, float(self.height)
        img = None
        if style.photo is not None:
            img = _photo_canvas(style.photo, ch, cw, h)
        if img is None:
            kind = style.background if style.background != "photo" else "noise"
            img = texture(kind, rng, ch, cw, h, style.palette)
        if style.surface is not None:
            self._surface(img, rng)
        return np.clip(img, 0, 255).astype(np.uint8)

    def _surface(self, img: np.ndarray, rng: np.random.Generator) -> None:
        """The floor from the horizon down (a tabletop and its front face, or the ground)."""
        style, h = self.style, float(self.height)
        ch, cw = img.shape[:2]
        floor = self.scene.floor_y * h - self.v0  # canvas row of the line objects rest on
        top = max(0, int(math.floor(floor - style.horizon * h)) - 1)
        rows = ch - top
        surf = texture(style.surface, rng, rows, cw, h, style.surface_palette)
        y = np.arange(top, ch, dtype=np.float32)[:, None]
        depth = (y - (floor - style.horizon * h)) / h  # view heights below the horizon
        surf *= (0.85 + 0.15 * np.clip(depth / 0.06, 0, 1) + 0.1 * depth)[:, :, None]
        if style.table > 0:
            edge = floor + style.table * h
            front = np.clip(y + 0.5 - edge, 0, 1)  # the table's front face, darker
            surf *= (1.0 - 0.45 * front)[:, :, None]
            lip = np.exp(-(((y - edge) / max(1.0, 0.004 * h)) ** 2))
            surf += (40.0 * lip)[:, :, None]
        cover = np.clip(y + 0.5 - (floor - style.horizon * h), 0, 1)[:, :, None]
        img[top:] += (surf - img[top:]) * cover

    def _front(self, rng: np.random.Generator, ch: int, cw: int):
        occ = self.scene.occluder
        if occ is None:
            return None
        style, h = self.style, float(self.height)
        x0, x1 = self.base.x(occ.x0, 0.0) - self.u0, self.base.x(occ.x1, 0.0) - self.u0
        y0, y1 = self.base.y(occ.y0) - self.v0, self.base.y(occ.y1) - self.v0
        alpha = np.zeros((ch, cw), np.uint8)
        pts = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]]) * (1 << _SHIFT)
        cv2.fillPoly(alpha, [np.round(pts).astype(np.int32)], 255, cv2.LINE_AA, _SHIFT)
        rgb = texture(style.occluder, rng, ch, cw, h, style.occluder_palette)
        ys = np.arange(ch, dtype=np.float32)[:, None]
        rgb *= (1.05 - 0.15 * np.clip((ys - y0) / max(y1 - y0, 1.0), 0, 1))[:, :, None]
        # The occluder's box on the canvas, padded for the anti-aliased edge: frames warp and
        # blend only what it covers (the whole canvas was half a 1280x720 frame's time).
        box = (int(x0) - 2, int(y0) - 2, int(math.ceil(x1)) + 3, int(math.ceil(y1)) + 3)
        return np.clip(rgb, 0, 255).astype(np.uint8), alpha, box

    def _sensor_setup(self, rng: np.random.Generator) -> None:
        sensor, w, h = self.style.sensor, self.width, self.height
        self.vignette = None
        if sensor.vignette > 0:
            ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
            d2 = ((xs - (w - 1) / 2) ** 2 + (ys - (h - 1) / 2) ** 2) / ((w / 2) ** 2 + (h / 2) ** 2)
            self.vignette = (1.0 - sensor.vignette * d2)[:, :, None]
        self.noise = noise_bank(rng, sensor.noise, h, w) if sensor.noise > 0 else []

    # -- frames ---------------------------------------------------------------------------

    def frame(self, index: int, t: float, states: list[ObjectState]) -> np.ndarray:
        cam = self.style.camera.view(self.base, t, self.t_max)
        pan_px = self.scene.pan * t * self.base.scale
        tx = cam.zoom * (self.u0 - pan_px - cam.cx) + cam.cx + cam.dx
        ty = cam.zoom * (self.v0 - cam.cy) + cam.cy + cam.dy
        m = np.float32([[cam.zoom, 0, tx], [0, cam.zoom, ty]])
        if cam.roll:
            m = np.float32(cam.matrix() @ np.vstack([m.astype(np.float64), [0, 0, 1]]))
        size = (self.width, self.height)
        img = cv2.warpAffine(self.back, m, size, flags=cv2.INTER_LINEAR,
                             borderMode=cv2.BORDER_REFLECT).astype(np.float32)  # fmt: skip
        if self.style.shadow > 0 and self.style.surface is not None:
            for s in states:
                if s.exists:
                    self._shadow(img, s, cam, t)
        samples = exposure_states(self.sim, t, self.exposure, states, cam.scale)
        for s, over in zip(states, samples, strict=True):
            if s.pivot is not None and s.exists:
                self._string(img, s, cam, t)
            if any(o.exists for o in over):
                self._object(img, over, cam, t)
        if self.front is not None:
            self._occluder(img, m)
        return self._sensor(img, index, t)

    def _occluder(self, img: np.ndarray, m: np.ndarray) -> None:
        front, alpha, (bx0, by0, bx1, by1) = self.front
        corners = np.float32([[bx0, by0], [bx1, by0], [bx0, by1], [bx1, by1]])
        seen = corners @ m[:, :2].T + m[:, 2]  # an affine map: the corners bound it
        x0, y0 = np.maximum(np.floor(seen.min(0)).astype(int), 0)
        x1 = min(self.width, int(math.ceil(seen[:, 0].max())) + 1)
        y1 = min(self.height, int(math.ceil(seen[:, 1].max())) + 1)
        if x1 <= x0 or y1 <= y0:
            return
        part = m.copy()
        part[:, 2] -= (x0, y0)
        size = (int(x1 - x0), int(y1 - y0))
        rgb = cv2.warpAffine(front, part, size, flags=cv2.INTER_LINEAR)
        a = cv2.warpAffine(alpha, part, size, flags=cv2.INTER_LINEAR)
        a = a.astype(np.float32)[:, :, None] / 255.0
        region = img[y0:y1, x0:x1]
        region += (rgb.astype(np.float32) - region) * a

    def _sensor(self, img: np.ndarray, index: int, t: float) -> np.ndarray:
        sensor = self.style.sensor
        sigma = sensor.blur * self.height
        if sigma >= 0.3:
            img = cv2.GaussianBlur(img, (0, 0), sigma)
        gains = sensor.gains(t, self.t_max)
        img *= gains if self.vignette is None else self.vignette * gains
        if self.noise:
            dx = noise_shift(index)
            img += self.noise[index % len(self.noise)][:, dx : dx + self.width]
        img += 0.5
        return np.clip(img, 0, 255).astype(np.uint8)

    def _object(self, img: np.ndarray, over: list, cam: CameraView, t: float) -> None:
        """Draw one object averaged over its states during the exposure (one state: sharp)."""
        outlines = [outline_px(s, cam, t) for s in over]
        pts = np.concatenate(outlines)
        x0 = max(int(math.floor(pts[:, 0].min())) - 2, 0)
        y0 = max(int(math.floor(pts[:, 1].min())) - 2, 0)
        x1 = min(int(math.ceil(pts[:, 0].max())) + 3, self.width)
        y1 = min(int(math.ceil(pts[:, 1].max())) + 3, self.height)
        if x1 <= x0 or y1 <= y0:
            return
        patch = img[y0:y1, x0:x1]
        change = np.zeros_like(patch)
        for s, outline in zip(over, outlines, strict=True):
            if not s.exists:
                continue  # vanished for this part of the exposure: the background shows
            mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
            poly = np.round((outline - (x0, y0)) * (1 << _SHIFT)).astype(np.int32)
            cv2.fillPoly(mask, [poly], 255, cv2.LINE_AA, _SHIFT)
            r = max(s.r * cam.scale, 1e-3)
            cx, cy = cam.point(s.x, s.y, t)
            u = (np.arange(x0, x1, dtype=np.float32) - cx) / r
            v = (np.arange(y0, y1, dtype=np.float32) - cy) / r
            u, v = np.meshgrid(u, v)
            if cam.roll:  # shading and texture keep to the world's axes: turn back
                u, v = cam.cos * u + cam.sin * v, cam.cos * v - cam.sin * u
            color = self._colored(s, u, v)
            a = mask.astype(np.float32)[:, :, None] / 255.0
            change += (color - patch) * a
        patch += change if len(over) == 1 else change / len(over)

    def _string(self, img: np.ndarray, s: ObjectState, cam: CameraView, t: float) -> None:
        """A pendulum's string from its pivot to its bob's center, and a small pin."""
        ax, ay = cam.point(s.pivot[0], s.pivot[1], t)
        bx, by = cam.point(s.x, s.y, t)
        thick = max(1, int(round(STRING_WIDTH * self.height)))
        ends = np.round(np.float64([ax, ay, bx, by]) * (1 << _SHIFT)).astype(int)
        color = (STRING_LEVEL,) * 3
        cv2.line(img, tuple(ends[:2]), tuple(ends[2:]), color, thick, cv2.LINE_AA, _SHIFT)
        pin = max(1, int(round(2 * STRING_WIDTH * self.height * (1 << _SHIFT))))
        cv2.circle(img, tuple(ends[:2]), pin, color, -1, cv2.LINE_AA, _SHIFT)

    def _shadow(self, img: np.ndarray, s: ObjectState, cam: CameraView, t: float) -> None:
        """A soft contact shadow on the floor, fading as the object rises above it."""
        rise = (self.scene.floor_y - (s.y + s.r)) / max(s.r, 1e-6)  # in radii, 0 when resting
        if rise > SHADOW_RISE or s.y - s.r > self.scene.floor_y:
            return
        strength = self.style.shadow * (1.0 - max(rise, 0.0) / SHADOW_RISE)
        r = s.r * cam.scale
        ax, ay = r * (1.1 + 0.3 * max(rise, 0.0)), max(0.15 * r, 1.0)
        cx = cam.x(s.x, t) - 0.3 * r * math.cos(self.style.light[0])  # away from the light
        cy = cam.y(self.scene.floor_y)
        if cam.roll:
            cx, cy = cam.turn(cx, cy)
        reach_x, reach_y = (2 * max(ax, ay),) * 2 if cam.roll else (2 * ax, 2 * ay)
        x0, x1 = max(int(cx - reach_x), 0), min(int(cx + reach_x) + 2, self.width)
        y0, y1 = max(int(cy - reach_y), 0), min(int(cy + reach_y) + 2, self.height)
        if x1 <= x0 or y1 <= y0:
            return
        du = np.arange(x0, x1, dtype=np.float32)[None, :] - cx
        dv = np.arange(y0, y1, dtype=np.float32)[:, None] - cy
        if cam.roll:  # the ellipse lies on the floor: along the world's axes
            du, dv = cam.cos * du + cam.sin * dv, cam.cos * dv - cam.sin * du
        dark = strength * np.exp(-2.0 * ((dv / ay) ** 2 + (du / ax) ** 2))
        img[y0:y1, x0:x1] *= (1.0 - dark)[:, :, None]

    def _colored(self, s: ObjectState, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """The object's colors over its patch (u, v: offsets from its center in radii)."""
        look = self.style.objects[s.id] if s.id < len(self.style.objects) else None
        named = self.named[s.id] if s.id < len(self.named) else s.rgb
        base_rgb = look.rgb if look is not None else named
        # the rendered color follows the named color's change (a color drift stays one)
        base = np.clip(np.add(base_rgb, np.subtract(s.rgb, named)), 0, 255).astype(np.float32)
        angle, strength, highlight = self.style.light
        lx, ly = math.cos(angle), math.sin(angle)
        fill = look.fill if look is not None else "flat"
        shade = np.ones_like(u)
        round_shape = s.shape == "ball" and s.morph < 0.5
        if fill in ("shaded", "textured"):
            k = strength if fill == "shaded" else 0.5 * strength
            if round_shape:
                nz = np.sqrt(np.clip(1.0 - u * u - v * v, 0.0, 1.0))
                diffuse = np.clip(0.55 * (u * lx + v * ly) + 0.8 * nz, 0.0, 1.0)
                shade = (1.0 - k) + 1.4 * k * diffuse
            else:
                shade = 1.0 + 0.5 * k * (u * lx + v * ly)
        if fill == "gradient":
            shade = 1.0 + look.amount * (u * math.cos(look.angle) + v * math.sin(look.angle))
        if fill == "textured":
            shade = shade * (1.0 + look.amount * self._pattern(s.id, look, u, v))
        color = base[None, None, :] * shade[:, :, None]
        if fill == "shaded" and highlight > 0:
            spot = 0.25 if round_shape else 0.6
            d2 = (u - 0.45 * lx) ** 2 + (v - 0.45 * ly) ** 2
            spec = (highlight * np.exp(-d2 / spot))[:, :, None]
            color += (255.0 - color) * spec * (1.0 if round_shape else 0.35)
        return np.clip(color, 0, 255)

    def _pattern(self, oid: int, look, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """A texture attached to the object, about -1..1, scaled with it."""
        if look.texture == "stripes":
            return np.sin(2 * math.pi * 2.5 * (u * math.cos(look.angle) + v * math.sin(look.angle)))
        tile = self._tiles.get(oid)
        if tile is None:
            rng = np.random.default_rng(look.tile_seed)
            tile = fractal_noise(rng, TILE, TILE, TILE / 4.0, octaves=2)
            if look.texture == "spots":
                tile = np.tanh(3.0 * (tile - 0.6)).astype(np.float32)
            self._tiles[oid] = tile
        mx = ((u + 1.0) * 0.5 * (TILE - 1)).astype(np.float32)
        my = ((v + 1.0) * 0.5 * (TILE - 1)).astype(np.float32)
        return cv2.remap(tile, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)


def _photo_canvas(photo: dict, ch: int, cw: int, unit: float) -> np.ndarray | None:
    """The still cover-fitted to the canvas (zoomed, cropped, flipped, softened)."""
    still = read_still(photo["source"], int(photo["frame"]))
    if still is None:
        return None
    ph, pw = still.shape[:2]
    scale = max(cw / pw, ch / ph) * float(photo["zoom"])
    rw, rh = max(cw, int(math.ceil(pw * scale))), max(ch, int(math.ceil(ph * scale)))
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    big = cv2.resize(still, (rw, rh), interpolation=interp)
    x, y = int(photo["x"] * (rw - cw)), int(photo["y"] * (rh - ch))
    img = big[y : y + ch, x : x + cw].astype(np.float32)
    if photo["flip"]:
        img = img[:, ::-1].copy()
    sigma = float(photo["blur"]) * unit
    if sigma >= 0.3:
        img = cv2.GaussianBlur(img, (0, 0), sigma)
    return img
