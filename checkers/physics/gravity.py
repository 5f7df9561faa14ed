"""Gravity reversing: a sustained upward acceleration in free flight.

A mixin of PhysicsChecker, run per segment of consecutive sightings.
"""

from __future__ import annotations

import numpy as np

from checkers.base import Event
from checkers.kinematics import floor_contact_at

# Units: checkers/units.py.
GRAVITY_FLOOR = 0.853  # short sides/s^2: weaker sustained upward acceleration is no reversal
SUSTAINED = 0.19  # seconds a reversed acceleration must last
SUSTAINED_SAMPLES = 3  # ... and never fewer second differences (at 8 fps 2 let jitter in)
# Gravity reverses on an object in free flight, which fell (accelerated downward) first: the
# median acceleration of its free motion over the FELL_WINDOW seconds before the reversed run
# must be downward by at least the floor an upward one must pass. A window, not the whole
# track: an object that glided level for a second, then fell, then reversed fell just before. TUNE (session 19): real reversals fell at
# 2.2-4.3x the floor before; straight, level movers read as reversing (a wobble of the cut
# or the camera over a third of a second) at -0.1-0.8x.
FELL_WINDOW = 1.0  # seconds
# Each free second difference is averaged with those within SMOOTH_REACH seconds either
# side before the run test. A rendered edge snaps to whole pixels, so one second difference
# jitters by about a pixel per frame^2 whatever the frame rate, while gravity's share of it
# falls with the frame rate squared: the floor is 0.27 px/frame^2 at 24 fps and 0.17 at 30 on
# a 180 px short side, and a reversal's samples alternate in sign around it (TUNE, session 25:
# held9191 clip 136 at 30 fps). The reach takes one neighbour a side at 24 and 30 fps (two
# at 60) and none at 16 fps and below, where gravity's share is 0.6 px/frame^2 and
# averaging three let one near-zero jitter step in every three pull a real reversal under
# the bar (test_physics_evidence). (Session 25 wrote it as a 0.1 s window rounded to whole
# samples, which switched on at 26 fps: 24 fps clips were never averaged.)
SMOOTH_REACH = 0.045  # seconds


class Gravity:
    def _gravity(self, track, seg) -> list[Event]:
        ys = np.array([p.y for p in seg])
        units = self.units
        sustained = units.frames(SUSTAINED, least=SUSTAINED_SAMPLES)
        if len(ys) < sustained + 2:
            return []
        d2 = ys[2:] - 2 * ys[1:-1] + ys[:-2]  # d2[i] centred on seg[i + 1]
        bar = max(units.accel(GRAVITY_FLOOR), 0.4 * max(0.0, float(np.median(d2)))) * self.k
        run = slack = 0
        free: list[float] = []  # second differences of free motion so far
        # Per second difference: free motion (quiet, no contact).
        usable = [
            self._quiet(seg, i, i + 3, track.id, heights=True)
            and not floor_contact_at(ys, i + 1, units)
            for i in range(len(d2))
        ]
        half = int(SMOOTH_REACH * units.fps)  # neighbours averaged a side
        raw, d2 = d2, smoothed(d2, usable, half)
        for i in range(len(d2)):
            quiet = usable[i]
            if d2[i] < -bar and quiet:
                run += 1
            elif quiet and run and not slack and d2[i] < bar:
                # One free second difference inside a run may miss the bar, as long as it
                # pulls down by less than the bar: the cut's jitter (TUNE, session 23:
                # fresh4711 clip 192's reversal at 24 fps, -1.4 to -0.6 px/frame^2 broken
                # every fourth or fifth frame by one near zero). Only one such step is
                # forgiven a run, and a step pulling down past the bar ends it.
                slack = 1
            else:
                run = slack = 0
            if quiet:
                free.append(float(d2[i]))
            if run == sustained and not self._fell(free[: -(sustained + slack)]):
                run = slack = 0  # no free flight to reverse
            if run == sustained:
                start = i - sustained - slack + 1
                strength = float(-np.median(d2[start : i + 1]))
                # The average reaches `half` samples back before the pull began: the onset
                # is searched for in the raw samples from that many later.
                start = onset(raw, usable, min(start + half, i), 2 * sustained + half, bar)
                # Frames at a bounce are skipped (the ground kinks the motion there), so a
                # reversal that starts just before a bounce shows first after it: date it
                # back across the bounce's frames while the motion there bends upward too.
                first = start + 1
                while (
                    first > start - 2
                    and first > 1
                    and floor_contact_at(ys, first - 1, units)
                    and raw[first - 2] < 0
                ):
                    first -= 1
                return [self._event("gravity_reversal", seg[first], track, strength / bar - 0.5,
                                    f"accelerates upward in free flight "
                                    f"({strength * self.scale:.2f} px/frame^2)")]  # fmt: skip
        return []

    def _fell(self, free: list[float]) -> bool:
        """Did the object fall freely (accelerate downward) before? `free`: the second
        differences of its free motion so far (no contact, the ground or a bounce)."""
        floor = self.units.accel(GRAVITY_FLOOR) * self.k
        recent = free[-self.units.frames(FELL_WINDOW, least=SUSTAINED_SAMPLES) :]
        return len(recent) >= SUSTAINED_SAMPLES and float(np.median(recent)) >= floor


def onset(d2: np.ndarray, usable: list[bool], start: int, reach: int, bar: float) -> int:
    """Where a reversed run confirmed from d2[start] on began: the earlier free second
    difference, up to `reach` back, from which the upward pull summed to the run's start is
    strongest, if that sum passes one bar (one sample's worth of reversal); else `start`.
    (`reach`: twice the run's length, so that a run broken twice still reaches its onset.)

    The run counts only samples past the bar, and one jitter step pulling down past it
    breaks the run: the run then confirms from after that step, late by the samples before
    it (TUNE, session 24: fresh4711 clip 23, reversed from frame 36, its run broken at 39
    by one step of +0.6 px/frame^2 and dated 40). The pull summed from the true onset is
    the upward speed gained there, which one jitter step does not undo; from before the
    onset, the fall's own downward pull makes the sum smaller again.
    """
    best, total, strongest = start, 0.0, -bar
    j = start
    while j > 0 and start - j < reach and usable[j - 1]:
        j -= 1
        total += float(d2[j])
        if total < strongest:
            best, strongest = j, total
    return best


def smoothed(d2: np.ndarray, usable: list[bool], half: int) -> np.ndarray:
    """Each usable second difference averaged with the usable ones up to `half` samples
    either side (a contact's kink is not usable, so it is not spread onto free flight)."""
    if half < 1:
        return d2
    out = d2.astype(float).copy()
    for i in range(len(d2)):
        if usable[i]:
            near = [d2[j] for j in range(max(0, i - half), min(len(d2), i + half + 1)) if usable[j]]
            out[i] = float(np.mean(near))
    return out
