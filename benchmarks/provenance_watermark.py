"""Watermark robustness and invisibility: bit accuracy per attack, payload recovery, PSNR.

    python benchmarks/provenance_watermark.py [--seeds 3] [--frames 81] [--model-clips DIR]
        [--only NAME]

Content: (1) a panning 1/f texture with a moving disc at 832x480 (the hardest case: busy
everywhere), (2) shapes-world clips rendered at 832x480 (vidgen.world), (3) shapes-world
clips at 64x64 x 17 frames, (4) with --model-clips, unmarked clips the embedded shapes
model made (64x64 x 17), e.g. `vidgen make --prompts P.txt --no-watermark --no-sign -o DIR`.
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

from test_provenance import _psnr, _read, reencode, textured_frames, write_mp4  # noqa: E402

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


def decoded(path: Path) -> np.ndarray:
    import av

    with av.open(str(path)) as container:
        return np.stack([f.to_ndarray(format="rgb24") for f in container.decode(video=0)])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--frames", type=int, default=81)
    parser.add_argument("--model-clips", type=Path, help="folder of unmarked model clips")
    parser.add_argument("--only", help="run only the content whose name starts with this")
    args = parser.parse_args()
    contents = {
        "texture 832x480": lambda s: textured_frames(args.frames, 480, 832, seed=s),
        "shapes world 832x480": lambda s: world_frames(s, 832, 480, args.frames),
        "shapes world 64x64x17": lambda s: world_frames(s, 64, 64, 17),
    }
    if args.model_clips:
        clips = sorted(args.model_clips.glob("*.mp4"))
        contents["shapes model 64x64x17"] = lambda s: decoded(clips[s])
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
                psnrs.append(_psnr(frames, marked))
                source = write_mp4(marked, folder / "marked.mp4")
                truth = wm._bits(payload)
                for attack, kw in ATTACKS.items():
                    if kw["crf"] is None:
                        clip = source
                    elif kw.get("skip", 0) >= len(frames) - 4:
                        continue
                    else:
                        clip = reencode(source, folder / "attacked.mp4", **kw)
                    reading = _read(clip)
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
