"""Teleports the tracker did not follow as one path: judged from the ends of whole tracks.

`jumps.py` reads a teleport off one track's run of consecutive sightings, which holds when
the tracker joins the object across the jump (its "jump" step matches a part of the same
look far away). When it does not, the jump falls between tracks: the object's track is lost
(object permanence: a vanish) and a new one starts where it landed (an appear), or the
tracker joins them after a frame or two unseen, where no run's fit reaches. On the wild dev
corpora the tracker joined every moving teleported object it saw; the case found was an
object at rest, which the background model holds as backdrop: its track goes on with the
ghost it leaves and a new, still part starts where it landed (d3131 clip 57).

So the relocation is judged on the tracks' ends: an object lost in open view (or whose
track changes look at once), and within `GAP` seconds a part of the same look found far off
its path (the same track after a gap, or a new one), neither at the frame's edge nor coming
out from behind anything. Far means past the teleport bar of `jumps.py` (object sizes and
short sides) from where its motion would have taken it: an object re-cut in place, or its
ghost coming away, lands within about one size of its path.

A mixin of PhysicsChecker: reads `_tracks` and `_ghosts`; `checkers/explained.py` drops the
vanish and the appear a teleport explains.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from checkers.base import Event
from checkers.kinematics import cut_whole
from checkers.physics.judged import LARGEST, largest_side
from checkers.physics.jumps import teleport_distance
from checkers.physics.pendulum import swinging
from checkers.physics.rest_jumps import rest_jumps
from checkers.tracking import Point, Track
from checkers.tracking.confidence import TRUSTED
from checkers.tracking.looks import color_distance

GAP = 0.1  # seconds an object may go unseen across a teleport (at least GAP_FRAMES frames)
GAP_FRAMES = 2
# The look of the two parts: one color and about one area. Looser than the tracker's own
# match (which already failed), since a part's first cut can take in blur or a rim.
COLOR = 1.5  # color_distance (SAME_COLOR units)
AREA = 2.0  # largest ratio of the two areas
FIT = 4  # sightings before the loss whose motion predicts where the object would be
LANDED = 3  # sightings the part at the new place needs: a blink of a sliver is no object
# A track's last sighting smaller than this share of the object (or marked partly hidden) is
# a remnant: the model's picture still holds the object's old place for a frame after it
# left, so the track ends on the backdrop uncovered there, in the frame the object lands
# elsewhere (TUNE, session 26: held9191 clips 53 and 70, fresh4711 clip 49: remnants of
# 0.57-0.76 of the object's area, two marked partly hidden, the landing part starting in
# the same frame).
REMNANT = 0.7
# Short sides a bounce's landing height may be off its mirrored fall (2 px at the 180 px
# analysis size it was set at).
JITTER = 2.0 / 180


def _predicted(before: list[Point], frame: int, bends: bool = False) -> tuple[float, float]:
    """Where the object's last steady motion would have taken it by `frame`; with `bends`
    (a swinging bob), its last steady acceleration too."""
    last = before[-1]
    if len(before) < 2:
        return last.x, last.y
    frames = np.array([p.frame for p in before], float) - last.frame
    xy = np.array([(p.x, p.y) for p in before])
    if bends and len(before) >= 4:
        # A bob's path across a gap is its arc, which a straight line misses at a turn
        # (TUNE, session 25: dev1515 clip 158, a clean swing at 10 fps unseen for two
        # frames at its turn, 37 px off the line); the string's pull is steady enough over
        # a few frames for a parabola to follow it.
        coef = np.polyfit(frames, xy, 2)  # (3, 2)
        t = float(frame - last.frame)
        return tuple(float(v) for v in coef[0] * t * t + coef[1] * t + coef[2])
    slope = np.polyfit(frames, xy, 1)[0]  # (2,) px per frame
    return last.x + slope[0] * (frame - last.frame), last.y + slope[1] * (frame - last.frame)


def _bounced(before: list[Point], after: list[Point], predicted, bar: float, jitter: float) -> bool:
    """Could the ground have turned the object while it was unseen? Falling before and rising
    after, on its predicted x, and no higher than a bounce off ground below its last
    sighting puts it: the predicted fall mirrored about that sighting's height (TUNE,
    session 27: held9191 clip 35, a triangle lost for a frame at its bounce at 30 fps read
    as a teleport 44 analysis px above its straight path)."""
    px, py = predicted
    last, first = before[-1], after[0]
    falling = last.y > before[0].y and py > last.y
    rising = after[-1].y < first.y
    return bool(
        falling
        and rising
        and abs(first.x - px) <= bar
        and 2 * last.y - py - jitter <= first.y <= py + jitter
    )


def _unlike(a: Point, b: Point) -> bool:
    """Do two sightings of one track show different colors (the track changed objects)?"""
    return color_distance(a.det, b.det) > COLOR


def _remnant(p: Point, before: list[Point]) -> bool:
    """Is sighting p what the object left behind (partly hidden, or well under its size)?"""
    usual = float(np.median([q.det.area for q in before]))
    return not p.at_edge and (p.merged or p.det.area < REMNANT * usual)


def one_area(a, b) -> bool:
    """Are two parts' areas within AREA of each other (one object's two cuts)?"""
    return max(a.area, b.area) <= AREA * max(1.0, min(a.area, b.area))


class Relocations:
    def _relocations(self, tracks: list[Track]) -> list[Event]:
        gap = self.units.frames(GAP, least=GAP_FRAMES)
        # Parts that start after the first frame, the candidates for where an object landed
        # (moving on, or at rest: then a part that never travels, like a ghost).
        starts = [
            t
            for t in self._tracks.values()
            if t.points
            and t.points[0].det is not None
            and t.points[0].how in ("new", "split")  # (split off the remnant's part)
            and len(t.seen) >= LANDED
        ]
        self._bends: dict[int, bool] = {}  # track id -> swinging (read once a track)
        events = []
        for track in tracks:
            for before, after in self._losses(track, gap):
                event = self._relocated(track, before, after)
                if event is not None:
                    events.append(event)
                    break
            else:
                event = self._landed(track, self._ends(track, gap), starts, gap)
                if event is not None:
                    events.append(event)
        # A resting object is not judged (it never moves: tracking/confidence.py) and lands
        # at rest, a part that never travels: only its track changing look tells it left.
        judged = {t.id for t in tracks}
        for track in self._tracks.values():
            if track.id not in judged and self._resting(track):
                event = self._landed(track, self._ends(track, gap, left_only=True), starts, gap)
                if event is not None:
                    events.append(event)
        # A resting object the model held as backdrop from the start has no track at all
        # (only on clips whose frames let physics judge at all, as every other judgement).
        resting = self._tracks.values() if self._clip_judged else []
        for landed, p, off, bar in rest_jumps(
            resting, self._cuts, self._reliable, self._landing, self._teleport_bar
        ):
            events.append(self._event("teleport", p, landed, off / bar - 0.5,
                                      f"jumped {off * self.scale:.0f} px from rest"))  # fmt: skip
        return events

    def _landing(self, track: Track) -> bool:
        """Could `track` be where an object landed: seen `LANDED` times, object-sized?"""
        return len(track.seen) >= LANDED and self._object_sized(track)

    def _teleport_bar(self, landed: Point, left: Point) -> float | None:
        """How far apart an object's part `landed` and the part `left` at its old place must
        be for a teleport; None when their areas are not one object's (AREA)."""
        if not one_area(landed.det, left.det):
            return None
        return teleport_distance(landed.det.size, self.units) * self.k

    def _landed(self, track: Track, ends, starts: list[Track], gap: int) -> Event | None:
        """The surest relocation of `track` into one of the parts that `starts` after one
        of its `ends` (sightings before a loss)."""
        # A part starting up to `gap` frames unseen after the loss, as `_losses` follows one
        # track across (at 8 fps a new part had to start after one unseen frame).
        for before in ends:
            found = [
                self._relocated(track, before, t.seen[:LANDED])
                for t in starts
                if t.id != track.id and 0 < t.points[0].frame - before[-1].frame <= gap + 1
            ]
            found = [e for e in found if e is not None]
            if found:
                return max(found, key=lambda e: e.severity)
        return None

    def _resting(self, track: Track) -> bool:
        """A background-model part of one object that never moves (a ghost by its path):
        an object at rest, judged as `judged` does apart from never having moved."""
        if track.id not in self._ghosts or len(track.seen) < LANDED:
            return False
        if not self._object_sized(track):
            return False
        return replace(track.confidence(), moved=1.0).value >= TRUSTED

    def _object_sized(self, track: Track) -> bool:
        """Seen mostly on reliable frames and no larger than an object (judged.LARGEST)."""
        return self._mostly_reliable(track) and largest_side(track) <= self.units.length(LARGEST)

    @staticmethod
    def _losses(track: Track, gap: int):
        """(sightings before, sightings after) around each short gap in one track's path."""
        seen = track.seen
        for i in range(1, len(seen)):
            missed = seen[i].frame - seen[i - 1].frame - 1
            if 1 <= missed < gap + 1 and not any(
                p.behind or p.at_edge
                for p in track.points
                if seen[i - 1].frame < p.frame < seen[i].frame
            ):
                yield seen[max(0, i - FIT) : i], seen[i : i + LANDED]

    @staticmethod
    def _ends(track: Track, gap: int, left_only: bool = False):
        """Sightings before each loss in open view: the track's end, a gap longer than `gap`
        (the tracker gave the object up and a new track may hold it), or a sudden change of
        look (the track goes on with what the object left behind: a resting object is part
        of the model's picture, so where it was, its ghost stays; dev 3131 clip 57)."""
        seen, points = track.seen, track.points
        k = 0  # index into points of the first point after the sighting (points are in order)
        for i, p in enumerate(seen):
            while k < len(points) and points[k].frame <= p.frame:
                k += 1
            following = points[k] if k < len(points) else None
            nxt = seen[i + 1] if i + 1 < len(seen) else None
            left = nxt is not None and _unlike(p, nxt) and nxt.frame - p.frame <= gap
            if left_only and not left:
                continue
            if nxt is not None and nxt.frame - p.frame <= gap + 1 and not left:
                continue
            # A remnant ends the object's track unless the track is seen again in open view
            # with its own look: it went behind something and out again, and a look-alike
            # born meanwhile elsewhere is another object (review, session 26). Slivers at
            # the frame's edge the tracker hangs on it later are not it (fresh4711 clip 49).
            if (
                i > 0
                and seen[i - 1].frame == p.frame - 1
                and _remnant(p, seen[max(0, i - FIT) : i])
                and (left or not any(cut_whole(q) for q in seen[i + 1 :]))
            ):
                # The object's end is the sighting before, followed by the remnant in open
                # view; the track's prediction past the remnant may then overlap it and read
                # as hidden (TUNE, session 26: fresh4711 clip 49).
                yield seen[max(0, i - FIT) : i]
            if following is not None and (following.behind or following.at_edge):
                continue
            yield seen[max(0, i - FIT + 1) : i + 1]

    def _relocated(self, track: Track, before: list[Point], after: list[Point]) -> Event | None:
        if (
            len(before) < 2
            or len(after) < LANDED
            or not all(cut_whole(p) for p in (before[-1], after[0]))
        ):
            return None
        last, first = before[-1].det, after[0].det
        if after[0].emerged:
            return None  # out of the model's own picture: an object there all along
        # The object's look is the nearest of the sightings its path is predicted from: the
        # last cut before a loss may take in the ghost the object leaves, or blur (TUNE,
        # session 26: dev1515 clip 182, a swinging bob's last cut 1.5 color units from where
        # it landed, those two frames earlier 0.2). So may the first cut where it lands, of
        # the backdrop there (spent wild 9431 clip 104: 2.2-2.3 units from the sightings
        # before the loss, the next three 0.02-0.1): the landing's look is the nearest of
        # its first sightings.
        if all(_unlike(p, q) for p in before for q in after):
            return None
        if not one_area(last, first):
            return None
        if track.id not in self._bends:
            self._bends[track.id] = swinging(track)
        px, py = _predicted(before, after[0].frame, bends=self._bends[track.id])
        off = math.hypot(after[0].x - px, after[0].y - py)
        size = float(np.median([p.det.size for p in before]))
        bar = teleport_distance(size, self.units) * self.k
        jitter = self.units.length(JITTER)
        if off <= bar or _bounced(before, after, (px, py), bar, jitter):
            return None
        return self._event("teleport", after[0], track, off / bar - 0.5,
                           f"jumped {off * self.scale:.0f} px off its path while unseen")  # fmt: skip
