"""Where a check's time goes: CPU milliseconds a frame of each perception stage, run in turn.

    python benchmarks/check_stages.py CLIP [CLIP ...] [--repeat 3]

Runs the stages `vidgen check` runs on every frame (decode to the analysis copy, the tracker,
the scene perception, the face tracks when dlib is installed) one after the other on this
thread, as `check_clip(overlap=False)` does, and times each with the process's CPU clock;
the checkers' own per-frame work is small and left out. From a git worktree, put the
worktree first: `PYTHONPATH=$PWD python benchmarks/check_stages.py ...`.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict

import cv2

from checkers.features.select import load_face_embedder
from checkers.malloc import keep_freed_memory
from checkers.perception.faces import FaceTracks
from checkers.perception.scene import ScenePerception
from checkers.tracking import Tracker
from checkers.video import frames, probe


def stages(clip: str, repeat: int) -> dict[str, float]:
    """CPU ms a frame of each stage, over `repeat` runs after one warm-up run."""
    faces = load_face_embedder()
    spent: dict[str, float] = defaultdict(float)
    count = 0
    for run in range(repeat + 1):
        info = probe(clip)
        tracker = Tracker(info.analysis_width, info.analysis_height)
        scene = ScenePerception(info.fps, info.analysis_width, info.analysis_height)
        face_tracks = FaceTracks(faces, info.fps, info.scale) if faces else None
        source = frames(info)
        while True:
            t0 = time.process_time()
            frame = next(source, None)
            t1 = time.process_time()
            if frame is None:
                break
            tracker.update(frame)
            t2 = time.process_time()
            scene.update(frame.index, frame.time, frame.image)
            t3 = time.process_time()
            if face_tracks is not None:
                face_tracks.update(frame.index, frame.time, frame.image)
            t4 = time.process_time()
            if run:  # the first run warms caches and loads models
                for name, seconds in (("decode", t1 - t0), ("tracker", t2 - t1),
                                      ("scene", t3 - t2), ("faces", t4 - t3)):  # fmt: skip
                    spent[name] += seconds
                count += 1
    return {name: 1000 * seconds / count for name, seconds in spent.items()}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("clips", nargs="+")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    keep_freed_memory()
    cv2.setNumThreads(1)  # as during a check (checkers/overlap.py)
    for clip in args.clips:
        ms = stages(clip, args.repeat)
        parts = ", ".join(f"{name} {value:.2f}" for name, value in ms.items())
        print(f"{clip}: {sum(ms.values()):.1f} CPU ms a frame ({parts})")


if __name__ == "__main__":
    main()
