"""The streaming frame source: sizes, timestamps from the stream, backends, bad files."""

from __future__ import annotations

from fractions import Fraction

import av
import numpy as np
import pytest

from checkers import video
from checkers.base import DecodeStopped, UnreadableVideo
from checkers.video import analysis_size, frames, probe


def write_vfr(path, stamps_ms, size=(320, 240)):
    """A clip whose frames sit at the given times (variable frame rate)."""
    w, h = size
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
        stream.codec_context.time_base = Fraction(1, 1000)
        for i, ms in enumerate(stamps_ms):
            image = np.full((h, w, 3), 40 + 5 * i, np.uint8)
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            frame.pts, frame.time_base = ms, Fraction(1, 1000)
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return path


@pytest.mark.parametrize(
    "size,short,expected",
    [
        pytest.param((832, 480), 180, (312, 180), id="landscape"),
        pytest.param((480, 832), 180, (180, 312), id="portrait"),
        pytest.param((160, 120), 180, (160, 120), id="never-upscale"),
    ],
)
def test_analysis_size(size, short, expected):
    assert analysis_size(*size, short) == expected


@pytest.mark.parametrize("backend", ["decord", "pyav"])
def test_variable_frame_rate_times_come_from_the_stream(tmp_path, backend):
    stamps = [0, 40, 80, 200, 240, 400, 440, 480, 520, 560]
    clip = write_vfr(tmp_path / "vfr.mp4", stamps)
    got = [f.time for f in frames(probe(clip), backend=backend)]
    assert np.allclose(got, np.array(stamps) / 1000, atol=0.002), got


def test_long_clips_stream_through_pyav(tmp_path, monkeypatch):
    clip = write_vfr(tmp_path / "c.mp4", [i * 33 for i in range(12)])
    monkeypatch.setattr(video, "DECORD_MAX_FRAMES", 10)
    info = probe(clip)
    assert sum(1 for _ in frames(info)) == 12 and info.backend == "pyav"
    monkeypatch.setattr(video, "DECORD_MAX_FRAMES", 100)
    info = probe(clip)
    assert sum(1 for _ in frames(info)) == 12 and info.backend == "decord"


def test_truncated_file_is_unreadable_or_stops(tmp_path):
    clip = write_vfr(tmp_path / "c.mp4", [i * 33 for i in range(30)])
    data = clip.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 3])  # the moov atom is at the end: not a video
    with pytest.raises(UnreadableVideo):
        info = probe(cut)
        list(frames(info))


def test_decode_stopped_carries_the_frame(tmp_path):
    error = DecodeStopped("x: decoding stopped at frame 7", 7)
    assert error.frame == 7 and error.exit_code == 2


def write_colored(path, count, size=(640, 480)):
    """A clip of smooth colour gradients and blocks that move (chroma varies everywhere)."""
    w, h = size
    ys, xs = np.mgrid[0:h, 0:w]
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
        for i in range(count):
            image = np.stack([(xs + 7 * i) % 256, (ys * 2 + 3 * i) % 256, (xs + ys) % 256], -1)
            image[100 + i : 180 + i, 200:290] = (220, 40, 60)
            frame = av.VideoFrame.from_ndarray(image.astype(np.uint8), format="rgb24")
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return path


@pytest.mark.parametrize("threads", [0, 1])
def test_source_crops_are_the_whole_frames_pixels(tmp_path, threads):
    # The crops identity reads small outlines on again (video.source_crops) are converted
    # alone, yet hold the very RGB of the whole frame converted and sliced, on frames
    # numbered as the analysis numbered them, on the decoder threads the analysis was given
    # (session 29 review). Odd starts, ends and heights included: a crop of an odd height
    # converts on another path, 1-3 levels off (session 30).
    clip = write_colored(tmp_path / "c.mp4", 12)
    info = probe(clip)
    with av.open(str(clip)) as container:
        whole = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    boxes = [(0, 0, 640, 480), (201, 99, 290, 181), (3, 7, 12, 16), (630, 470, 640, 480),
             (17, 0, 60, 9), (100, 101, 163, 150)]  # fmt: skip
    wanted = {2: boxes, 7: boxes[1:3]}
    got = dict(video.source_crops(info, wanted, threads))
    assert sorted(got) == [2, 7]
    for index, crops in got.items():
        for (x0, y0, x1, y1), crop in zip(wanted[index], crops, strict=True):
            assert np.array_equal(crop, whole[index][y0:y1, x0:x1])


def test_source_crops_fall_back_to_the_whole_frame(tmp_path, monkeypatch):
    # Should cutting the planes fail (an unexpected frame layout), the crops are still read,
    # from the whole frame converted: the reads never stop over it.
    clip = write_colored(tmp_path / "c.mp4", 4, size=(96, 64))
    with av.open(str(clip)) as container:
        whole = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]

    def broken(*args):
        raise ValueError("no planes")

    monkeypatch.setattr(video, "_block_crops", broken)
    got = dict(video.source_crops(probe(clip), {2: [(5, 3, 40, 30)]}))
    assert np.array_equal(got[2][0], whole[2][3:30, 5:40])


def test_source_crops_of_other_pixel_formats_are_cut_from_the_whole_frame(tmp_path):
    # 4:4:4 and other layouts are converted whole and sliced (no chroma blocks to keep).
    clip = tmp_path / "c444.mp4"
    with av.open(str(clip), "w") as container:
        stream = container.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv444p"
        rng = np.random.default_rng(0)
        for _ in range(3):
            image = rng.integers(0, 256, (48, 64, 3), dtype=np.uint8)
            container.mux(stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")))
        container.mux(stream.encode())
    with av.open(str(clip)) as container:
        whole = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    got = dict(video.source_crops(probe(clip), {1: [(3, 5, 20, 30)]}))
    assert np.array_equal(got[1][0], whole[1][5:30, 3:20])


def test_tiny_frames_are_read_as_rgb_pictures(tmp_path):
    """decord lays a 16 px wide frame out with its rows' padding (6 values a pixel); the
    default path then reads the clip with PyAV, and a check of it is no internal error
    (failed on the code before: cvtColor of 6 channels)."""
    from checkers.runner import check_clip

    path = write_vfr(tmp_path / "tiny.mp4", [i * 125 for i in range(12)], size=(16, 16))
    info = probe(str(path))
    pictures = list(frames(info))
    assert len(pictures) == 12
    assert all(f.image.shape == (16, 16, 3) for f in pictures)
    report = check_clip(str(path))
    assert report.error is None, report.error
