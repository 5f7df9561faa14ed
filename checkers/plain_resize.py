"""Whether a size change of a plain-path object is the object's own resize.

The plain path compares each clean sighting's area with the object's first sightings and
calls a change once it passes the clip's bar on two of the next three sightings. On wild
clean clips (held-out seeds 5757, 8282, 9393 and the TUNE pool, main 3dde73c) most of its
size events were not resizes: two squares touching for two frames cut as one part, a cube
whose cut dips where it lands on a striped floor, a strip of scenery whose cut jumps
between its parts. What a resized object shows and those do not:

- the new size holds: the object is still that size HOLD_SECONDS after the change was
  confirmed (a merge, a dip at a contact or a jittering cut comes back);
- the box changes in width and height alike (a neighbour taken in, or a strip cut in two,
  changes the box along one side). A morph's box is kept and its area changes with the
  share of the box its outline fills: a kept box is no evidence against a change.
"""

from __future__ import annotations

import numpy as np

from checkers.identity_motion import HOLD_SECONDS, both_ways
from checkers.shape_motion import NOISE_STEPS, jitter
from checkers.tracking import Point

# HOLD_SECONDS (identity_motion): the world's resizes take 0.4 s or more and then hold; a part
# that merges with a neighbour or dips at a contact is back within a few frames.
# NOISE_STEPS (shape_motion): a small or thin part's cut gains or loses a rim of pixels from
# frame to frame, and a change of a few times that says nothing.

# |log| change of the box's larger side above which the box is judged; below it the box is
# kept (a morph, or a change too small to read on the box).
BOX_CHANGE = 0.2
MIN_JITTER_SIGHTINGS = 4  # sightings before the change needed to read the jitter off them


def holds(
    pts: list[Point], changes: list[float], i: int, threshold: float, fps: float, last=None
) -> bool:
    """The signed change confirmed at sighting pts[i] is still over `threshold`, the same
    way, HOLD_SECONDS on, and over it on most sightings until then. Clean sightings that end
    sooner are judged on what is left (two of the next three, or all of them), unless `last`,
    the track's last frame in view beside another part, comes HOLD_SECONDS on or later."""
    start = pts[i].frame
    hold = max(2.0, HOLD_SECONDS * fps)
    way = np.sign(changes[i])
    over = [v * way > threshold for v in changes[i:]]
    frames = [p.frame for p in pts[i:]]
    later = [k for k, f in enumerate(frames) if f >= start + hold]
    if not later and last is not None and last >= start + hold:
        # The part stays in view beside another one past the hold, never again clean: two
        # parts cut as one look changed, and the change is not seen to hold. A part that
        # leaves the frame or goes behind something is judged on what is left.
        return False
    if not later:
        window = over[:3]
        return sum(window) >= min(2, len(window))
    window = over[: later[0]]
    return over[later[0]] and 3 * sum(window) >= 2 * len(window)


def scales_alike(before: list[Point], after: list[Point]) -> bool:
    """The box kept its width and height, or changed both alike (identity_motion.both_ways),
    between the sightings `before` and `after` the change."""
    sides = [
        np.median([np.log(np.maximum(p.det.bbox[2:], 1)) for p in ps], axis=0)
        for ps in (before, after)
    ]
    return float(np.abs(sides[1] - sides[0]).max()) <= BOX_CHANGE or both_ways(before, after)


def above_jitter(before: list[float], change: float, k: float) -> bool:
    """`change` (log area) is larger than NOISE_STEPS of the jitter of the log areas
    `before` the change began; too few of them to read it: no evidence against."""
    if len(before) < MIN_JITTER_SIGHTINGS:
        return True
    noise = float(jitter(np.asarray(before, dtype=float)[:, None])[0])
    return abs(change) > NOISE_STEPS * noise * k
