"""Splits seen as mass: one part whose blob stretches to hold two of the object.

An object that splits in the wild world leaves a whole copy of itself behind and the two
draw apart (vidgen/world/violations.py). When they part slowly, or the clip ends first,
the segmenter never cuts the copy as a part of its own: the object's one blob grows along
the line the two draw apart on, to up to twice its mass, while across that line it keeps
its width. No rigid object does that by itself, and a size change grows both ways. On the
wild TUNE corpora this was the largest cause of missed splits (d3131 44, fresh4711 49 and
152, held9191 53: the blob grew to 1.7-2.0 times the object's area and never parted).

What else makes a blob grow, and how each is told apart:
- another part merging into it (a collision, one passing in front): every sighting of the
  baseline and of the stretch must touch no other part, and no part may be lost beside it;
- motion blur: a blob is smeared by at most the distance it moves in one frame, so the
  stretch must exceed that;
- a part entering from the border or from behind scenery: sightings at the edge end it,
  and the baseline must be the whole object, steady, seen in open view;
- the ghost of a first-frame object moving away: the stretch must start after the model's
  first pictures (tracking/confidence.py's START_SECONDS);
- something still left behind by a moving object (permanence_behind.py): the model's ghost of
  where a slow object was, or scenery it comes out from behind; one end of the blob stays
  put while the other goes on with the object. Two copies of a moving object both carry its
  motion.

Limit (the session-21 review): the stretch is read along the box's axes, as the world's
splits part sideways. A split along a diagonal, or one seen through a rolled camera, grows
both sides of the box and is not read; measuring along the blob's own principal axis
(second moments) would see it.
"""

from __future__ import annotations

import numpy as np

from checkers.permanence_behind import left_behind
from checkers.segment import to_lab
from checkers.tracking import Point, Track
from checkers.tracking.boxes import box_gap
from checkers.tracking.confidence import START_SECONDS

# Seconds of steady, clear sightings that give the object's own size before it splits.
BASELINE = 0.4
BASELINE_SIGHTINGS = 3
STEADY = 1.2  # the baseline's largest area within this factor of its smallest
# The stretch: its area between these multiples of the object's (two copies overlapping
# hold at most twice its mass; more is something else merged in), and along one axis its
# box grown by STRETCH_EXTENT at least, across it by no more than ACROSS.
AREA_LOW = 1.35
AREA_HIGH = 2.3
STRETCH_EXTENT = 1.35
ACROSS = 1.25
# The stretch must last this long (the pieces part at 0.3-0.9 frame widths over the rest
# of the clip) and reach PARTED extents (0.4 of an object between the two copies).
LASTS = 0.3
LASTS_SIGHTINGS = 3
PARTED = 1.4
# Frame-to-frame steps of the blob: blur smears it by one at most (a shutter open all frame).
BLUR_STEPS = 1.0
GROWING = 0.5  # seconds the pieces may take to grow the blob from the object to a stretch
# Short sides a second the blob must stretch by: the wild world parts split pieces at 0.1
# frame widths a second or more; a texture edge or a shadow creeping as the camera pans
# grows slower (fresh4711 146, clean: 0.055).
PARTING = 0.08
HELD = 0.95  # share of its largest stretch from which the blob holds it
HOLD = 0.5  # seconds a held stretch may last
ONSET = 1.05  # the split is dated from the first sighting grown past this share of the object
# Largest share of the blob's growth, from the object to its stretch, one step of up to
# STEP_SECONDS may bring (measured at 12 and 15 fps; a longer step may bring more in step).
STEP = 0.6
STEP_SECONDS = 1 / 12
KEPT = 0.7  # share of the object's area either piece holds whole (a third cut off by a rim)
# Lab units between the blob's median look over the stretch and the object's own just before
# it, as the frame's exposure then shows it (`exposed`). Two copies of the object have its
# colors; a blob drawn out by something else mixes in that thing's: the model's ghost of a
# slow square on a striped or checkered backdrop (wild clean 7193 clip 290, 6719 clip 120:
# 17.1 and 11.6), a bouncing octagon's shadow and a pendulum's string (4613 clips 97 and 222:
# 5.8 and 6.2), against 0.5-2.6 on the nine stretch splits found on four wild seeds (8642,
# 6719, 7193, 4613; session 34).
LOOK_KEPT = 4.0
LIGHTNESS_STRIDE = 8  # analysis px between the pixels read for a frame's mean lightness


def frame_lightness(image: np.ndarray) -> float:
    """The mean CIE L (0-100) of an RGB analysis frame, read every LIGHTNESS_STRIDE px."""
    return float(
        to_lab(np.ascontiguousarray(image[::LIGHTNESS_STRIDE, ::LIGHTNESS_STRIDE]))[..., 0].mean()
    )


