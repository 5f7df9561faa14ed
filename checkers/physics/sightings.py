"""Which sightings show free motion, and which tracks are scenery.

Shared by the detectors: a change of motion only means something where nothing else could
have moved the centroid (contact, the frame edge, a merge, something hidden behind the same
scenery), and scenery (colorless walls and boxes) is passed behind, never hit.

A mixin of PhysicsChecker: reads `_tracks` (kept by `process`) and `_usual`, `_scenery`,
`_hidden`, `_ghosts` and `_textured` (built by `finalize`).
"""

from __future__ import annotations

import numpy as np

from checkers.tracking import CONTACT_MARGIN, Point

# Two touching parts of the same color (the tracker's distance) are one object's pieces.
from checkers.tracking.looks import SAME_COLOR

OCCLUDER_CHROMA = 12.0  # Lab chroma below which a part is colorless (white, gray, black)
HIDDEN_REACH = 2.0  # analysis px a hidden object's height may be off by (jitter)
WHOLE = 0.9  # share of its usual area a sighting beside scenery needs to count as unhidden
SIDE_CUT_WIDTH = 0.6  # share of its height a side-cut part must still show across


class Sightings:
    def _unreliable(self, p: Point, tid: int, heights: bool = False) -> bool:
        """Could something other than free motion move this sighting's centroid?

        Touching another object can push it, and a part cut by the frame edge or merged
        with another has a misleading centroid. Scenery (a colorless wall or box bigger
        than the object) pushes nothing: touching it only matters once it hides part of
        the object, which shows as a smaller area.

        `heights`: only the sighting's height is read (bounces, gravity). A background-model
        part cut by the frame's side (the camera panning past it) still shows its full
        height; its centroid's x is what the cut moves.
        """
        if p.merged or (p.at_edge and not (heights and self._side_cut(p, tid))):
            return True
        usual = self._usual.get(tid, p.det.area)
        # (A background model's ghost touches nothing: see `_ghosts` in checker.py.)
        touching = [o for o in p.near if o not in self._ghosts]
        if any(self._scenery.get(o, 0.0) <= usual for o in touching):
            return True
        if not touching:
            return False
        if tid in self._textured:
            # A shaded or textured part cut from a plain backdrop: where it touches anything
            # its cut follows the shading along the contact, and its centroid with it.
            return True
        if p.det.area < WHOLE * usual:
            return True
        # Something gone behind the same scenery at about its height may hit it there.
        # (Behind a wall only its height is known: where it was last seen, or predicted.)
        reach = CONTACT_MARGIN + HIDDEN_REACH
        return any(
            set(p.near) & near
            and min(abs(y - p.y) for y in heights) <= 0.6 * (p.det.size + size) + reach
            and float(np.linalg.norm(lab - p.det.lab)) >= SAME_COLOR  # not its own piece
            for near, heights, size, lab in self._hidden.get(p.frame, [])
        )

    def _quiet(self, seg: list[Point], lo: int, hi: int, tid: int, heights: bool = False) -> bool:
        """No contact, edge, merge or occlusion-driven area change among seg[lo:hi]."""
        pts = seg[max(0, lo) : hi]
        if any(self._unreliable(p, tid, heights) for p in pts):
            return False
        areas = [p.det.area for p in pts]
        return max(areas) / max(1.0, min(areas)) < 1.35

    def _side_cut(self, p: Point, tid: int) -> bool:
        """A background-model part cut by the frame's left or right side only, with most of
        its width still in view?"""
        if tid not in self._motion_ids or self._size is None:
            return False
        height, width = self._size
        x, y, w, h = p.det.bbox
        side = x <= 0 or x + w >= width
        top_or_bottom = y <= 0 or y + h >= height
        return side and not top_or_bottom and w >= SIDE_CUT_WIDTH * h

    def _colorless(self, tid: int) -> bool:
        """Walls and boxes are white, gray or black; objects have a hue."""
        pts = [p for p in self._tracks[tid].points if p.det is not None]
        chroma = float(np.median([np.hypot(p.det.lab[1], p.det.lab[2]) for p in pts]))
        return chroma < OCCLUDER_CHROMA
