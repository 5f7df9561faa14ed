"""Bounces gaining energy: an object rising higher after a bounce than it fell.

A mixin of PhysicsChecker, run per segment of consecutive sightings.
"""

from __future__ import annotations

import numpy as np

from checkers.base import Event
from checkers.kinematics import bounce_points
from checkers.physics.gravity import GRAVITY_FLOOR

HEIGHT_SLACK = 2.0  # analysis px a rise may exceed 110% of the fall (edges snap to pixels)


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
            if (
                len(before) < 2
                or len(after) < 2
                or not self._quiet(seg, b, b + 2, track.id, heights=True)
            ):
                continue
            floor_y = float(ys[b : b + 2].max())

            def height(i: int, floor_y: float = floor_y) -> float:
                # How high the motion reaches: potential plus kinetic energy, in pixels.
                vc = (ys[i + 1] - ys[i - 1]) / 2.0
                return (floor_y - ys[i]) + vc * vc / (2 * g)

            h_before = float(np.median([height(i) for i in before]))
            h_after = float(np.median([height(i) for i in after]))
            if h_after > (1.1 * h_before + HEIGHT_SLACK) * self.k:
                events.append(self._event("energy_gain", seg[b + 1], track, h_after / max(1.0, h_before) - 1,
                                          f"bounced higher than it fell ({h_after * self.scale:.0f} px vs "
                                          f"{h_before * self.scale:.0f} px)"))  # fmt: skip
        return events
