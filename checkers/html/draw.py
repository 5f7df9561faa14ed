"""Thumbnails: an object's box and track drawn on a small frame, encoded as JPEG."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

JPEG_QUALITY = 72  # about 8-12 KB at 312x180; faces and edges still read clearly
BOX = (255, 40, 40)  # RGB: the event's object
TRACK = (255, 200, 0)  # its path over the clip


def jpeg(image: np.ndarray, quality: int = JPEG_QUALITY) -> bytes:
    """An RGB image as JPEG bytes."""
    ok, data = cv2.imencode(
        ".jpg", cv2.cvtColor(image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality]
    )
    if not ok:
        raise ValueError("JPEG encoding failed")
    return data.tobytes()


def annotate(
    image: np.ndarray,
    box: Sequence[float] | None = None,
    track: Sequence[tuple[float, float]] = (),
    dashed: bool = False,
) -> np.ndarray:
    """A copy of `image` with the object's path (centres, in order) and its box drawn.

    `dashed` marks a box where the object is expected but not seen this frame (a vanish).
    """
    out = image.copy()
    if len(track) >= 2:
        points = np.array([[round(x), round(y)] for x, y in track], np.int32)
        cv2.polylines(out, [points], False, TRACK, 1, cv2.LINE_AA)
        for x, y in points:
            cv2.circle(out, (int(x), int(y)), 1, TRACK, -1)
    if box is not None:
        x, y, w, h = (int(round(v)) for v in box)
        if dashed:
            _dashed_rect(out, x, y, w, h)
        else:
            cv2.rectangle(out, (x - 1, y - 1), (x + w + 1, y + h + 1), BOX, 2)
    return out


def _dashed_rect(image: np.ndarray, x: int, y: int, w: int, h: int, step: int = 5) -> None:
    corners = [(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y)]
    for (x0, y0), (x1, y1) in zip(corners, corners[1:], strict=False):
        length = max(abs(x1 - x0), abs(y1 - y0), 1)
        for s in range(0, length, 2 * step):
            e = min(length, s + step)
            a = (x0 + (x1 - x0) * s // length, y0 + (y1 - y0) * s // length)
            b = (x0 + (x1 - x0) * e // length, y0 + (y1 - y0) * e // length)
            cv2.line(image, a, b, BOX, 2)
