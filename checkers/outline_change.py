"""A held change of a background-model part's outline, read on its radial profile.

shape_motion.py judges the part's shape numbers (circularity, solidity, fill), which a loose
cut moves nearly as much as a morph does. The radial profile (outline.py) reads the whole
outline: its spread is about 0.05-0.1 for a ball or an octagon, 0.1-0.15 for a hexagon, 0.3
for a square and 0.5-0.65 for a triangle, on cuts of 10-30 px across, and turning the
object leaves it alone. A change counts when the spread moves from one steady level to
another and stays: the level before is read over at least BEFORE_SECONDS, the new one over
HOLD_SECONDS, and the step must pass both a floor and the track's own sighting-to-sighting
jitter before it (calibrated per track, as a cut following shading jitters more). The new
outline is still there at the track's end (a cut that takes in a shadow or a neighbour for
a while returns to the old one), and the old one was steady in area too (a cut still
shrinking onto its object is not yet its outline). A
diamond turning into a square keeps its profile (it is the same outline, turned) and is not
seen here.

Sightings whose box is cut well short of the track's usual one (partly hidden behind an
occluder or by the frame's edge) are left out of the fits, and a change with such a sighting
between the old level and the end of the new one's hold window was not seen whole and is not
judged.

The step is the best "steady, ramp, steady" fit of the series; when that fit is another
change than a judgeable one (it starts before the old outline was seen long enough, or is
not held before the track ends), the sightings on either side of it are searched again:
one track may show a cut's jump at its start and a morph later.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from checkers.outline import spread
from checkers.stats import robust_sigma
from checkers.step_fit import pooled_fit
from checkers.tracking import Point
from checkers.units import frames_in

# Spread units (outline.spread). The world's morphs between outline classes (ball or
# octagon, hexagon, square or star, triangle) move it by 0.15 or more; TUNE clean tracks'
# steady levels jitter by 0.01-0.05 a sighting.
SPREAD_STEP = 0.12
NOISE_STEPS = 6.0  # the step, in the track's own jitter before it
# Each level must be steady: its sightings' spread about their median, as a share of the
# step (an outline that keeps changing is a part sliding behind scenery or a cut breaking).
LEVEL_SPREAD = 0.35
# And the old outline, the track's established look, is steady outright: spread units of
# its sightings about their median (TUNE: 0.005-0.026 before the morphs found; a part coming
# into view whole over its first 13 sightings, 0.16; a spent seed's clean part 14x9 px
# across, 0.059).
OLD_SPREAD = 0.04
BEFORE_SECONDS = 0.4
HOLD_SECONDS = 0.25
# The new level is read over this long after the change (all the track's sightings, not
# only those of the stretch searched): a cut that broke for a while returns to its old
# outline within it (TUNE: a ball whose cut took in its shadow for 0.6 s).
HOLD_WINDOW_SECONDS = 1.0
# Between the last sighting before the fitted change and the first after it: the world's
# morphs take 0.4-1 s; a quicker change is a cut that broke, merged or was taken over.
MIN_CHANGE_SECONDS = 0.25
MAX_CHANGE_SECONDS = 1.5  # a slower drift is the cut's, following shading
# |log| of the box's width or height across the change: a morph keeps the object's
# half-extent box (a hexagon's is 0.87 as wide: 0.14; a star's tips are cut loose); a part
# first cut short (half hidden, entering) and later whole changes its box (TUNE clean: 16x26
# px then 34x34; a part growing from 35x37 to 47x50 as its cut took in more).
EXTENT_KEPT = 0.2
# Sighting-to-sighting jitter of the new level, as a share of the step: the new outline is
# steady; a cut that breaks up flickers (TUNE clean: a square's cut reading 0.36-0.8).
NEW_JITTER = 0.25
# The old outline is an object's established look in area too: the median |log area| of its
# sightings about their median. The world changes no size in a morph (TUNE's outline finds:
# 0.009-0.034); a cut that is still shrinking onto its object from its first sightings is
# not yet the object's outline (held-out wild 4848 clip 294: a square's cut from 2.5 times
# its area down to it, 0.24).
OLD_AREA_SPREAD = 0.15
# No compact object's outline spreads further (a triangle ~0.65, a six-point star ~0.5-0.6):
# a level above it is a sliver or a piece of scenery, whose outline says nothing.
COMPACT_SPREAD = 0.8
# |log| of a sighting's box width or height under the track's median: a box cut this far
# short is a part partly hidden (sliding behind an occluder, crossing the frame's edge), whose
# outline and area are the cut's, not the object's; it is left out of the fits (spent wild
# 2357 clip 205: a square's box 0.4-1.7 under its usual behind an occluder, so the outline
# and area fits dated its later morph where the box grew back, 16 frames early). A morph
# keeps the box within EXTENT_KEPT.
CUT_SHORT = 0.3
MIN_SIGHTINGS = 8
SEARCHES = 2  # levels of re-search either side of a fitted step that is not judged


@dataclass(frozen=True)
class OutlineStep:
    amount: float  # |change of spread|
    threshold: float
    start: Point  # first sighting after the fitted start
    end: Point  # first sighting of the new outline


@dataclass
class Reading:
    """One number of a track's outline, per sighting, and how it is judged."""

    values: np.ndarray  # (n,) the number on each sighting
    sides: np.ndarray  # (n, 2) log width and height of the box it was read in
    floor: float = SPREAD_STEP  # the least step, in the number's units
    cap: float = COMPACT_SPREAD  # a level above it is no compact outline
    areas: np.ndarray | None = None  # (n,) log area of the cut it was read on (None: det's)
    cut_short: tuple[int, ...] = ()  # frames of the sightings left out as cut short

    def kept(self, keep: np.ndarray, cut_short: tuple[int, ...]) -> Reading:
        """The reading on the sightings `keep` (a boolean mask) only; the others' frames
        `cut_short`."""
        areas = None if self.areas is None else self.areas[keep]
        values, sides = self.values[keep], self.sides[keep]
        return Reading(values, sides, self.floor, self.cap, areas, cut_short)

    def log_areas(self, seen: list[Point], which: list[int]) -> np.ndarray:
        if self.areas is not None:
            return self.areas[which]
        return np.log(np.maximum([seen[i].det.area for i in which], 1.0))


