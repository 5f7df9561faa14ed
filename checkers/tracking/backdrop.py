"""When object-level reasoning applies: a plain backdrop with a few flat parts on it.

A frame qualifies on its own (the Tracker marks it `reliable`); a clip qualifies when most
of its frames do (`clean_scene`). Natural footage falls back to frame-level signals.
"""

from __future__ import annotations

RELIABLE_FOREGROUND = 0.4  # above this share of foreground pixels there are no clean objects
PLAIN_MIN = 0.5  # share of the frame that must be plain backdrop (world >= 0.8, real <= 0.4)
CLEAN_SHARE = 0.9  # share of frames that must be reliable for object-level events


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
