"""Time the provenance layers add to a clip, and the time `vidgen verify` takes.

    python benchmarks/provenance_speed.py [--repeats 3] [--model 8]

For an 81-frame 832x480 clip and a 17-frame 64x64 clip (the embedded model's size):
watermark embedding (before encoding), sealing (decode + hash, tags + XMP remux, C2PA
signing), and verify_clip on the sealed clip (decode, watermark read, manifest check).
Encoding itself is `vidgen make`'s cost with or without provenance and is shown for scale.
The local CA is created beforehand in a temp VIDGEN_HOME (a one-time cost).
With --model N, N clips of the embedded shapes model (its preset, one torch thread, the
model loaded once as in a batch) are made with every layer on, and the median of the
timings each record carries gives the layers' share of generation time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from provenance_clips import textured_frames, write_mp4  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--model", type=int, default=0, help="clips of the embedded model")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["VIDGEN_HOME"] = str(Path(tmp) / "home")
        from vidgen.provenance import (
            ProvenanceOptions,
            mark_frames,
            prepare,
            seal_clip,
            verify_clip,
        )

        opts = ProvenanceOptions()
        prepare(opts)
        for frames_n, height, width in [(81, 480, 832), (17, 64, 64)]:
            frames = textured_frames(frames_n, height, width, seed=0)
            times: dict[str, list[float]] = {"mark": [], "encode": [], "seal": [], "verify": []}
            for repeat in range(args.repeats):
                clip = Path(tmp) / f"clip{repeat}.mp4"
                started = time.perf_counter()
                marked, _ = mark_frames(frames, f"bench-{repeat}", opts)
                times["mark"].append(time.perf_counter() - started)
                started = time.perf_counter()
                write_mp4(marked, clip)
                times["encode"].append(time.perf_counter() - started)
                record = {"record_id": f"bench-{repeat}", "prompt": "benchmark", "seed": repeat}
                started = time.perf_counter()
                seal_clip(clip, record, opts)
                times["seal"].append(time.perf_counter() - started)
                started = time.perf_counter()
                result = verify_clip(clip)
                times["verify"].append(time.perf_counter() - started)
                times.setdefault("statuses", []).append(result["status"])
            statuses = times.pop("statuses")
            med = {k: statistics.median(v) for k, v in times.items()}
            print(
                f"{frames_n} frames {width}x{height}: watermark {med['mark']:.2f} s "
                f"({med['mark'] / frames_n * 1000:.1f} ms/frame), seal {med['seal']:.2f} s, "
                f"added {med['mark'] + med['seal']:.2f} s; (encode {med['encode']:.2f} s); "
                f"verify {med['verify']:.2f} s  [median of {args.repeats}; verify said {statuses}]"
            )
        if args.model:
            model_share(args.model, Path(tmp) / "made")


def model_share(count: int, out: Path) -> None:
    import torch

    from vidgen.generate import Request
    from vidgen.loading import RuntimeOptions
    from vidgen.make import make_clip

    torch.set_num_threads(1)  # as batches run here (see BENCHMARKS.md: batches)
    prompts = ["a red ball falls and bounces", "a green square moves down on a gray background"]
    rows = []
    for i in range(count + 1):
        request = Request(prompt=prompts[i % 2], seed=300 + i)
        made = make_clip(request, None, RuntimeOptions(quiet=True), out=out)
        rows.append(made.record["timings"])
    rows = rows[1:]  # the first clip pays for loading the model and the signer
    med = {
        k: statistics.median(r[k] for r in rows) for k in ("generate_s", "watermark_s", "seal_s")
    }
    added = med["watermark_s"] + med["seal_s"]
    print(
        f"shapes model, {count} clips 64x64x17: generate {med['generate_s']:.2f} s, "
        f"watermark {med['watermark_s']:.3f} s, seal {med['seal_s']:.3f} s; layers add "
        f"{added:.2f} s = {100 * added / med['generate_s']:.1f}% of generation [medians]"
    )


if __name__ == "__main__":
    main()