def stretched_split(
    track: Track, reliable: dict[int, bool], tracks: dict[int, Track], lightness=None
):
    """(onset sighting, last stretched sighting) of a split whose two pieces stay one blob,
    or None. `lightness`: frame -> `frame_lightness`, where it was read."""
    units = track.clip_units()
    seen = track.seen
    base_n = units.frames(BASELINE, least=BASELINE_SIGHTINGS)
    lasts = units.frames(LASTS, least=LASTS_SIGHTINGS)
    reach = units.frames(GROWING, least=2)
    i = base_n
    while i < len(seen):
        usual = _usual_before(seen, i, base_n, reach)
        if usual is None or seen[i].frame < START_SECONDS * units.fps:
            i += 1
            continue
        run = _stretch_run(seen, i, usual, reliable)
        onset = _onset(seen, i, usual[0]) if len(run) >= lasts else None
        # A part lost beside it since the blob began to grow (or just before) went into it:
        # from the onset, not only from the stretch (held9191 clip 9, clean: a dim hexagon
        # went in three frames before the blob's box passed for a stretch).
        if (
            onset is not None
            and not lost_beside(track, onset.frame - 2, run[-1].frame, tracks)
            and _parted(onset, run, usual, units)
            and _drawn_out(seen, onset, run, usual, units)
            and _mass_kept(seen, run, usual[0], units)
            and not left_behind(seen, onset, run[-1], units)
            and _look_kept(seen, onset, run, units, lightness or {})
        ):
            return onset, run[-1]
        i += max(1, len(run))
    return None


def _usual_before(seen: list[Point], i: int, base_n: int, reach: int):
    """The object's own (area, width, height): the earliest steady baseline that ends within
    `reach` sightings (one frame apart) before sighting i, the pieces' first growth between
    (the latest one could lie within that growth)."""
    for k in range(max(base_n, i - reach), i + 1):
        between = seen[k - 1 : i + 1]
        if any(b.frame - a.frame != 1 for a, b in zip(between, between[1:], strict=False)):
            continue
        usual = _steady(seen[k - base_n : k])
        if usual is not None:
            # A baseline cut while the object was partly hidden under-reads it: its own
            # area is at least its typical one in open view before.
            clear = [p.det.area for p in seen[:k] if not (p.near or p.at_edge)]
            return max(usual[0], float(np.median(clear))), usual[1], usual[2]
    return None


def _steady(base: list[Point]) -> tuple[float, float, float] | None:
    """(area, width, height) of a run of clear, steady sightings in one-frame steps."""
    if any(p.near or p.at_edge for p in base):
        return None
    if any(b.frame - a.frame != 1 for a, b in zip(base, base[1:], strict=False)):
        return None
    areas = np.array([p.det.area for p in base])
    if areas.max() > STEADY * areas.min():
        return None
    area = float(np.median(areas))
    w = float(np.median([p.det.bbox[2] for p in base]))
    h = float(np.median([p.det.bbox[3] for p in base]))
    return area, w, h


def _stretch_run(seen: list[Point], i: int, usual, reliable) -> list[Point]:
    """The sightings from i on, one frame apart, clear and reliable, whose blob holds more
    than one object stretched along one axis (the same axis throughout)."""
    area, w, h = usual
    run: list[Point] = []
    axis = None
    for p in seen[i:]:
        if run and p.frame - run[-1].frame != 1:
            break
        if p.near or p.at_edge or not reliable.get(p.frame, False):
            break
        ratio = p.det.area / area
        gw, gh = p.det.bbox[2] / w, p.det.bbox[3] / h
        along = 0 if gw >= gh else 1
        long_, cross = (gw, gh) if along == 0 else (gh, gw)
        if not AREA_LOW <= ratio <= AREA_HIGH or long_ < STRETCH_EXTENT or cross > ACROSS:
            if run:
                break
            return []
        if axis is not None and along != axis:
            break
        axis = along
        run.append(p)
    return run


def _look_kept(seen: list[Point], onset: Point, run: list[Point], units, lightness) -> bool:
    """The stretched blob looks like the object did just before (LOOK_KEPT): what drew it out
    is a copy of the object, not the backdrop's ghost, a shadow or a string. True when no
    clear sighting before the onset gives the object's own look."""
    i = next(k for k, p in enumerate(seen) if p is onset)
    reach = units.frames(BASELINE, least=BASELINE_SIGHTINGS)
    before = [p for p in seen[max(0, i - reach) : i] if not (p.near or p.at_edge)]
    if not before:
        return True
    own = np.median([p.det.lab for p in before], axis=0)
    own = exposed(own, [p.frame for p in before], [p.frame for p in run], lightness)
    stretched = np.median([p.det.lab for p in run], axis=0)
    return float(np.linalg.norm(stretched - own)) <= LOOK_KEPT


