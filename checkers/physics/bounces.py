"""Bounces gaining energy: an object rising higher after a bounce than it fell.

A mixin of PhysicsChecker, run per segment of consecutive sightings.
"""

from __future__ import annotations

import numpy as np

from checkers.base import Event
from checkers.kinematics import bounce_points
from checkers.physics.gravity import GRAVITY_FLOOR
from checkers.physics.handoffs import handoffs
from checkers.tracking import Track

HEIGHT_SLACK = 2.0  # analysis px a rise may exceed 110% of the fall (edges snap to pixels)
# A fast rise after a bounce is often where the tracker loses the object for a frame or two
# (blur, the frame's top): the run of consecutive sightings ends at the bounce, and with it
# the heights the rule reads. Sightings of the same track past such a gap still show the
# rise's energy, from pairs of sightings up to this many seconds apart (session 17: both
# TUNE bounce gains with under two sightings in the run after the bounce were found only
# at a later bounce, dated wrongly; fresh4711 clip 55 lost 0.17 s at 12 fps). The pairs'
# heights are exact for a parabola whatever their spacing; the limit is on trusting that
# the track across the gap is still the same object.
RISE_GAP = 0.25
RISE_PAIRS = 3  # pairs of sightings read after the bounce (the rise, before any apex)
GAINED = 1.2  # a rise this many times its fall (no slack) is a gain, where one was found


class Bounces:
    def _bounces(self, track, seg) -> list[Event]:
        xy = np.array([(p.x, p.y) for p in seg])
        ys = xy[:, 1]
        if len(ys) < 6:
            return []
        d2 = ys[2:] - 2 * ys[1:-1] + ys[:-2]
        g = float(np.median(d2))
        units = self.units
        if g < units.accel(GRAVITY_FLOOR):
            return []
        points = bounce_points(xy, units)
        bounces = sorted(j for j in points if j - 1 not in points)
        edges = [0] + [b + 1 for b in bounces] + [len(seg)]
        events = []
        read: dict[int, float] = {}  # bounce index -> its rise's height over its fall's
        for n, b in enumerate(bounces):
            # Interior sightings of the fall and of the rise, where nothing hides part of it.
            before = [
                i
                for i in range(max(1, edges[n] + 1), b)
                if not self._unreliable(seg[i], track.id, heights=True)
            ]
            after = [
                i
                for i in range(b + 2, edges[n + 2] - 1)
                if not self._unreliable(seg[i], track.id, heights=True)
            ]
            if len(before) < 2 or not self._quiet(seg, b, b + 2, track.id, heights=True):
                continue
            floor_y = float(ys[b : b + 2].max())
            h_before = float(np.median([self._height(ys, i, floor_y, g) for i in before]))
            if len(after) >= 2:
                h_after = float(np.median([self._height(ys, i, floor_y, g) for i in after]))
            elif n + 1 < len(bounces):
                continue  # another bounce in the run: this rise was too short to read
            else:
                h_after = self._rise(track, seg[b + 1], floor_y, g)
                if h_after is None:
                    continue
            # Under a pixel a fall is the edges' jitter: the ratio and the severity share
            # one floor, so a near-zero fall cannot read as a huge gain in either.
            read[n] = h_after / max(1.0, h_before)
            if h_after > (1.1 * h_before + HEIGHT_SLACK) * self.k:
                first = self._first_gain(bounces, read, n)
                events.append(self._event("energy_gain", seg[bounces[first] + 1], track, h_after / max(1.0, h_before) - 1,
                                          f"bounced higher than it fell ({h_after * self.scale:.0f} px vs "
                                          f"{h_before * self.scale:.0f} px)"))  # fmt: skip
        return events

    def _handed_bounces(self, tracks: list[Track]) -> list[Event]:
        """Bounces the tracker split between a falling track and a rising one (handoffs.py),
        read on the two runs joined, as the rising track's. Only the bounce at the join is
        new: what each run holds was read on it already. A ball that gains energy gains it
        at every bounce, and at 8 fps each may be handed to a new track: one event for the
        chain of tracks, at its first gain (as `dedupe` keeps one a track)."""
        events = []
        reported: set[int] = set()  # tracks whose chain of handoffs has its event
        for fall, rise, old, new in handoffs(tracks, self.units):
            if old.id in reported:
                reported.add(new.id)
                continue
            joined = Track(new.id, points=fall + new.points, units=new.units)
            found = [e for e in self._bounces(joined, fall + rise) if e.frame >= fall[-1].frame]
            if found:
                reported.add(new.id)
            events += found
        return events

    @staticmethod
    def _first_gain(bounces: list[int], read: dict[int, float], n: int) -> int:
        """The first of the bounces just before bounce n that each rose GAINED higher than
        they fell: where the gain began. A bounce that gains energy gains it at every bounce
        after, and a small one shows it under HEIGHT_SLACK (the pixel snapping of its
        edges), so the gain is often read first some bounces after it began (TUNE dev1515
        clip 164: rises of 7 and 9 px after falls of 4.7 and 6.3, then 14 after 9 read).
        A clean bounce loses energy (rises 0.3-0.8 of its fall), so only a run of gains,
        unbroken back from the bounce read as one, moves the date."""
        while n - 1 in read and read[n - 1] > GAINED:
            n -= 1
        return n

    @staticmethod
    def _height(ys: np.ndarray, i: int, floor_y: float, g: float) -> float:
        """How high the motion at sighting i reaches: potential plus kinetic energy, in px."""
        vc = (ys[i + 1] - ys[i - 1]) / 2.0
        return (floor_y - ys[i]) + vc * vc / (2 * g)

    def _rise(self, track, first, floor_y: float, g: float) -> float | None:
        """The height the rise after a bounce reaches, from the track's sightings from
        `first` (the first after the bounce's lowest) on, across gaps of up to RISE_GAP
        seconds: each pair of sightings gives its midpoint's height and speed (gravity's bend
        of the chord taken off), potential plus kinetic energy as in `_bounces`. None when
        no pair can be read."""
        seen = [p for p in track.seen if p.frame >= first.frame]
        heights = []
        gap = self.units.frames(RISE_GAP)
        for p, q in zip(seen, seen[1:], strict=False):
            dt = q.frame - p.frame
            if dt > gap or len(heights) == RISE_PAIRS:
                break
            if self._unreliable(q, track.id, heights=True) or q.y > floor_y:
                break
            v = (q.y - p.y) / dt
            if v > 0:
                break  # past the apex: coming down again
            mid = 0.5 * (p.y + q.y) - g * dt * dt / 8.0
            heights.append((floor_y - mid) + v * v / (2 * g))
        return float(np.median(heights)) if heights else None
