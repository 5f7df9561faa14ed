"""A hue drift that spans a break of the object's track.

identity_motion.py fits each background-model track's hue on its own sightings. When a drift
makes the tracker lose the object (its look no longer matches, or its cut is merged with a
neighbour's for a frame) and a new track takes it on, neither track holds the whole drift:
the old one ends before most of it, and the new one begins partway through, its own early
look already off the old hue line (TUNE dev1515 180 and fresh4711 58: drifts of 0.5-0.9 s
split across two tracks, each track's own fit under the bar).

Here a trusted track that ends where another trusted track goes on is judged as one series
by identity_motion's hue rule, with its bar, its slowness and its hold. The new track must
have begun at most BORN_SECONDS before the old one's last sighting (a part cut off the object
as it lost its track, or a new one), and its next sighting must come within MAX_GAP frames
of that and within REACH_SIZES object sizes of the old track's last own (not merged)
sighting. Two objects do not pass for one: where a track changes hands between objects the
hue jumps from one frame to the next, which the rule's MIN_CHANGE_SECONDS refuses.

The same pairs (`successions`) go to chroma_step.py as look_switch's do, to be judged there
as one-frame switches at the join: look_switch asks the new part to begin where the old
one's path leads, which a switch made as the object bounces misses (TUNE held9191 52: a
falling square turned orange at its bounce, 1.1 of its size off the lead).
"""

from __future__ import annotations

import numpy as np

from checkers.identity_motion import MIN_SIGHTINGS, hue_change
from checkers.tracking import Point, Track

BORN_SECONDS = 0.5
MAX_GAP = 2  # frames from the old track's last sighting to the new one's next
REACH_SIZES = 1.0  # the object's own size (square root of its last own area)


def _goes_on(old: Track, new: Track, fps: float) -> list[Point]:
    """The sightings of `new` after `old`'s last one, if `new` takes the object on there
    (begun shortly before, next seen at once and near it); else none."""
    last = old.seen[-1]
    first = new.seen[0]
    if first.frame > last.frame + 1 or (last.frame - first.frame) / fps > BORN_SECONDS:
        return []
    after = [p for p in new.seen if p.frame > last.frame]
    own = [p for p in old.seen if not p.merged]  # a merged cut's centroid is the pair's
    if not after or not own or after[0].frame - last.frame > MAX_GAP:
        return []
    reach = REACH_SIZES * float(np.sqrt(own[-1].det.area))
    return after if np.hypot(after[0].x - own[-1].x, after[0].y - own[-1].y) <= reach else []


def successions(tracks: dict[int, Track], fps: float, known=()) -> list[tuple[Track, Track]]:
    """(old, new) for each pair of trusted background-model tracks where `new` takes the
    object on as `old` ends (`_goes_on`), but for the pairs in `known`."""
    trusted = [t for t in tracks.values() if t.from_background_model and t.solid and t.seen]
    skip = {(o.id, n.id) for o, n in known}
    return [
        (o, n)
        for o in trusted
        for n in trusted
        if n is not o and (o.id, n.id) not in skip and _goes_on(o, n, fps)
    ]


def chained_drifts(tracks: dict[int, Track], reliable, chroma, fps: float, k: float, judged=()):
    """(old, new, MotionChange) for each pair of trusted background-model tracks, neither in
    `judged`, whose sightings together show a hue change identity_motion's rule passes.
    `chroma(track_id, frame)` is a sighting's core (a, b), or None."""
    trusted = [t for t in tracks.values() if t.from_background_model and t.solid and t.seen]
    judged = set(judged)
    out = []
    for old in trusted:
        for new in trusted:
            if new is old or {old.id, new.id} & judged:
                continue
            after = _goes_on(old, new, fps)
            if not after:
                continue
            series = [(old, p) for p in old.seen] + [(new, p) for p in after]
            kept = [
                (p, c)
                for t, p in series
                if not p.merged
                and reliable.get(p.frame, False)
                and (c := chroma(t.id, p.frame)) is not None
            ]
            if len(kept) < MIN_SIGHTINGS:
                continue
            change = hue_change([p for p, _ in kept], [c for _, c in kept], fps, k)
            # The old look seen before the change began (not a series begun mid-change).
            if change is not None and change.start.frame > old.seen[0].frame:
                out.append((old, new, change))
                judged |= {old.id, new.id}
    return out
