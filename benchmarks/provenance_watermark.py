"""Watermark robustness and invisibility: bit accuracy per attack, payload recovery, PSNR.

    python benchmarks/provenance_watermark.py [--seeds 3] [--frames 81] [--model-clips 24]
        [--only NAME]

Content: (1) a panning 1/f texture with a moving disc at 832x480 (the hardest case: busy
everywhere), (2) shapes-world clips rendered at 832x480 (vidgen.world), (3) shapes-world
clips at 64x64 x 17 frames, (4) with --model-clips N, frames the embedded shapes model
generates here (64x64 x 17, its preset; unencoded): half of them for the README's
"a red ball falls and bounces" (seeds 100...), half for the first lines of prompts/shapes.txt
(seeds 200...).
Each clip is marked, encoded at crf 18 (as `vidgen make` does), then attacked with ffmpeg.
"coded chips" is the share of the 192 coded chips whose sign is right (the raw channel,
before any correction); "payload bits" the share of the 64 payload bits the convolutional
decoder gets right (before the CRC is checked; about 0.5 when it fails); "payload" counts
clips whose checksum-verified payload came back.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from provenance_clips import psnr, read_mark, reencode, textured_frames, write_mp4  # noqa: E402

from vidgen.provenance import watermark as wm  # noqa: E402
from vidgen.provenance import wmcode  # noqa: E402

ATTACKS = {
    "crf18 (as written)": dict(crf=None),
    "crf23": dict(crf=23),
    "crf28": dict(crf=28),
    "crf35": dict(crf=35),
    "half size, crf28": dict(crf=28, vf="scale=trunc(iw/4)*2:trunc(ih/4)*2"),
    "80% crop, crf28": dict(crf=28, vf="crop=trunc(iw*0.4)*2:trunc(ih*0.4)*2:17:11"),
    "half + 80% crop, crf28": dict(
        crf=28, vf="scale=trunc(iw/4)*2:trunc(ih/4)*2,crop=trunc(iw*0.4)*2:trunc(ih*0.4)*2:9:5"
    ),
    "trim first 12 frames, crf23": dict(crf=23, skip=12),
    "trim first 5 frames, crf23": dict(crf=23, skip=5),
}


def world_frames(seed: int, width: int, height: int, frames: int) -> np.ndarray:
    from vidgen.world import random_scene, render_clip

    scene = random_scene(np.random.default_rng(seed))
    return render_clip(scene, width=width, height=height, frames=frames, fps=16).frames


def model_frames(count: int) -> list[np.ndarray]:
    import torch

    from vidgen.generate import Request, fill_defaults, run
    from vidgen.loading import RuntimeOptions, load_pipeline, resolve_model

    torch.set_num_threads(1)  # the machine is shared; OpenMP spin-waits on a busy core
    loaded = load_pipeline(resolve_model(None), RuntimeOptions(quiet=True))
    lines = Path(__file__).resolve().parents[1].joinpath("prompts", "shapes.txt").read_text()
    prompts = [line.strip() for line in lines.splitlines() if line.strip()[:1].isalpha()]
    jobs = [("a red ball falls and bounces", 100 + i) for i in range(count // 2)]
    jobs += [(prompts[i % len(prompts)], 200 + i) for i in range(count - count // 2)]
    return [run(fill_defaults(Request(prompt=p, seed=s), loaded), loaded).frames for p, s in jobs]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--frames", type=int, default=81)
    parser.add_argument("--model-clips", type=int, default=0, help="clips of the shapes model")
    parser.add_argument("--only", help="run only the content whose name starts with this")
    args = parser.parse_args()
    contents = {
        "texture 832x480": lambda s: textured_frames(args.frames, 480, 832, seed=s),
        "shapes world 832x480": lambda s: world_frames(s, 832, 480, args.frames),
        "shapes world 64x64x17": lambda s: world_frames(s, 64, 64, 17),
    }
    if args.model_clips:
        clips = model_frames(args.model_clips)
        contents["shapes model 64x64x17"] = lambda s: clips[s]
    if args.only:
        contents = {k: v for k, v in contents.items() if k.startswith(args.only)}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, make in contents.items():
            stats: dict[str, list] = {a: [] for a in ATTACKS}
            psnrs, mark_ms = [], []
            seeds = len(clips) if name.startswith("shapes model") else args.seeds
            for seed in range(seeds):
                frames = make(seed)
                payload = wm.payload_for(f"bench-{seed}")
                started = time.perf_counter()
                marked = wm.embed(frames, payload)
                mark_ms.append((time.perf_counter() - started) / len(frames) * 1000)
                psnrs.append(psnr(frames, marked))
                # at the fps `vidgen make` writes: the model's preset is 8, the others 16
                fps = 8 if name.startswith("shapes model") else 16
                source = write_mp4(marked, folder / "marked.mp4", fps=fps)
                truth = wm._bits(payload)
                for attack, kw in ATTACKS.items():
                    if kw["crf"] is None:
                        clip = source
                    elif kw.get("skip", 0) >= len(frames) - 4:
                        continue
                    else:
                        clip = reencode(source, folder / "attacked.mp4", **kw)
                    reading = read_mark(clip)
                    got = wm._bits(reading.raw_payload) if reading.raw_payload else 1 - truth
                    bits = float(np.mean(got == truth))
                    chips = 0.5
                    if reading.soft is not None:
                        chips = float(np.mean((reading.soft > 0) == wmcode.encode(truth)))
                    stats[attack].append((bits, reading.payload == payload, chips))
            print(f"\n## {name}: {seeds} clips")
            print(
                f"PSNR {np.mean(psnrs):.2f} dB (min {np.min(psnrs):.2f}); "
                f"embedding {np.mean(mark_ms):.1f} ms/frame"
            )
            print("| attack | coded chips right (mean, min) | payload bits (mean, min) | payload |")
            print("| --- | --- | --- | --- |")
            for attack, rows in stats.items():
                if not rows:
                    continue
                bits = [r[0] for r in rows]
                ok = sum(r[1] for r in rows)
                chips = [r[2] for r in rows]
                print(
                    f"| {attack} | {np.mean(chips):.3f}, {np.min(chips):.3f} "
                    f"| {np.mean(bits):.3f}, {np.min(bits):.3f} | {ok}/{len(rows)} |"
                )
            sys.stdout.flush()


if __name__ == "__main__":
    main()
