"""One decode of an MP4 for provenance: a hash of the decoded frames and luma for the watermark.

The hash is over the decoder's raw YUV planes (H.264 decoding is bit-exact), so the same
file gives the same hash on any machine, and any change to the video stream changes it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass
class Decoded:
    frames: int
    width: int
    height: int
    sha256: str


def decode(
    path: Path, on_luma: Callable[[int, np.ndarray], None] | None = None, every: int = 1
) -> Decoded:
    """Decode every frame; hash it; hand every `every`-th frame's luma to on_luma(index, y)."""
    import av

    digest = hashlib.sha256()
    count = 0
    width = height = 0
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for frame in container.decode(stream):
            if frame.format.name != "yuv420p":
                frame = frame.reformat(format="yuv420p")
            planes = frame.to_ndarray()  # (H * 3 / 2, W): Y then U, V
            height, width = frame.height, frame.width
            digest.update(np.ascontiguousarray(planes).tobytes())
            if on_luma is not None and count % every == 0:
                on_luma(count, planes[:height])
            count += 1
    return Decoded(count, width, height, digest.hexdigest())


def frame_count(path: Path) -> int:
    """Frames the container declares (0 when it does not say)."""
    import av

    with av.open(str(path)) as container:
        return int(container.streams.video[0].frames or 0)
