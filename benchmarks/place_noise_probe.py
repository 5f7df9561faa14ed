r"""Each place's own noise: is an edit's step larger than its place's usual variation?

`dump` runs the scene's change stage (checkers/perception/change.py, at the scene's size, as
scene.py runs it) over every clip of an edited-real corpus and keeps, per cell of the burst
grid (bursts.GRID) and frame, the mean unexplained change (the motion-compensated residual,
Lab), the mean Lab and the fastest residual flow. `table` then reads, for every edit, the
step at its frame against its box's own temporal noise, and the same statistic's largest
value over every place and frame of each unedited clip: the question is whether a bar
separates the two (BENCHMARKS.md, "edits judged against each place's noise, session 22").

    PYTHONPATH=$PWD python benchmarks/place_noise_probe.py dump /tmp/edited/s61 --out /tmp/pn/s61
    python benchmarks/place_noise_probe.py table /tmp/edited/s61 /tmp/pn/s61
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import cv2
import numpy as np

from checkers.perception.bursts import GRID
from checkers.perception.change import ChangeMeter
from checkers.perception.scene import ScenePerception
from checkers.video import frames, probe

NOISE_S = 0.5  # seconds before (and after) a frame over which a place's noise is read
FLOOR = 0.3  # Lab: a place's noise is never taken below this (a flat, clean patch)


def dump(path: Path, out: Path) -> None:
    info = probe(path)
    scene = ScenePerception(info.fps, info.analysis_width, info.analysis_height)
    meter = ChangeMeter(keep_map=True, regions=False)
    resid, lab, speed = [], [], []
    area = cv2.INTER_AREA
    for frame in frames(info):
        step = meter.update(scene.shrink(frame.image))
        if step.residual is None:
            r = np.zeros((GRID[1], GRID[0]), np.float32)
            s = r
        else:
            r = cv2.resize(step.residual, GRID, interpolation=area)
            s = cv2.dilate(step.speed, np.ones((3, 3), np.uint8))
            s = cv2.resize(s, GRID, interpolation=area)
        resid.append(r)
        speed.append(s)
        lab.append(cv2.resize(step.lab, GRID, interpolation=area))
    np.savez_compressed(
        out / (path.stem + ".npz"),
        resid=np.stack(resid),
        lab=np.stack(lab),
        speed=np.stack(speed),
        fps=info.fps,
        size=np.array(scene.size),
    )


def zmap(resid: np.ndarray, fps: float) -> np.ndarray:
    """(T, rows, cols): each cell's change at each frame over its own noise, the median
    change of the same cell over NOISE_S before and after (whichever is larger), less the
    whole frame's share of it (a compression key frame or a flicker changes every place)."""
    k = max(3, int(round(NOISE_S * fps)))
    T = len(resid)
    z = np.zeros_like(resid)
    frame_level = np.median(resid.reshape(T, -1), axis=1)
    for t in range(1, T):
        before = resid[max(1, t - k) : t]
        after = resid[t + 1 : t + 1 + k]
        parts = [np.median(p, axis=0) for p in (before, after) if len(p) >= 2]
        if not parts:
            continue
        sigma = np.maximum(np.maximum.reduce(parts), FLOOR)
        z[t] = np.maximum(0.0, resid[t] - frame_level[t]) / sigma
    return z


def box_cells(rec: dict) -> tuple[slice, slice]:
    cols, rows = GRID
    x, y, w, h = rec["box"]
    c0, c1 = int(x / rec["width"] * cols), int(np.ceil((x + w) / rec["width"] * cols))
    r0, r1 = int(y / rec["height"] * rows), int(np.ceil((y + h) / rec["height"] * rows))
    return slice(r0, r1), slice(c0, c1)


def table(corpus: Path, dumps: Path) -> None:
    labels = [json.loads(line) for line in (corpus / "labels.jsonl").read_text().splitlines()]
    for rec in labels:
        d = np.load(dumps / (Path(rec["clip"]).stem + ".npz"))
        z = zmap(d["resid"], float(d["fps"]))
        if rec["edit"] is None:
            t, r, c = np.unravel_index(int(z.argmax()), z.shape)
            print(f"{rec['clip']} clean max_z {z.max():.1f} at {t} ({r},{c})")
            continue
        rows, cols = box_cells(rec)
        f0, tol = rec["start_frame"], rec["tolerance"]
        lo, hi = max(0, f0 - tol), min(len(z), f0 + tol + 1 + rec.get("ramp_frames", 0))
        # the box's median cell: an edit changes most of its box, not one corner of it
        zb = np.median(z[lo:hi, rows, cols].reshape(hi - lo, -1), axis=1)
        print(f"{rec['clip']} {rec['edit']} box_z {zb.max():.1f} z_max {z.max():.1f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("mode", choices=["dump", "table"])
    ap.add_argument("corpus")
    ap.add_argument("dumps", nargs="?")
    ap.add_argument("--out")
    args = ap.parse_args()
    corpus = Path(args.corpus)
    if args.mode == "dump":
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        labels = [json.loads(x) for x in (corpus / "labels.jsonl").read_text().splitlines()]
        for rec in labels:
            if not (out / (Path(rec["clip"]).stem + ".npz")).exists():
                dump(corpus / rec["clip"], out)
                print(rec["clip"], file=sys.stderr)
    else:
        table(corpus, Path(args.dumps))


if __name__ == "__main__":
    main()
