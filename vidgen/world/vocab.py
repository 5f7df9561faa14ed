"""The shapes world's names: colors, shapes, motions, and the caption grammar's fixed vocabulary.

Everything a caption can say is declared here as data, so the vocabulary is exact by
construction (VOCABULARY is computed from these tables) and the shapes model's tokenizer can
be built from it.
"""

from __future__ import annotations

import colorsys

# Object colors were picked to stay apart in hue *and* in chroma after yuv420p H.264
# (chroma is halved in each direction, so neighbours must differ by more than a tint).
OBJECT_COLORS: dict[str, tuple[int, int, int]] = {
    "red": (220, 30, 30),
    "orange": (245, 135, 20),
    "yellow": (235, 210, 20),
    "green": (30, 165, 50),
    "blue": (35, 75, 225),
    "purple": (145, 50, 195),
}
BACKGROUND_COLORS: dict[str, tuple[int, int, int]] = {
    "white": (240, 240, 240),
    "gray": (128, 128, 128),
    "black": (16, 16, 16),
}
COLORS: dict[str, tuple[int, int, int]] = {**OBJECT_COLORS, **BACKGROUND_COLORS}

SHAPES: tuple[str, ...] = ("ball", "square", "triangle")
SHAPE_SYNONYMS: dict[str, str] = {"circle": "ball"}
# The wild profile's extra shapes and motions live apart from SHAPES, MOTIONS and VOCABULARY:
# the full profile draws from those tuples (a longer one would change every seed's scenes) and
# the shapes model's tokenizer is built from VOCABULARY.
WILD_SHAPES: tuple[str, ...] = ("hexagon", "octagon", "star", "diamond")
ALL_SHAPES: tuple[str, ...] = SHAPES + WILD_SHAPES

OCCLUDER_KINDS: tuple[str, ...] = ("wall", "box")

# motion kind -> the words a caption uses for it. Order is the caption grammar's order.
MOTION_PHRASES: dict[str, str] = {
    "falls_bounces": "falls and bounces",
    "thrown_left": "is thrown to the left",
    "thrown_right": "is thrown to the right",
    "slides_left": "slides to the left",
    "slides_right": "slides to the right",
    "moves_up": "moves up",
    "moves_down": "moves down",
    "moves_left": "moves to the left",
    "moves_right": "moves to the right",
    "moves_up_left": "moves up and to the left",
    "moves_up_right": "moves up and to the right",
    "moves_down_left": "moves down and to the left",
    "moves_down_right": "moves down and to the right",
    "rests": "stays still",
}
MOTIONS: tuple[str, ...] = tuple(MOTION_PHRASES)
WILD_MOTION_PHRASES: dict[str, str] = {"swings": "swings on a string"}  # a pendulum's bob
ALL_MOTION_PHRASES: dict[str, str] = {**MOTION_PHRASES, **WILD_MOTION_PHRASES}
ALL_MOTIONS: tuple[str, ...] = tuple(ALL_MOTION_PHRASES)

# What a reader of the centroid track can tell: used by parse_caption and by the shapes model's
# evaluation (does the generated object go where the caption says?).
MOTION_DIRECTION: dict[str, str] = {
    "falls_bounces": "falls",
    "thrown_left": "left",
    "thrown_right": "right",
    "slides_left": "left",
    "slides_right": "right",
    "moves_up": "up",
    "moves_down": "down",
    "moves_left": "left",
    "moves_right": "right",
    "moves_up_left": "up_left",
    "moves_up_right": "up_right",
    "moves_down_left": "down_left",
    "moves_down_right": "down_right",
    "rests": "none",
    "swings": "none",  # back and forth about one place: no net direction
}

# Motions whose centroid tracks are told apart at 64x64 over 2 s: the "simple" profile.
SIMPLE_MOTIONS: tuple[str, ...] = (
    "falls_bounces",
    "moves_up",
    "moves_down",
    "moves_left",
    "moves_right",
    "moves_up_left",
    "moves_up_right",
    "moves_down_left",
    "moves_down_right",
    "rests",
)

# Fixed phrases of the grammar besides colors, shapes and motions.
GRAMMAR_PHRASES: tuple[str, ...] = (
    "a",
    "an",
    "while",
    "and",
    "and they collide",
    "and leaves the frame",
    "behind a",
    "on a background",
    "textured",
    "as the camera pans to the left",
    "as the camera pans to the right",
)


def article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def hue_degrees(color: str) -> float:
    r, g, b = (c / 255.0 for c in COLORS[color])
    return colorsys.rgb_to_hsv(r, g, b)[0] * 360.0


def hue_distance(a: str, b: str) -> float:
    d = abs(hue_degrees(a) - hue_degrees(b)) % 360.0
    return min(d, 360.0 - d)


def _vocabulary() -> tuple[str, ...]:
    words: set[str] = set(COLORS) | set(SHAPES) | set(SHAPE_SYNONYMS) | set(OCCLUDER_KINDS)
    for phrase in (*MOTION_PHRASES.values(), *GRAMMAR_PHRASES):
        words.update(phrase.split())
    return tuple(sorted(words))


VOCABULARY: tuple[str, ...] = _vocabulary()
