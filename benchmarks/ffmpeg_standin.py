"""A stand-in for the `ffmpeg` executable, built on PyAV, for machines that have no ffmpeg.

The GPU machine of benchmarks/gpu_make.py has no ffmpeg, and imageio-ffmpeg's wheel (68 MB,
a static ffmpeg) does not fit the 64 MiB that may travel there beside PyAV (36 MB), which
provenance needs anyway. vidgen runs ffmpeg for exactly two command lines, and this script
does those two with PyAV's own libavcodec/libx264:

    encode (vidgen.video.encode_mp4, through imageio_ffmpeg.write_frames):
        -y -f rawvideo -vcodec rawvideo -s WxH -pix_fmt rgb24 -r FPS -i - -an
        -vcodec libx264 -pix_fmt yuv420p ... -crf N -preset P -v error OUT
    remux with tags (vidgen.provenance.metadata.write_tags):
        -y -loglevel error -i SRC -map 0 -c copy -map_metadata 0
        -metadata k=v ... -movflags +use_metadata_tags -f mp4 DST

Use: point IMAGEIO_FFMPEG_EXE at a shell script that runs `python3 ffmpeg_standin.py "$@"`.
Anything else is refused with exit code 2, so a new ffmpeg use in vidgen shows up at once.
"""

from __future__ import annotations

import sys
from fractions import Fraction


def _value(args: list[str], flag: str, default: str | None = None) -> str | None:
    """The value after the last `flag` (ffmpeg: the last one wins)."""
    found = default
    for index, arg in enumerate(args[:-1]):
        if arg == flag:
            found = args[index + 1]
    return found


def _metadata(args: list[str]) -> dict[str, str]:
    pairs = [args[i + 1] for i, arg in enumerate(args[:-1]) if arg == "-metadata"]
    return dict(pair.split("=", 1) for pair in pairs)


def encode(args: list[str]) -> None:
    import av
    import numpy as np

    width, height = (int(n) for n in _value(args, "-s").split("x"))
    fps = Fraction(_value(args, "-r", "16"))
    out = args[-1]
    options = {"crf": _value(args, "-crf", "23"), "preset": _value(args, "-preset", "medium")}
    frame_bytes = width * height * 3
    with av.open(out, "w", format="mp4") as container:
        stream = container.add_stream(_value(args, "-vcodec", "libx264"), rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = options
        source = sys.stdin.buffer
        while True:
            data = source.read(frame_bytes)
            if len(data) < frame_bytes:
                break
            array = np.frombuffer(data, np.uint8).reshape(height, width, 3)
            frame = av.VideoFrame.from_ndarray(array, format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


def remux_with_tags(args: list[str]) -> None:
    import av

    source, target = _value(args, "-i"), args[-1]
    options = {"movflags": _value(args, "-movflags", "")} if "-movflags" in args else {}
    with av.open(source) as src, av.open(target, "w", format="mp4", options=options) as dst:
        dst.metadata.update({**src.metadata, **_metadata(args)})
        pairs = {s.index: dst.add_stream_from_template(s) for s in src.streams if s.type == "video"}
        for packet in src.demux(*[s for s in src.streams if s.index in pairs]):
            if packet.dts is None:  # the demuxer's empty flush packet
                continue
            packet.stream = pairs[packet.stream.index]
            dst.mux(packet)


def main(args: list[str]) -> int:
    if _value(args, "-i") == "-" and _value(args, "-f") == "rawvideo":
        encode(args)
    elif "-c" in args and _value(args, "-c") == "copy":
        remux_with_tags(args)
    else:
        print(f"ffmpeg_standin: unsupported command line {args}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
