"""An object whose look switches from one frame to the next.

The tracker links a part to a track by position and look, so an object that turns from red
to blue in one frame ends its track there and starts a new one in the same place (its look
no longer matches). Identity drift compares each track only with its own first sightings,
and permanence excuses a part born where another was the frame before (a re-cut), so a
look switch made nothing (tests/test_identity_swap.py). Here the two tracks are joined
again: one ends, the next frame a new one begins where the old one's path leads and of
its size, and both are seen cleanly around the switch. Identity drift then compares their
looks: on the plain path their mean colours with the clip's colour bar; on background-model
parts the chroma of their middles, off the old hue line, with identity_motion's hue bar.
Background-model parts need this as much: identity_motion reads a hue change quicker than
MIN_CHANGE_SECONDS inside one track as a cut taken over, and the tracker ends the track at
a switch anyway (wild spent seeds, 54 drifts re-rendered as switches: 0 found before this).
"""

from __future__ import annotations

import numpy as np

# HOLD_SECONDS: the new look must stay this long; DULL_CHROMA: an old look this dull has no hue
from checkers.identity_motion import DULL_CHROMA, HOLD_SECONDS
from checkers.tracking import Point, Track
from checkers.tracking.looks import hue_shift

# Object sizes: how far from where the ended track's path leads the new part may begin.
REACH_SIZES = 0.5
# The new part's area as a ratio of the ended part's, either way: one object (a switch keeps
# its size; a different object would rarely match it, its place and its path at once).
AREA_RATIO = 1.4
SIGHTINGS = 3  # clean sightings each side whose median look is compared
# Frames between the ended track's last sighting and the new one's first: the frame of the
# switch itself may be caught mid-way (an exposure spanning it: a blend of both colors, too
# far from either for the tracker) and cut as a part of its own, or not at all (spent wild
# 8761 clip 261, 9431 clip 184: a one-sighting track between the two). chroma_step's
# MAX_SPAN allows the same frame.
BETWEEN = 1


def joined(
    tracks: dict[int, Track], fps: float, clean, judged=lambda t: t.look_judged, refound=False
) -> list[tuple[Track, Track, int, set]]:
    """(ended, begun, frame, gone) for each `judged` track that ends where another judged
    one begins the next frame (or BETWEEN frames later). `clean(point, hidden)` says a
    sighting's look can be read, `hidden` being the ids of missing tracks the part may cover:
    the new part covers where the tracker still predicts the ended track, and any part seen
    only between the two (the switch caught mid-way); `gone` holds their ids. With
    `refound`, a track also ends before each stretch it went unseen and was found again
    after (the ended track is then its sightings up to there)."""
    ends: dict[int, list[tuple[Track, Point, float]]] = {}  # frame -> (track, end, next seen)
    for track in tracks.values():
        if judged(track) and track.seen:
            for end, again in _stretches(track, refound):
                ends.setdefault(end.frame, []).append((track, end, again))
    pairs = []
    for new in tracks.values():
        first = new.points[0]
        if first.det is None or first.how != "new" or not judged(new):
            continue
        ended = [e for gap in range(1, BETWEEN + 2) for e in ends.get(first.frame - gap, [])]
        for track, end, again in ended:
            old = _until(track, end)
            gone = {old.id} | _between(tracks, end.frame, first.frame)
            # The new look holds while the ended track is unseen.
            held = [p for p in new.seen if clean(p, gone) and p.frame < again]
            if len(held) < SIGHTINGS or held[-1].frame - first.frame < HOLD_SECONDS * fps:
                continue
            if old.id != new.id and clean(first, gone) and _continues(old, first, clean):
                pairs.append((old, new, first.frame, gone))
                break
    return pairs


def _between(tracks: dict[int, Track], end: int, begin: int) -> set[int]:
    """Ids of the tracks seen only after frame `end` and before frame `begin`."""
    return {
        t.id
        for t in tracks.values()
        if t.seen and end < t.seen[0].frame and t.seen[-1].frame < begin
    }


def _stretches(track: Track, refound: bool) -> list[tuple[Point, float]]:
    """(last sighting, frame of the next one or inf) where the track's sightings stop: its
    end, and with `refound` each sighting followed by frames without one."""
    seen = track.seen
    out = [(seen[-1], float("inf"))]
    if refound:
        out += [
            (a, float(b.frame))
            for a, b in zip(seen, seen[1:], strict=False)
            if b.frame > a.frame + 1
        ]
    return out


