"""Was a new part already in view the frame before, a little off where it is cut? An object
that stood still from the shot's start is learnt into the background model; when it starts
to move in place (a swing swaying, a branch in the wind) the frame's difference from the
model cuts it as a new part where it always stood. Such a part did not come from nowhere:
the frame before shows it, shifted by its small motion. Where an object appears from
nowhere, the frame before shows the backdrop there, and no small shift of it reproduces the
object. The frame, not the model, is the witness: the model is a running mean and holds a
swaying object blurred.
"""

from __future__ import annotations

import cv2
import numpy as np

from checkers.units import Units

# How fast (short sides per second) the object may move, beyond the camera's motion: the
# part is cut once it has moved a few pixels. A speed, so that the search reach per frame
# shrinks as the frame rate rises (0.04 short sides a frame at 16 fps, where it was tuned).
REACH = 0.64
BLUR = 0.008  # short sides: both frames are softened this much (compression noise)
# The frame before, shifted, reproduces the part when it leaves under this share of the
# difference the part leaves against the frame before where it was (unshifted)...
MATCH = 0.5
# ...and under this many gray levels (RMS over the part's box) at the least: the difference a
# part that moved a little leaves where the backdrop around it does not move with it. A
# share alone is weak evidence: over a gradient or a busy backdrop, a reach that spans the
# part's own size finds half its unshifted difference somewhere (held-out wild seeds, two
# true appears at 8 fps: 23 of 48 and 19 of 57). Parts the frame before shows leave 0.3-14
# (27 wild TUNE clips of d3131), 9.5 for a disc moved 3 px over texture; true appears on
# the TUNE corpora 17 and more (session 19's fits at their labelled frames).
SHOWN = 15.0
# Gray levels: a part the shifted frame before reproduces to within this is the same
# content whatever the unshifted difference.
NOISE = 6.0


def seen_before(cur, before, bbox, units: Units, motion=None) -> bool:
    """Whether the part in box `bbox` (x, y, w, h) of `cur` (uint8 RGB) is shown by
    `before` (the previous frame, uint8 RGB) shifted by up to one frame's REACH, after the
    camera's `motion` (3x3, previous pixels -> current) is undone."""
    return before_fit(cur, before, bbox, units, motion)[0]


def before_fit(cur, before, bbox, units: Units, motion=None) -> tuple[bool, float, float]:
    """(seen, RMS difference at the best shift, RMS difference unshifted), gray levels."""
    short = units.short_side
    x, y, w, h = (int(v) for v in bbox)
    height, width = cur.shape[:2]
    # Where the box's centre stood in the frame before, by the camera's motion.
    dx = dy = 0
    if motion is not None:
        cx, cy = x + w / 2.0, y + h / 2.0
        px, py, pw = np.linalg.inv(motion) @ (cx, cy, 1.0)
        dx, dy = int(round(px / pw - cx)), int(round(py / pw - cy))
    r = max(1, int(round(units.speed(REACH))))
    bx, by = x + dx, y + dy  # the box where it stood before
    x0, y0 = max(0, bx - r), max(0, by - r)
    x1, y1 = min(width, bx + w + r), min(height, by + h + r)
    if x1 - x0 < w or y1 - y0 < h or not (x0 <= bx and bx + w <= x1 and y0 <= by and by + h <= y1):
        return False, float("inf"), 0.0  # out of the frame before: nothing to compare
    sigma = max(0.5, BLUR * short)
    m = int(np.ceil(3 * sigma))
    # The part softened within a margin, so the blur does not read the frame's border.
    cx0, cy0 = max(0, x - m), max(0, y - m)
    soft = cv2.GaussianBlur(cur[cy0 : y + h + m, cx0 : x + w + m], (0, 0), sigma)
    patch = soft[y - cy0 : y - cy0 + h, x - cx0 : x - cx0 + w].astype(np.float32)
    window = cv2.GaussianBlur(before[y0:y1, x0:x1], (0, 0), sigma).astype(np.float32)
    sq = cv2.matchTemplate(window, patch, cv2.TM_SQDIFF) / float(patch.size)
    here = float(sq[by - y0, bx - x0])
    best = float(sq.min())
    rms_best, rms_here = float(np.sqrt(max(best, 0.0))), float(np.sqrt(max(here, 0.0)))
    seen = rms_best <= NOISE or (rms_best <= MATCH * rms_here and rms_best <= SHOWN)
    return seen, rms_best, rms_here
