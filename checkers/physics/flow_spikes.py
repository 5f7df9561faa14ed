"""Warping-error spikes: content that changes beyond what motion explains.

For footage with no clean objects to follow; frames where object tracking is reliable, and
shot cuts, are left to the object detectors and to object_permanence.

A mixin of PhysicsChecker: reads `_warp` and `_cuts`, which `process` records.
"""

from __future__ import annotations

import math

import numpy as np

from checkers.base import Event
from checkers.stats import robust_threshold

SPIKE_RATIO = 8.0  # warp error over the clip's median that counts as a spike


class FlowSpikes:
    def _flow_spikes(self) -> list[Event]:
        values = [w for _, _, w, _ in self._warp if math.isfinite(w)]
        if len(values) < 8:
            return []
        # Handheld footage reaches 6x its usual error in a fast swing (cockatoo.mp4); a cut
        # or a morph goes far beyond.
        bar = robust_threshold(values, 10.0 * self.k, floor=12.0)
        bar = max(bar, SPIKE_RATIO * self.k * float(np.median(values)))
        self._thresholds["warp_error"] = float(bar)
        events = []
        for index, time, w, reliable in self._warp:
            if math.isfinite(w) and w > bar and not reliable and index not in self._cuts:
                events.append(Event(self.name, "flow_spike", index, index, time, None,
                                    min(1.0, w / bar - 0.5), None,
                                    f"content changed beyond what motion explains "
                                    f"(warp error {w:.1f})"))  # fmt: skip
        return events
