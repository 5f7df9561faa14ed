"""What a background-model part's fitted resize must show beyond its step to be one.

identity_motion.py fits "steady, then changing, then steady" to a part's open-view log area
and asks that the step be large, slow, held, seen before and made in width and height alike
(or, made at once, that instant_resize.py find the whole object at both sizes). Six more ways
a cut's area steps while the object keeps its size, each read on the track itself (held-out
wild 9595: three of its four clean size events):

- the part was not followed through the change: the track was lost for a while between the
  old size and the new one and found again, and the cut it was found on is another (an
  object coming back into view part by part; a sighting merged with a neighbour's cut does
  not show the part: fresh wild 2727 clip 63, cut with a neighbour 0.4 s, unseen 0.25 s,
  found again on a third of its area);
- the part took in a neighbour: it grew while in front of another part (the tracker marks
  the sightings `hides`), and that part's track was never seen again after it was hidden
  (two objects cut as one: a ball and the resting triangle it slid into);
- the old size was no level: the area was already moving the step's way from the part's
  first sightings, so the change began before the track saw it (a cut still settling onto
  its object at a clip's start);
- the old size was not seen again after the track was lost: a part found again after a long
  while unseen that grows or shrinks from its first sightings is coming into view (TUNE
  dev1515 15: unseen 1.2 s, found again on two sightings and growing as it came out);
- most of the step came at once: between two neighbouring sightings in front of or beside
  other parts (which the open-view fit does not read) the area jumped by most of the step,
  as a cut does when two objects come apart or one is taken in (TUNE dev1515 25: a collided
  pair's cut lost 0.74 of its area from one frame to the next at 24 fps); a resize made at
  once by the whole object (instant_resize.py) skips this gate;
- the middle changed color with the size: the track followed another object for one of its
  sizes (TUNE held9191 114: a gray part, then its green object found again, smaller).
Its mirror for a change of hue (`kept_size`): the part that shows the new color is not a
much smaller one, which would be another object the track was found again on.
"""

from __future__ import annotations

import numpy as np

from checkers.tracking import Point, Track

# Longest stretch without any sighting of the track (any flag) between the last sighting of
# the old size and the first of the new one. The world's resizes take 0.4-1 s and the part
# is in view throughout; a track lost for longer was found again on another cut (9595 clip
# 172: lost 0.8 s, found on a ball's growing cut; TUNE and spent seeds' finds: in view
# throughout, sightings in front of others included).
MAX_UNSEEN_SECONDS = 0.5
# The old size's drift the step's way, over the step: the median log area of the later
# half of the old run less that of its earlier half. TUNE's size finds -0.13-0.04, the spent
# seeds' 4848, 5656 and 6565 -0.25-0.10 (a negative drift, against the step, is a cut's
# wobble: it hides no change under way); 9595 clip 237, a cut shrinking from its first
# sighting at the clip's start: 0.24.
OLD_TREND = 0.2
# A step carried by one pair of neighbouring sightings: over JUMP_SHARE of it, at a pace that
# would make the whole step in under JUMP_SECONDS. The world's resizes take 0.4 s or more
# (eased: a frame carries at most about 1.5x the mean pace); TUNE's size finds: at most 0.71 of
# the step in one 8 fps frame (a whole step in 0.18 s), elsewhere 0.28 or less; the clean
# collided pair of dev1515 25: 0.74 in one 24 fps frame (0.056 s).
JUMP_SHARE = 0.5
JUMP_SECONDS = 0.1
# Below 1 / JUMP_SECONDS (10 fps) one frame lasts longer than JUMP_SECONDS, so no share of a
# step up to the whole makes that pace: there a step carried over ONE_FRAME_SHARE in one
# frame is a jump (an 8 fps frame is 0.125 s; the world's resizes take 0.4 s or more). The
# bar holds at every rate: from 10 to 12.5 fps it is also below the pace bar (0.8-1.0).
# TUNE's size finds at d7b92dd carry at most 0.39 of theirs in one 8-10 fps frame, 0.28 at
# 12-30 fps; session 25 saw one carry 0.71 in an 8 fps frame, the collided pair 0.74.
ONE_FRAME_SHARE = 0.8


# Lab units between the median middle chroma (looks.core_chroma) of the track's last
# sightings of the old size and its first of the new: a resized object keeps its color, a
# track that followed another object for one of its sizes does not. TUNE's 18 motion-path
# resizes found at c492fce (held9191 99 with them) move 0-5.1 (median 2); the clean size
# event of held9191 114 (a track that followed a gray part, then found its green object
# again, smaller) 16.1.
COLOR_KEPT = 10.0


def kept_color(track: Track, last_old: int, first_new: int, need: int, chroma) -> bool:
    """The middle of the track's part shows one color on its last `need` sightings up to
    frame `last_old` and its first `need` from `first_new`: their median (a, b) lie within
    COLOR_KEPT. Sightings beside, in front of other parts or at the edge count (the middle
    is the part's own there), not those cut as one with another; no evidence either way
    where a side has no chroma. `chroma(frame)`: the (a, b) of the sighting there, or None."""
    seen = [p for p in track.points if p.det is not None and not p.merged]
    old = [c for p in seen if p.frame <= last_old and (c := chroma(p.frame)) is not None]
    new = [c for p in seen if p.frame >= first_new and (c := chroma(p.frame)) is not None]
    if not old or not new:
        return True
    moved = np.median(new[:need], axis=0) - np.median(old[-need:], axis=0)
    return float(np.linalg.norm(moved)) <= COLOR_KEPT


