"""Falling through the floor: an object sinking below the ground line.

A mixin of PhysicsChecker: reads `_floor` (the ground line per frame) and `_by_frame`.
"""

from __future__ import annotations

import numpy as np

from checkers.base import Event
from checkers.kinematics import touching_anything
from checkers.tracking import Point, Track
from checkers.tracking.looks import SAME_COLOR

# Anti-aliasing and edge cutting work on the analysis grid: analysis px (checkers/units.py).
BELOW = 3.0  # analysis px past the floor line that a sinking object must show
SINK = 0.3  # share of its height an object may sink below the floor line (anti-aliasing)
SINK_LEAST = 2.0  # ... and at least this many analysis px (a small object's soft edge)


class Floor:
    def _through_floor(self, track: Track) -> list[Event]:
        if len(self._floor) < 3:
            return []
        floor_y = float(np.median(self._floor))
        # Touching the floor's cut pieces is expected here, but a part cut by the frame edge
        # has a misleading top.
        seen = [p for p in track.seen if not p.at_edge]
        heights = [p.det.bbox[3] for p in seen if not touching_anything(p)][:5]
        if len(heights) < 3:
            return []
        height = float(np.median(heights))
        for prev, p in zip(seen, seen[1:], strict=False):
            # The floor line cuts a sinking object in two: a touching part of its own color
            # is its other piece, and the object's top is the higher of the two.
            pieces = self._pieces(p)
            if any(o not in pieces and not self._under_floor(p.frame, o, floor_y) for o in p.near):
                continue  # half hidden behind something: its top says nothing
            boxes = [p.det.bbox] + [self._by_frame[p.frame][o].det.bbox for o in pieces]
            if max(b[1] + b[3] for b in boxes) <= floor_y + BELOW:
                continue  # nothing shows below the line: shrinking on the floor, not sinking
            top = min(b[1] for b in boxes)
            sunk = top - (floor_y - height)
            if sunk > max(SINK_LEAST, SINK * height) * self.k and p.det.bbox[1] > prev.det.bbox[1]:
                return [self._event("through_floor", p, track, sunk / height + 0.3,
                                    f"sank {sunk * self.scale:.0f} px into the floor")]  # fmt: skip
        return []

    def _pieces(self, p: Point) -> list[int]:
        """Touching parts of the same color as `p` (objects in a scene differ in color)."""
        here = self._by_frame.get(p.frame, {})
        return [
            o
            for o in p.near
            if o in here and float(np.linalg.norm(here[o].det.lab - p.det.lab)) < SAME_COLOR
        ]

    def _under_floor(self, frame: int, tid: int, floor_y: float) -> bool:
        """Is that part a piece below the floor line (cut off a sinking object)?"""
        q = self._by_frame.get(frame, {}).get(tid)
        return q is not None and q.det.bbox[1] >= floor_y - BELOW
