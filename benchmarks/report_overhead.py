"""What `--report DIR` costs: check wall time with and without it, and the report's size.

1. A/B on the first `--ab` clips of an 832x480 shapes-world corpus, in one process: each
   clip is checked without a report and with one (the order alternates clip by clip, so a
   change in machine load hits both sides alike), through `vidgen.report.check_one`, the
   function `vidgen check` itself calls. Medians and sums; the one-off matplotlib import
   is timed apart (a run pays it once).
2. The whole corpus by the command itself, `vidgen check CORPUS` and then `vidgen check
   CORPUS --report DIR`: both wall times (one after the other, so load may differ: the A/B
   above is the fairer figure), and the report's bytes on disk, files, bytes per clip.

    python benchmarks/report_overhead.py --corpus /tmp/wc300 --generate 300 --ab 30
    python benchmarks/report_overhead.py --corpus /tmp/wc300 --ab 30 --features classical

Load (from `uptime`) is printed at the start and the end: the machine may be shared.
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

# The world corpus is made as benchmarks/accuracy.py makes it (this folder is on sys.path
# when the script runs).
from accuracy import generate


def load() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def ab(clips: list[Path], features: str) -> dict:
    from checkers.html import ReportFolder
    from vidgen.report import check_one

    options = {"features": features}
    with tempfile.TemporaryDirectory() as tmp:
        root = str(ReportFolder.open(Path(tmp) / "rep").root)
        check_one(str(clips[0]), options)  # imports, features, caches
        t0 = time.perf_counter()
        import matplotlib.figure  # noqa: F401 - the one-off cost, timed apart

        matplotlib_s = time.perf_counter() - t0
        check_one(str(clips[0]), options, root)
        plain, reported = [], []
        for number, clip in enumerate(clips):
            sides = [None, root] if number % 2 == 0 else [root, None]
            for side in sides:
                w0 = time.perf_counter()
                check_one(str(clip), options, side)
                (plain if side is None else reported).append(time.perf_counter() - w0)
    ratios = [r / p for p, r in zip(plain, reported, strict=True)]
    return {
        "features": features,
        "clips": len(clips),
        "median_plain_s": round(statistics.median(plain), 3),
        "median_report_s": round(statistics.median(reported), 3),
        "sum_plain_s": round(sum(plain), 2),
        "sum_report_s": round(sum(reported), 2),
        "overhead_sum_pct": round(100 * (sum(reported) / sum(plain) - 1), 1),
        "overhead_median_pct": round(100 * (statistics.median(ratios) - 1), 1),
        "page_median_s": round(
            statistics.median(r - p for p, r in zip(plain, reported, strict=True)), 3
        ),
        "matplotlib_import_s": round(matplotlib_s, 3),
    }


def full_report(corpus: Path, features: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "rep"
        cmd = [sys.executable, "-m", "vidgen", "check", str(corpus), "--features", features,
               "-q", "--exit-zero"]  # fmt: skip
        w0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        plain = time.perf_counter() - w0
        w0 = time.perf_counter()
        subprocess.run([*cmd, "--report", str(out)], check=True, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - w0
        files = [p for p in out.rglob("*") if p.is_file()]
        size = sum(p.stat().st_size for p in files)
        pages = len(list((out / "clips").glob("*.html")))
        return {
            "clips": pages,
            "plain_wall_s": round(plain, 1),
            "report_wall_s": round(wall, 1),
            "overhead_pct": round(100 * (wall / plain - 1), 1),
            "bytes": size,
            "mb": round(size / 1e6, 2),
            "files": len(files),
            "kb_per_clip": round(size / 1e3 / max(pages, 1), 1),
            "index_kb": round((out / "index.html").stat().st_size / 1e3, 1),
            "mb_per_300_clips": round(size / max(pages, 1) * 300 / 1e6, 2),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--generate", type=int, default=0, help="make N clips first (seed 1)")
    parser.add_argument("--ab", type=int, default=30, help="clips in the A/B comparison")
    parser.add_argument("--features", default="auto")
    parser.add_argument("--no-full", action="store_true", help="skip the whole-corpus report")
    args = parser.parse_args()
    if args.generate:
        generate(args.generate, 1, args.corpus)
    clips = sorted(args.corpus.glob("*.mp4"))
    out = {"load_start": load(), "cpus": os.cpu_count()}
    out["ab"] = ab(clips[: args.ab], args.features)
    print(json.dumps(out["ab"]), flush=True)
    if not args.no_full:
        out["full"] = full_report(args.corpus, args.features)
        print(json.dumps(out["full"]), flush=True)
    out["load_end"] = load()
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
