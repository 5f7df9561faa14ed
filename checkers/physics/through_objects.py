"""Passing through another object: one object losing its area to another it touches.

A mixin of PhysicsChecker: reads `_tracks` and `_by_frame`.
"""

from __future__ import annotations

import numpy as np

from checkers.base import Event
from checkers.kinematics import touching_anything
from checkers.physics.motion_gate import steady_before
from checkers.tracking import Point, Track, box_gap
from checkers.tracking.confidence import STILL as STILL_PART
from checkers.tracking.confidence import travel

# Edge cutting and jitter work on the analysis grid: analysis px (checkers/units.py).
TOUCH = 5.0  # between boxes that touch: edge cutting trims ~2 px off each part
STILL = 4.0  # the widest a static occluder's position may wander (detection jitter)


class ThroughObjects:
    def _occluder(self, tid: int) -> bool:
        """Scenery in front of objects: never moves in the scene, or is a colorless slab
        (walls and boxes are white, gray or black; objects have a hue)."""
        pts = [p for p in self._tracks[tid].points if p.det is not None]
        xs, ys = [p.x for p in pts], [p.y for p in pts]
        if max(xs) - min(xs) < STILL and max(ys) - min(ys) < STILL:
            return True
        return self._colorless(tid)

    def _through_objects(self, tracks: list[Track]) -> list[Event]:
        """An object sliding behind another of its own size instead of bouncing off it.

        Objects collide in the world, so one object losing its area to another it touches
        (rather than to an occluder far bigger than both) is passing through it. The event
        is dated where the two first touched.
        """
        ref = {}
        for t in tracks:
            areas = [p.det.area for p in t.seen if not touching_anything(p)][:5]
            if len(areas) >= 3:
                ref[t.id] = float(np.median(areas))
        events, pairs = [], set()
        for t in tracks:
            if t.id not in ref:
                continue
            for i, p in enumerate(t.points):
                if p.det is None or p.at_edge or p.det.area > 0.8 * ref[t.id]:
                    continue  # (the frame edge cuts parts too)
                # Not an occluder: those are static and bigger than what passes behind them.
                others = [
                    o
                    for o in p.near
                    if o in ref
                    and 0.2 < ref[o] / ref[t.id] < 5.0
                    and not (self._occluder(o) and ref[o] > ref[t.id])
                ]
                occluders = [
                    o for o in p.near if o in ref and self._occluder(o) and ref[o] > ref[t.id]
                ]
                if t.from_background_model:
                    # A background-model part that never travels is a ghost (an object's old
                    # place) or scenery: both are passed behind or uncovered, never hit.
                    others = [o for o in others if travel(self._tracks[o].seen) >= STILL_PART]
                if not others or occluders:
                    continue  # nothing to pass through, or the area went behind an occluder
                other = others[0]
                if other in pairs or t.id in pairs:
                    break  # the same crossing, seen again as the hidden object re-emerges
                # The area must go while they touch: an object that had already shrunk
                # (a morph, a size change) before meeting the other lost nothing to it.
                j = i
                while j > 0 and other in t.points[j - 1].near:
                    j -= 1
                before = [q for q in t.points[:j] if q.det is not None][-1:]
                if before and p.det.area > 0.8 * before[0].det.area:
                    continue
                # A background-model part's area also changes with its cut (a ghost or a
                # shadow joining it, a crescent growing): it must have been steady first.
                if t.from_background_model and not steady_before(t, t.points[j].frame):
                    continue
                pairs.update((t.id, other))
                start = i
                # Dated where the two really meet (the contact band starts a few pixels
                # before the boxes touch, which is a frame or two early).
                while start > 0 and self._touching(t.points[start - 1], other):
                    start -= 1
                first = t.points[start]
                event = self._event("through_object", first, t, 1 - p.det.area / ref[t.id],
                                    f"passed through object {other}")  # fmt: skip
                event.end_frame = p.frame  # where its area was gone
                events.append(event)
                break
        return events

    def _touching(self, p: Point, other: int) -> bool:
        """Do sighting p's box and the other track's box at that frame touch or overlap?"""
        q = self._by_frame.get(p.frame, {}).get(other)
        if p.det is None or q is None or other not in p.near:
            return False
        return box_gap(p.det.bbox, q.det.bbox) <= TOUCH
