"""The sightings of a background-model part still coming into view, left out of its size.

identity_motion.py fits "steady, then changing, then steady" to a part's open-view log area.
Where the track is born, or found again after frames without a readable sighting, the part
is often still coming out from behind scenery the background model holds as backdrop: its
cut grows for a few sightings up to the object's size, and nothing marks those sightings
(they are neither at the frame's edge nor beside another part). On the fit they pull the
old level down and leave a residual that refuses the resize as "an area that wanders"
(TUNE held9191 99: found again after 1 s behind a wall, rms 0.20 about the fit with its
first three sightings, 0.06 without; spent wild 4181 100 and 1618 129, 214, 222 the same).
Such sightings show how much of the object was in view, not its size, so they are left out
of the fit: from each arrival, the sightings before the fitted change that lie below the old
level by more than the cut's own noise could put them.
"""

from __future__ import annotations

import numpy as np

from checkers.shape_motion import NOISE_STEPS, jitter
from checkers.step_fit import Step
from checkers.tracking import Point

# |log area| below the old level that no sighting of a whole object strays, whatever its
# cut's noise: SIZE_RESIDUAL (identity_motion), what a resize's fit may stray by in rms.
FLOOR = 0.15


def arriving(frames: list[int], open_view: list[Point], step: Step, k: float) -> set[int]:
    """Frames of the sightings in `open_view` that show the part still coming into view.

    `frames`: every frame the track has a readable sighting on (an arrival starts at the
    first, and at each one after a frame without); `step`: the fit of the open-view log
    areas. From each arrival before the fitted change, the leading sightings whose log area
    lies under the old level by more than FLOOR, or NOISE_STEPS of the sightings' own
    jitter where that is larger."""
    if not open_view:
        return set()
    logs = np.log(np.maximum([p.det.area for p in open_view], 1.0))
    old = logs[[i for i, p in enumerate(open_view) if p.frame <= step.t0]]
    noise = float(jitter(old[:, None])[0]) if len(old) >= 2 else 0.0
    below = float(step.before[0]) - max(FLOOR, NOISE_STEPS * noise) * k
    starts = [frames[0]] + [b for a, b in zip(frames, frames[1:], strict=False) if b - a > 1]
    away: set[int] = set()
    for start in starts:
        if start > step.t0:
            break
        for p, log in zip(open_view, logs, strict=True):
            if p.frame < start:
                continue
            if p.frame > step.t0 or log >= below:
                break
            away.add(p.frame)
    return away
