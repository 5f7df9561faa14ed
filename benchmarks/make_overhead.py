"""`vidgen make` versus a plain diffusers script on the same pipeline, seed and settings.

Issue 2's bars: identical frames, and a generation wall-time ratio of at most 1.05.
Usage: python benchmarks/make_overhead.py [--runs 7] [--frames 17] [--size 64] [--steps 10]

Both sides run in this one process on the same loaded-from-disk pipeline folder, interleaved
(A, B, A, B, ...) so a busy machine slows both alike; the ratio is of the medians.
The plain side is what a diffusers user writes: from_pretrained, a CPU generator with the
seed, pipe(...), export_to_video. vidgen's side is make_clip's pipeline call (Generation.seconds)
and the whole make_clip (encode + record) for reference.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))


def plain_diffusers(folder: Path, prompt: str, seed: int, args, out: Path):
    from diffusers import WanPipeline
    from diffusers.utils import export_to_video

    pipe = WanPipeline.from_pretrained(str(folder), dtype=torch.float32)
    pipe.set_progress_bar_config(disable=True)
    started = time.perf_counter()
    video = pipe(
        prompt=prompt,
        num_frames=args.frames,
        height=args.size,
        width=args.size,
        num_inference_steps=args.steps,
        guidance_scale=4.0,
        generator=torch.Generator("cpu").manual_seed(seed),
        output_type="np",
    ).frames[0]
    seconds = time.perf_counter() - started
    export_to_video(list(video), str(out), fps=8)
    return (video * 255).astype(np.uint8), seconds


def vidgen_make(folder: Path, prompt: str, seed: int, args, out_dir: Path):
    from vidgen.generate import Request
    from vidgen.loading import RuntimeOptions
    from vidgen.make import make_clip

    request = Request(
        prompt,
        seed=seed,
        frames=args.frames,
        height=args.size,
        width=args.size,
        steps=args.steps,
        guidance=4.0,
        fps=8,
    )
    started = time.perf_counter()
    made = make_clip(request, str(folder), RuntimeOptions(quiet=True), out=out_dir)
    total = time.perf_counter() - started
    return made.generation.frames, made.generation.seconds, total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--frames", type=int, default=17)
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    from tiny_pipelines import tiny_wan

    work = Path(tempfile.mkdtemp())
    folder = tiny_wan(work / "tiny-wan")
    prompt = "a red ball falls"
    plain_times, vidgen_times, vidgen_totals, identical = [], [], [], True
    for run in range(args.runs + 1):  # run 0 warms both up and is not counted
        frames_a, seconds_a = plain_diffusers(folder, prompt, 42, args, work / f"plain-{run}.mp4")
        frames_b, seconds_b, total_b = vidgen_make(folder, prompt, 42, args, work / f"vidgen-{run}")
        identical &= bool(np.array_equal(frames_a, frames_b))
        if run:
            plain_times.append(seconds_a)
            vidgen_times.append(seconds_b)
            vidgen_totals.append(total_b)
    plain, ours = statistics.median(plain_times), statistics.median(vidgen_times)
    print(
        f"tiny WanPipeline, {args.size}x{args.size}, {args.frames} frames, {args.steps} steps, {args.runs} runs"
    )
    print(f"frames identical: {identical}")
    print(f"plain diffusers pipeline call: median {plain:.3f} s")
    print(f"vidgen make pipeline call:     median {ours:.3f} s")
    print(f"ratio vidgen/plain (generation): {ours / plain:.3f}")
    print(
        f"vidgen make_clip end to end (cached load, encode, record): median {statistics.median(vidgen_totals):.3f} s"
    )


if __name__ == "__main__":
    main()