def exposed(look: np.ndarray, then: list[int], now: list[int], lightness) -> np.ndarray:
    """A Lab `look` read on frames `then`, as the exposure of frames `now` shows it. A gain on
    the light scales L + 16 and a, b by its cube root (CIE Lab), as it scales the frame's mean
    L + 16: an exposure drift or AI flicker between the baseline and the stretch is not a
    change of look. Unchanged where the frames' lightness was not read."""
    before = [lightness[f] for f in then if f in lightness]
    after = [lightness[f] for f in now if f in lightness]
    if not before or not after:
        return look
    gain = (float(np.median(after)) + 16.0) / max(float(np.median(before)) + 16.0, 1e-6)
    return np.array([(look[0] + 16.0) * gain - 16.0, look[1] * gain, look[2] * gain])


def _parted(onset: Point, run: list[Point], usual, units) -> bool:
    """The blob reached the extent of two copies PARTED apart, by more than a frame's motion
    could smear it, stretching at PARTING speed or faster from its onset on."""
    _, w, h = usual
    axis = 0 if run[-1].det.bbox[2] / w >= run[-1].det.bbox[3] / h else 1
    own = (w, h)[axis]
    extents = [p.det.bbox[2 + axis] for p in run]
    at = int(np.argmax(extents))
    best = extents[at]
    steps = [abs((b.x, b.y)[axis] - (a.x, a.y)[axis]) for a, b in zip(run, run[1:], strict=False)]
    step = float(np.median(steps)) if steps else 0.0
    speed = (best - own) / max(1, run[at].frame - onset.frame)  # px a frame
    # Pieces drawing apart keep changing the blob until they part; one that holds its
    # stretch is an object seen bigger (its string, a shadow joined; held9191 148, clean).
    reached = next(p.frame for p, e in zip(run, extents, strict=True) if e >= HELD * best)
    if run[-1].frame - reached > units.frames(HOLD):
        return False
    return (
        best >= PARTED * own and best - own >= BLUR_STEPS * step and speed >= units.speed(PARTING)
    )


def _drawn_out(seen: list[Point], onset: Point, run: list[Point], usual, units) -> bool:
    """The blob grew to its stretch over several frames, not in one: a copy drawing out of
    the object at a steady speed grows it by about equal steps, and the stretch lasts
    LASTS_SIGHTINGS or more. One step of more than STEP of the whole growth is a piece that
    joined the blob at once: another part merged in, or the half of the object that the
    backdrop behind it had hidden (fresh4711 clip 19, clean: a square's top half showing
    against each light tile of the wall it slides past)."""
    _, w, h = usual
    axis = 0 if run[-1].det.bbox[2] / w >= run[-1].det.bbox[3] / h else 1
    own = (w, h)[axis]
    grown = [p for p in seen if onset.frame <= p.frame <= run[-1].frame]
    extents = [own] + [p.det.bbox[2 + axis] for p in grown]
    best = int(np.argmax(extents))
    if best == 0:
        return False
    steps = np.diff(extents[: best + 1])
    # A step over a longer time may bring more: at 8 fps a copy drawn apart at a steady
    # speed grows the blob by 0.75 of its growth in one frame.
    seconds = np.diff([onset.frame - 1] + [p.frame for p in grown[:best]]) / units.fps
    allowed = STEP * np.maximum(1.0, seconds / STEP_SECONDS)
    return bool(np.all(steps <= allowed * (extents[best] - own)))


def _mass_kept(seen: list[Point], run: list[Point], area: float, units) -> bool:
    """After the stretch the blob still holds one to two of the object in open view, for
    HOLD seconds: two copies of an object never hold less than one of them, nor more than
    two. A blob that then shrinks under KEPT of the object lost part of itself (an object
    sliding out from behind another, test9595 clip 129, clean); one that grows past
    AREA_HIGH took in more (a collision, test7171 clip 277, clean)."""
    end = run[-1].frame + units.frames(HOLD)
    after = [p for p in seen if run[-1].frame < p.frame <= end and not (p.near or p.at_edge)]
    return all(KEPT * area <= p.det.area <= AREA_HIGH * area for p in after)


def lost_beside(
    track: Track, first: int, last: int, tracks: dict[int, Track], least: float = 0.0
) -> bool:
    """Another part (of `least` area or more) lost beside this one between frames `first`
    and `last`: it went into the blob, which then holds two objects, not one split."""
    by_frame = {p.frame: p for p in track.seen}
    for other in tracks.values():
        if other.id == track.id:
            continue
        pts = other.points
        for a, b in zip(pts, pts[1:], strict=False):
            if not (first <= b.frame <= last) or a.det is None or b.det is not None:
                continue
            if a.det.area < least:
                continue
            mine = by_frame.get(a.frame)
            if mine is not None and box_gap(mine.det.bbox, a.det.bbox) <= mine.det.size:
                return True
    return False


def _onset(seen: list[Point], i: int, area: float) -> Point:
    """The first sighting of the growth that became the stretch: back from sighting i while
    the blob was still past ONSET of the object's area."""
    j = i
    while j > 0 and seen[j - 1].det.area >= ONSET * area and seen[j - 1].frame == seen[j].frame - 1:
        j -= 1
    return seen[j]
