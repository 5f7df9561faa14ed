"""One batch command versus N single `vidgen make` commands, and 1 vs 2 CPU processes.

Issue 7's bar: 20 prompts with the built-in model, one batch at least 5x faster in wall time
than 20 single commands (each single command pays Python start-up, the diffusers import and
the model load; the batch pays them once).

Usage: python benchmarks/batch_speed.py [--model shapes] [--n 20] [--prompts prompts/shapes.txt]
                                        [--extra "--steps 20"] [--skip-singles] [--scaling]
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def vidgen() -> list[str]:
    found = shutil.which("vidgen")
    return [found] if found else [sys.executable, "-m", "vidgen"]


def timed(command: list[str], env: dict) -> float:
    started = time.perf_counter()
    subprocess.run(
        command, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="shapes")
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--prompts", type=Path, default=ROOT / "prompts" / "shapes.txt")
    parser.add_argument("--extra", default="", help="more make flags, e.g. '--steps 10'")
    parser.add_argument("--skip-singles", action="store_true")
    parser.add_argument(
        "--scaling", action="store_true", help="also time torchrun with 2 processes"
    )
    args = parser.parse_args()

    lines = [line.strip() for line in args.prompts.read_text().splitlines()]
    prompts = [line for line in lines if line and not line.startswith("#")][: args.n]
    work = Path(tempfile.mkdtemp())
    batch_file = work / "batch.txt"
    batch_file.write_text("\n".join(prompts) + "\n")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "VIDGEN_HOME": str(work / "home")}
    extra = shlex.split(args.extra)
    common = ["-q", "--model", args.model, *extra]

    print(
        f"{len(prompts)} prompts from {args.prompts.name}, model {args.model} {args.extra}".rstrip()
    )
    batch_s = timed([*vidgen(), "make", *common, "-o", str(work / "batch"), str(batch_file)], env)
    print(f"one batch command:        {batch_s:8.1f} s  ({batch_s / len(prompts):.2f} s a clip)")
    if not args.skip_singles:
        singles_s = sum(
            timed(
                [*vidgen(), "make", *common, "--seed", str(i), "-o", str(work / "singles"), prompt],
                env,
            )
            for i, prompt in enumerate(prompts)
        )
        print(
            f"{len(prompts)} single commands:      {singles_s:8.1f} s  ({singles_s / len(prompts):.2f} s a clip)"
        )
        print(f"batch speed-up:           {singles_s / batch_s:8.2f}x")
    if args.scaling:
        torchrun = shutil.which("torchrun") or "torchrun"
        two_s = timed(
            [torchrun, "--nproc-per-node", "2", "-m", "vidgen", "make", "--prompts", str(batch_file),
             *common, "-o", str(work / "two")],
            {**env, "OMP_NUM_THREADS": "1"},
        )  # fmt: skip
        one_s = timed(
            [*vidgen(), "make", *common, "-o", str(work / "one"), str(batch_file)],
            {**env, "OMP_NUM_THREADS": "1"},
        )
        print(f"1 process, 1 thread:      {one_s:8.1f} s")
        print(
            f"2 processes, 1 thread each: {two_s:6.1f} s  (scaling {one_s / two_s:.2f}x on 2 cores)"
        )


if __name__ == "__main__":
    main()
