"""When object-level reasoning applies: a plain backdrop with a few flat parts on it.

A frame qualifies on its own (the Tracker marks it `reliable`); a clip qualifies when most
of its frames do (`clean_scene`). Natural footage falls back to frame-level signals.
"""

from __future__ import annotations

import numpy as np

from checkers.segment import Segmentation
from checkers.tracking.tracks import SOLID_SPREAD

RELIABLE_FOREGROUND = 0.4  # above this share of foreground pixels there are no clean objects
PLAIN_MIN = 0.5  # share of the frame that must be plain backdrop (world >= 0.8, real <= 0.4)
CLEAN_SHARE = 0.9  # share of frames that must be reliable for object-level events
# Share of the first frame that must be plain backdrop for the plain segmentation to take the
# clip when the background model is on: shapes-world clips start at 0.86-0.99 (seed 555),
# wild-profile clips anywhere from 0.02 to 0.99 (soft gradients read as plain).
PLAIN_FIRST = 0.8
# Lab: the plain segmentation's foreground threshold (segment.py: 4 x the backdrop's typical
# distance from its smooth color field + 6, at least 12) above which the first frame's
# backdrop is texture, not one color with sensor noise. The plain path models the backdrop as
# that smooth field, so on soft stripes, wood or tiles that read as plain it either sees the
# texture as parts or raises its threshold past dull objects. Shapes-world clips (seed 7001)
# start at 12.0-13.9, wild-profile plain backdrops at 12.0-12.8; wild stripes, wood, tiles and
# noise that read as plain at 15.5-46.9 (TUNE: 17 of 21 plain-path clips).
PLAIN_TEXTURE = 15.0


def clean_scene(reliable: dict[int, bool]) -> bool:
    """Most frames show a plain backdrop with a few flat parts: object checks apply.

    Natural footage may show a plain wall for a moment; objects tracked through such a
    moment are fragments of texture, not objects, so the whole clip must qualify.
    """
    return bool(reliable) and sum(reliable.values()) >= CLEAN_SHARE * len(reliable)


def could_end_clean(unreliable: int, frames: int) -> bool:
    """Whether a clip of `frames` frames, `unreliable` of them not reliable, can be clean:
    `clean_scene` on the whole clip, decided before its end."""
    return frames - unreliable >= CLEAN_SHARE * frames


def plain_reliable(seg: Segmentation) -> bool:
    """Object-level reasoning needs a plain backdrop with a few flat parts on it; natural
    footage (texture everywhere) falls back to the frame-level flow signals."""
    return (
        seg.foreground_fraction < RELIABLE_FOREGROUND
        and seg.plain >= PLAIN_MIN
        and len(seg.detections) <= 16
    )


def plain_path(seg: Segmentation) -> bool:
    """Whether the plain segmentation may take a clip whose first frame it cut as `seg`
    (when the background model is on): flat-colored parts on a plain backdrop (the shapes
    world). A plain backdrop with shaded or textured objects goes to the background model,
    which sees them whole (the plain path cuts them along their shading), and so does soft
    texture that reads as plain."""
    flat = not seg.detections or np.median([d.lab_spread for d in seg.detections]) < SOLID_SPREAD
    return seg.plain >= PLAIN_FIRST and flat and seg.threshold <= PLAIN_TEXTURE