def outline_step(seen: list[Point], fps: float, k: float) -> OutlineStep | None:
    """The earliest held change of outline among open-view sightings `seen`, or None."""
    seen = [p for p in seen if p.det.outline is not None]
    if len(seen) < MIN_SIGHTINGS:
        return None
    values = np.array([spread(p.det.outline) for p in seen])
    sides = np.log(np.maximum([p.det.bbox[2:] for p in seen], 1.0))
    return held_step(seen, Reading(values, sides), fps, k)


def held_step(seen: list[Point], reading: Reading, fps: float, k: float) -> OutlineStep | None:
    """The earliest held change of the number `reading` reads on sightings `seen`, or None
    (the gates of the radial spread's change, with the reading's own floor and cap)."""
    whole = _whole(reading.sides)
    if not whole.all():
        cut_short = tuple(p.frame for p, keep in zip(seen, whole, strict=True) if not keep)
        seen = [p for p, keep in zip(seen, whole, strict=True) if keep]
        reading = reading.kept(whole, cut_short)
    if len(seen) < MIN_SIGHTINGS:
        return None
    return _search(seen, reading, list(range(len(seen))), fps, k, SEARCHES)


def _whole(sides: np.ndarray) -> np.ndarray:
    """Which sightings (rows of log box width and height) are not cut short of the track's
    usual box (CUT_SHORT)."""
    return np.all(sides >= np.median(sides, axis=0) - CUT_SHORT, axis=1)


def _search(seen, reading, part, fps, k, depth) -> OutlineStep | None:
    """The first judged change within the sightings `part` (indices into `seen`)."""
    if len(part) < MIN_SIGHTINGS:
        return None
    frames = np.array([seen[i].frame for i in part], dtype=float)
    step = pooled_fit(frames, reading.values[part])
    found = _judged(seen, reading, part, step.t0, step.t1, fps, k)
    if found is not None or depth == 0:
        return found
    # Another change than a judgeable one took the fit: look either side of it.
    for side in (
        [i for i in part if seen[i].frame <= step.t0],
        [i for i in part if seen[i].frame >= step.t1],
    ):
        found = _search(seen, reading, side, fps, k, depth - 1)
        if found is not None:
            return found
    return None


