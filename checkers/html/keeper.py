"""Keep what a report needs from the check's one decode, without holding the clip in memory.

Which frames a page shows is known only after the check decides (its events), so every
analysis frame (short side 180 px: already thumbnail size) is JPEG-encoded into an
anonymous temp file as it passes, and read back by index afterwards. Memory holds only the
offsets and each track's boxes (a few numbers a frame), not the frames. Encoding a small
JPEG costs well under a millisecond, less than decoding the clip a second time.
"""

from __future__ import annotations

import tempfile
from typing import TYPE_CHECKING

import cv2
import numpy as np

if TYPE_CHECKING:
    from checkers.tracking import FrameObservation
    from checkers.video import Frame

SPOOL_QUALITY = 90  # re-encoded once more for the page; keep this generation clean


class FrameKeeper:
    """A `check_clip` observer: spools frames to disk and records each track's boxes."""

    def __init__(self) -> None:
        # Closed in close() (the keeper is a context manager); deleted by the OS on close.
        self._spool = tempfile.TemporaryFile(prefix="vidgen-report-")  # noqa: SIM115
        self._where: dict[int, tuple[int, int]] = {}  # frame -> (offset, length)
        # track id -> [(frame, x, y, w, h)] in analysis pixels, where it was seen
        self.tracks: dict[int, list[tuple[int, int, int, int, int]]] = {}
        self.size: tuple[int, int] = (0, 0)  # analysis (width, height)

    def __call__(self, frame: Frame, observation: FrameObservation) -> None:
        image = frame.image
        self.size = (image.shape[1], image.shape[0])
        ok, data = cv2.imencode(
            ".jpg",
            cv2.cvtColor(image, cv2.COLOR_RGB2BGR),
            [cv2.IMWRITE_JPEG_QUALITY, SPOOL_QUALITY],
        )
        if ok:
            offset = self._spool.seek(0, 2)
            self._spool.write(data.tobytes())
            self._where[frame.index] = (offset, len(data))
        for j, tid in observation.assigned.items():
            x, y, w, h = (int(v) for v in observation.detections[j].bbox)
            self.tracks.setdefault(tid, []).append((frame.index, x, y, w, h))

    @property
    def frames(self) -> list[int]:
        return sorted(self._where)

    def image(self, index: int) -> np.ndarray | None:
        """The RGB analysis frame `index`, or None when it was never decoded."""
        where = self._where.get(index)
        if where is None:
            return None
        self._spool.seek(where[0])
        data = np.frombuffer(self._spool.read(where[1]), np.uint8)
        image = cv2.imdecode(data, cv2.IMREAD_COLOR)
        return None if image is None else cv2.cvtColor(image, cv2.COLOR_BGR2RGB)

    def close(self) -> None:
        self._spool.close()

    def __enter__(self) -> FrameKeeper:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
