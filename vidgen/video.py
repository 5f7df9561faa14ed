"""Write MP4 clips so that a reader never sees a half-written file.

Frames are encoded to a temp file in the destination folder (same filesystem, so the final
rename is atomic), and only a finished file is linked into place.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import numpy as np

# H.264 in yuv420p plays in every browser and player; crf 18 is visually lossless for
# generated content and keeps the watermark well above the noise floor.
ENCODER_SETTINGS = {"codec": "libx264", "pix_fmt": "yuv420p", "crf": 18, "preset": "medium"}


# Every container `vidgen check` and `vidgen verify` read from a folder.
VIDEO_SUFFIXES = (".mp4", ".mkv", ".mov", ".webm", ".avi", ".m4v")
# `.NAME.HOST-PID.tmp...`: a file being written (or left by a killed process), never a clip.
_TEMP_NAME = re.compile(r"^\..*\.(?P<host>[^.]+)-(?P<pid>\d+)\.tmp")


def _host() -> str:
    # Dots would make the host part of a temp name ambiguous (host.example.com).
    return socket.gethostname().replace(".", "_")


def _owner() -> str:
    # host and pid: processes on several machines may share one output folder.
    return f"{_host()}-{os.getpid()}"


def temp_path_for(final: Path) -> Path:
    return final.with_name(f".{final.stem}.{_owner()}.tmp{final.suffix}")


def is_temp_file(path: Path) -> bool:
    """A file vidgen is writing, or one a killed vidgen left: not a clip to check or verify."""
    return _TEMP_NAME.match(path.name) is not None


def video_files(folder: Path, recursive: bool = False) -> list[Path]:
    """The clips in a folder, sorted: video suffixes only, never vidgen's temp files.

    Recursive listings skip hidden folders (a batch's .candidates, .claims).
    """
    found = []
    for path in folder.rglob("*") if recursive else folder.iterdir():
        hidden = any(part.startswith(".") for part in path.relative_to(folder).parts[:-1])
        if (
            path.suffix.lower() in VIDEO_SUFFIXES
            and not hidden
            and not is_temp_file(path)
            and path.is_file()
        ):
            found.append(path)
    return sorted(found)


def remove_stale_temps(folder: Path) -> list[Path]:
    """Delete temp files that a killed process of this host left behind (SIGKILL skips cleanup)."""
    removed = []
    host = _host()
    for temp in folder.glob(".*.tmp*"):
        match = _TEMP_NAME.match(temp.name)
        if match and match["host"] == host and not _alive(int(match["pid"])):
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()
                removed.append(temp)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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


def publish(temp: Path, final: Path, overwrite: bool) -> Path:
    """Move a finished temp file into place and return where it went.

    Without `overwrite` an existing file is never replaced: if another process took the name
    meanwhile, the clip goes to the next free name (`-1`, `-2`, ...) instead of being lost.
    """
    if overwrite:
        os.replace(temp, final)
        return final
    from vidgen.output import first_free

    target = final
    while True:
        try:
            os.link(temp, target)  # fails when the name is taken: no process overwrites another
            break
        except FileExistsError:
            target = first_free(target)
    temp.unlink()
    return target


def write_text_atomic(path: Path, text: str) -> None:
    temp = temp_path_for(path)
    try:
        temp.write_text(text)
        os.replace(temp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
