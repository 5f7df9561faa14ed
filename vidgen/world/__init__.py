"""The shapes world: a small physical world that renders captioned clips with exact labels.

    from vidgen.world import random_scene, render_clip
    clip = render_clip(random_scene(np.random.default_rng(0), profile="simple"))
    clip.frames  # (17, 64, 64, 3) uint8;  clip.caption;  clip.labels (see vidgen.world.clip)

Modules: vocab (names and vocabulary), scene (dataclasses), physics (stepped simulation),
render (frames), geometry (visibility flags), caption (grammar and parser), generate (random
scenes), violations (labeled edits), clip (scene -> Clip), corpus (the MP4 + labels.jsonl writer);
wild* (the wild profile: its format, motions (wild_layout), style, camera, motion blur, render).
"""

from vidgen.world.caption import make_caption, parse_caption
from vidgen.world.clip import Clip, iter_frames, render_clip
from vidgen.world.generate import random_scene
from vidgen.world.scene import (
    GRAVITY,
    VIOLATION_CHECKS,
    VIOLATION_KINDS,
    Occluder,
    Scene,
    Violation,
    WorldObject,
)
from vidgen.world.vocab import (
    BACKGROUND_COLORS,
    COLORS,
    MOTION_DIRECTION,
    MOTIONS,
    OBJECT_COLORS,
    SHAPES,
    SIMPLE_MOTIONS,
    VOCABULARY,
)

__all__ = [
    "BACKGROUND_COLORS",
    "COLORS",
    "GRAVITY",
    "MOTIONS",
    "MOTION_DIRECTION",
    "OBJECT_COLORS",
    "SHAPES",
    "SIMPLE_MOTIONS",
    "VIOLATION_CHECKS",
    "VIOLATION_KINDS",
    "VOCABULARY",
    "Clip",
    "Occluder",
    "Scene",
    "Violation",
    "WorldObject",
    "iter_frames",
    "make_caption",
    "parse_caption",
    "random_scene",
    "render_clip",
]
