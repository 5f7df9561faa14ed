"""Passing through another object, for parts of the background model: two objects meet and
come apart on each other's side.

The plain path reads a pass-through as one object losing its area to another it touches
(through_objects.py). A background model cuts two touching objects as one part, so both
a collision and a pass-through look the same while they touch: one part, one track lost.
Their motion does not tell them apart afterwards either: two like objects colliding trade
velocities, which is what passing through looks like. What does tell is which object comes
out on which side: after a collision each is back on its own side, after a pass-through
each is on the other's. Objects in a scene differ in color, so each is known by its color
before the meeting, and the parts that come apart after it are matched to those colors.

A mixin of PhysicsChecker: reads `_by_frame`.
"""

from __future__ import annotations

import math

import numpy as np

from checkers.base import Event
from checkers.physics.judged import partner
from checkers.physics.pendulum import swinging
from checkers.tracking import Point, Track, box_gap
from checkers.tracking.looks import SAME_COLOR

# Units: seconds, object sizes, Lab units; box gaps in analysis px (edge cutting).
TOUCH = 5.0  # analysis px between boxes that touch (edge cutting trims ~2 px off each part)
APART = 1.5  # seconds after the meeting within which the two must have come apart
REACH = 3.0  # object sizes from the meeting place within which the parts that come apart lie
DISTINCT = 2.0  # the two colors must differ by this many SAME_COLOR to be told apart
CLEAR_MARGIN = 0.6  # share of the colors' distance by which a part is nearer one than the other
LOOK = 3  # sightings whose colors are taken (the median: a shadow or ghost may join one)
OVERLAP = 0.8  # share of the two objects' areas below which one part over both overlaps them
DEEP_FRAMES = 2  # frames in a row the overlap must show (a cut may lose a piece once)
# Short sides a second the gap between two meeting objects must shrink by, and each must
# move, beyond a centroid's jitter (0.5 analysis px a frame at 180 px and 16 fps).
CLOSING = 0.045
RECENT = 0.3  # seconds before the meeting within which both were last seen apart
BESIDE_AREA = 2.0  # largest ratio of areas of a lost object and a part taken for it


def _inside(lost: Point, seen: Point) -> bool:
    """Is a lost track's predicted place inside (or at the edge of) a seen part's box?
    Both in scene coordinates: the box is moved by the camera offset at the seen part."""
    x, y, w, h = seen.det.bbox
    dx, dy = seen.x - seen.det.cx, seen.y - seen.det.cy
    return (x + dx - TOUCH <= lost.x <= x + dx + w + TOUCH) and (
        y + dy - TOUCH <= lost.y <= y + dy + h + TOUCH
    )


def _moving(points: list[Point], closing: float) -> bool:
    """Did the part move over these sightings by more than jitter (`closing` px a frame)?"""
    frames = max(1, points[-1].frame - points[0].frame)
    step = np.hypot(points[-1].x - points[0].x, points[-1].y - points[0].y)
    return step / frames > closing


def _side_by_side(before_a: list[Point], before_b: list[Point]) -> bool:
    """Do the two pass each other side by side: their boxes, across the way they close in,
    apart as they meet? They touch at most, so each goes on past the other on its own side
    of the line between them without overlapping (TUNE, session 27: held9191 clip 77, two
    objects one size apart in height sliding past each other, read as passing through)."""
    pa, pb = before_a[-1], before_b[-1]
    way = np.array(
        [
            (pa.x - before_a[0].x) - (pb.x - before_b[0].x),
            (pa.y - before_a[0].y) - (pb.y - before_b[0].y),
        ]
    )
    if not np.any(way):
        return False
    across = np.array([-way[1], way[0]]) / np.hypot(*way)

    def extent(p: Point) -> tuple[float, float]:
        x, y, w, h = p.det.bbox
        x, y = x + p.x - p.det.cx, y + p.y - p.det.cy  # scene coordinates, as p.x and p.y
        ends = [float(np.dot(across, (cx, cy))) for cx in (x, x + w) for cy in (y, y + h)]
        return min(ends), max(ends)

    (lo_a, hi_a), (lo_b, hi_b) = extent(pa), extent(pb)
    return hi_a <= lo_b or hi_b <= lo_a


def _color(points: list[Point]) -> np.ndarray:
    return np.median([p.det.lab for p in points], axis=0)


