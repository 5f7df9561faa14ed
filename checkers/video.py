"""Streaming frame source: decord first, PyAV as the fallback, one frame in memory at a time.

Each frame comes out as an analysis copy, downscaled so its short side is `short_side`
pixels, upright (rotation metadata applied), with its timestamp from the stream (variable
frame rate clips keep their real times). The checkers never see full-size frames: that is
what keeps them near decode speed.

PyAV probes the container first (cheap, and it reads rotation metadata decord does not
expose); decord then decodes and scales inside FFmpeg, which is faster than decoding at full
size and resizing in numpy.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from checkers.base import DecodeStopped, UnreadableVideo

log = logging.getLogger("checkers.video")

DEFAULT_SHORT_SIDE = 180
DECORD_MAX_FRAMES = 256  # longer clips decode with PyAV (flat memory)


@dataclass
class VideoInfo:
    path: str
    width: int  # displayed size, after rotation
    height: int
    fps: float
    frames: int  # as declared by the container; 0 when it does not say
    rotation: int  # degrees counter-clockwise applied to make frames upright
    analysis_width: int
    analysis_height: int
    backend: str = ""

    @property
    def scale(self) -> float:
        """Displayed pixels per analysis pixel."""
        return self.width / self.analysis_width


@dataclass
class Frame:
    index: int
    time: float  # seconds since the first frame
    image: np.ndarray  # (h, w, 3) uint8 RGB analysis copy


def analysis_size(width: int, height: int, short_side: int) -> tuple[int, int]:
    """Scale (width, height) so the short side is `short_side` (never upscale); even sizes."""
    factor = min(1.0, short_side / min(width, height))
    w = max(2, int(round(width * factor / 2)) * 2)
    h = max(2, int(round(height * factor / 2)) * 2)
    return w, h


def _quiet_native_logs() -> None:
    # Both decoders print FFmpeg chatter on stderr for broken streams; we report it ourselves.
    try:
        import av.logging

        av.logging.set_level(None)
    except Exception:  # noqa: BLE001 - logging control is best effort
        pass
    try:
        import decord

        decord.logging.set_level(decord.logging.QUIET)
    except Exception:  # noqa: BLE001
        pass


def probe(path: str | os.PathLike, short_side: int = DEFAULT_SHORT_SIDE) -> VideoInfo:
    """Read size, rotation, rate and length without decoding more than one frame."""
    import av

    _quiet_native_logs()
    p = Path(path)
    if not p.exists():
        raise UnreadableVideo(f"{p}: no such file; check the path")
    if p.is_dir():
        raise UnreadableVideo(f"{p}: is a folder, not a video")
    if p.stat().st_size == 0:
        raise UnreadableVideo(f"{p}: empty file (0 bytes); re-export or re-download the clip")
    try:
        with av.open(str(p)) as container:
            if not container.streams.video:
                raise UnreadableVideo(f"{p}: has no video stream; pass a video file")
            stream = container.streams.video[0]
            width, height = stream.codec_context.width, stream.codec_context.height
            rate = stream.average_rate or stream.guessed_rate
            fps = float(rate) if rate else 0.0
            frames = int(stream.frames or 0)
            if not frames and stream.duration and stream.time_base and fps:
                frames = int(round(float(stream.duration * stream.time_base) * fps))
            if not frames and container.duration and fps:
                frames = int(round(container.duration / 1e6 * fps))
            rotation = 0
            try:
                first = next(container.decode(stream))
                rotation = int(getattr(first, "rotation", 0) or 0)
            except StopIteration:
                raise UnreadableVideo(f"{p}: has no decodable frame") from None
    except UnreadableVideo:
        raise
    except Exception as error:  # av.error.* for non-videos, truncated headers, ...
        reason = getattr(error, "strerror", None) or str(error)
        raise UnreadableVideo(
            f"{p}: not a readable video ({reason}); check the file is an MP4/MKV/MOV that plays"
        ) from error
    if not width or not height:
        raise UnreadableVideo(f"{p}: video stream has no frame size")
    rotation %= 360
    if rotation in (90, 270):
        width, height = height, width
    aw, ah = analysis_size(width, height, short_side)
    return VideoInfo(str(p), width, height, fps or 0.0, frames, rotation, aw, ah)


def frames(info: VideoInfo, backend: str | None = None, threads: int = 0) -> Iterator[Frame]:
    """Yield analysis frames; raise DecodeStopped if the stream breaks after the first frame.

    `backend` is "decord", "pyav" or None (decord when importable, else PyAV).
    """
    if backend is None and info.frames > DECORD_MAX_FRAMES:
        # decord's reader grows by ~150 KB per frame read while we analyse (measured, see
        # BENCHMARKS.md); PyAV's memory stays flat, so long clips stream through PyAV.
        backend = "pyav"
    if backend in (None, "decord"):
        try:
            reader = _open_decord(info, threads)
        except Exception as error:  # noqa: BLE001 - any decord failure falls back to PyAV
            if backend == "decord":
                raise UnreadableVideo(f"{info.path}: decord cannot open it ({error})") from error
            log.info("decord unavailable for %s (%s); using PyAV", info.path, error)
        else:
            info.backend = "decord"
            try:
                yield from _iter_decord(info, reader)
                return
            except _DecordMisread:
                # Before any frame was given: PyAV reads the whole clip instead.
                log.info("decord misreads %s's frames; using PyAV", info.path)
            except DecodeStopped as error:
                # decord's threaded decoder gives up frames before the damage; PyAV decodes
                # up to it. Resume there so the report says where the stream really breaks.
                log.info(
                    "decord stopped at frame %d of %s; resuming with PyAV", error.frame, info.path
                )
                info.backend = "decord+pyav"
                yield from _iter_pyav(info, threads, skip=error.frame)
                return
    info.backend = "pyav"
    yield from _iter_pyav(info, threads)


class _DecordMisread(Exception):
    """decord's first frame is not an RGB picture of the clip's size."""


def _open_decord(info: VideoInfo, threads: int):
    import decord

    return decord.VideoReader(
        info.path,
        ctx=decord.cpu(0),
        width=info.analysis_width,
        height=info.analysis_height,
        # One decoder thread unless asked: at 832x480 it keeps up, and extra threads
        # cost CPU time (measured ~12%) that the analysis on the other core needs.
        num_threads=threads or 1,
    )


def _iter_decord(info: VideoInfo, reader) -> Iterator[Frame]:
    total = len(reader)
    if total:
        info.frames = total
    # Timestamps come from the container index, not from fps, so VFR clips keep real times.
    try:
        starts = reader.get_frame_timestamp(range(total))[:, 0]
    except Exception:  # noqa: BLE001 - a broken index still decodes; fall back to fps
        starts = None
    index = 0
    t0 = None
    while True:
        try:
            array = reader.next()
        except StopIteration:
            return
        except Exception as error:  # decord.DECORDError mid-stream
            raise DecodeStopped(_stopped_message(info, index, error), index) from error
        image = array.asnumpy()
        if index == 0 and (image.ndim != 3 or image.shape[2] != 3):
            # decord lays tiny frames (16 px wide) out with their rows' padding: 6 values a
            # pixel where there are 3. Nothing was given yet, so PyAV can take over.
            raise _DecordMisread
        if starts is not None and index < len(starts):
            stamp = float(starts[index])
        else:
            stamp = index / info.fps if info.fps else float(index)
        t0 = stamp if t0 is None else t0
        yield Frame(index, stamp - t0, _fit(image, info))
        index += 1


def _iter_pyav(info: VideoInfo, threads: int, skip: int = 0) -> Iterator[Frame]:
    """Decode with PyAV; the first `skip` frames are decoded but not yielded."""
    import av
    from av.video.reformatter import VideoReformatter

    quarter_turns = (info.rotation // 90) % 4
    # PyAV scales before we rotate, so ask for the stored (unrotated) size.
    if quarter_turns % 2:
        sw, sh = info.analysis_height, info.analysis_width
    else:
        sw, sh = info.analysis_width, info.analysis_height
    index = 0
    t0 = None
    # One scaler for the clip: each frame's own `to_ndarray(width=..., ...)` allocates and
    # sets up a new one (its filters from the full size down), about 0.3 ms a frame at
    # 852x480; one kept gives the same pixels.
    scaler = VideoReformatter()
    try:
        with av.open(info.path) as container:
            for decoded in container.decode(_pyav_stream(container, threads)):
                stamp = decoded.time if decoded.time is not None else index / (info.fps or 1)
                t0 = stamp if t0 is None else t0
                if index < skip:
                    index += 1
                    continue
                image = scaler.reformat(
                    decoded, format="rgb24", width=sw, height=sh, interpolation="AREA"
                ).to_ndarray()
                yield Frame(index, float(stamp - t0), _fit(_upright(image, quarter_turns), info))
                index += 1
    except DecodeStopped:
        raise
    except Exception as error:  # av.error.InvalidDataError mid-stream
        if index == 0:
            raise UnreadableVideo(f"{info.path}: no frame could be decoded ({error})") from error
        raise DecodeStopped(_stopped_message(info, index, error), index) from error


def _pyav_stream(container, threads: int):
    """The container's video stream, decoded on `threads` threads (0: PyAV's choice)."""
    stream = container.streams.video[0]
    stream.thread_type = "AUTO"
    if threads:
        stream.codec_context.thread_count = threads
    return stream


def _upright(image: np.ndarray, quarter_turns: int) -> np.ndarray:
    """`image` turned as the container's rotation says (PyAV decodes it stored)."""
    return np.ascontiguousarray(np.rot90(image, quarter_turns)) if quarter_turns else image


