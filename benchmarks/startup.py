"""Start-up time of commands that must not import torch/diffusers (issue 2's bar: < 0.5 s).

Usage: python benchmarks/startup.py [--runs 10]
Prints the median and worst wall time of each command over the runs, and whether torch got
imported (checked with `python -X importtime`).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time

COMMANDS = [["--help"], ["models"], ["make", "--help"]]


def time_command(arguments: list[str], runs: int) -> list[float]:
    executable = shutil.which("vidgen") or sys.executable
    prefix = [executable] if executable.endswith("vidgen") else [sys.executable, "-m", "vidgen"]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([*prefix, *arguments], check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return times


def imports_torch(arguments: list[str]) -> bool:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "vidgen", *arguments],
        capture_output=True,
        text=True,
        check=True,
    )
    return any(
        line.rstrip().endswith(("| torch", "| diffusers")) for line in done.stderr.splitlines()
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    print(f"{'command':<22} {'median s':>9} {'worst s':>8}  imports torch/diffusers")
    for arguments in COMMANDS:
        times = time_command(arguments, args.runs)
        label = "vidgen " + " ".join(arguments)
        print(
            f"{label:<22} {statistics.median(times):>9.3f} {max(times):>8.3f}  "
            f"{'yes' if imports_torch(arguments) else 'no'}"
        )


if __name__ == "__main__":
    main()
