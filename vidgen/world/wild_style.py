"""The wild profile's look of one clip: backgrounds, floors, objects, light, camera and sensor.

A Style is drawn once per clip from its own generator and holds only numbers and names (it goes
into the clip's labels as `style`), so the physics, the caption and the violation labels are
those of the scene alone. What it varies:

- background: a procedural texture (noise, gradient, stripes, tiles, wood, blobs, plain) or a
  still frame of a real clip (wild_photos), any color;
- floor: a surface of its own texture and color from the horizon down (a tabletop with a front
  edge, or the ground), never a thin line;
- objects: any color (around the name's hue, or grey, dark, muted, or close to what is behind
  them), flat, shaded by one light (with a highlight), with a gradient, or textured;
- camera (zoom, handheld shake, roll), exposure and white-balance drift, vignette, blur,
  motion blur (an open shutter), noise.

A color drift stays a color drift: an object's rendered color is its base color plus the change
of its named color, so the labeled frames are those the pixels show.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

import numpy as np

from vidgen.world.scene import Scene, WorldObject
from vidgen.world.vocab import hue_degrees
from vidgen.world.wild_camera import (
    Camera,
    Sensor,
    random_camera,
    random_roll,
    random_sensor,
    random_shutter,
)
from vidgen.world.wild_photos import MAX_STILL_INDEX, read_still
from vidgen.world.wild_textures import (
    BACKGROUND_KINDS,
    SURFACE_KINDS,
    hsv_color,
    random_color,
    shifted,
)

FILLS = ("flat", "shaded", "gradient", "textured")
OBJECT_TEXTURES = ("noise", "stripes", "spots")
MIN_CONTRAST = 22.0  # levels (largest channel) between an object and the color it sits near
PHOTO_SHARE = 0.4  # of clips, when stills are available


@dataclass(frozen=True)
class ObjectLook:
    rgb: tuple[float, float, float]  # base color, 0..255
    fill: str = "flat"
    texture: str = "noise"
    amount: float = 0.0  # texture or gradient strength, share of the level
    angle: float = 0.0  # gradient or stripe direction, radians
    tile_seed: int = 0

    def to_dict(self) -> dict:
        return {
            "rgb": [round(c, 1) for c in self.rgb],
            "fill": self.fill,
            "texture": self.texture,
            "amount": round(self.amount, 3),
            "angle": round(self.angle, 3),
            "tile_seed": self.tile_seed,
        }


@dataclass(frozen=True)
class Style:
    background: str  # a BACKGROUND_KINDS name, or "photo"
    palette: tuple  # two background colors
    photo: dict | None  # {"source", "frame", "flip", "zoom", "x", "y", "blur"} for "photo"
    surface: str | None  # the floor's texture kind; None: no floor drawn
    surface_palette: tuple
    horizon: float  # view heights above the floor line where the floor surface begins
    table: float  # view heights of tabletop in front of the floor line; 0: the ground
    occluder: str
    occluder_palette: tuple
    objects: tuple[ObjectLook, ...]
    light: tuple[float, float, float]  # direction angle (radians), shading, highlight
    shadow: float = 0.0  # darkening under an object that touches the floor, share of the level
    camera: Camera = field(default_factory=Camera)
    sensor: Sensor = field(default_factory=Sensor)
    seed: int = 0  # texture patterns

    def to_dict(self) -> dict:
        def rgb(colors):
            return [[round(c, 1) for c in color] for color in colors]

        return {
            "background": self.background,
            "palette": rgb(self.palette),
            "photo": self.photo,
            "surface": self.surface,
            "surface_palette": rgb(self.surface_palette),
            "horizon": round(self.horizon, 4),
            "table": round(self.table, 4),
            "occluder": self.occluder,
            "occluder_palette": rgb(self.occluder_palette),
            "objects": [o.to_dict() for o in self.objects],
            "light": [round(x, 4) for x in self.light],
            "shadow": round(self.shadow, 4),
            "camera": self.camera.to_dict(),
            "sensor": self.sensor.to_dict(),
            "seed": self.seed,
        }


def _palette(rng: np.random.Generator) -> tuple:
    """Two related colors: mostly a change of brightness (as light and shade), a little of hue."""
    c1 = random_color(rng, sat=(0.0, 0.55), val=(0.08, 0.95))
    k = float(rng.uniform(0.45, 0.8) if rng.random() < 0.5 else rng.uniform(1.25, 1.8))
    darker_or_lighter = tuple(min(255.0, c * k + 12.0 * (k - 1.0)) for c in c1)
    return (c1, shifted(darker_or_lighter, rng, float(rng.uniform(5, 40))))


def _photo(rng: np.random.Generator, sources: list) -> dict | None:
    if not sources or rng.random() >= PHOTO_SHARE:
        return None
    source = sources[int(rng.integers(len(sources)))]
    frame = int(rng.integers(MAX_STILL_INDEX))
    if read_still(str(source), frame) is None:  # unreadable: as if it were not there
        return None
    return {
        "source": str(source),
        "frame": frame,
        "flip": bool(rng.random() < 0.5),
        "zoom": round(float(rng.uniform(1.0, 1.15)), 3),
        "x": round(float(rng.random()), 3),
        "y": round(float(rng.random()), 3),
        "blur": round(float(rng.uniform(0.0, 0.006)) if rng.random() < 0.6 else 0.0, 4),
    }


def _object_color(rng: np.random.Generator, obj: WorldObject, near) -> tuple:
    """Around the named hue in any saturation and brightness, or grey, dark, or close to `near`
    (the color behind it) but still told apart from it."""
    hue = hue_degrees(obj.color) + float(rng.uniform(-25, 25))
    mode = rng.choice(["vivid", "muted", "grey", "dark", "near"], p=[0.3, 0.3, 0.12, 0.13, 0.15])
    if mode == "vivid":
        return hsv_color(hue, float(rng.uniform(0.55, 1.0)), float(rng.uniform(0.5, 1.0)))
    if mode == "muted":
        return hsv_color(hue, float(rng.uniform(0.15, 0.55)), float(rng.uniform(0.3, 0.9)))
    if mode == "grey":
        return hsv_color(hue, float(rng.uniform(0.0, 0.1)), float(rng.uniform(0.1, 0.95)))
    if mode == "dark":
        return hsv_color(hue, float(rng.uniform(0.0, 1.0)), float(rng.uniform(0.06, 0.3)))
    for _ in range(20):
        color = shifted(near, rng, float(rng.uniform(MIN_CONTRAST, 45)))
        if max(abs(a - b) for a, b in zip(color, near, strict=True)) >= MIN_CONTRAST:
            return color
    return hsv_color(hue, 0.8, 0.8)


def _look(rng: np.random.Generator, obj: WorldObject, near) -> ObjectLook:
    fill = str(rng.choice(FILLS, p=[0.1, 0.45, 0.2, 0.25]))
    return ObjectLook(
        rgb=_object_color(rng, obj, near),
        fill=fill,
        texture=str(rng.choice(OBJECT_TEXTURES)),
        amount=float(rng.uniform(0.12, 0.4)),
        angle=float(rng.uniform(0, 2 * math.pi)),
        tile_seed=int(rng.integers(2**31)),
    )


def random_style(rng: np.random.Generator, scene: Scene, photos: list | None = None) -> Style:
    """A look for `scene` (its violations' spawned and split objects included)."""
    photo = _photo(rng, photos or [])
    background = "photo" if photo else str(rng.choice(BACKGROUND_KINDS))
    palette = _palette(rng)
    surface = str(rng.choice(SURFACE_KINDS)) if scene.floor_visible else None
    surface_palette = _palette(rng)
    if surface == "wood" and rng.random() < 0.6:  # wood mostly looks like wood
        hue, sat, val = rng.uniform(18, 40), rng.uniform(0.3, 0.7), rng.uniform(0.2, 0.75)
        brown = hsv_color(float(hue), float(sat), float(val))
        surface_palette = (brown, shifted(brown, rng, float(rng.uniform(20, 50))))
    horizon = float(rng.uniform(0.0, 0.08)) if surface else 0.0
    table = float(rng.uniform(0.02, 0.06)) if surface and rng.random() < 0.4 else 0.0
    behind = palette[0]  # the color an object "close to the background" is close to
    if photo is not None:
        still = read_still(photo["source"], photo["frame"])
        behind = tuple(float(c) for c in still.reshape(-1, 3).mean(axis=0))
    looks = []
    for obj in scene.objects:
        on_floor = surface is not None and obj.gravity
        looks.append(_look(rng, obj, surface_palette[0] if on_floor else behind))
    for obj, parent in scene.extra_objects().values():  # ids past the scene's objects
        # a split-off part looks like its parent
        looks.append(looks[parent] if parent is not None else _look(rng, obj, behind))
    light = (
        float(rng.uniform(-math.pi * 0.9, -math.pi * 0.1)),  # from above, left or right
        float(rng.uniform(0.15, 0.55)),
        float(rng.uniform(0.0, 0.7)),
    )
    style = Style(
        background=background,
        palette=palette,
        photo=photo,
        surface=surface,
        surface_palette=surface_palette,
        horizon=horizon,
        table=table,
        occluder=str(rng.choice(SURFACE_KINDS)),
        occluder_palette=_palette(rng),
        objects=tuple(looks),
        light=light,
        shadow=float(rng.uniform(0.2, 0.55)) if surface and rng.random() < 0.7 else 0.0,
        camera=random_camera(rng),
        sensor=random_sensor(rng),
        seed=int(rng.integers(2**31)),
    )
    # Drawn last, so a clip keeps every other part of the look it had before rolls and blur.
    camera = random_roll(rng, style.camera)
    return dataclasses.replace(style, camera=camera, sensor=random_shutter(rng, style.sensor))