def _fit(image: np.ndarray, info: VideoInfo) -> np.ndarray:
    """Guarantee the analysis size even if a backend ignored the requested one."""
    if image.shape[1] == info.analysis_width and image.shape[0] == info.analysis_height:
        return image
    import cv2

    return cv2.resize(
        image, (info.analysis_width, info.analysis_height), interpolation=cv2.INTER_AREA
    )


def _stopped_message(info: VideoInfo, index: int, error: Exception) -> str:
    declared = f" of {info.frames} declared" if info.frames else ""
    # Native decoders put source paths and timestamps in brackets; keep the readable tail.
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    text = text.rsplit("] ", 1)[-1].strip()
    reason = type(error).__name__ + (f": {text[:100]}" if text else "")
    return (
        f"{info.path}: decoding stopped at frame {index}{declared} "
        f"(the stream is damaged: {reason}); re-encode or re-download the clip"
    )


# Box of a decoded frame: (x0, y0, x1, y1), upright full-size pixels, ends exclusive.
Box = tuple[int, int, int, int]
# Pixel formats whose crop is converted alone: 4:2:0 planar, 8 bits. A crop of whole 2x2
# blocks holds the chroma samples the whole frame's conversion gives its pixels (unscaled
# 4:2:0 to RGB takes each block's one chroma sample as it is), so its RGB is the whole
# frame's, bit for bit (checked on random crops of every gen-clips frame size and 100 wild
# ones, 256-1280 px wide).
_CROPPED_ALONE = ("yuv420p", "yuvj420p")


