"""identity_drift on parts of the background model: a hue or a size that changes and holds.

The plain path compares an object's mean color, area and shape numbers with its first
sightings. On a part of the background model (any backdrop) those drift by themselves: the
cut follows shading, shadows and the model's errors, and takes in more or less of the rim.
What stays put on a rigid object, and is judged here instead:

- hue: the chroma of the middle of the part (`core_chroma`), measured off the half-line of
  its earlier chroma (`hue_shift`), so shading, which scales a color along it, is no change;
- size: the part's area, on sightings in open view only (not at the frame's edge, not
  touching or in front of another part, where some of its area is hidden or taken in).

Each series is fitted once with "steady, then changing, then steady" (step_fit.py); there is
no early reference to compare with, so an object first seen just as it starts to change is
judged too. A change counts when its size passes the bar, it took at least
MIN_CHANGE_SECONDS (an instant jump of a cut is a merge, a split or a track taken over; a
resize made at once by the whole object, its outline kept, is read by instant_resize.py), and
the new look held for HOLD_SECONDS. A resize must also have been seen before it began (a part
growing from its first sightings is coming into view), fit the series (an area that wanders
is a cut following shadows), and scale the box's width and height alike; and the track
must have been followed through it, taken in no part it hid, and shown its old size as a
level (resize_gates.py). A resize made in
front of another part is fitted on every sighting inside the frame when the open-view sizes
either side bear it out. A change is dated at the first sighting after the fitted start.
Shape: a held change of the outline against the track's own jitter, with the box kept
(shape_motion.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from checkers.arrivals import arriving
from checkers.hue_turn import hue_bar
from checkers.instant_resize import made_at_once
from checkers.outline_change import outline_step
from checkers.resize_gates import kept_color, kept_size, resize_stands, seen_through
from checkers.shape_motion import SHAPE_STEP, shape_step
from checkers.step_fit import DATING_WINDOW, Step, fit_step, pooled_fit
from checkers.tracking import Point, Track
from checkers.tracking.boxes import scaled_alike
from checkers.tracking.looks import core_chroma, hue_shift
from checkers.units import frames_in

# Lab units off the earlier hue line. Wild dev corpora (d3131, dev1515): clean tracks at
# most 21 and 23 (one each; the rest 12 or less), color drifts found 67-114 (the world turns
# the hue by 60 degrees or more, to a saturated color). The bar sits between, in ratio.
HUE_SHIFT = 40.0
# Lab chroma under which the old look is dull: its hue line says little, and a drift from it
# to a saturated color can run near that line (TUNE dev1515 77: chroma 15 to 91, 20 off it)
# or through gray (fresh4711 189: 15 to 31 the other way; both missed at d7b92dd). From a
# dull look the whole distance in chroma counts too, against the same bar, where the track
# was followed through the change (no gap over MAX_UNSEEN_SECONDS: clean fresh4711 35, a
# track seen once at chroma 12 and found again a second later on a saturated part).
DULL_CHROMA = 20.0
SIZE_STEP = 0.7  # |log area ratio| (size ratio 1.42); the world resizes by 0.45-0.6 or 1.6-2.0
SIZE_RESIDUAL = 0.15  # rms log area about the fitted step that still reads as one resize
# A change of look fitted quicker than this is a cut that merged, split or was taken over by
# another object; the world's gradual changes take 0.4 s or more. (A resize made at once by
# the whole object, outline kept, is read apart: instant_resize.py.)
MIN_CHANGE_SECONDS = 0.3
HOLD_SECONDS = 0.25
MIN_SIGHTINGS = 5
# A resize must hold for HOLD_SECONDS in open view, as a hue must. Session 16 asked for one
# sighting only (one more resize on its dev corpus); held out, the part of an object sliding
# behind scenery or out of the frame shrinks for a sighting or two and is then lost, and that
# was the commonest clean-clip identity event (seed 5353: 2 of 4 behind a wall, 1 at the edge).
SIZE_HOLD = None
# ... unless the part left the frame right after: seen after its last open-view sighting
# only at the frame's edge, its new size held as long as it could be seen in full; two
# sightings of it then (spent wild 8761 124, 9431 259, TUNE fresh4711 101: 3-5 sightings,
# under HOLD_SECONDS at 24-30 fps, between the change and the border). An object sliding
# behind scenery is lost, not seen at the edge. In seconds, at least two sightings: two at
# 8-30 fps, more at higher rates.
EXIT_HOLD_SECONDS = 0.08


@dataclass(frozen=True)
class MotionChange:
    """A change of look of one background-model track: which look, from which sighting."""

    key: str  # "color", "size" or "shape"
    start: Point  # the first sighting after the change began
    end: Point  # the first sighting with the new look
    amount: float  # hue shift (Lab units), |log area ratio| or shape units (shape_motion.py)
    threshold: float


SCENE_STRIDE = 8  # analysis px between the pixels read for a frame's overall chroma


def scene_chroma(image: np.ndarray) -> np.ndarray:
    """The median (a, b) of the whole frame, on a sparse grid: the light's tint. A white
    balance step moves it with every object's; a switch of one object barely does."""
    grid = np.ascontiguousarray(image[::SCENE_STRIDE, ::SCENE_STRIDE])
    lab = cv2.cvtColor(grid, cv2.COLOR_RGB2Lab).astype(np.float32)
    return np.median(lab.reshape(-1, 3)[:, 1:], axis=0) - 128.0


