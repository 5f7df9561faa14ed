"""Row parity: does a change alter anything `check_clip` decides, down to each frame's row?

`verdict_parity.py` holds verdicts and events through `vidgen check --json -j 2`, where clips
run in turn; this runs `check_clip` in this process with its defaults (the stages on their
own threads, the background model a picture ahead: what `vidgen check` does on one clip),
and keeps each clip's verdict, checks, events with every field, and every per-frame row.

    PYTHONPATH=/tmp/base python benchmarks/row_parity.py record /tmp/rows_main.jsonl CLIP ...
    PYTHONPATH=$PWD python benchmarks/row_parity.py record /tmp/rows_branch.jsonl CLIP ...
    python benchmarks/row_parity.py compare /tmp/rows_main.jsonl /tmp/rows_branch.jsonl

`compare` exits 1 when any clip differs in anything (timings are not kept).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys

import numpy as np


def plain(value):
    """JSON-ready, exactly: arrays as lists, numpy scalars as Python numbers, NaN spelled."""
    if dataclasses.is_dataclass(value):
        return plain(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value != value:
        return "nan"
    return value


def record(out: str, clips: list[str]) -> None:
    from checkers.runner import check_clip

    with open(out, "w") as sink:
        for clip in clips:
            r = check_clip(clip)
            checks = {k: {"verdict": c.verdict, "score": c.score, "events": c.events}
                      for k, c in r.checks.items()}  # fmt: skip
            row = {"clip": clip, "verdict": r.verdict, "error": r.error, "frames": r.frames,
                   "segmented_by": r.segmented_by, "checks": checks, "events": r.events,
                   "rows": r.rows}  # fmt: skip
            sink.write(json.dumps(plain(row), sort_keys=True) + "\n")


def compare(before: str, after: str) -> int:
    a, b = _load(before), _load(after)
    common = [clip for clip in a if clip in b]
    differing = [clip for clip in common if a[clip] != b[clip]]
    for clip in differing:
        fields = [f for f in a[clip] if a[clip][f] != b[clip].get(f)]
        print(f"{clip}: {', '.join(fields)} differ")
    print(f"{len(common) - len(differing)}/{len(common)} clips identical in verdict, checks, "
          f"events and every per-frame row")  # fmt: skip
    return 1 if differing else 0


def _load(path: str) -> dict[str, dict]:
    with open(path) as lines:
        return {r["clip"]: r for r in map(json.loads, lines)}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    rec = sub.add_parser("record")
    rec.add_argument("out")
    rec.add_argument("clips", nargs="+")
    cmp = sub.add_parser("compare")
    cmp.add_argument("before")
    cmp.add_argument("after")
    args = parser.parse_args()
    if args.command == "record":
        record(args.out, args.clips)
    else:
        sys.exit(compare(args.before, args.after))


if __name__ == "__main__":
    main()
