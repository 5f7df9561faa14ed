r"""Each place's own noise: is an edit's step larger than its place's usual variation?

`dump` runs the scene's change stage (checkers/perception/change.py, at the scene's size, as
scene.py runs it) over every clip of an edited-real corpus and keeps, per cell of the burst
grid (bursts.GRID) and frame, the mean unexplained change (the motion-compensated residual,
Lab), the mean Lab and the fastest residual flow. `table` then reads, for every edit, the
step at its frame against its box's own temporal noise, and the same statistic's largest
value over every place and frame of each unedited clip: the question is whether a bar
separates the two (BENCHMARKS.md, "edits judged against each place's noise, session 22").

    PYTHONPATH=$PWD python benchmarks/place_noise_probe.py dump /tmp/edited/s61 --out /tmp/pn/s61
    PYTHONPATH=$PWD python benchmarks/place_noise_probe.py table /tmp/edited/s61 /tmp/edited/s67 \
        --out /tmp/pn
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


def _median_pair(series: np.ndarray, t: int, k: int) -> np.ndarray | None:
    """The larger of a place's median over the k frames before t and after t."""
    parts = [np.median(p, axis=0) for p in (series[max(1, t - k) : t], series[t + 1 : t + 1 + k])]
    parts = [
        p for p, n in zip(parts, (t - max(1, t - k), len(series) - t - 1), strict=True) if n >= 2
    ]
    return np.maximum.reduce(parts) if parts else None


def residual_z(resid: np.ndarray, fps: float) -> np.ndarray:
    """(T, rows, cols): each cell's unexplained change at each frame over its own noise (its
    median over NOISE_S before or after, the larger), less the frame's median (a key frame or
    a flicker changes every place)."""
    k = max(3, int(round(NOISE_S * fps)))
    z = np.zeros_like(resid)
    level = np.median(resid.reshape(len(resid), -1), axis=1)
    for t in range(1, len(resid)):
        sigma = _median_pair(resid, t, k)
        if sigma is not None:
            z[t] = np.maximum(0.0, resid[t] - level[t]) / np.maximum(sigma, FLOOR)
    return z


def step_z(lab: np.ndarray, fps: float) -> np.ndarray:
    """(T, ...): a place's step in mean Lab (0.2 s after against 0.2 s before, and no more
    than its one-frame jump: a ramp is not a step) over its median one-frame jump within
    NOISE_S before or after. `lab`: (T, ..., 3) a place's mean Lab per frame."""
    k, w = max(3, int(round(NOISE_S * fps))), max(2, int(round(0.2 * fps)))
    jump = np.linalg.norm(np.diff(lab, axis=0, prepend=lab[:1]), axis=-1)
    z = np.zeros(jump.shape)
    for t in range(2, len(lab) - 2):
        step = np.linalg.norm(lab[t : t + w].mean(0) - lab[max(0, t - w) : t].mean(0), axis=-1)
        sigma = _median_pair(jump, t, k)
        if sigma is not None:
            z[t] = np.minimum(step, jump[t]) / np.maximum(sigma, FLOOR)
    return z


def collapse(change: np.ndarray, fps: float) -> np.ndarray:
    """(T, rows-1, cols-1): how many times a 2 x 2 cell place's median change fell from the
    NOISE_S before a frame to the NOISE_S after it, capped at 3 times how well the ring of
    cells around it kept its own (a frozen place stops, its neighbourhood goes on)."""
    k = max(3, int(round(NOISE_S * fps)))
    c = change.astype(np.float32)
    block = np.stack([cv2.blur(f, (2, 2))[1:, 1:] for f in c])
    ring = np.stack([(36 * cv2.blur(f, (6, 6)) - 4 * cv2.blur(f, (2, 2)))[1:, 1:] / 32 for f in c])
    out = np.zeros_like(block)
    for t in range(k + 1, len(c) - k):
        before, after = np.median(block[t - k : t], 0), np.median(block[t + 1 : t + 1 + k], 0)
        kept = np.median(ring[t + 1 : t + 1 + k], 0) / np.maximum(
            np.median(ring[t - k : t], 0), FLOOR
        )
        out[t] = np.minimum(before / np.maximum(after, FLOOR), 3 * kept)
    return out


