r"""Two untried ways to rescue AI-clip failures that the burst stage drops, measured per window.

The burst stage (checkers/perception/bursts.py, lasting.py) drops most of ../shared/gen-clips'
failures at two places (BENCHMARKS.md, sessions 19, 20 and 26):

1. **The embedder's confirmation** (lasting.py) compares crops of the 96-px scene copy (about
   10x16 px). `confirm` rows give, for every burst the gates let through, the lasting ratio
   on the scene copy (what the checker uses; a burst stands at >= 1) and on the same box at
   the analysis size.
2. **The movers gate** drops change beside anything that moves on its own. `gated` rows give,
   for every window that passes every gate but that one (still-stage score >= MIN_SCORE,
   movers-stage score under it), two candidate tests of "nothing moved it", on the box of the
   window's strongest group of cells at the analysis size, first frame (two before the
   window) against last (two after):
   - `spread`: how unevenly the box's changed pixels progress from the first look to the
     last (the mean absolute deviation of each pixel's progress, at the frame whose mean
     progress is nearest a half). A cross-fade moves every pixel together (0); a clean wipe
     or a mover's edge moves them one by one (0.5; more where pixels overshoot).
   - `fw`, `bw`: the share of the change that dense flow (DIS at the analysis size) between
     the first and last frame leaves unexplained, each way (median over changed pixels).
     A mover's content is found displaced; a fade's is found nowhere.

Nothing here is read by the checker. Runs the scene perception alone (no trackers), so clean
clips are probed too (the checker reads bursts only on clips that are not clean).

    PYTHONPATH=$PWD python benchmarks/burst_idea_probe.py --out probe.json \
        ../shared/gen-clips/clips/*.mp4 ../shared/real-clips/*.mp4
"""

from __future__ import annotations

import argparse
import json
from collections import deque
from pathlib import Path

import cv2
import numpy as np

from checkers.features.choice import resolve_features
from checkers.perception import bursts as bursts_mod
from checkers.perception.lasting import lasting_change
from checkers.perception.scene import ScenePerception
from checkers.video import frames, probe

CHANGED = 20.0  # Lab units between first and last frame for a pixel to count as changed
MIN_PIXELS = 12


def _narrower(gated, history, t) -> dict:
    """The movers-stage score with the moving corners sought in a narrower reach (cells)."""
    kept, out = bursts_mod.MOVER_REACH, {}
    try:
        for reach in (3, 1):
            bursts_mod.MOVER_REACH = reach
            out[reach] = round(float(gated(history, t)[3][3].sum()), 2)
    finally:
        bursts_mod.MOVER_REACH = kept
    return out


class _Box:
    def __init__(self, frame: int, end_frame: int, bbox: tuple[int, int, int, int]):
        self.frame, self.end_frame, self.bbox = frame, end_frame, bbox