class Crossings:
    def _crossings(self, tracks: list[Track]) -> list[Event]:
        # A pendulum swings in front of or behind what passes under it, never into it.
        # A part that never travels is a ghost (an object's old place) or scenery: passed
        # behind or uncovered, never hit.
        # The other object may touch things for much of the clip (judged.partner).
        ids = {t.id for t in tracks}
        extra = [
            t
            for t in self._tracks.values()
            if t.id not in ids and partner(t, self.units) and self._mostly_reliable(t)
        ]
        motion = [
            t
            for t in [*tracks, *extra]
            if t.id in self._motion_ids and t.id not in self._ghosts and not swinging(t)
        ]
        motion.sort(key=lambda t: t.id)
        events, done = [], set()
        for a in motion:
            for b in motion:
                if a.id >= b.id or a.id in done or b.id in done:
                    continue
                if a.id not in ids and b.id not in ids:
                    continue  # two partners: neither is an object physics judges
                event = self._crossing(a, b)
                if event is not None:
                    events.append(event)
                    done.update((a.id, b.id))
        return events

    def _meeting(self, a: Track, b: Track) -> int | None:
        """Index into a.points of the first frame the two touch, or one is lost inside the
        other's part (cut as one with it), after a frame where both were seen apart."""
        apart = False
        # b's first point on each frame (a frame's lookup was a scan of b's points: a cost
        # that grew with the square of a track's length).
        b_at: dict[int, Point] = {}
        for r in b.points:
            b_at.setdefault(r.frame, r)
        for i, p in enumerate(a.points):
            q = self._by_frame.get(p.frame, {}).get(b.id)
            if p.det is not None and q is not None:
                if box_gap(p.det.bbox, q.det.bbox) > TOUCH:
                    apart = True
                elif apart:
                    return i
                continue
            lost = b_at.get(p.frame) if p.det is not None else p
            seen = p if p.det is not None else q
            if apart and lost is not None and seen is not None and _inside(lost, seen):
                return i
        return None

    def _closing(self, before_a: list[Point], before_b: list[Point]) -> bool:
        """Did the gap between the two shrink over their last sightings apart, by more than
        a jitter's worth (CLOSING)?"""
        first = np.hypot(before_a[0].x - before_b[0].x, before_a[0].y - before_b[0].y)
        last = np.hypot(before_a[-1].x - before_b[-1].x, before_a[-1].y - before_b[-1].y)
        frames = max(1, before_a[-1].frame - before_a[0].frame)
        return (first - last) / frames > self.units.speed(CLOSING)

    def _contact(self, a: Track, before_a: list[Point], before_b: list[Point]) -> Point:
        """Where the two touch. The model cuts two parts closer than its join distance as
        one a few pixels before they touch (frames early at a slow approach), so the moment
        is the last gap seen between them closed at the speed they were closing in at."""
        pa, pb = before_a[-1], before_b[-1]
        gap = box_gap(pa.det.bbox, pb.det.bbox)
        first = np.hypot(before_a[0].x - before_b[0].x, before_a[0].y - before_b[0].y)
        last = np.hypot(pa.x - pb.x, pa.y - pb.y)
        closing = (first - last) / max(1, pa.frame - before_a[0].frame)
        frame = max(pa.frame, pb.frame) + max(1, math.ceil(gap / max(closing, 1e-6)))
        later = [p for p in a.points if p.frame <= frame]
        return later[-1]

    def _union(self, a: Track, b: Track, frame: int, looks: tuple) -> Point | None:
        """The one part that covers where both tracks are (seen or predicted) at `frame`,
        when neither is seen apart from it. `looks`: each one's (color, area) before."""
        pa = next((p for p in a.points if p.frame == frame), None)
        pb = next((p for p in b.points if p.frame == frame), None)
        if pa is None or pb is None:
            return None
        for part in self._by_frame.get(frame, {}).values():
            if part.at_edge or not (_inside(pa, part) and _inside(pb, part)):
                continue
            if not all(p.det is None or p is part for p in (pa, pb)):
                continue
            # A lost track is inside the part by its prediction only: where a part of its
            # look is seen beside, the object bounced off and the tracker did not follow it
            # (TUNE, session 27: dev1515 clip 69, fresh4711 clip 112, two colliding objects,
            # one picked up again as a new track going back the way it came).
            if any(
                p.det is None and self._beside(p, part, *look)
                for p, look in zip((pa, pb), looks, strict=True)
            ):
                return None
            return part
        return None

    def _beside(self, lost: Point, part: Point, color: np.ndarray, area: float) -> bool:
        """Is a part other than `part` at the lost sighting's frame the object by its look
        (color and area) and near where it was predicted (REACH of its sizes)?"""
        reach = REACH * math.sqrt(area)
        for q in self._by_frame.get(lost.frame, {}).values():
            if q is part or q.at_edge:
                continue
            if float(np.linalg.norm(q.det.lab - color)) > SAME_COLOR:
                continue
            if not 1 / BESIDE_AREA < q.det.area / max(1.0, area) < BESIDE_AREA:
                continue
            if np.hypot(q.x - lost.x, q.y - lost.y) <= reach:
                return True
        return False

    def _cut_apart(self, a: Track, b: Track, frame: int) -> float:
        """The two's areas added at the last frame up to `frame` both were seen as parts of
        their own (touching or not); infinite when there is none."""
        seen_b = {p.frame: p for p in b.seen}
        for p in reversed(a.seen):
            q = seen_b.get(p.frame)
            if p.frame <= frame and q is not None and q.det is not p.det:
                return p.det.area + q.det.area
        return math.inf

    def _crossing(self, a: Track, b: Track) -> Event | None:
        i = self._meeting(a, b)
        if i is None:
            return None
        meet = a.points[i]
        before_a = [p for p in a.seen if p.frame < meet.frame and not p.near][-LOOK:]
        before_b = [p for p in b.seen if p.frame < meet.frame and not p.near][-LOOK:]
        if len(before_a) < LOOK or len(before_b) < LOOK:
            return None
        recent = meet.frame - self.units.frames(RECENT)
        if before_a[-1].frame < recent or before_b[-1].frame < recent:
            return None  # one was lost long before: a prediction met it, not the object
        color_a, color_b = _color(before_a), _color(before_b)
        apart_colors = float(np.linalg.norm(color_a - color_b))
        # Colors too alike to tell who is who afterwards: only the overlap can tell.
        told_apart = apart_colors >= DISTINCT * SAME_COLOR
        # Which side each came from, along the line between them as they met.
        pa, pb = before_a[-1], before_b[-1]
        axis = np.array([pa.x - pb.x, pa.y - pb.y])
        if not np.any(axis):
            return None
        size = float(np.median([p.det.size for p in before_a + before_b]))
        # They must have been closing in on each other (not one overtaken by a part
        # growing around it, or a part sliding out of another it stood in front of).
        if not self._closing(before_a, before_b):
            return None
        closing = self.units.speed(CLOSING)
        if not (_moving(before_a, closing) and _moving(before_b, closing)):
            return None  # one stood still: a ghost (the model's old picture of an object)
        if _side_by_side(before_a, before_b):
            return None
        place = np.array([(pa.x + pb.x) / 2, (pa.y + pb.y) / 2])
        last = meet.frame + self.units.frames(APART)
        sides: dict[str, list[float]] = {"a": [], "b": []}
        looks = (
            (color_a, float(np.median([p.det.area for p in before_a]))),
            (color_b, float(np.median([p.det.area for p in before_b]))),
        )
        # The two areas: as they were apart, or as cut at the meeting if less. A part's cut
        # may take in the model's ghost of its object's first place until just before they
        # meet, twice its area (TUNE, session 27: fresh4711 clip 106, a collision read as an
        # overlap against a square's area with its ghost). (Taking the last cut apart before
        # each frame of the overlap lost a pass-through on VALIDATE: parts partly hidden.)
        whole = min(looks[0][1] + looks[1][1], self._cut_apart(a, b, meet.frame))
        deep = 0
        for frame in range(meet.frame, last + 1):
            # One part over both places with less area than the two have: they overlap, as
            # solid objects cannot (touching, their union has both areas).
            union = self._union(a, b, frame, looks)
            deep = deep + 1 if union is not None and union.det.area < OVERLAP * whole else 0
            if deep == DEEP_FRAMES:
                return self._event("through_object", self._contact(a, before_a, before_b), a, 0.5,
                                   f"passed through object {b.id}")  # fmt: skip
            if not told_apart:
                continue
            here = [
                p
                for p in self._by_frame.get(frame, {}).values()
                if not p.at_edge
                and np.hypot(p.x - place[0], p.y - place[1]) <= REACH * size
                and 0.3 < p.det.area / max(1.0, size * size) < 3.0
            ]
            for p in here:
                others = [q for q in here if q is not p]
                if not others or min(box_gap(p.det.bbox, q.det.bbox) for q in others) <= TOUCH:
                    continue  # still one part, or touching: its color is mixed
                da = float(np.linalg.norm(p.det.lab - color_a))
                db = float(np.linalg.norm(p.det.lab - color_b))
                if abs(da - db) < CLEAR_MARGIN * apart_colors:
                    continue
                side = float(np.dot([p.x - place[0], p.y - place[1]], axis))
                sides["a" if da < db else "b"].append(side)
            if len(sides["a"]) >= LOOK and len(sides["b"]) >= LOOK:
                break
        if len(sides["a"]) < LOOK or len(sides["b"]) < LOOK:
            return None
        # A came from the side the axis points to: found on the other side, it went through.
        if np.median(sides["a"]) < 0 and np.median(sides["b"]) > 0:
            return self._event("through_object", self._contact(a, before_a, before_b), a, 0.5,
                               f"passed through object {b.id}")  # fmt: skip
        return None