def _judged(seen, reading, part, t0: float, t1: float, fps: float, k: float):
    """The change fitted from frame t0 to t1 within `part`, if it is judged one."""
    values = reading.values
    before = [i for i in part if seen[i].frame <= t0]
    # The new outline is read on every later sighting of the track within the window.
    after = [i for i, p in enumerate(seen) if t1 <= p.frame <= t1 + HOLD_WINDOW_SECONDS * fps]
    if len(before) < frames_in(BEFORE_SECONDS, fps, least=3):
        return None
    if len(after) < frames_in(HOLD_SECONDS, fps, least=3):
        return None
    took = (seen[after[0]].frame - seen[before[-1]].frame) / fps
    if not MIN_CHANGE_SECONDS <= took <= MAX_CHANGE_SECONDS:
        return None
    # The change and the new outline are seen whole: a part cut short while its outline
    # changed, or just after, was going behind something or breaking (TUNE clean: a square's
    # cut breaking up as it slid behind scenery, another's across a stretch half hidden).
    last = seen[after[-1]].frame
    if any(seen[before[-1]].frame < f <= last for f in reading.cut_short):
        return None
    old, new = values[before], values[after]
    if max(np.median(old), np.median(new)) > reading.cap:
        return None
    amount = float(abs(np.median(new) - np.median(old)))
    noise = max(robust_sigma(np.diff(old)) / np.sqrt(2.0), 0.01)
    threshold = max(reading.floor, NOISE_STEPS * noise) * k
    if amount <= threshold:
        return None
    for level in (old, new):
        if float(np.median(np.abs(level - np.median(level)))) > LEVEL_SPREAD * amount:
            return None
    if float(np.median(np.abs(old - np.median(old)))) > OLD_SPREAD:
        return None
    if robust_sigma(np.diff(new)) / np.sqrt(2.0) > NEW_JITTER * amount:
        return None
    if not _kept_to_end(seen, values, t1, float(np.median(new)), amount, fps):
        return None
    old_area = reading.log_areas(seen, before)
    if float(np.median(np.abs(old_area - np.median(old_area)))) > OLD_AREA_SPREAD:
        return None
    if not _box_kept(reading.sides[before], reading.sides[after]):
        return None
    onset = min(t0, _area_onset(seen, reading, part, before, noise))
    start = next(seen[i] for i in part if seen[i].frame > onset)
    return OutlineStep(amount, threshold, start, seen[after[0]])


def _kept_to_end(seen, values, t1: float, new: float, amount: float, fps: float) -> bool:
    """The track's last sightings (HOLD_SECONDS of them) still show the new outline, within
    LEVEL_SPREAD of the step: a morph keeps its new outline, while a cut that took in a
    shadow, a string or a neighbour for a while returns to the old one (held-out wild 4848
    clip 149, a swing's apex; 5656 clip 165, a collision; 4848 clip 150, a shadow: 0.46-1.05
    of the step away at the end; TUNE's outline finds 0.02-0.15)."""
    rest = [i for i, p in enumerate(seen) if p.frame >= t1]
    last = values[rest[-frames_in(HOLD_SECONDS, fps, least=3) :]]
    return abs(float(np.median(last)) - new) <= LEVEL_SPREAD * amount


def _box_kept(before: np.ndarray, after: np.ndarray) -> bool:
    """The box's median log width and height (rows of `before`, `after`) kept."""
    change = np.median(after, axis=0) - np.median(before, axis=0)
    return float(np.abs(change).max()) <= EXTENT_KEPT


def _area_onset(seen, reading, part, before, noise: float) -> float:
    """Where the outline and the area it covers, fitted together (each in its own jitter),
    start to change: a blend between two outlines moves the area first and the spread of
    the outline later (TUNE: a ball turning into a square over 25 frames, its spread
    fitted 5 frames late)."""
    frames = np.array([seen[i].frame for i in part], dtype=float)
    area, old_area = reading.log_areas(seen, part), reading.log_areas(seen, before)
    area_noise = max(robust_sigma(np.diff(old_area)) / np.sqrt(2.0), 0.01)
    joint = np.column_stack([reading.values[part] / noise, area / area_noise])
    return pooled_fit(frames, joint).t0
