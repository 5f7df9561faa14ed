"""Verdict parity: does a change to `checkers/` alter what `vidgen check` decides?

Record the verdicts and events of a set of clips once, before a change, then compare
after it. Each clip is judged by `python -m vidgen check --json` run from the current
directory, so the code of the worktree you stand in is the code measured.

    python benchmarks/verdict_parity.py record /tmp/sw/dev /tmp/parity/dev.json --first 60
    python benchmarks/verdict_parity.py record ../shared/gen-clips/clips /tmp/parity/gen.json
    python benchmarks/verdict_parity.py compare /tmp/parity/dev.json

Compared exactly: each clip's verdict and error state, and its events as (check, kind,
frame, object). Event boxes and check scores are compared too but only reported, since a
box may move by a pixel without changing any decision. `compare` exits 1 on any verdict or
event difference.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

VIDEO_SUFFIXES = {".mp4", ".mkv", ".mov", ".webm", ".avi"}


def clips_in(folder: Path, first: int | None) -> list[str]:
    clips = sorted(str(p) for p in folder.iterdir() if p.suffix.lower() in VIDEO_SUFFIXES)
    return clips[:first] if first else clips


def judge(clips: list[str], features: str, workers: int) -> dict[str, dict]:
    """Each clip's vidgen.check/1 object, keyed by clip path."""
    command = [sys.executable, "-m", "vidgen", "check", "--json", "-q", "--exit-zero",
               "--features", features, "-j", str(workers), *clips]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode not in (0, 2):  # 2: a clip could not be read (it is still reported)
        sys.exit(f"vidgen check exited {done.returncode}: {done.stderr.strip()[-2000:]}")
    out = {}
    for line in done.stdout.splitlines():
        if line.strip():
            item = json.loads(line)
            out[item["clip"]] = item
    missing = set(clips) - set(out)
    if missing:
        sys.exit(f"no result for {len(missing)} clips, e.g. {sorted(missing)[0]}")
    return out


def decisions(item: dict) -> dict:
    """What must not change: the verdict, whether it erred, the events' identities."""
    return {
        "verdict": item["verdict"],
        "error": item["error"] is not None,
        "events": sorted(
            (e["check"], e["kind"], e["frame"], e.get("object")) for e in item["events"]
        ),
    }


def details(item: dict) -> dict:
    """What is reported when it moves: event boxes and per-check scores."""
    return {
        "boxes": sorted(
            (e["check"], e["kind"], e["frame"], e.get("object"), e.get("bbox"))
            for e in item["events"]
        ),
        "scores": {name: c["score"] for name, c in item["checks"].items()},
    }


def record(args) -> None:
    clips = clips_in(Path(args.folder), args.first)
    t0 = time.perf_counter()
    results = judge(clips, args.features, args.workers)
    seconds = time.perf_counter() - t0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    payload = {"features": args.features, "clips": clips, "seconds": round(seconds, 1),
               "results": results}  # fmt: skip
    args.out.write_text(json.dumps(payload, indent=0))
    failed = sum(r["verdict"] == "fail" for r in results.values())
    events = sum(len(r["events"]) for r in results.values())
    print(f"recorded {len(clips)} clips ({failed} fail, {events} events) in {seconds:.0f} s "
          f"-> {args.out}")  # fmt: skip


def compare(args) -> None:
    saved = json.loads(args.recorded.read_text())
    clips = saved["clips"]
    features = args.features or saved["features"]
    t0 = time.perf_counter()
    now = judge(clips, features, args.workers)
    seconds = time.perf_counter() - t0
    changed, moved = [], []
    for clip in clips:
        before, after = saved["results"][clip], now[clip]
        if decisions(before) != decisions(after):
            changed.append((clip, decisions(before), decisions(after)))
        elif details(before) != details(after):
            moved.append((clip, details(before), details(after)))
    for clip, b, a in changed:
        print(f"CHANGED {clip}\n  before {b}\n  after  {a}")
    for clip, b, a in moved:
        print(f"moved (boxes or scores only) {clip}\n  before {b}\n  after  {a}")
    print(f"{len(clips)} clips: {len(changed)} with changed verdicts or events, "
          f"{len(moved)} with only boxes or scores moved; {seconds:.0f} s now, "
          f"{saved['seconds']:.0f} s when recorded")  # fmt: skip
    sys.exit(1 if changed else 0)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    rec = sub.add_parser("record", help="judge the clips of FOLDER and save the results")
    rec.add_argument("folder")
    rec.add_argument("out", type=Path)
    rec.add_argument("--first", type=int, help="only the first N clips (sorted by name)")
    rec.add_argument("--features", default="auto", help="vidgen check --features")
    rec.add_argument("--workers", type=int, default=2)
    rec.set_defaults(run=record)
    cmp = sub.add_parser("compare", help="judge the recorded clips again and compare")
    cmp.add_argument("recorded", type=Path)
    cmp.add_argument("--features", help="default: as recorded")
    cmp.add_argument("--workers", type=int, default=2)
    cmp.set_defaults(run=compare)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