def box_cells(rec: dict, grow: int = 0) -> tuple[slice, slice]:
    """The grid cells a label's box touches, grown by `grow` cells up and left."""
    cols, rows = GRID
    x, y, w, h = rec["box"]
    c0, c1 = int(x / rec["width"] * cols), int(np.ceil((x + w) / rec["width"] * cols))
    r0, r1 = int(y / rec["height"] * rows), int(np.ceil((y + h) / rec["height"] * rows))
    return slice(max(0, r0 - grow), r1), slice(max(0, c0 - grow), c1)


def _blocks(z: np.ndarray) -> np.ndarray:
    """The weakest cell of each 2 x 2 place (an object's smallest size on the grid)."""
    return np.minimum.reduce([z[:, :-1, :-1], z[:, 1:, :-1], z[:, :-1, 1:], z[:, 1:, 1:]])


def statistics(d, rec: dict) -> dict[str, float]:
    """The three statistics: at the edit (within its tolerance, on its box), or their
    largest value over every place and frame of an unedited clip."""
    fps, lab = float(d["fps"]), d["lab"].astype(np.float64)
    jump = np.linalg.norm(np.diff(lab, axis=0, prepend=lab[:1]), axis=3)
    if rec["edit"] is None:
        boxes = [np.stack([cv2.blur(f, (n, n)) for f in lab]) for n in (2, 3)]
        return {
            "residual_z": float(residual_z(d["resid"], fps).max()),
            "step_z": max(float(step_z(b, fps).max()) for b in boxes),
            "collapse": float(collapse(jump, fps).max()),
        }
    f0, tol = rec["start_frame"], rec["tolerance"]
    span = slice(max(0, f0 - tol), f0 + tol + 1)
    rows, cols = box_cells(rec)
    grown = box_cells(rec, grow=1)
    return {
        "residual_z": float(residual_z(d["resid"], fps)[span, rows, cols].max()),
        "step_z": float(step_z(lab[:, rows, cols].mean(axis=(1, 2)), fps)[span].max()),
        "collapse": float(collapse(jump, fps)[span, grown[0], grown[1]].max()),
    }


def table(corpora: list[Path], dumps: Path, kinds: list[str]) -> None:
    """Per statistic and edit kind: the edits' values, and for each the share of unedited
    clips somewhere as high (the unedited clips a bar at that value would fail)."""
    clean, edits = [], {}
    for corpus in corpora:
        for line in (corpus / "labels.jsonl").read_text().splitlines():
            rec = json.loads(line)
            path = dumps / corpus.name / (Path(rec["clip"]).stem + ".npz")
            if not path.exists() or (rec["edit"] and rec["edit"] not in kinds):
                continue
            stats = statistics(np.load(path), rec)
            (clean if rec["edit"] is None else edits.setdefault(rec["edit"], [])).append(stats)
    print(f"{len(clean)} unedited clips")
    for name in ("residual_z", "step_z", "collapse"):
        values = np.array([c[name] for c in clean])
        pct = np.round(np.percentile(values, [5, 25, 50, 75, 95]), 1)
        print(f"{name}: unedited clips' largest, percentiles 5/25/50/75/95: {pct}")
        for kind, rows in sorted(edits.items()):
            at = sorted(r[name] for r in rows)
            share = [round(float((values >= v).mean()), 2) for v in at]
            print(f"  {kind:7s} {[round(v, 1) for v in at]}  unedited as high: {share}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("mode", choices=["dump", "table"])
    ap.add_argument("corpus", nargs="+")
    ap.add_argument("--out", help="dump: the folder for this corpus; table: the dumps' parent")
    ap.add_argument("--kinds", default="appear,vanish,freeze")
    args = ap.parse_args()
    if args.mode == "dump":
        corpus = Path(args.corpus[0])
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        labels = [json.loads(x) for x in (corpus / "labels.jsonl").read_text().splitlines()]
        kinds = set(args.kinds.split(","))
        for rec in labels:
            if rec["edit"] and rec["edit"] not in kinds:
                continue
            if not (out / (Path(rec["clip"]).stem + ".npz")).exists():
                dump(corpus / rec["clip"], out)
                print(rec["clip"], file=sys.stderr)
    else:
        table([Path(c) for c in args.corpus], Path(args.out), args.kinds.split(","))


if __name__ == "__main__":
    main()
