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


@pytest.mark.parametrize("threads", [0, 1])
def test_source_frames_are_the_analysis_frames_at_full_size(tmp_path, threads):
    # The frames identity reads small outlines on again (video.source_frames) are the ones
    # the analysis saw, numbered alike, at the decoded size, on the decoder threads the
    # analysis was given (session 29 review: the threads were not passed).
    clip = write_vfr(tmp_path / "c.mp4", [i * 33 for i in range(12)], size=(640, 480))
    info = probe(clip)
    analysed = {f.index: f.image for f in frames(info, backend="pyav")}
    got = dict(video.source_frames(info, {2, 7}, threads))
    assert sorted(got) == [2, 7]
    for index, image in got.items():
        assert image.shape == (480, 640, 3)
        small = image[:: 480 // analysed[index].shape[0], :: 640 // analysed[index].shape[1]]
        assert abs(float(small.mean()) - float(analysed[index].mean())) < 3.0
