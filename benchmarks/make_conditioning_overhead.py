"""`vidgen make --image/--lora` versus the plain diffusers call with the same image or LoRA.

Issue 19's bar: identical frames, and a generation wall-time ratio of at most 1.05.
Usage: python benchmarks/make_conditioning_overhead.py [--runs 7] [--frames 17] [--size 64] [--steps 10]

Three cases on tiny random pipelines (tests/tiny_pipelines.py): Wan 2.1 image-to-video,
LTX-Video image-to-video (vidgen reaches LTXImageToVideoPipeline from an LTXPipeline folder
with from_pipe), and Wan 2.1 text-to-video with a peft LoRA at scale 0.8. Each side loads its
pipeline once; runs are interleaved (A, B, A, B, ...) so a busy machine slows both alike, the
first pair is a warm-up, and the ratio is of the medians of the pipeline calls. The machine
load (`uptime`) is printed before and after.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PROMPT = "a red ball falls"
GUIDANCE = 4.0


def plain_pipeline(folder: Path, class_name: str, lora: Path | None):
    import diffusers

    pipe = getattr(diffusers, class_name).from_pretrained(str(folder), dtype=torch.float32)
    pipe.set_progress_bar_config(disable=True)
    if lora is not None:
        pipe.load_lora_weights(str(lora.parent), weight_name=lora.name, adapter_name="style")
        pipe.set_adapters(["style"], [0.8])
    return pipe


def plain_call(pipe, image: Path | None, seed: int, args) -> tuple[np.ndarray, float]:
    from PIL import Image

    extra = {}
    if image is not None:
        extra["image"] = Image.open(image).convert("RGB")
    if "LTX" in type(pipe).__name__:
        extra["frame_rate"] = 8
    started = time.perf_counter()
    video = pipe(
        prompt=PROMPT, num_frames=args.frames, height=args.size, width=args.size,
        num_inference_steps=args.steps, guidance_scale=GUIDANCE, output_type="np",
        generator=torch.Generator("cpu").manual_seed(seed), **extra,
    ).frames[0]  # fmt: skip
    return (video * 255).astype(np.uint8), time.perf_counter() - started


def vidgen_make(folder: Path, image: Path | None, lora: Path | None, seed: int, args, out: Path):
    from vidgen.generate import Request
    from vidgen.loading import RuntimeOptions
    from vidgen.make import make_clip

    request = Request(
        PROMPT, seed=seed, frames=args.frames, height=args.size, width=args.size,
        steps=args.steps, guidance=GUIDANCE, fps=8, image=str(image) if image else None,
        loras=((str(lora), 0.8),) if lora else (),
    )  # fmt: skip
    started = time.perf_counter()
    made = make_clip(request, str(folder), RuntimeOptions(quiet=True), out=out)
    return made.generation.frames, made.generation.seconds, time.perf_counter() - started


def measure(name, folder, class_name, image, lora, args, work: Path) -> dict:
    pipe = plain_pipeline(folder, class_name, lora)
    plain_times, ours_times, totals, identical = [], [], [], True
    for run in range(args.runs + 1):  # run 0 warms both up and is not counted
        frames_a, seconds_a = plain_call(pipe, image, 42, args)
        frames_b, seconds_b, total_b = vidgen_make(folder, image, lora, 42, args, work / name)
        identical &= bool(np.array_equal(frames_a, frames_b))
        if run:
            plain_times.append(seconds_a)
            ours_times.append(seconds_b)
            totals.append(total_b)
    plain, ours = statistics.median(plain_times), statistics.median(ours_times)
    return {
        "case": name,
        "identical": identical,
        "plain": plain,
        "ours": ours,
        "ratio": ours / plain,
        "total": statistics.median(totals),
    }


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--frames", type=int, default=17)
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    from tiny_pipelines import tiny_image, tiny_lora, tiny_ltx, tiny_wan, tiny_wan_i2v

    work = Path(tempfile.mkdtemp())
    image = tiny_image(work / "red.png", size=(args.size, args.size))
    wan = tiny_wan(work / "wan")
    cases = [
        ("wan2.1-i2v --image", tiny_wan_i2v(work / "wan-i2v"), "WanImageToVideoPipeline", image, None),
        ("ltx --image", tiny_ltx(work / "ltx"), "LTXImageToVideoPipeline", image, None),
        ("wan2.1-t2v --lora :0.8", wan, "WanPipeline", None, tiny_lora(wan, work / "lora")),
    ]  # fmt: skip
    print(f"load before: {uptime()}")
    results = [measure(*case, args, work) for case in cases]
    print(f"load after:  {uptime()}")
    print(
        f"tiny pipelines, {args.size}x{args.size}, {args.frames} frames, {args.steps} steps, "
        f"{args.runs} runs, {args.threads} threads"
    )
    print("| case | frames identical | plain diffusers call (median s) | vidgen make call (median s) | ratio | make_clip end to end (median s) |")  # fmt: skip
    print("| --- | --- | --- | --- | --- | --- |")
    for r in results:
        print(
            f"| {r['case']} | {r['identical']} | {r['plain']:.3f} | {r['ours']:.3f} | "
            f"{r['ratio']:.3f} | {r['total']:.3f} |"
        )


if __name__ == "__main__":
    main()
