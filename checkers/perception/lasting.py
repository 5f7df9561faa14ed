"""Is a burst a lasting change of look? The appearance embedder's second opinion.

A burst (bursts.py) says pixels changed in a calm place. Pixels also change when light
flickers, water shimmers or texture is re-rendered, without anything becoming something
else. The appearance embedder (checkers/features: classical, MobileNet or DINOv2) compares
the burst's place just before and just after it, and the same place across the calm
stretches on either side (how much that place's look drifts when nothing happens). The burst
stands only if the change across it is clearly larger than that drift: each place is
calibrated on itself, never on an absolute cut-off alone.
"""

from __future__ import annotations

import numpy as np

from checkers.perception.bursts import Burst

PAD = 0.25  # share of the burst's box added on each side: the object with some context
# Across the burst its place must move this many times further in the embedding than across
# a calm stretch of the same place, and past the backend's own noise.
DRIFT_RATIO = 2.0
NOISE_TIMES = 3.0


def lasting_change(burst: Burst, frames: dict[int, np.ndarray], embedder, gap: int) -> float:
    """How many times its calm-time drift the burst's place moved in the embedding (0 when
    the frames around it are not at hand). `frames` holds the burst's shot only; `burst.bbox`
    is in their pixels; `gap` is the length of a calm stretch in frames.

    A burst is decided before its whole after-stretch has been seen (and a shot may end
    right after it), so the after-side frames are the nearest ones at hand: up to two frames
    past its end, and up to `gap` frames beyond that.
    """
    have = sorted(frames)
    before = burst.frame - 2
    later = [i for i in have if burst.end_frame < i <= burst.end_frame + 2]
    if before not in frames or not later:
        return 0.0
    after = later[-1]
    pairs = [(before, after)]
    if before - gap in frames:
        pairs.append((before - gap, before))
    beyond = [i for i in have if after + gap // 2 <= i <= after + gap]
    if beyond:
        pairs.append((after, beyond[-1]))
    box = _padded(burst.bbox, frames[before].shape)
    wanted = sorted({i for pair in pairs for i in pair})
    vectors = {i: embedder.embed(frames[i], [box])[0] for i in wanted}
    across, *calm = (float(embedder.distance(vectors[a], vectors[b])) for a, b in pairs)
    drift = max(calm) if calm else 0.0
    floor = NOISE_TIMES * embedder.noise_floor
    return across / max(drift * DRIFT_RATIO, floor) if across > floor else 0.0


def _padded(box, shape) -> tuple[int, int, int, int]:
    x, y, w, h = box
    px, py = int(PAD * w) + 1, int(PAD * h) + 1
    x0, y0 = max(0, x - px), max(0, y - py)
    x1, y1 = min(shape[1], x + w + px), min(shape[0], y + h + py)
    return x0, y0, x1 - x0, y1 - y0
