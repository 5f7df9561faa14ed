"""Probe (session 21, not used by the checker): does a look change along point tracks
separate labeled identity failures from clean and real footage?

Points are seeded with cv2.goodFeaturesToTrack on each analysis frame (short side 180) and
followed with pyramidal Lucas-Kanade, kept only while the backward track returns within
0.004 short sides (a point that slid onto another surface rarely comes back). Tracks that
live through four instants a0 = t - 2h, a = t - h, c = t + h, c1 = t + 2h (h = 0.25 s) are
grouped by the cell of the frame they sat in at a (cells 0.25 short sides). A group of at
least 5 points whose motion one similarity transform explains (80% inliers within 0.015
short sides: the same surface, moved) is warped from one instant onto the next, and the
mean absolute Lab difference over the points' box is the residual. A step in the group's
look at t is the residual across (a -> c) against the larger of before (a0 -> a) and after
(c -> c1): the group's own frame-to-frame spread calibrates it, so a surface that turns,
blurs or flickers all along is not a step. A clip's figure is the most cells stepping
within h of one frame.

    PYTHONPATH=. python benchmarks/point_tracks_probe.py gen /work/shared/gen-clips
    PYTHONPATH=. python benchmarks/point_tracks_probe.py edited /tmp/edited/s61 [--unedited]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import cv2
import numpy as np

from checkers.video import frames as decode
from checkers.video import probe

SHORT_SIDE = 180
FB_SHARE = 0.004  # forward-backward return, short sides
SPACING = 0.04  # least distance between seeds, short sides
MAX_POINTS = 200
HOLD_S = 0.25  # h: the span before, across and after a step
CELL = 0.25  # group cell, short sides
FIT_SHARE = 0.015  # similarity fit tolerance, short sides
MIN_GROUP = 5


def point_tracks(images: list[np.ndarray]) -> list[dict[int, tuple[float, float]]]:
    """Per frame: track id -> position, for the tracks alive there."""
    h, w = images[0].shape[:2]
    side = min(h, w)
    ids = np.zeros(0, int)
    pts = np.zeros((0, 1, 2), np.float32)
    prev, next_id, out = None, 0, []
    for image in images:
        gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
        if prev is not None and len(ids):
            fwd, st, _ = cv2.calcOpticalFlowPyrLK(
                prev, gray, pts, None, winSize=(15, 15), maxLevel=3
            )
            back, sb, _ = cv2.calcOpticalFlowPyrLK(
                gray, prev, fwd, None, winSize=(15, 15), maxLevel=3
            )
            ret = np.linalg.norm((back - pts).reshape(-1, 2), axis=1)
            p = fwd.reshape(-1, 2)
            inside = (p[:, 0] >= 0) & (p[:, 0] < w) & (p[:, 1] >= 0) & (p[:, 1] < h)
            ok = (st.ravel() == 1) & (sb.ravel() == 1) & (ret < FB_SHARE * side) & inside
            ids, pts = ids[ok], fwd[ok]
        if len(ids) < MAX_POINTS * 3 // 4:
            mask = np.full((h, w), 255, np.uint8)
            for x, y in pts.reshape(-1, 2):
                cv2.circle(mask, (int(x), int(y)), int(SPACING * side), 0, -1)
            new = cv2.goodFeaturesToTrack(
                gray, MAX_POINTS - len(ids), 0.01, SPACING * side, mask=mask, blockSize=5
            )
            if new is not None:
                ids = np.r_[ids, np.arange(next_id, next_id + len(new))]
                pts = np.vstack([pts, new.astype(np.float32)])
                next_id += len(new)
        out.append(
            {
                int(i): (float(x), float(y))
                for i, (x, y) in zip(ids, pts.reshape(-1, 2), strict=True)
            }
        )
        prev = gray
    return out


def _residual(labs, p0, p1, f0, f1, side) -> float | None:
    fit, inl = cv2.estimateAffinePartial2D(
        p0, p1, method=cv2.RANSAC, ransacReprojThreshold=FIT_SHARE * side
    )
    if fit is None or inl.mean() < 0.8:
        return None
    q = p1[inl.ravel() == 1]
    x0, y0 = np.floor(q.min(0)).astype(int)
    x1, y1 = np.ceil(q.max(0)).astype(int)
    if x1 - x0 < 4 or y1 - y0 < 4:
        return None
    fit = fit.copy()
    fit[:, 2] -= (x0, y0)
    warped = cv2.warpAffine(labs[f0], fit, (x1 - x0, y1 - y0), borderMode=cv2.BORDER_REFLECT)
    return float(np.abs(warped - labs[f1][y0:y1, x0:x1]).mean())


def steps(images, fps) -> list[tuple[int, tuple[int, int], float, float]]:
    """(frame, cell, residual across, step ratio) for every moving group."""
    side = min(images[0].shape[:2])
    labs = [cv2.cvtColor(im, cv2.COLOR_RGB2LAB).astype(np.float32) for im in images]
    pos = point_tracks(images)
    hold = max(2, round(HOLD_S * fps))
    out = []
    for t in range(2 * hold, len(images) - 2 * hold):
        at = (t - 2 * hold, t - hold, t + hold, t + 2 * hold)
        common = set(pos[at[0]])
        for f in at[1:]:
            common &= pos[f].keys()
        if len(common) < MIN_GROUP:
            continue
        ids = sorted(common)
        p = {f: np.float32([pos[f][k] for k in ids]) for f in at}
        cell = (p[at[1]] // (CELL * side)).astype(int)
        for key in {tuple(c) for c in cell}:
            m = (cell == key).all(axis=1)
            if m.sum() < MIN_GROUP:
                continue
            res = [
                _residual(labs, p[f0][m], p[f1][m], f0, f1, side)
                for f0, f1 in zip(at, at[1:], strict=False)
            ]
            if None in res:
                continue
            before, across, after = res
            out.append((t, key, across, across / max(before, after, 2.0)))
    return out


def most_cells(found, fps, ratio: float, floor: float) -> tuple[int, int | None]:
    """The most cells stepping (ratio, floor in Lab) within h of one frame, and that frame."""
    hold = max(2, round(HOLD_S * fps))
    hits = [(t, k) for t, k, across, r in found if across >= floor and r >= ratio]
    best = (0, None)
    for t in sorted({t for t, _ in hits}):
        n = len({k for f, k in hits if abs(f - t) <= hold})
        if n > best[0]:
            best = (n, t)
    return best


def clip_figures(path: str) -> tuple[float, list[tuple[int, tuple[int, int], float, float]]]:
    info = probe(path, SHORT_SIDE)
    images = [f.image for f in decode(info)]
    return info.fps, steps(images, info.fps)


VARIANTS = ((2.0, 8.0), (2.0, 10.0), (1.5, 10.0))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("kind", choices=("gen", "edited"))
    ap.add_argument("folder")
    ap.add_argument("--unedited", action="store_true", help="edited-real: only unedited clips")
    a = ap.parse_args(argv)
    root = Path(a.folder)
    if a.kind == "gen":
        rows = [json.loads(line) for line in (root / "manifest.jsonl").read_text().splitlines()]
        rows = [r for r in rows if r["label"] in ("fail", "clean", "real_clean")]
        items = [
            (root / "clips" / r["clip"], r["label"], [f["frames"] for f in r.get("failures") or []])
            for r in rows
        ]
    else:
        rows = [json.loads(line) for line in (root / "labels.jsonl").read_text().splitlines()]
        if a.unedited:
            rows = [r for r in rows if r["edit"] is None]
        items = [
            (
                root / r["clip"],
                r["edit"] or "unedited",
                [
                    [
                        r["start_frame"] - r["tolerance"],
                        r["start_frame"] + r.get("ramp_frames", 0) + r["tolerance"],
                    ]
                ]
                if r["edit"]
                else [],
            )
            for r in rows
        ]
    for path, label, windows in items:
        fps, found = clip_figures(str(path))
        cols = []
        for ratio, floor in VARIANTS:
            n, t = most_cells(found, fps, ratio, floor)
            near = any(lo - 3 <= t <= hi + 3 for lo, hi in windows) if t is not None else False
            cols.append(f"r{ratio:g}/e{floor:g}: {n}@{t}{'*' if near else ''}")
        print(f"{label:10s} {path.name[:44]:44s} " + "  ".join(cols), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
