"""A shape change of a background-model part: its outline fills its box differently, and holds.

The part's outline on one frame is loose (the cut follows shading, the rim, compression), so
its shape numbers (segment._shape: circularity, solidity, fill of its min-area rectangle)
are judged against the track's own jitter, not against a fixed bar: the noise of each
number is read off the track's own consecutive sightings before the change. A morph in the
shapes world turns one outline into another inside the same half-extent box (a hexagon into
a square, a square into a triangle), so the box keeps its width and height and the area
changes with the share of the box the outline fills: a part cut by scenery it slides behind,
or dragging a shadow, changes its box; a cut whose outline only wobbles (after a knock,
beside another part) changes its fill and not its area.
"""

from __future__ import annotations

import numpy as np

from checkers.stats import robust_sigma
from checkers.step_fit import Step, pooled_fit
from checkers.tracking import Point
from checkers.units import frames_in

# Shape numbers (circularity, solidity, fill), in their own units. The shapes world's
# outlines differ by 0.2 or more on at least one of them (square 1.0 and ball 0.79 fill,
# star 0.6 solidity against 1.0); octagon and ball differ by less than the cut's jitter.
# Wild dev (dev1515): morphs found at 0.21 and 0.34; two clean tracks reached 0.115 (each
# failed another test too).
SHAPE_STEP = 0.12
# The change, in units of the track's own jitter of that number: a clean part's outline
# wanders, and the bar follows how much it did before.
NOISE_STEPS = 6.0
# rms distance from the fitted step, in jitters: an outline that wanders about is a cut
# following shading, not a morph.
RESIDUAL_STEPS = 2.5
# |log| of the box's width or height a morph may change: the world's shapes share the
# half-extent box (a star's is 0.87 as wide; the cut loses a thin tip).
EXTENT_KEPT = 0.25
# The area's change of log as a share of the fill's: 1 when the box is kept exactly; on the
# wild dev morphs 1.4-2.4 (the cut's box shrinks a little onto a thinner outline's tips).
AREA_FOLLOWS = (0.5, 3.0)
MIN_CHANGE_SECONDS = 0.3  # a faster change of outline is a cut that merged or split
HOLD_SECONDS = 0.25  # the new outline is seen this long
BEFORE_SECONDS = 0.4  # the old outline was seen this long, to read the jitter off it
MIN_SIGHTINGS = 8


def shape_step(seen: list[Point], fps: float, k: float):
    """(step, amount, start, end) of a held shape change of one track's open-view
    sightings `seen`, or None. `amount` is the change of the number that moved most, in
    shape units; `start` the first sighting after the fitted onset, `end` the first with
    the new outline."""
    if len(seen) < MIN_SIGHTINGS:
        return None
    frames = np.array([p.frame for p in seen], dtype=float)
    values = np.array([p.det.shape for p in seen], dtype=float)  # (n, 3)
    step = pooled_fit(frames, values)
    before = [i for i, p in enumerate(seen) if p.frame <= step.t0]
    after = [i for i, p in enumerate(seen) if p.frame >= step.t1]
    if len(before) < frames_in(BEFORE_SECONDS, fps, least=3):
        return None
    if len(after) < frames_in(HOLD_SECONDS, fps, least=2):
        return None
    if (step.t1 - step.t0) / fps < MIN_CHANGE_SECONDS:
        return None
    noise = jitter(values[before])
    delta = np.abs(step.after - step.before)  # (3,)
    moved = int(np.argmax(delta / noise))
    amount = float(delta[moved])
    if amount <= SHAPE_STEP * k or amount <= NOISE_STEPS * noise[moved] * k:
        return None
    if _residual(frames, values[:, moved], step, moved) > RESIDUAL_STEPS * noise[moved]:
        return None
    if not _area_follows([seen[i] for i in before], [seen[i] for i in after]):
        return None
    # Dated on the outline and the area together, each in its own jitter: an outline's
    # numbers move little at the start of a morph, while the area it covers already has
    # (wild dev: two frames earlier).
    area = np.log(np.maximum([p.det.area for p in seen], 1.0))[:, None]
    joint = np.column_stack([values / noise, area / jitter(area[before])])
    onset = min(pooled_fit(frames, joint).t0, step.t0)
    start = next(p for p in seen if p.frame > onset)
    return step, amount, start, seen[after[0]]


def jitter(values: np.ndarray) -> np.ndarray:
    """Each number's sighting-to-sighting noise (one sighting's share of a difference)."""
    diffs = np.diff(values, axis=0)
    sigma = np.array([robust_sigma(d) for d in diffs.T]) / np.sqrt(2.0)
    return np.maximum(sigma, 0.01)  # shape numbers are read to about a hundredth


def _residual(frames: np.ndarray, series: np.ndarray, step: Step, column: int) -> float:
    g = np.clip((frames - step.t0) / max(step.t1 - step.t0, 1e-9), 0.0, 1.0)
    fit = step.before[column] + g * (step.after[column] - step.before[column])
    return float(np.sqrt(np.mean((series - fit) ** 2)))


def _area_follows(before: list[Point], after: list[Point]) -> bool:
    """The box kept its width and height, and the area changed with the fill of the box.

    A new outline in the same box covers more or less of it, so area and fill change by
    the same ratio; a cut whose outline only wobbles (after a knock, beside another part)
    changes its fill with no change of area."""
    sides, area, fill = [], [], []
    for ps in (before, after):
        sides.append(np.median([np.log(np.maximum(p.det.bbox[2:], 1)) for p in ps], axis=0))
        area.append(np.median([np.log(max(1.0, p.det.area)) for p in ps]))
        fill.append(np.median([np.log(max(0.05, float(p.det.shape[2]))) for p in ps]))
    if np.abs(sides[1] - sides[0]).max() > EXTENT_KEPT:
        return False
    d_area, d_fill = area[1] - area[0], fill[1] - fill[0]
    return d_area * d_fill > 0 and AREA_FOLLOWS[0] <= d_area / d_fill <= AREA_FOLLOWS[1]
