"""Write MP4 clips so that a reader never sees a half-written file.

Frames are encoded to a temp file in the destination folder (same filesystem, so the final
rename is atomic), and only a finished file is linked into place.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np

# H.264 in yuv420p plays in every browser and player; crf 18 is visually lossless for
# generated content and keeps the watermark well above the noise floor.
ENCODER_SETTINGS = {"codec": "libx264", "pix_fmt": "yuv420p", "crf": 18, "preset": "medium"}


def temp_path_for(final: Path) -> Path:
    return final.with_name(f".{final.stem}.{os.getpid()}.tmp{final.suffix}")


def encode_mp4(frames: np.ndarray, fps: float, path: Path) -> None:
    """Encode (T, H, W, 3) uint8 frames to an H.264 MP4 at `path` (overwritten)."""
    import imageio_ffmpeg

    count, height, width, _ = frames.shape
    if height % 2 or width % 2:
        # yuv420p stores chroma at half resolution, so both sides must be even.
        frames = np.pad(frames, ((0, 0), (0, height % 2), (0, width % 2), (0, 0)), mode="edge")
        count, height, width, _ = frames.shape
    writer = imageio_ffmpeg.write_frames(
        str(path),
        (width, height),
        fps=fps,
        codec=ENCODER_SETTINGS["codec"],
        pix_fmt_out=ENCODER_SETTINGS["pix_fmt"],
        quality=None,
        macro_block_size=1,
        output_params=["-crf", str(ENCODER_SETTINGS["crf"]), "-preset", ENCODER_SETTINGS["preset"]],
        ffmpeg_log_level="error",
    )
    writer.send(None)
    for frame in frames:
        writer.send(np.ascontiguousarray(frame))
    writer.close()


@contextlib.contextmanager
def staged(final: Path) -> Iterator[Path]:
    """Yield a temp path beside `final`; on error the temp file is removed, never left behind."""
    temp = temp_path_for(final)
    try:
        yield temp
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


def publish(temp: Path, final: Path, overwrite: bool) -> None:
    """Move a finished temp file into place; without `overwrite`, fail if `final` exists."""
    if overwrite:
        os.replace(temp, final)
        return
    # link() fails when the name is taken, so two processes can never overwrite each other.
    os.link(temp, final)
    temp.unlink()


def write_text_atomic(path: Path, text: str) -> None:
    temp = temp_path_for(path)
    try:
        temp.write_text(text)
        os.replace(temp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
