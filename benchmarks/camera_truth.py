"""How well the background model's camera fit follows the wild world's camera, against truth.

The wild profile's camera (vidgen/world/wild_camera.py) is known exactly: the scene's pan,
an eased zoom about the frame's centre, a handheld shake and a roll. Every static point of
the scene moves by the same similarity from one frame to the next, so each step the checker
fits (checkers/perception/camera_fit.camera_similarity) can be compared with the true one.
The error of a step is the largest distance, over the analysis frame's four corners, between
where the fitted step and the true one carry them (analysis pixels). A clip's error over
half a second is the same distance for the steps chained over that span: what the model has
drifted by when it compares the frame with what it carried.

Reported per camera kind (still, shake, zoom, pan; a clip is its strongest kind), over all
steps of the clips whose scene was not cut: the share of steps taken as still by the fit
while the true step moved a corner by more than 0.25 px, the median step error, and the
share of half-second spans whose chained error exceeds 1 px (the model misaligned by a
pixel: texture edges begin to read as foreground).

    python benchmarks/camera_truth.py --corpus /tmp/wild/test5279 [--limit 100] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

MOVED = 0.25  # analysis px: a true step that moves a corner this far is not still
SPAN_SECONDS = 0.5
DRIFTED = 1.0  # analysis px over a span


def _camera(style: dict):
    from vidgen.world.wild_camera import Camera

    c = style["camera"]
    return Camera(c["zoom"][0], c["zoom"][1], c["shake"], tuple(c["freqs"]),
                  tuple(c["phases"]), tuple(c["roll"]), c["roll_shake"], c["roll_phase"])  # fmt: skip


def true_steps(label: dict, analysis: tuple[int, int]) -> list[np.ndarray]:
    """The true camera step into each frame from the one before (3x3, analysis pixels)."""
    width, height, fps, n = label["width"], label["height"], label["fps"], label["num_frames"]
    camera, duration = _camera(label["style"]), (n - 1) / fps
    cx, cy = (width - 1) / 2.0, (height - 1) / 2.0

    def view(t: float) -> np.ndarray:
        zoom, dx, dy = camera.at(t, duration)
        roll = camera.roll_at(t, duration)
        about = np.array([[1, 0, cx], [0, 1, cy], [0, 0, 1]], float)
        scaled = about @ np.diag([zoom, zoom, 1.0]) @ np.linalg.inv(about)
        shift = np.array([[1, 0, dx * height], [0, 1, dy * height], [0, 0, 1]], float)
        c, s = math.cos(roll), math.sin(roll)
        turn = about @ np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]], float) @ np.linalg.inv(about)
        return turn @ shift @ scaled

    pan = np.array([[1, 0, -label["pan"]], [0, 1, 0], [0, 0, 1]], float)  # px a frame
    to_analysis = np.diag([analysis[0] / width, analysis[1] / height, 1.0])
    steps = [np.eye(3)]
    for k in range(1, n):
        step = view(k / fps) @ pan @ np.linalg.inv(view((k - 1) / fps))
        steps.append(to_analysis @ step @ np.linalg.inv(to_analysis))
    return steps


def corner_error(a: np.ndarray, b: np.ndarray, w: int, h: int) -> float:
    pts = np.array([[0, 0, 1], [w, 0, 1], [0, h, 1], [w, h, 1]], float).T
    pa, pb = a @ pts, b @ pts
    return float(np.abs(pa[:2] / pa[2] - pb[:2] / pb[2]).max())


def kind_of(label: dict) -> str:
    c = label["style"]["camera"]
    if label["pan"]:
        return "pan"
    if c["zoom"][0] != c["zoom"][1]:
        return "zoom"
    return "shake" if c["shake"] else "still"


def run_clip(args) -> dict:
    path, label, single_steps = args
    from checkers.perception.camera_fit import camera_similarity
    from checkers.perception.camera_lag import lag_pictures
    from checkers.perception.clean_plate import camera_steps
    from checkers.video import frames, probe

    info = probe(path)
    w, h = info.analysis_width, info.analysis_height
    truth = true_steps(label, (w, h))
    images = [f.image for f in frames(info)]
    grays = [cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) for image in images]
    if single_steps:
        fitted = [np.eye(3)] + [
            camera_similarity(a, b) for a, b in zip(grays, grays[1:], strict=False)
        ]
    else:  # as the background model fits them (up to a cut: the clip then counts as cut)
        fitted = [np.eye(3)] + camera_steps(images, lag_pictures(info.fps))
    if any(f is None for f in fitted) or len(fitted) != len(truth):
        return {"clip": label["clip"], "kind": kind_of(label), "cut": True}
    steps = []
    for f, t in zip(fitted[1:], truth[1:], strict=True):
        moved = corner_error(t, np.eye(3), w, h)
        steps.append((corner_error(f, t, w, h), moved, bool(np.array_equal(f, np.eye(3)))))
    span = max(2, round(SPAN_SECONDS * label["fps"]))
    drifts = []
    for k in range(1, len(fitted) - span + 1):
        fa, ta = np.eye(3), np.eye(3)
        for j in range(k, k + span):
            fa, ta = fitted[j] @ fa, truth[j] @ ta
        drifts.append(corner_error(fa, ta, w, h))
    return {"clip": label["clip"], "kind": kind_of(label), "cut": False, "steps": steps,
            "drifts": drifts}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", required=True, type=Path)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clean-only", action="store_true")
    parser.add_argument("--single-steps", action="store_true",
                        help="judge each step alone, without the span (camera_lag.py)")  # fmt: skip
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    labels = [json.loads(line) for line in (args.corpus / "labels.jsonl").read_text().splitlines()]
    if args.clean_only:
        labels = [lab for lab in labels if not lab["violations"]]
    labels = labels[: args.limit or None]
    jobs = [(str(args.corpus / lab["clip"]), lab, args.single_steps) for lab in labels]
    with ProcessPoolExecutor(args.workers) as pool:
        results = list(pool.map(run_clip, jobs))
    by_kind = defaultdict(list)
    for r in results:
        by_kind[r["kind"]].append(r)
    print("kind   clips cut  steps  still-while-moving  median-err  spans>1px  median-span-err")
    for kind in ("still", "shake", "zoom", "pan"):
        rs = [r for r in by_kind[kind] if not r["cut"]]
        steps = [s for r in rs for s in r["steps"]]
        drifts = [d for r in rs for d in r["drifts"]]
        if not steps:
            continue
        moving = [s for s in steps if s[1] > MOVED]
        missed = sum(1 for s in moving if s[2])
        print(f"{kind:6} {len(by_kind[kind]):5} {len(by_kind[kind]) - len(rs):3} {len(steps):6}"
              f"  {missed:5}/{len(moving):<5} {missed / max(len(moving), 1):5.2f}"
              f"  {np.median([s[0] for s in steps]):8.3f}"
              f"  {np.mean([d > DRIFTED for d in drifts]):8.3f}"
              f"  {np.median(drifts) if drifts else 0:8.3f}")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(results))


if __name__ == "__main__":
    main()
