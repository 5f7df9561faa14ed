"""Occlusion by scenery on the motion path: what the tracker reads instead of a neighbour.

The background model holds scenery (walls, posts, a table's edge) as backdrop, so an object
passing behind it has no part beside it to be hidden by. What shows instead: the object
shrinks as it goes, or leaves a remnant too small to be a part where it should be, and it
grows back as it comes out. An object that vanishes or appears does so whole, at once.
"""

from __future__ import annotations

import numpy as np

from checkers.tracking.boxes import scaled_alike
from checkers.tracking.confidence import STILL, travel

# Motion parts only. Scenery is backdrop to the background model, so an object sliding
# behind a wall or a post shrinks with nothing beside it: lost below this share of the area
# it was recently seen with, it went behind something. A vanish takes the whole object at once.
SHRUNK = 0.7
# ... and one coming out from behind scenery (or out of its own first-frame place, which the
# model holds as backdrop) grows: a new part that reaches 1 / GROWN of its first area within
# GROW_SECONDS emerged; an object that appears from nowhere is whole at once.
GROWN = 0.6
GROW_SECONDS = 0.5
# A lost motion part whose predicted box still holds this share of pixels unlike the
# backdrop is partly in view: going behind something (a vanish leaves the backdrop whole).
# Wild dev corpus: 0.31 beside a post, 0.21 where an object vanished (its faint trace in the
# model, which learns foreground slowly).
REMNANT = 0.25
WHOLE = 0.9  # sightings below this share of the object's area are partly hidden


def remnant(residue: np.ndarray | None, box) -> float:
    """Share of `box` (x, y, w, h) that the model's raw foreground `residue` covers."""
    if residue is None:
        return 0.0
    height, width = residue.shape
    x, y, w, h = box
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(width, x + w), min(height, y + h)
    if x1 <= x0 or y1 <= y0:
        return 0.0
    return float(residue[y0:y1, x0:x1].mean())


def mark_partial(points, whole: float) -> None:
    """The run of sightings (from the first of `points` on) smaller than the whole object
    (`whole`, its area): partly hidden, so their look and centroid are unreliable."""
    for p in points:
        if p.det is None or p.det.area >= WHOLE * whole:
            break
        p.merged = True


def shrank_whole(recent, whole: float) -> bool:
    """The run of last sightings in `recent` (oldest first) smaller than the whole object
    (`whole`, its area) is the object itself grown smaller, not its part left in view: each
    was cut in open view (not at the frame's edge, not beside another part) and its box
    shrank from the whole-size sightings before the run in width and height alike, while
    the part moved (STILL: half its size or more). Scenery an object slides behind cuts it
    along one side (a post its width, a table's edge its height); a resize scales both
    (spent wild seeds: shrinking objects lost at the clip's end or edge had their whole
    shrink marked partly hidden, so identity never read it). A part standing still shrinks
    alike on all sides as the model learns it into the backdrop (gen-clips
    videorepa_supp_cogvideox_06: a person bent over a mop, 0.2 of its size in 8 frames)."""
    seen = [p for p in recent if p.det is not None]
    run = []
    for p in reversed(seen):
        if p.det.area >= WHOLE * whole:
            break
        run.append(p)
    before = [p for p in seen[: len(seen) - len(run)] if not (p.near or p.at_edge)]
    if not run or not before or any(p.near or p.at_edge for p in run):
        return False
    return scaled_alike([p.det.bbox for p in before], [p.det.bbox for p in run]) and (
        travel(run) >= STILL
    )
