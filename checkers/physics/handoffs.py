"""Bounces the tracker split between two tracks: one falls to the ground, the next rises.

The tracker predicts each track a frame ahead from its own motion. At 8-16 fps a bounce
turns a fall round between two frames, so the rising object lands far from where the fall
was heading, and the tracker gives the falling track up and starts a new one on the rise.
Each track is a run of its own: the fall's run ends at the bounce's lowest sighting and the
rise's starts after it, so no run holds the bounce, and its rise is never read (spent wild
3779 clips 115 and 118: bounces gaining energy at 16 and 8 fps, missed so).

A handoff is read back here, only where it looks like one object bouncing: the new track's
first sighting is in the frame after the old one's last, within HANDOFF_SIZES object sizes
of it, of its color and area; the old one was falling at its end and the new one rises
from no lower. `Bounces._handed_bounces` then reads the bounce on the two runs joined.
"""

from __future__ import annotations

import math

import numpy as np

from checkers.kinematics import MOVING, MOVING_JITTER, segments
from checkers.physics.relocations import COLOR, one_area
from checkers.tracking import Point, Track
from checkers.tracking.looks import color_distance

# Object sizes between the fall's last sighting and the rise's first: a bounce at 8 fps
# moves an object about one size between them (3779 clips 115 and 118: 1.0 and 1.4, the
# second with the rise's first cut merged with its ghost).
HANDOFF_SIZES = 1.5
LOOK = 3  # sightings each side whose median area and clearest color stand for the object


def _look(points: list[Point]) -> Point:
    """The sighting nearest the handoff that touches nothing, else the nearest."""
    clear = [p for p in points if not (p.merged or p.at_edge or p.near)]
    return (clear or points)[0]


def _vertical(points: list[Point]) -> float:
    """Mean vertical step (analysis px per frame) over consecutive sightings."""
    return (points[-1].y - points[0].y) / max(1, points[-1].frame - points[0].frame)


def handoffs(tracks: list[Track], units) -> list[tuple[list[Point], list[Point], Track, Track]]:
    """(the fall's last run, the rise's first run, the falling track, the rising track) for
    each pair of `tracks` that reads as one object bouncing between two tracks, in the order
    of the bounces."""
    moving = max(MOVING_JITTER, units.speed(MOVING))
    runs = {t.id: segments(t) for t in tracks}
    found = []
    for old in tracks:
        if not runs[old.id]:
            continue
        fall = runs[old.id][-1]
        last = fall[-1]
        if last is not old.seen[-1] or _vertical(fall[-3:]) <= moving:
            continue  # not the track's end, or not falling into it
        best = None
        for new in tracks:
            if new is old or not runs[new.id] or new.points[0].how != "new":
                continue
            rise = runs[new.id][0]
            first = rise[0]
            if first is not new.seen[0] or first.frame != last.frame + 1:
                continue
            if _vertical(rise[:3]) >= -moving or first.y > last.y:
                continue  # not rising, or from below where the fall stopped
            size = float(np.median([p.det.size for p in fall[-LOOK:] + rise[:LOOK]]))
            away = math.hypot(first.x - last.x, first.y - last.y)
            if away > HANDOFF_SIZES * size:
                continue
            a, b = _look(fall[::-1][:LOOK]), _look(rise[:LOOK])
            if color_distance(a.det, b.det) > COLOR or not one_area(a.det, b.det):
                continue
            if best is None or away < best[0]:
                best = (away, rise, new)
        if best is not None:
            found.append((fall, best[1], old, best[2]))
    return sorted(found, key=lambda h: h[0][-1].frame)
