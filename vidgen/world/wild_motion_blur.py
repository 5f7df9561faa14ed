"""Motion blur for the wild profile: each object's states over the shutter's exposure.

A camera with its shutter open for `exposure` seconds records an object at every place it
passes in that time. The renderer draws each object as the average of its outlines at a few
instants of the exposure, centred on the frame's time (so a streak is centred on the labeled
track), spaced at most STEP_PX apart: the streak is as long as the object moves in the exposure,
and an object at rest is drawn once, sharp, exactly as without blur.

The instants come from a simulation of the renderer's own, asked at rising times (an
exposure never reaches the next frame's: the shutter is open less than a frame interval).
"""

from __future__ import annotations

import math

from vidgen.world.physics import ObjectState, Simulation

SAMPLES = 33  # instants per exposure: odd, so the middle one is the frame's own time
STEP_PX = 1.5  # at most this far apart (px) along a streak, while SAMPLES allow


def exposure_states(
    sim: Simulation | None,
    t: float,
    exposure: float,
    states: list[ObjectState],
    scale: float,
) -> list[list[ObjectState]]:
    """For each object of `states` (the frame's, at time t) the states to average: just its
    own when the shutter is closed or it does not move; `scale`: px per world unit."""
    if sim is None or exposure <= 0.0:
        return [[s] for s in states]
    times = [max(0.0, t + exposure * (k / (SAMPLES - 1) - 0.5)) for k in range(SAMPLES)]
    instants = [sim.state_at(tau) for tau in times]
    out = []
    for i, s in enumerate(states):
        track = [states_at[i] for states_at in instants]
        n = samples_for(track, scale)
        if n == 1:
            out.append([s])
            continue
        picks = sorted({round(k * (SAMPLES - 1) / (n - 1)) for k in range(n)})
        out.append([track[k] for k in picks])
    return out


def samples_for(track: list[ObjectState], scale: float) -> int:
    """How many instants draw this streak: its length over STEP_PX, at least 1."""
    length = 0.0
    for a, b in zip(track, track[1:], strict=False):
        length += math.hypot(b.x - a.x, b.y - a.y) + abs(b.r - a.r)
    length *= scale
    if length < 0.25:  # less than a quarter pixel: nothing a camera would smear
        return 1
    return min(SAMPLES, max(2, math.ceil(length / STEP_PX) + 1))