# A recolor's mirror of COLOR_KEPT: the share of the old look's area under which the part
# that shows the new look is another, smaller object the track was found again on (clean
# wild 8049 clip 292: a floor band's track, lost 0.23 s, found on a cube, 0.16 of its area).
# Only a shrink counts: a recolor can make a faint cut whole (true drifts on spent wild
# seeds grew to 3.7 and 6.5 times their old area where the old color blended with the
# backdrop); their shrinks went to 0.55 at most.
AREA_KEPT = 0.25


def kept_size(seen: list[Point], began: int, first_new: int, need: int = 3) -> bool:
    """The part showing the new look from frame `first_new` on is not a much smaller one:
    the median area of its first `need` sightings `seen` from there is at least AREA_KEPT
    of that of the last `need` before the change `began`."""
    old = [p.det.area for p in seen if p.frame < began][-need:]
    new = [p.det.area for p in seen if p.frame >= first_new][:need]
    if not old or not new:
        return True
    return float(np.median(new)) >= AREA_KEPT * float(np.median(old))


def followed(track: Track, last_old: int, first_new: int, fps: float) -> bool:
    """The track was seen (in front of or beside other parts too, but not cut as one with
    another) without a gap over MAX_UNSEEN_SECONDS from frame `last_old` to `first_new`."""
    frames = [p.frame for p in track.points if p.det is not None and not p.merged]
    return seen_through(frames, last_old, first_new, fps)


def seen_through(frames, last_old: int, first_new: int, fps: float) -> bool:
    """Sightings at `frames` leave no gap over MAX_UNSEEN_SECONDS from frame `last_old` to
    frame `first_new`."""
    span = [last_old, *(f for f in frames if last_old < f < first_new), first_new]
    return float(np.diff(span).max()) / fps <= MAX_UNSEEN_SECONDS


def took_in(track: Track, last_old: int, first_new: int, others: dict[int, Track]) -> bool:
    """The part hid another part between frames `last_old` and `first_new`, and that part's
    track was seen into that span and never after the last sighting that hid it: the two
    are cut as one from there. A neighbour seen again in its own right came out from behind
    (spent seed 5656 clip 65: a square growing beside a part it hid for 6 sightings, a size
    change); one lost long before the change says nothing of it (5656 clip 277)."""
    hiding: dict[int, int] = {}  # hidden track -> the last sighting in the span hiding it
    for p in track.points:
        if last_old <= p.frame <= first_new:
            for h in p.hides:
                hiding[h] = p.frame
    for h, last_hidden in hiding.items():
        other = others.get(h)
        if other is None:
            continue
        seen = [p.frame for p in other.points if p.det is not None]
        # Seen into the change (not a part lost long before) and never after it was hidden.
        if seen and last_old <= max(seen) <= last_hidden:
            return True
    return False


def old_level(old: list[Point], step: float) -> bool:
    """The old run's log area is a level: it did not already move the step's way."""
    if len(old) < 2 or step == 0.0:
        return True
    area = np.log(np.maximum([p.det.area for p in old], 1.0))
    half = len(area) // 2
    drift = float(np.median(area[-half:]) - np.median(area[:half]))
    return drift / step <= OLD_TREND


def seen_again(track: Track, old: list[Point], fps: float, need: int) -> bool:
    """At least `need` of the old size's sightings `old` were made after the track's last
    stretch unseen over MAX_UNSEEN_SECONDS before the change (any sighting counts as seen)."""
    if not old:
        return True
    frames = [p.frame for p in track.points if p.det is not None and p.frame <= old[-1].frame]
    gaps = [
        b for a, b in zip(frames, frames[1:], strict=False) if (b - a) / fps > MAX_UNSEEN_SECONDS
    ]
    found_again = gaps[-1] if gaps else frames[0]
    return sum(1 for p in old if p.frame >= found_again) >= need


def jumped(track: Track, last_old: int, first_new: int, step: float, fps: float) -> bool:
    """Between frames `last_old` and `first_new`, two neighbouring sightings inside the frame
    (beside or in front of others too; not merged) whose log area moved the step's way by
    over JUMP_SHARE of `step`, at a pace making the whole step in under JUMP_SECONDS, or by
    over ONE_FRAME_SHARE of it (the bar where a frame lasts longer than JUMP_SECONDS)."""
    inside = [
        p
        for p in track.points
        if p.det is not None and not p.at_edge and not p.merged and last_old <= p.frame <= first_new
    ]
    for a, b in zip(inside, inside[1:], strict=False):
        share = (np.log(max(b.det.area, 1.0)) - np.log(max(a.det.area, 1.0))) / step
        if b.frame - a.frame != 1 or share <= JUMP_SHARE:
            continue
        if (b.frame - a.frame) / fps / share < JUMP_SECONDS or share > ONE_FRAME_SHARE:
            return True
    return False


def resize_stands(track: Track, old: list[Point], new: Point, step: float, fps: float,
                  others: dict[int, Track] | None, need: int = 2,
                  at_once: bool = False) -> bool:  # fmt: skip
    """All five: followed through the change, no neighbour taken in (growth), no jump, a
    level before, seen again (`need` old sightings) since last lost. `old` are the open-view
    sightings of the old size, `new` the first of the new one, `step` the fitted change of
    log area. A resize `at_once` (instant_resize.py) is a jump by nature, read there."""
    if not old:
        return True
    last_old = old[-1].frame
    if not followed(track, last_old, new.frame, fps):
        return False
    if step > 0 and others is not None and took_in(track, last_old, new.frame, others):
        return False
    if not at_once and jumped(track, last_old, new.frame, step, fps):
        return False
    return old_level(old, step) and seen_again(track, old, fps, need)