class ProbeScene(ScenePerception):
    """The scene perception, with the analysis frames of the current shot kept beside the
    scene copies, and every confirmation and movers-gated window recorded."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._big: deque[tuple[int, np.ndarray]] = deque(maxlen=self._frames.maxlen + 4)
        self.rows: list[dict] = []
        self._todo: list[dict] = []
        self._hook(self._bursts)

    def _hook(self, finder: bursts_mod.BurstFinder) -> None:
        gated = finder._gated

        def recorded(history, t):
            out = gated(history, t)
            if out is not None:
                self._note_gated(finder, history, t, *out)
                if self._todo and "reach" not in self._todo[-1]:
                    self._todo[-1]["reach"] = _narrower(gated, history, t)
            return out

        finder._gated = recorded

    def _note_gated(self, finder, history, t, lo, first, last, stages) -> None:
        still, movers = float(stages[2].sum()), float(stages[3].sum())
        if still < bursts_mod.MIN_SCORE or movers >= bursts_mod.MIN_SCORE:
            return
        groups, count = bursts_mod._label(stages[2] > 0)
        sizes = [float(stages[2][groups == g].sum()) for g in range(1, count + 1)]
        cells = groups == 1 + int(np.argmax(sizes))
        rows, cols = np.nonzero(cells)
        cw, ch = finder.width / bursts_mod.GRID[0], finder.height / bursts_mod.GRID[1]
        box = (cols.min() * cw, rows.min() * ch, (cols.max() + 1) * cw, (rows.max() + 1) * ch)
        self._todo.append(
            dict(
                row="gated",
                frame=history[lo].index,
                end_frame=history[t].index,
                first=first.index,
                last=last.index,
                kind=bursts_mod._kind(first.lab, last.lab, cells),
                still_score=round(still, 2),
                box=[int(round(v / self.factor)) for v in box],
            )
        )

    def update(self, index, time, rgb):
        old = self._bursts
        self._big.append((index, rgb))
        step = super().update(index, time, rgb)
        if self._bursts is not old:  # a cut: the new shot's frames only
            self._big.clear()
            self._big.append((index, rgb))
            self._hook(self._bursts)
        big = dict(self._big)
        for row in self._todo:
            x0, y0, x1, y1 = row.pop("box")
            row["box"] = box = [x0, y0, x1 - x0, y1 - y0]
            seq = [big.get(i) for i in range(row["first"], row["last"] + 1)]
            if all(f is not None for f in seq):
                row.update(spread(seq, box), **flow_unexplained(seq[0], seq[-1], box))
            self.rows.append(row)
        self._todo = []
        return step

    def _confirmed(self, bursts):
        small, gap = dict(self._frames), self._bursts.calm
        big = {i: f for i, f in self._big if i in small}  # the same frames, larger
        kept = []
        for b in bursts:
            box = tuple(int(round(v / self.factor)) for v in b.bbox)
            ratio = lasting_change(b, small, self._embedder, gap)
            at_size = lasting_change(_Box(b.frame, b.end_frame, box), big, self._embedder, gap)
            self.rows.append(
                dict(row="confirm", frame=b.frame, end_frame=b.end_frame, kind=b.kind,
                     box=list(box), ratio_scene=round(ratio, 3), ratio_analysis=round(at_size, 3))
            )  # fmt: skip
            if ratio >= 1.0:
                kept.append(b)
        return kept


def _lab(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB).astype(np.float32)


def spread(seq: list[np.ndarray], box) -> dict:
    x, y, w, h = box
    lab = [_lab(f[y : y + h, x : x + w]) for f in seq]
    d = lab[-1] - lab[0]
    n2 = (d**2).sum(axis=2)
    sel = n2 > CHANGED**2
    if sel.sum() < MIN_PIXELS or len(seq) < 3:
        return {}
    progress = np.stack([((f - lab[0]) * d).sum(axis=2)[sel] / n2[sel] for f in lab[1:-1]])
    # The mean absolute deviation, not the median one: a wipe's progress is 0 or 1, and
    # the median deviation of a split that is not exactly even is 0.
    mean = progress.mean(axis=1)
    dev = np.abs(progress - mean[:, None]).mean(axis=1)
    return dict(spread=round(float(dev[int(np.argmin(np.abs(mean - 0.5)))]), 3))


_DIS = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)


def _warp(src: np.ndarray, flow: np.ndarray) -> np.ndarray:
    h, w = flow.shape[:2]
    gx, gy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    return cv2.remap(src, gx + flow[..., 0], gy + flow[..., 1], cv2.INTER_LINEAR,
                     borderMode=cv2.BORDER_REPLICATE)  # fmt: skip


def flow_unexplained(a: np.ndarray, b: np.ndarray, box) -> dict:
    x, y, w, h = box
    ga, gb = (cv2.cvtColor(f, cv2.COLOR_RGB2GRAY) for f in (a, b))
    la, lb = _lab(a), _lab(b)
    d = np.linalg.norm(lb - la, axis=2)[y : y + h, x : x + w]
    sel = d > CHANGED
    if sel.sum() < MIN_PIXELS:
        return {}
    fwd = np.linalg.norm(lb - _warp(la, _DIS.calc(gb, ga, None)), axis=2)[y : y + h, x : x + w]
    bwd = np.linalg.norm(la - _warp(lb, _DIS.calc(ga, gb, None)), axis=2)[y : y + h, x : x + w]
    return dict(fw=round(float(np.median(fwd[sel] / d[sel])), 3),
                bw=round(float(np.median(bwd[sel] / d[sel])), 3))  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("clips", nargs="+")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    embedder = resolve_features("auto").object_embedder()
    out = {}
    for path in map(Path, args.clips):
        info = probe(path)
        scene = ProbeScene(info.fps, info.analysis_width, info.analysis_height, embedder)
        for frame in frames(info):
            scene.update(frame.index, frame.time, frame.image)
        scene.flush()
        out[path.name] = dict(fps=info.fps, rows=scene.rows)
        print(path.name, len(scene.rows), flush=True)
    Path(args.out).write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