class MotionLooks:
    """Collects the core chroma of every background-model sighting while the clip plays;
    after it, finds the first change of look of a track."""

    def __init__(self) -> None:
        self._chroma: dict[tuple[int, int], np.ndarray] = {}  # (track, frame) -> (a, b)
        self._scene: dict[int, np.ndarray] = {}  # frame -> the whole frame's median (a, b)
        self.zooms: dict[int, float] = {}  # frame -> the camera's change of scale into it

    def add(self, track: int, frame: int, image: np.ndarray, det) -> None:
        self._chroma[(track, frame)] = core_chroma(image, det)
        if frame not in self._scene:
            self._scene[frame] = scene_chroma(image)

    def scene(self, frame: int) -> np.ndarray | None:
        """The median (a, b) of the whole frame, read where a part's chroma was."""
        return self._scene.get(frame)

    def chroma(self, track: int, frame: int) -> np.ndarray | None:
        """The (a, b) of the middle of `track`'s sighting on `frame`, if it was read."""
        return self._chroma.get((track, frame))

    def change(self, track: Track, reliable, fps: float, k: float, others=None):
        """The first change of look of `track` (a MotionChange), or None. `others`: every
        track by id, to see whether a part that grew took in one it hid (resize_gates)."""
        seen = self._seen(track, reliable)
        # A part in front of a hidden object may have taken in its rim: its area says
        # nothing then, but its middle is still its own (wild dev: one more drift found).
        hue = self._hue(track.id, seen, fps, k)
        if hue is not None and not kept_size(seen, hue.start.frame, hue.end.frame):
            hue = None  # the track went on on another, smaller object (resize_gates)

        def chroma(frame: int):
            return self._chroma.get((track.id, frame))

        size = _standing(self._size([p for p in seen if not p.hides], fps, k, dating=seen),
                         track, fps, others, chroma)  # fmt: skip
        if size is None:
            size = _standing(_size_behind(seen, fps, k), track, fps, others, chroma)
        open_view = _open(seen)
        shape = _shape(open_view, fps, k)
        outline = _outline(open_view, fps, k)
        if size is not None and any(same_morph(size, c) for c in (shape, outline) if c):
            size = None  # the outline's change, which the area followed (`same_morph`)
        found = [c for c in (hue, size, shape, outline) if c is not None]
        return min(found, key=lambda c: c.start.frame) if found else None

    def open_view(self, track: Track, reliable) -> list[Point]:
        """The sightings of `track` its outline is judged on (`change`'s shape and outline)."""
        return _open(self._seen(track, reliable))

    def _seen(self, track: Track, reliable) -> list[Point]:
        return [
            p
            for p in track.points
            if p.det is not None
            and not p.merged
            and reliable.get(p.frame, False)
            and (track.id, p.frame) in self._chroma
        ]

    def _hue(self, tid: int, seen: list[Point], fps: float, k: float):
        return hue_change(seen, [self._chroma[(tid, p.frame)] for p in seen], fps, k)

    def _size(self, seen: list[Point], fps: float, k: float, dating: list[Point]):
        """(the resize, the open-view sightings of the old size, the first of the new one,
        the sign of its change of log area, whether it was made at once), or None."""
        open_view = [p for p in seen if not p.at_edge and not p.near]
        step = _fit(open_view, _log_areas(open_view), fps)
        if step is None:
            return None
        # A part found (again) while still coming into view: its size once in (arrivals.py).
        away = arriving([p.frame for p in dating], open_view, step, k)
        if away:
            open_view = [p for p in open_view if p.frame not in away]
            dating = [p for p in dating if p.frame not in away]
            step = _fit(open_view, _log_areas(open_view), fps)
        if step is None or step.residual > SIZE_RESIDUAL * k:
            return None
        # Made between two frames by the same whole object (instant_resize.py): read first,
        # as a pooled fit may stretch a one-frame step past MIN_CHANGE_SECONDS at low rates.
        at_once = _at_once(open_view, step, SIZE_STEP * k, fps, self.zooms)
        if at_once is not None:
            return at_once
        amount = float(abs(step.after - step.before)[0])
        hold = (
            frames_in(EXIT_HOLD_SECONDS, fps, least=2) if _exits(open_view, dating) else SIZE_HOLD
        )
        change = _judged("size", open_view, step, amount, SIZE_STEP * k, fps, hold=hold)
        # The size before the change must have been seen: a part growing from its first
        # sightings is an object coming into view (out from behind something, or out of
        # the model's own picture), not one that grows (a shrink: `old_sightings`).
        before = [p for p in open_view if p.frame <= step.t0]
        sign = float((step.after - step.before)[0])
        if change is None or len(before) < old_sightings(sign, len(before), fps):
            return None
        after = [p for p in open_view if p.frame >= step.t1]
        if not both_ways(before[-len(after) :], after[: len(before)]):
            return None
        # Dated on the sightings beside and in front of other parts too (`dating`; not those
        # cut by the edge): a resize begun while the object passes close to or in front of
        # another starts there, and the open-view sightings alone leave the start anywhere in
        # the gap (TUNE: a square shrinking in front of another part, dated 8 frames early).
        near = [p for p in dating if not p.at_edge]
        first = sum(1 for p in near if p.frame < change.start.frame)
        last = min(near.index(change.end), first + DATING_WINDOW)
        window = near[max(0, first - DATING_WINDOW) : last + 1]
        if len(window) < MIN_SIGHTINGS:
            return change, before, change.end, sign, False
        # The bend is fitted on the part's linear size (a length), where it is judged on the
        # log of its area: a steady resize is a straight ramp of its length, but its log area
        # curves (a shrink falls slowly first, a growth rises fast first), which moved the
        # fitted bend late for shrinks and early for growths (spent wild 5903, 6997, 7411:
        # shrinks +0 to +3 frames, growths -2 to 0; on the length +0 to +2 and -1 to 0).
        t0 = fit_step(np.array([p.frame for p in window]), _lengths(window)).t0
        start = next(p for p in window if p.frame > t0)
        return (
            MotionChange("size", start, change.end, amount, change.threshold),
            before,
            change.end,
            sign,
            False,
        )


