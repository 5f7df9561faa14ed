"""Clips for the provenance tests and benchmarks, made here (imageio + libx264 yuv420p,
textured frames), not by `vidgen make`: frames busy enough to hide and test a mark, the
mark-encode-seal path `vidgen make` takes, re-encoding attacks, and how to read a mark back.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np

from vidgen.provenance import ProvenanceOptions, mark_frames, new_record_id, seal_clip, wmread


def ffmpeg() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def textured_frames(
    count: int, height: int, width: int, seed: int = 0, contrast: float = 1.0
) -> np.ndarray:
    """A panning 1/f-like texture with a moving disc: busy enough to hide and test a mark."""
    import cv2

    rng = np.random.default_rng(seed)
    big_h, big_w = height + 2 * count, width + 3 * count
    canvas = np.zeros((big_h, big_w, 3), np.float32)
    for scale, amplitude in [(2, 5), (4, 8), (8, 10), (16, 14), (32, 16), (64, 18)]:
        noise = rng.normal(0, 1, (big_h // scale + 2, big_w // scale + 2, 3)).astype(np.float32)
        canvas += (
            contrast * amplitude * cv2.resize(noise, (big_w, big_h), interpolation=cv2.INTER_CUBIC)
        )
    canvas = np.clip(canvas + 128, 0, 255)
    frames = []
    for t in range(count):
        frame = canvas[2 * t : 2 * t + height, 3 * t : 3 * t + width].copy()
        center = (int(width * 0.2 + t * width * 0.02) % width, height // 2)
        cv2.circle(frame, center, max(4, height // 10), (230, 60, 40), -1)
        frames.append(frame.astype(np.uint8))
    return np.stack(frames)


def write_mp4(frames: np.ndarray, path: Path, fps: int = 16, crf: int = 18) -> Path:
    """H.264 yuv420p at `crf`, as `vidgen make` writes a clip."""
    import imageio.v2 as iio

    writer = iio.get_writer(
        str(path),
        fps=fps,
        codec="libx264",
        pixelformat="yuv420p",
        macro_block_size=1,
        quality=None,
        ffmpeg_log_level="error",
        output_params=["-crf", str(crf)],
    )
    for frame in frames:
        writer.append_data(frame)
    writer.close()
    return path


def make_sealed(tmp_path: Path, frames: np.ndarray, opts: ProvenanceOptions, name="clip"):
    """Mark, encode, seal and write the sidecar the way `vidgen make` does."""
    rid = new_record_id()
    marked, payload = mark_frames(frames, rid, opts)
    clip = write_mp4(marked, tmp_path / f"{name}.mp4")
    record = {"record_id": rid, "prompt": "a red disc over texture", "seed": 7, "clip": clip.name}
    seal_clip(clip, record, opts)
    clip.with_suffix(".json").write_text(json.dumps(record))
    return clip, record, payload


def reencode(src: Path, dst: Path, crf: int, vf: str | None = None, skip: int = 0) -> Path:
    """The clip through ffmpeg again: another crf, a filter (`vf`), the first `skip` frames cut."""
    cmd = [ffmpeg(), "-y", "-loglevel", "error", "-i", str(src)]
    filters = []
    if skip:
        filters.append(f"select=gte(n\\,{skip}),setpts=N/FRAME_RATE/TB")
    if vf:
        filters.append(vf)
    if filters:
        cmd += ["-vf", ",".join(filters)]
    cmd += ["-c:v", "libx264", "-crf", str(crf), "-pix_fmt", "yuv420p", "-an", str(dst)]
    subprocess.run(cmd, check=True)
    return dst


def read_mark(clip: Path) -> wmread.Reading:
    """The watermark reading of a clip, through verify's own reader."""
    from vidgen.provenance.verify import read_watermark

    return read_watermark(clip)  # the frames verify reads, the way it reads them


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """Peak signal-to-noise ratio (dB) of b against a, both uint8."""
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 10 * np.log10(255.0**2 / mse)
