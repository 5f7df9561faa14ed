"""Accuracy of the checkers on a labeled shapes-world corpus.

A labeled violation counts as found when an event of the same check starts within
`--tolerance` frames (default 2) of its labeled start frame. Per check: precision (events
that match a labeled violation of that check / all events of that check) and recall (found /
labeled). On clean clips: the share that fail. Per violation kind: found / labeled and which
event kinds were raised for it.

    # write a corpus with the shapes world, then score it
    python benchmarks/accuracy.py --generate 150 --seed 7 --corpus /tmp/corpus-7
    # score an existing corpus (MP4s + labels.jsonl)
    python benchmarks/accuracy.py --corpus /tmp/corpus-7 --workers 2 --json out.json
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from checkers.report import to_json
from checkers.runner import ALL_CHECKS, check_clip
from checkers.video import DEFAULT_SHORT_SIDE


def generate(n: int, seed: int, out: Path) -> None:
    cmd = [
        sys.executable, "-m", "vidgen", "world", "--n", str(n), "--out", str(out),
        "--size", "832x480", "--fps", "16", "--frames", "49", "--seed", str(seed),
        "--violation-rate", "0.5", "-q",
    ]  # fmt: skip
    subprocess.run(cmd, check=True)


def _check(args: tuple[str, str, int]) -> dict:
    path, sensitivity, short_side = args
    return to_json(check_clip(path, sensitivity=sensitivity, threads=1, short_side=short_side))


def score(labels: list[dict], results: dict[str, dict], tolerance: int) -> dict:
    per_check = {c: Counter() for c in ALL_CHECKS}
    kinds: dict[str, Counter] = defaultdict(Counter)
    clean = Counter()
    misses = []
    false_events = []
    for record in labels:
        result = results[record["clip"]]
        events = result["events"]
        violations = record["violations"]
        if not violations:
            clean["clips"] += 1
            clean["failed"] += result["verdict"] == "fail"
            clean["error"] += result["verdict"] == "error"
        for v in violations:
            check = v["check"]
            per_check[check]["labeled"] += 1
            near = [e for e in events if abs(e["frame"] - v["start_frame"]) <= tolerance]
            hit = [e for e in near if e["check"] == check]
            per_check[check]["found"] += bool(hit)
            kinds[v["kind"]]["labeled"] += 1
            kinds[v["kind"]]["found"] += bool(hit)
            for e in near:
                kinds[v["kind"]][f"{e['check']}/{e['kind']}"] += 1
            if not hit:
                misses.append((record["clip"], v["kind"], v["start_frame"],
                               [(e["kind"], e["frame"]) for e in events]))  # fmt: skip
        for e in events:
            check = e["check"]
            per_check[check]["events"] += 1
            match = any(
                v["check"] == check and abs(e["frame"] - v["start_frame"]) <= tolerance
                for v in violations
            )
            per_check[check]["true_events"] += match
            if not match:
                false_events.append((record["clip"], check, e["kind"], e["frame"],
                                     [v["kind"] for v in violations]))  # fmt: skip
    summary = {
        "checks": {},
        "kinds": {},
        "clean": dict(clean),
        "misses": misses,
        "false_events": false_events,
    }
    for check, c in per_check.items():
        summary["checks"][check] = {
            "labeled": c["labeled"],
            "found": c["found"],
            "events": c["events"],
            "recall": round(c["found"] / c["labeled"], 3) if c["labeled"] else None,
            "precision": round(c["true_events"] / c["events"], 3) if c["events"] else None,
        }
    for kind, c in sorted(kinds.items()):
        summary["kinds"][kind] = dict(c)
    if clean["clips"]:
        summary["clean"]["false_alarm_rate"] = round(clean["failed"] / clean["clips"], 3)
    return summary


def markdown(summary: dict) -> str:
    lines = [
        "| check | labeled | found | recall | events | precision |",
        "|---|---|---|---|---|---|",
    ]
    for check, c in summary["checks"].items():
        lines.append(f"| {check} | {c['labeled']} | {c['found']} | {c['recall']} | {c['events']} | "
                     f"{c['precision']} |")  # fmt: skip
    clean = summary["clean"]
    lines += ["", f"clean clips: {clean.get('clips', 0)}, failed: {clean.get('failed', 0)} "
              f"(false-alarm rate {clean.get('false_alarm_rate')})", "",
              "| violation kind | labeled | found | events raised within tolerance |",
              "|---|---|---|---|"]  # fmt: skip
    for kind, c in summary["kinds"].items():
        raised = ", ".join(f"{k} x{n}" for k, n in c.items() if "/" in k) or "none"
        lines.append(f"| {kind} | {c['labeled']} | {c['found']} | {raised} |")
    # Events that match no labeled violation of their check, by what the clip held.
    wrong = Counter(
        (f"{check}/{kind}", "+".join(held) or "clean")
        for _, check, kind, _, held in summary["false_events"]
    )
    lines += ["", "| false event | clip's labeled violation | count |", "|---|---|---|"]
    lines += [f"| {event} | {held} | {n} |" for (event, held), n in sorted(wrong.items())]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--corpus", type=Path, required=True, help="folder with MP4s + labels.jsonl"
    )
    parser.add_argument("--generate", type=int, default=0, help="first write this many clips")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed for --generate")
    parser.add_argument("--sensitivity", default="medium")
    parser.add_argument("--tolerance", type=int, default=2)
    parser.add_argument(
        "--short-side",
        type=int,
        default=DEFAULT_SHORT_SIDE,
        help="analysis short side in pixels (the checks should not depend on it)",
    )
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--limit", type=int, default=0, help="score only the first N clips")
    parser.add_argument("--json", type=Path, help="write the summary (and misses) here")
    args = parser.parse_args()

    if args.generate:
        generate(args.generate, args.seed, args.corpus)
    labels = [json.loads(line) for line in (args.corpus / "labels.jsonl").open()]
    if args.limit:
        labels = labels[: args.limit]
    paths = [str(args.corpus / record["clip"]) for record in labels]
    start = time.perf_counter()
    jobs = [(p, args.sensitivity, args.short_side) for p in paths]
    if args.workers > 1:
        with ProcessPoolExecutor(args.workers) as pool:
            outputs = list(pool.map(_check, jobs))
    else:
        outputs = [_check(job) for job in jobs]
    elapsed = time.perf_counter() - start
    results = {record["clip"]: out for record, out in zip(labels, outputs, strict=True)}
    summary = score(labels, results, args.tolerance)
    summary["clips"] = len(labels)
    summary["seconds"] = round(elapsed, 1)
    errors = [r["clip"] for r in outputs if r["verdict"] == "error"]
    summary["errors"] = errors
    print(markdown(summary))
    print(f"\n{len(labels)} clips in {elapsed:.1f} s; errors: {len(errors)}")
    if args.json:
        summary["results"] = results
        args.json.write_text(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