def _until(track: Track, end: Point) -> Track:
    """The track as it stood at its sighting `end` (itself where that is its last)."""
    if end is track.seen[-1]:
        return track
    points = [p for p in track.points if p.frame <= end.frame]
    return Track(track.id, points, track.parent, track.origin, units=track.units)


def _continues(old: Track, first: Point, clean) -> bool:
    seen = [p for p in old.seen if clean(p, set())]
    if len(seen) < SIGHTINGS or seen[-1] is not old.seen[-1]:
        return False
    last, before = seen[-1], seen[-2]
    steps = max(1, last.frame - before.frame)
    ahead = first.frame - last.frame  # 1, or more past a frame caught mid-switch
    velocity = (np.array([last.x, last.y]) - [before.x, before.y]) / steps
    lead = np.array([last.x, last.y]) + ahead * velocity
    size = float(np.sqrt(last.det.area))
    if np.hypot(*(lead - [first.x, first.y])) > REACH_SIZES * size:
        return False
    ratio = first.det.area / last.det.area
    return 1 / AREA_RATIO <= ratio <= AREA_RATIO


def _readable(reliable: dict[int, bool], edge: bool = False):
    """A sighting whose look can be read: on a reliable frame, not beside, cut as one with
    or in front of another part (but those in `hidden`), and not at the frame's edge unless
    `edge`."""

    def readable(p: Point, hidden: set) -> bool:
        return (
            p.det is not None
            and not ((p.at_edge and not edge) or p.near or p.merged)
            and set(p.hides) <= hidden
            and reliable.get(p.frame, False)
        )

    return readable


def switches(tracks: dict[int, Track], fps: float, reliable: dict[int, bool]):
    """(ended, begun, frame, Lab distance between their looks either side of the switch)
    for each plain-path pair `joined` finds, the looks read on frames the tracker found
    reliable."""
    readable = _readable(reliable)
    out = []
    for old, new, frame, gone in joined(tracks, fps, readable):
        before = [p.det.lab for p in old.seen if readable(p, set())][-SIGHTINGS:]
        after = [p.det.lab for p in new.seen if readable(p, gone)][:SIGHTINGS]
        distance = np.linalg.norm(np.median(after, axis=0) - np.median(before, axis=0))
        out.append((old, new, frame, float(distance)))
    return out


def motion_switches(tracks: dict[int, Track], fps: float, reliable: dict[int, bool], chroma):
    """(ended, begun, frame, hue shift) for each pair of trusted background-model parts
    `joined` finds. `chroma(track_id, frame)` is the (a, b) of a sighting's middle, or None;
    the shift is the new chroma's distance off the old one's hue line (looks.hue_shift),
    so a part that only comes into shadow or light does not switch; from a dull old look,
    the whole distance where that is larger."""

    def trusted(track: Track) -> bool:
        return track.from_background_model and track.solid

    # Sightings at the frame's edge too: the chroma of a part's middle is its own while the
    # border cuts its rim, and a trusted part is whole on most of them: an object sliding or
    # resting on a floor at the frame's bottom touches it on every frame (TUNE held9191 146,
    # d3131 67: the old look seen only there). The plain path's mean color is not.
    readable = _readable(reliable, edge=True)
    out = []
    # A trusted part's track may be found again later, on the same object in its new color
    # after the new track ends, or on another (spent wild 1618 12, 4181 37: the tracks went
    # on 0.4-1 s after the switch): it ended at the switch all the same.
    for old, new, frame, gone in joined(tracks, fps, readable, trusted, refound=True):
        before = [chroma(old.id, p.frame) for p in old.seen if readable(p, set())]
        after = [chroma(new.id, p.frame) for p in new.seen if readable(p, gone)]
        before = [c for c in before if c is not None][-SIGHTINGS:]
        after = [c for c in after if c is not None][:SIGHTINGS]
        if len(before) < SIGHTINGS or len(after) < SIGHTINGS:
            continue
        shift = switch_shift(np.median(before, axis=0), np.median(after, axis=0))
        out.append((old, new, frame, shift))
    return out


def switch_shift(old_look: np.ndarray, new_look: np.ndarray) -> float:
    """How far a switch moved a part's middle chroma: off the old look's hue line
    (looks.hue_shift); from a dull old look, whose hue line says little, the whole distance
    counts too, as for a drift (identity_motion.DULL_CHROMA; a switch is followed through by
    its join)."""
    shift = hue_shift(old_look, new_look)
    if float(np.linalg.norm(old_look)) < DULL_CHROMA:
        shift = max(shift, float(np.linalg.norm(new_look - old_look)))
    return float(shift)
