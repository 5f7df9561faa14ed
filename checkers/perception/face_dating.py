"""Where a face track's identity change began (checkers/perception/faces.py confirms it).

Two readings date it. dlib's identity vector: its square-rooted distance grows about linearly
once a blend is under way, so the rise's first looks are extrapolated back (`rise_onset`);
this dates a swap (a rise of one step) to its frame. But a linear pixel blend barely moves
dlib's vector in its first 20-30% (issue 17's face corpus: morphs dated 4 frames late, and
buffered looks embedded at interpolated boxes read 2-3 sigmas off while the face was calm),
so a gradual change is dated on the face's aligned pixels instead when they were kept
(`chip_onset`): the face chip, aligned on dlib's 5 landmarks (the camera's pan, zoom and roll
taken out) and small (CHIP_PX, so a landmark a pixel off barely shows), moves along one
direction in proportion to a blend. Its projection on that direction is flat before the
change and a line after it; the corner of the best-fitting hinge is the change's start.
"""

from __future__ import annotations

import math

import numpy as np

RISE_Z = 0.5  # a look this far beyond the early spread is part of a change's rise
RISE_POINTS = 4  # the rise's first looks that date its start
# A blend's looks, embedded frame by frame, are noisy: one may read up to this many sigmas of
# the early spread nearer than the look after it and still be part of the rise (face corpus
# seed 13, face_0017: 0.0171 then 0.0163 ended a rise at frame 32 that began at 23).
RISE_NOISE = 1.0
# A blend's distance grows by at most about 1.7x a frame (the face corpus's 1 s morphs, seed 1);
# a look this many times farther than the one before is a step.
RISE_STEP = 3.0
CALM_LOOKS = 6  # looks before a rise that give the level it rises from

CHIP_PX = 32  # side of the aligned face chip (dlib's, cropped to the face)
# Chips averaged for the level before the change and for the direction it moves in.
CHIP_ENDS = 3
# Chips a hinge needs on each side of its corner: fewer, and one noisy chip can be the "line".
CHIP_SIDE = 3
# Chips are kept for every frame of a suspect stretch; a longer gap starts another stretch.
MAX_CHIP_GAP = 2


def rise_onset(distances, z, first_past: int, sigma: float, first: int) -> int:
    """The first look of the steady rise that ends at `first_past` (never before look
    `first`): each look before it is farther than its predecessor (give or take RISE_NOISE
    sigmas), by less than a step (RISE_STEP: a swap from one frame to the next is a step,
    not a rise), and beyond the early spread (RISE_Z)."""
    onset = first_past
    while onset > first and z[onset - 1] > RISE_Z:
        before, now = distances[onset - 1], distances[onset]
        if before > now + RISE_NOISE * sigma or before * RISE_STEP < now:
            break
        onset -= 1
    return onset


def calm_level(distances, z, onset: int, early: float) -> float:
    """The distance the face read at just before its rise: the median of its last
    CALM_LOOKS calm looks (within RISE_Z). The early looks' own median can sit above it (a
    face that settles reads nearer its references than they read from one another), and a
    rise extrapolated back to too high a level is dated late."""
    calm = [distances[j] for j in range(onset) if z[j] <= RISE_Z][-CALM_LOOKS:]
    return float(np.median(calm)) if calm else early


def extrapolated(seen, distances, z, onset: int, first_past: int, calm: float) -> int:
    """The frame where the rise leaves the calm level: a line through the square roots of
    the rise's first RISE_POINTS distances, extrapolated back; never before the last
    detected look at the calm level, never after the rise's first look."""
    last = min(first_past, onset + RISE_POINTS - 1)
    frames = np.array([seen[j].frame for j in range(onset, last + 1)], float)
    if len(frames) < 2:
        return int(seen[onset].frame)
    roots = np.sqrt(np.maximum(distances[onset : last + 1], 0.0))
    slope, intercept = np.polyfit(frames, roots, 1)
    if slope <= 0:
        return int(seen[onset].frame)
    start = (math.sqrt(max(calm, 0.0)) - intercept) / slope
    calm_looks = [j for j in range(onset) if seen[j].detected and z[j] <= RISE_Z]
    earliest = seen[calm_looks[-1]].frame + 1 if calm_looks else seen[onset].frame
    return int(np.clip(round(start), earliest, seen[onset].frame))


def chip_onset(chips: dict[int, np.ndarray], end: int) -> int | None:
    """The frame a gradual change of the face's aligned pixels began, from the chips kept
    for frames up to `end` (the first look past the identity bar): the corner of the hinge
    (flat, then a rising line) that best fits the chips' projection on the direction from
    their first CHIP_ENDS to their last CHIP_ENDS. None when too few frames were kept or
    nothing rises."""
    frames = np.array(sorted(f for f in chips if f <= end))
    # Only the last unbroken run of kept frames: chips kept for an earlier suspect look
    # that came to nothing (a gap of unkept frames before this one) would bend the fit.
    breaks = np.flatnonzero(np.diff(frames) > MAX_CHIP_GAP)
    if len(breaks):
        frames = frames[breaks[-1] + 1 :]
    if len(frames) < 2 * CHIP_SIDE + 1:
        return None
    pixels = np.stack([chips[f].astype(np.float32).ravel() for f in frames])  # (n, px)
    before, after = pixels[:CHIP_ENDS].mean(0), pixels[-CHIP_ENDS:].mean(0)
    direction = after - before
    norm = float(np.linalg.norm(direction))
    if norm == 0.0:
        return None
    along = (pixels - before) @ direction / norm**2  # 0 before the change, about 1 at `end`
    best, corner = None, None
    for k in range(CHIP_SIDE, len(frames) - CHIP_SIDE + 1):
        ramp = np.maximum(frames - frames[k], 0).astype(np.float64)
        design = np.stack([np.ones_like(ramp), ramp], 1)
        coef, *_ = np.linalg.lstsq(design, along, rcond=None)
        error = float(((design @ coef - along) ** 2).sum())
        if coef[1] > 0 and (best is None or error < best):
            best, corner = error, int(frames[k])
    return corner
