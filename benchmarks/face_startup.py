"""Start-up of `vidgen check`, two versions of the code side by side (issue 17: under 1.5 s
on a clip without faces or CNN work).

Each run is a fresh process, run from a code folder with PYTHONPATH pointing at it, so the
folder's checkers and vidgen are the ones measured (not the pip-installed ones). The
versions alternate run by run, so load from other work falls on both alike; medians are
printed beside the load average before and after.

Per version, two figures:
  command   wall time of `python -m vidgen check -q --features F CLIP` (start-up included);
  features  wall time of resolving --features in a fresh process (the face backend's load:
            dlib's frontal detector, the landmark model and the ResNet).

    git archive 15319e5 | tar -x -C /tmp/base     # the older code, outside any worktree
    python benchmarks/face_startup.py --clip one_second.mp4 --against /tmp/base --runs 8
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

FEATURES_LOAD = (
    "import time; t = time.perf_counter(); "
    "from checkers.features.choice import resolve_features; "
    "f = resolve_features({features!r}); print(time.perf_counter() - t, f.name)"
)


def run(folder: Path, command: list[str]) -> tuple[float, str]:
    env = os.environ | {"PYTHONPATH": str(folder)}
    t0 = time.perf_counter()
    done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if done.returncode not in (0, 1):
        raise SystemExit(f"{folder}: {' '.join(command)} failed:\n{done.stderr[-2000:]}")
    return wall, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clip", required=True, help="a short clip (1 s) with no face")
    parser.add_argument(
        "--against", required=True, type=Path, help="code folder of the old version"
    )
    parser.add_argument("--new", type=Path, default=Path.cwd(), help="default: this folder")
    parser.add_argument("--runs", type=int, default=8)
    parser.add_argument("--features", default="auto")
    args = parser.parse_args()
    clip = str(Path(args.clip).resolve())
    check = [sys.executable, "-m", "vidgen", "check", "-q", "--features", args.features, clip]
    load = [sys.executable, "-c", FEATURES_LOAD.format(features=args.features)]
    versions = {"old": args.against.resolve(), "new": args.new.resolve()}
    times = {(v, k): [] for v in versions for k in ("command", "features")}
    names = {}
    before = os.getloadavg()
    for _ in range(args.runs):
        for version, folder in versions.items():
            times[version, "command"].append(run(folder, check)[0])
            wall, out = run(folder, load)
            seconds, names[version] = out.split()
            times[version, "features"].append(float(seconds))
    after = os.getloadavg()
    print(f"clip {clip}, --features {args.features}, {args.runs} alternating runs each")
    print(
        f"load average before {before[0]:.1f} / {before[1]:.1f}, after {after[0]:.1f} / {after[1]:.1f}"
    )
    print(f"{'version':<8} {'features':<18} {'command median s':>17} {'features median s':>18}")
    for version, folder in versions.items():
        command = statistics.median(times[version, "command"])
        features = statistics.median(times[version, "features"])
        print(f"{version:<8} {names[version]:<18} {command:>17.3f} {features:>18.3f}  {folder}")


if __name__ == "__main__":
    main()
