"""Shapes-world speed: frames per second of render_clip on one core, and scenes per second.

    python benchmarks/world_speed.py [--clips 40]

render_clip includes the physics, the drawing and the labels (and, for violated scenes, the
clean twin that the labels are measured against). Scene generation (random_scene, which
simulates each candidate scene to reject bad layouts) is timed separately. OpenCV is held to
one thread so the figure is per core.
"""

from __future__ import annotations

import argparse
import time

import cv2
import numpy as np

from vidgen.world import random_scene, render_clip

CASES = [
    # name, profile, width, height, frames, fps, violation rate, bar (frames/s)
    ("simple 64x64, 17 frames @ 8 fps", "simple", 64, 64, 17, 8, 0.0, 2000),
    ("full 64x64, 17 frames @ 8 fps (violations 0.5)", "full", 64, 64, 17, 8, 0.5, 2000),
    ("full 832x480, 49 frames @ 16 fps (clean)", "full", 832, 480, 49, 16, 0.0, 200),
    ("full 832x480, 49 frames @ 16 fps (violations 0.5)", "full", 832, 480, 49, 16, 0.5, 200),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=40)
    args = parser.parse_args()
    cv2.setNumThreads(1)
    for name, profile, w, h, n, fps, rate, bar in CASES:
        rng = np.random.default_rng(0)
        c0 = time.process_time()
        scenes = [
            random_scene(rng, profile=profile, violation_rate=rate, aspect=w / h,
                         duration=(n - 1) / fps)
            for _ in range(args.clips)
        ]  # fmt: skip
        c1, t1 = time.process_time(), time.perf_counter()
        for scene in scenes:
            render_clip(scene, width=w, height=h, frames=n, fps=fps)
        c2, t2 = time.process_time(), time.perf_counter()
        frames = args.clips * n
        # CPU time is what one core spends; wall time also counts waiting on a shared machine
        rate_cpu, rate_wall = frames / (c2 - c1), frames / (t2 - t1)
        verdict = "meets" if rate_cpu >= bar else "BELOW"
        print(
            f"{name}: render {rate_cpu:,.0f} frames/s per CPU second, {rate_wall:,.0f} per wall "
            f"second ({verdict} the {bar} bar); scenes {args.clips / (c1 - c0):,.1f}/CPU s; "
            f"end to end {frames / (c2 - c0):,.0f} frames/CPU s"
        )


if __name__ == "__main__":
    main()