def _at_once(open_view: list[Point], step: Step, bar: float, fps: float, zooms):
    """`MotionLooks._size`'s answer for a resize made between two frames (instant_resize.py),
    or None: the old size must have been seen and the box changed both ways."""
    found = made_at_once(open_view, step, bar, fps, zooms)
    if found is None:
        return None
    first, amount = found
    before = [p for p in open_view if p.frame < first.frame]
    after = [p for p in open_view if p.frame >= first.frame]
    if len(before) < hold_frames(fps) or not both_ways(before[-len(after) :], after[: len(before)]):
        return None
    sign = float(np.median(_log_areas(after)) - np.median(_log_areas(before)))
    return MotionChange("size", first, first, amount, bar), before, first, sign, True


def old_sightings(sign: float, seen: int, fps: float) -> int:
    """Open-view sightings of the old size a resize needs (`seen` were made): HOLD_SECONDS
    for a growth; for a shrink (coming into view never shrinks a part) two or more (wild
    8049 clip 125, 6233 clip 157: shrank 0.15-0.2 s after they came into view)."""
    return hold_frames(fps) if sign > 0 else min(hold_frames(fps), max(2, seen))


def hold_frames(fps: float) -> int:
    """Sightings a new look must be seen in: HOLD_SECONDS, at least two."""
    return frames_in(HOLD_SECONDS, fps, least=2)