def source_crops(
    info: VideoInfo, wanted: Mapping[int, Sequence[Box]], threads: int = 0
) -> Iterator[tuple[int, list[np.ndarray]]]:
    """(index, RGB crops) for the decoded frames numbered in `wanted`, in order: each box of
    the full-size upright frame cut out, the very pixels of the frame converted whole and
    sliced. Stops after the last one, or quietly where the stream breaks. For the few parts
    a checker reads at the source resolution after the analysis (source_outline.py): every
    frame before the last is still decoded, on `threads` threads as the analysis decoded
    (0: PyAV's choice), but only the crops are converted to RGB (a whole 832x480 frame's
    conversion cost more than reading its crops)."""
    import av

    if not wanted:
        return
    last = max(wanted)
    quarter_turns = (info.rotation // 90) % 4
    try:
        with av.open(info.path) as container:
            stream = _pyav_stream(container, threads)
            for index, decoded in enumerate(container.decode(stream)):
                if index in wanted:
                    yield index, _rgb_crops(decoded, wanted[index], quarter_turns)
                if index >= last:
                    return
    except Exception as error:  # noqa: BLE001 - a broken stream was reported by the analysis
        log.info("source frames of %s stopped (%s)", info.path, error)


def _rgb_crops(decoded, boxes: Sequence[Box], quarter_turns: int) -> list[np.ndarray]:
    """Each box of the upright frame `decoded` (an av.VideoFrame) in RGB."""
    width, height = decoded.width, decoded.height
    # Each crop is widened to whole 2x2 blocks: a crop of an odd height converts on another
    # path whose RGB differs by 1-3 levels (measured), so an odd frame's edge goes whole.
    blocks = [(x0 & ~1, y0 & ~1, x1 + (x1 & 1), y1 + (y1 & 1)) for x0, y0, x1, y1 in boxes]
    alone = not quarter_turns and decoded.format.name in _CROPPED_ALONE
    if alone and all(x1 <= width and y1 <= height for _, _, x1, y1 in blocks):
        try:
            return _block_crops(decoded, boxes, blocks)
        except Exception as error:  # noqa: BLE001 - the whole frame gives the same pixels
            log.info("crops of frame %s converted whole (%s)", decoded.pts, error)
    image = _upright(decoded.to_ndarray(format="rgb24"), quarter_turns)
    return [image[y0:y1, x0:x1] for x0, y0, x1, y1 in boxes]


def _block_crops(decoded, boxes: Sequence[Box], blocks: Sequence[Box]) -> list[np.ndarray]:
    """Each box cut out of `decoded`'s planes as the whole 2x2 blocks `blocks`, each
    converted on its own, then trimmed to the box."""
    import av

    planes = [np.frombuffer(p, np.uint8).reshape(p.height, p.line_size) for p in decoded.planes]
    out = []
    for (x0, y0, x1, y1), (ex, ey, ex1, ey1) in zip(boxes, blocks, strict=True):
        crop = av.VideoFrame(ex1 - ex, ey1 - ey, decoded.format.name)
        crop.colorspace, crop.color_range = decoded.colorspace, decoded.color_range
        for k, (src, dst) in enumerate(zip(planes, crop.planes, strict=True)):
            step = 2 if k else 1  # chroma planes hold one sample per 2x2 block
            target = np.frombuffer(dst, np.uint8).reshape(dst.height, dst.line_size)
            target[:, : dst.width] = src[
                ey // step : ey // step + dst.height, ex // step : ex // step + dst.width
            ]
        out.append(crop.to_ndarray(format="rgb24")[y0 - ey : y1 - ey, x0 - ex : x1 - ex])
    return out
