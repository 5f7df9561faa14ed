"""Speed and memory of `vidgen check` (all three checks) on 832x480 clips.

Measures, on one clip from a shapes-world corpus (or any 832x480 MP4):
  1. end-to-end frames/s of checkers.runner.check_clip, decode included (wall and CPU time);
  2. decode-only frames/s on the same clip: decord at full size, and the frame source
     (decode + downscale to the analysis copy), so the ratio to decoding is visible;
  3. peak memory (max RSS of a fresh process) and its wall time for the clip and for it
     looped to 3, 10 and 20 times its length;
  4. wall time of the `vidgen check` command on a 1 s clip, start-up included.

    python benchmarks/check_speed.py --clip /tmp/corpus/clip_00000.mp4 --repeat 5
    python benchmarks/check_speed.py --clip CLIP --features classical   # no learned model

The machine may be shared: CPU time (user + sys of this process) is reported beside wall
time because it is less disturbed by other work.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import av


def _times(fn, repeat: int) -> tuple[float, float]:
    """Median wall and CPU seconds of fn() over `repeat` runs."""
    walls, cpus = [], []
    for _ in range(repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        fn()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return statistics.median(walls), statistics.median(cpus)


def end_to_end(clip: str, repeat: int, features: str) -> dict:
    from checkers.runner import check_clip

    report = check_clip(clip, features=features)  # warm caches and imports
    wall, cpu = _times(lambda: check_clip(clip, features=features), repeat)
    return {"frames": report.frames, "wall_s": wall, "cpu_s": cpu,
            "fps_wall": report.frames / wall, "fps_cpu": report.frames / cpu}  # fmt: skip


def decode_only(clip: str, repeat: int) -> dict:
    import decord

    from checkers.video import frames, probe

    def full():
        reader = decord.VideoReader(clip)
        for _ in range(len(reader)):
            reader.next().asnumpy()

    def source():
        for _ in frames(probe(clip)):
            pass

    n = len(decord.VideoReader(clip))
    w_full, c_full = _times(full, repeat)
    w_src, c_src = _times(source, repeat)
    return {"frames": n, "decord_full_fps_wall": n / w_full, "decord_full_fps_cpu": n / c_full,
            "source_fps_wall": n / w_src, "source_fps_cpu": n / c_src}  # fmt: skip


def loop_clip(clip: str, times: int, out: Path) -> Path:
    """The clip played forward and backward until it is `times` as long (smooth motion)."""
    with av.open(clip) as src:
        images = [f.to_ndarray(format="rgb24") for f in src.decode(video=0)]
        rate = src.streams.video[0].average_rate
    sequence = []
    while len(sequence) < times * len(images):
        sequence += images if (len(sequence) // len(images)) % 2 == 0 else images[::-1]
    with av.open(str(out), "w") as dst:
        stream = dst.add_stream("libx264", rate=rate)
        stream.height, stream.width = images[0].shape[:2]
        stream.pix_fmt = "yuv420p"
        for image in sequence[: times * len(images)]:
            dst.mux(stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")))
        dst.mux(stream.encode())
    return out


LENGTHS = (1, 3, 10, 20)  # the clip looped to these multiples of its length


def peak_rss_mb(clip: str, features: str) -> tuple[float, float]:
    """Max RSS (MB) and wall seconds of a fresh `check_clip` process, via /usr/bin/time.

    Measured from a small launcher: Linux keeps a process's peak RSS across exec, so a
    child forked straight from this (large) process would report this process's peak.
    """
    code = (
        "import sys; from checkers.runner import check_clip; "
        "r = check_clip(sys.argv[1], features=sys.argv[2]); assert r.verdict != 'error', r.error"
    )
    cmd = ["/usr/bin/time", "-f", "%M %e", sys.executable, "-c", code, clip, features]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    kb, wall = out.stderr.strip().splitlines()[-1].split()
    return int(kb) / 1024, float(wall)


def command_wall(clip: str, repeat: int, features: str) -> float:
    walls = []
    command = [sys.executable, "-m", "vidgen", "check", "-q", "--features", features, clip]
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(command, capture_output=True)
        walls.append(time.perf_counter() - t0)
    return statistics.median(walls)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clip", required=True, help="an 832x480 MP4 (e.g. from vidgen world)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--features", default="auto", help="vidgen check --features")
    args = parser.parse_args()

    import checkers

    # Run from a git worktree, `python benchmarks/check_speed.py` imports the checkers that
    # pip installed (benchmarks/ is first on the path, not the worktree): say which was measured.
    results = {"clip": args.clip, "features": args.features, "checkers": checkers.__file__,
               "load_average": os.getloadavg()}  # fmt: skip
    results["end_to_end"] = end_to_end(args.clip, args.repeat, args.features)
    results["decode_only"] = decode_only(args.clip, args.repeat)
    e2e, dec = results["end_to_end"], results["decode_only"]
    results["ratio_to_decord_full_decode"] = e2e["fps_cpu"] / dec["decord_full_fps_cpu"]
    results["ratio_to_frame_source"] = e2e["fps_cpu"] / dec["source_fps_cpu"]
    with tempfile.TemporaryDirectory() as tmp:
        # Peak memory and time against the clip's length. The first seconds fill buffers of
        # bounded size (the scene keeps up to 320 frames), so growth is read from 3x on.
        rss, walls = {}, {}
        for times in LENGTHS:
            clip = (
                args.clip
                if times == 1
                else str(loop_clip(args.clip, times, Path(tmp) / f"x{times}.mp4"))
            )
            rss[f"x{times}"], walls[f"x{times}"] = peak_rss_mb(clip, args.features)
        results["peak_rss_mb"] = rss
        results["peak_rss_growth_x3_to_x20"] = rss["x20"] / rss["x3"] - 1
        results["fresh_process_wall_s"] = walls
        one_second = str(Path(tmp) / "one_second.mp4")
        with av.open(args.clip) as src:
            fps = int(round(float(src.streams.video[0].average_rate)))
        _cut(args.clip, fps, one_second)
        results["command_1s_clip_wall_s"] = command_wall(one_second, args.repeat, args.features)
    results["load_average_after"] = os.getloadavg()
    print(json.dumps(results, indent=1))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


def _cut(clip: str, frames: int, out: str) -> None:
    """The first `frames` frames (1 s) of the clip, re-encoded."""
    with av.open(clip) as src, av.open(out, "w") as dst:
        in_stream = src.streams.video[0]
        stream = dst.add_stream("libx264", rate=in_stream.average_rate)
        stream.height, stream.width = in_stream.height, in_stream.width
        stream.pix_fmt = "yuv420p"
        for i, frame in enumerate(src.decode(in_stream)):
            if i >= frames:
                break
            image = frame.to_ndarray(format="rgb24")
            dst.mux(stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")))
        dst.mux(stream.encode())


if __name__ == "__main__":
    main()