def hue_change(seen: list[Point], values, fps: float, k: float) -> MotionChange | None:
    """The change of hue fitted on sightings `seen` whose core chromas are `values`, if it
    passes the bar, took MIN_CHANGE_SECONDS or more and held."""
    step = _fit(seen, values, fps)
    if step is None:
        return None
    amount = hue_shift(step.before, step.after)
    if float(np.linalg.norm(step.before)) < DULL_CHROMA and _followed(seen, step, fps):
        amount = max(amount, float(np.linalg.norm(step.after - step.before)))
    # A turn of a low-chroma hue passes a lower bar (hue_turn.py).
    bar = hue_bar(step.before, step.after, HUE_SHIFT * k, k)
    return _judged("color", seen, step, amount, bar, fps)


def _followed(seen: list[Point], step: Step, fps: float) -> bool:
    """The sightings `seen` show no gap over MAX_UNSEEN_SECONDS from the last before the
    fitted change to the first after it (or the last, if none follows)."""
    frames = [p.frame for p in seen]
    old = [f for f in frames if f <= step.t0]
    if not old:
        return False
    after = [f for f in frames if f > step.t1]
    first_new = after[0] if after else max(f for f in frames if f <= max(step.t1, old[-1]))
    return seen_through(frames, old[-1], first_new, fps)


def _standing(found, track: Track, fps: float, others, chroma) -> MotionChange | None:
    """The resize of `found` ((change, old sightings, first new one, sign of the step, made
    at once) or None) if it passes resize_gates' reading of the track and kept its color;
    `chroma(frame)` is the middle's (a, b) of the track's sighting there, or None."""
    if found is None:
        return None
    change, old, new, step, at_once = found
    need = old_sightings(step, len(old), fps)
    if not resize_stands(track, old, new, step, fps, others, need, at_once):
        return None
    if old and not kept_color(track, old[-1].frame, new.frame, need, chroma):
        return None
    return change


def _exits(open_view: list[Point], dating: list[Point]) -> bool:
    """After its last open-view sighting the part was seen only at the frame's edge: it left."""
    later = [p for p in dating if p.frame > open_view[-1].frame]
    return bool(later) and all(p.at_edge for p in later)


def same_morph(size: MotionChange, shape: MotionChange) -> bool:
    """A resize and a change of outline of one part at the same time are one morph: the
    outline (its radial profile, its box fill and solidity) reads alike at any scale, so a
    resize leaves it; a new outline in the same box covers more or less of it, so the area
    follows. The outline then dates it: on the spent wild seeds' morphs the resize's fit
    began 2-5 frames before the morph and the outline's within 2 (7331 clip 196: triangle
    into square from frame 38, resize 35, outline 36; 5279 clip 278 and 3779 clip 36, whose
    outline only the source reads: resize 40 and 11, outline 44 and 13, from 45 and 14)."""
    return shape.start.frame <= size.end.frame and size.start.frame <= shape.end.frame


def _open(seen: list[Point]) -> list[Point]:
    """Sightings clear of the frame's edge, of other parts and of what they hide."""
    return [p for p in seen if not p.at_edge and not p.near and not p.hides]


