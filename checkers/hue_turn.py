"""The hue bar for two looks: a fixed distance off the old hue line, or a turn of the hue.

A look's hue shift (looks.hue_shift) is how far its new chroma lies off the half-line of its
old one, in Lab units; identity judges it against HUE_SHIFT (40), set on the wild world,
whose objects are saturated and turn by 60 degrees or more. The same turn moves a look
with less chroma fewer units: turned by 60-120 degrees, a patch of chroma 20-45 lies 21-26
off its old line (the edited-real hue edits missed at session 26), under a bar no turn of
it can pass. Where both looks have a hue of their own (chroma TURN_CHROMA or more), the bar
is also passed by a turn of TURN_DEGREES or more: the new look lies off the old line by at
least that share of its own chroma (sin TURN_DEGREES), whatever its chroma. Under
TURN_CHROMA, a hue line is too short to read a turn on (compression and light move a dull
look's chroma about): the fixed bar stands there.
"""

from __future__ import annotations

import math

import numpy as np

# Lab chroma each look must have: gray-ish parts of clean footage reach shifts of 16-20
# from chromas of 14 or less (session 26's survey of false candidates).
TURN_CHROMA = 20.0
# The turn of the hue, in degrees, that counts as a change of look. The edited-real hue
# edits turn 60-120 degrees (58-105 in Lab, read on the parts: s111-s117); with both chromas
# over TURN_CHROMA, the recolor candidates of 150 unedited real clips turn 38 at most (s111
# er_0032: the 16.5 of session 26's survey), TUNE's clean tracks' hue steps under 30.
TURN_DEGREES = 50.0
# The least turn at any sensitivity: `--sensitivity high` (k 0.75) would scale 50 degrees to
# 37.5, under the 38 of that unedited clip's candidate. Above the clean turns known, the
# sensitivity still raises the bar (`low`: 67.5 degrees).
TURN_FLOOR = 40.0


def hue_bar(before: np.ndarray, after: np.ndarray, bar: float, k: float = 1.0) -> float:
    """The bar the hue shift (looks.hue_shift) from chroma `before` to `after` must pass:
    `bar`, or, where both looks have TURN_CHROMA or more, the shift of the new look turned
    TURN_DEGREES (scaled by sensitivity `k`, never under TURN_FLOOR) off the old hue line,
    where that is lower."""
    new = float(np.linalg.norm(after))
    if min(float(np.linalg.norm(before)), new) < TURN_CHROMA:
        return bar
    turn = math.radians(min(90.0, max(TURN_FLOOR, TURN_DEGREES * k)))
    return min(bar, new * math.sin(turn))
