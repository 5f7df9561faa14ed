"""Speed of `check_clip` from two source trees, side by side: before and after a change.

    python benchmarks/speed_ab.py --before /tmp/base --after . --rounds 7 CLIP [CLIP ...]
    python benchmarks/speed_ab.py --before /tmp/base --after . --features classical CLIP

One worker process per tree (its PYTHONPATH first), each warmed up once on every clip
(imports, models, caches). Then the rounds alternate between the two workers, the one that
starts switching each round, so load that comes and goes on a shared machine falls on both
alike. A round is one pass over all the clips; its wall seconds and the worker's CPU seconds
(every thread: user + system) give frames/s. Medians over the rounds, load averages beside.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

WORKER = r"""
import json, sys, time
from checkers.runner import check_clip
clips, features = json.loads(sys.argv[1]), sys.argv[2]
for clip in clips:
    check_clip(clip, features=features)
import checkers
print(json.dumps({"ready": checkers.__file__}), flush=True)
for _ in sys.stdin:
    frames = 0
    c0, w0 = time.process_time(), time.perf_counter()
    for clip in clips:
        report = check_clip(clip, features=features)
        assert report.verdict != "error", report.error
        frames += report.frames
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    print(json.dumps({"frames": frames, "wall": wall, "cpu": cpu}), flush=True)
"""


def start(tree: str, clips: list[str], features: str) -> subprocess.Popen:
    tree = os.path.abspath(tree)
    # `python -c` puts its working folder first on sys.path: run it in the tree measured.
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, json.dumps([os.path.abspath(c) for c in clips]), features],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=tree,
        env=dict(os.environ, PYTHONPATH=tree),
    )  # fmt: skip
    ready = json.loads(worker.stdout.readline())["ready"]  # warmed up
    if not ready.startswith(tree + os.sep):
        sys.exit(f"the worker for {tree} imported checkers from {ready}")
    return worker


def one_round(worker: subprocess.Popen) -> dict:
    worker.stdin.write("go\n")
    worker.stdin.flush()
    return json.loads(worker.stdout.readline())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("clips", nargs="+")
    parser.add_argument("--before", required=True, help="source tree of the old code")
    parser.add_argument("--after", required=True, help="source tree of the new code")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--features", default="auto")
    args = parser.parse_args()
    trees = {"before": args.before, "after": args.after}
    workers = {name: start(tree, args.clips, args.features) for name, tree in trees.items()}
    runs: dict[str, list[dict]] = {name: [] for name in trees}
    loads = [os.getloadavg()[0]]
    for r in range(args.rounds):
        order = list(trees) if r % 2 == 0 else list(trees)[::-1]
        for name in order:
            runs[name].append(one_round(workers[name]))
        loads.append(os.getloadavg()[0])
    for worker in workers.values():
        worker.stdin.close()
        worker.wait()
    frames = runs["before"][0]["frames"]
    print(f"{len(args.clips)} clips, {frames} frames a round, features {args.features}, "
          f"{args.rounds} rounds; load average (1 min) {min(loads):.1f}-{max(loads):.1f}")  # fmt: skip
    for name in trees:
        wall = statistics.median(x["wall"] for x in runs[name])
        cpu = statistics.median(x["cpu"] for x in runs[name])
        print(f"{name:>6} ({trees[name]}): {frames / wall:6.1f} frames/s wall, "
              f"{frames / cpu:6.1f} per CPU s  (median {wall:.2f} s wall, {cpu:.2f} s CPU; "
              f"wall range {min(x['wall'] for x in runs[name]):.2f}-"
              f"{max(x['wall'] for x in runs[name]):.2f} s)")  # fmt: skip


if __name__ == "__main__":
    main()