def _shape(open_view: list[Point], fps: float, k: float) -> MotionChange | None:
    found = shape_step(open_view, fps, k)
    if found is None:
        return None
    _, amount, start, end = found
    return MotionChange("shape", start, end, amount, SHAPE_STEP * k)


def _outline(open_view: list[Point], fps: float, k: float) -> MotionChange | None:
    found = outline_step(open_view, fps, k)
    if found is None:
        return None
    return MotionChange("shape", found.start, found.end, found.amount, found.threshold)


def _size_behind(seen: list[Point], fps: float, k: float):
    """A resize made while the part was in front of or beside another: fitted on every
    sighting inside the frame, and borne out by the open-view sizes either side of it.

    A part in front of a hidden object may take in its rim, so those sightings alone say
    nothing; but when the object is seen in open view before and after, and its size
    there differs as the fit says, the fit dates the change where it happened (wild dev:
    a ball that grew while it swung in front of a lost part)."""
    inside = [p for p in seen if not p.at_edge]
    step = _fit(inside, _log_areas(inside), fps)
    if step is None:
        return None
    amount = float(abs(step.after - step.before)[0])
    change = _judged("size", inside, step, amount, SIZE_STEP * k, fps, hold=SIZE_HOLD)
    if change is None:
        return None
    open_view = [p for p in seen if not p.at_edge and not p.near and not p.hides]
    before = [p for p in open_view if p.frame <= step.t0]
    after = [p for p in open_view if p.frame >= step.t1]
    if len(before) < hold_frames(fps) or len(after) < 2:
        return None
    seen_step = float(np.median(_log_areas(after)) - np.median(_log_areas(before)))
    if seen_step * float((step.after - step.before)[0]) <= 0 or abs(seen_step) <= SIZE_STEP * k:
        return None
    if not both_ways(before[-len(after) :], after[: len(before)]):
        return None
    # The open-view sizes lie on the fitted step as one resize's do (a cut following
    # shadows wanders about it).
    frames = np.array([p.frame for p in open_view], dtype=float)
    ramp = np.clip((frames - step.t0) / max(step.t1 - step.t0, 1e-9), 0.0, 1.0)
    fitted = step.before[0] + ramp * (step.after[0] - step.before[0])
    if np.sqrt(np.mean((_log_areas(open_view)[:, 0] - fitted) ** 2)) > SIZE_RESIDUAL * k:
        return None
    return change, before, change.end, float((step.after - step.before)[0]), False


def both_ways(before: list[Point], after: list[Point]) -> bool:
    """The part's box grew or shrank in width and height alike, as a resized object's does
    (tracking.boxes.scaled_alike)."""
    return scaled_alike([p.det.bbox for p in before], [p.det.bbox for p in after])


def _log_areas(seen: list[Point]) -> np.ndarray:
    return np.array([[np.log(max(1.0, p.det.area))] for p in seen])


def _lengths(seen: list[Point]) -> np.ndarray:
    """Each sighting's linear size: the square root of its area (analysis px)."""
    return np.array([[np.sqrt(max(1.0, p.det.area))] for p in seen])


def _fit(seen: list[Point], values, fps: float) -> Step | None:
    """The step fit of a series (pooled when long), or None for too few sightings."""
    if len(seen) < MIN_SIGHTINGS:
        return None
    return pooled_fit(np.array([p.frame for p in seen], dtype=float), values)


def _judged(key, seen, step: Step, amount, threshold, fps, hold=None) -> MotionChange | None:
    """The change fitted by `step`, if large enough, slow enough and held for `hold`
    sightings (HOLD_SECONDS when None)."""
    if amount <= threshold or (step.t1 - step.t0) / fps < MIN_CHANGE_SECONDS:
        return None
    held = [p for p in seen if p.frame >= step.t1]
    if len(held) < (hold_frames(fps) if hold is None else hold):
        return None
    start = next(p for p in seen if p.frame > step.t0)
    return MotionChange(key, start, held[0], amount, threshold)
