"""Bursts of unexplained change in a calm place: content that appeared, vanished or changed
its look in place, with nothing moving next to it.

Works on a coarse grid over the frame (cells are shares of the frame, so the analysis size
is free), fed one frame at a time with that frame's unexplained change (change.py), its
residual motion and the corners that move on their own (camera.py). A burst at frame t in a
cell is a short window (BURST_S) of strong change that stands out from the same cell's
activity in the calm windows before and after it (CALM_S), that leaves the cell looking
different after than before (a passing object leaves it as it was), and that happens where
nothing moves (no fast residual flow and no independently moving corner nearby): in real
footage things change because something moved them.

Decisions are delayed by CALM_S (the window after a burst must be seen), and the history is
a fixed number of frames, so memory stays flat in the clip's length.

Tuned by eye and by score on ../shared/gen-clips (a development set, see BENCHMARKS.md).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import cv2
import numpy as np

from checkers.perception.change import CHANGE_FLOOR, NOISE_FACTOR, ChangeStep

GRID = (32, 18)  # cells across, down
BURST_S = 0.3  # seconds a burst lasts at most
CALM_S = 1.0  # seconds before and after that must be calm
CALM_WEIGHT = 2.0  # a burst must exceed this many times its cell's usual activity
CELL_NOISE = 0.5  # cell-frames of change a burst needs beyond that, per cell
LASTING = 8.0  # Lab units a cell must differ between before and after the burst
# Speeds in short sides per second, so the same motion is judged alike at 8 and 30 fps (they
# were 0.03 and 0.01 short sides a frame, tuned at 16 fps, the shapes world's rate).
STILL_SPEED = 0.48  # residual flow of a cell and its neighbours under which nothing moves there
MOVER_SPEED = 0.16  # a corner moving on its own faster than this moves something
MOVER_REACH = 5  # cells around a burst in which a moving corner explains it
# A cell changed in one step when this share of it changed in one frame, and that frame
# holds this share of the window's change (dev-set tuned, see BENCHMARKS.md, session 11).
STEP_SHARE = 0.7
STEP_CONCENTRATION = 0.9
MIN_SCORE = 0.95  # summed cell excess of a burst that counts (dev-set tuned, see BENCHMARKS.md)


@dataclass
class Burst:
    frame: int  # first frame of the change
    time: float  # its time, seconds
    end_frame: int
    bbox: tuple[int, int, int, int]  # x, y, w, h, analysis pixels
    score: float  # summed excess over the burst's cells
    kind: str  # "appear", "vanish" or "change"
    share: float  # the burst's area, share of the frame


@dataclass
class _CellFrame:
    index: int
    time: float
    strong: np.ndarray  # (rows, cols) share of each cell with strong unexplained change
    speed: np.ndarray  # (rows, cols) mean residual flow, short-side units per frame
    movers: np.ndarray  # (rows, cols) count of corners moving on their own
    lab: np.ndarray  # (rows, cols, 3) mean Lab


class BurstFinder:
    """Feed every frame's ChangeStep in order; `update` returns bursts decided so far."""

    def __init__(self, fps: float, width: int, height: int):
        fps = fps if fps and np.isfinite(fps) and fps > 0 else 16.0
        self.width, self.height = width, height
        self.still = STILL_SPEED / fps  # short sides a frame
        self.mover_step = MOVER_SPEED / fps
        self.burst = max(2, int(round(BURST_S * fps)))
        self.calm = max(3, int(round(CALM_S * fps)))
        self._history: deque[_CellFrame] = deque(maxlen=self.burst + 2 * self.calm + 3)
        # A burst is seen by several consecutive windows; the strongest one describes it.
        self._pending: Burst | None = None

    def update(self, index: int, time: float, lab: np.ndarray, step: ChangeStep) -> list[Burst]:
        self._history.append(self._cells(index, time, lab, step))
        return self._decide(final=False)

    def flush(self) -> list[Burst]:
        """At the end of the clip: decide the frames whose after-window was cut short."""
        return self._decide(final=True)

    def _cells(self, index: int, time: float, lab: np.ndarray, step: ChangeStep) -> _CellFrame:
        cols, rows = GRID
        area = cv2.INTER_AREA
        if step.residual is None:
            zero = np.zeros((rows, cols), np.float32)
            strong, speed = zero, zero
        else:
            bar = max(CHANGE_FLOOR, NOISE_FACTOR * step.noise)
            strong = cv2.resize((step.residual > bar).astype(np.float32), GRID, interpolation=area)
            speed = cv2.resize(step.speed.astype(np.float32), GRID, interpolation=area)
        movers = np.zeros((rows, cols), np.float32)
        short = float(min(self.width, self.height))
        m = step.camera.movers
        if len(m):
            fast = np.hypot(m[:, 2], m[:, 3]) > self.mover_step * short
            cx = np.clip((m[fast, 0] / self.width * cols).astype(int), 0, cols - 1)
            cy = np.clip((m[fast, 1] / self.height * rows).astype(int), 0, rows - 1)
            np.add.at(movers, (cy, cx), 1.0)
        lab_cells = cv2.resize(lab, GRID, interpolation=area)
        return _CellFrame(index, time, strong, speed, movers, lab_cells)

    def _decide(self, final: bool) -> list[Burst]:
        """Judge the window ending `calm` frames ago (or every pending one at the end)."""
        frames = list(self._history)
        need = self.burst + self.calm + 1
        out: list[Burst] = []
        if final:
            centres = range(max(1, len(frames) - self.calm), len(frames))
        else:
            centres = [len(frames) - 1 - self.calm] if len(frames) >= need else []
        for centre in centres:
            out += self._merge(self._judge(frames, centre))
        if final and self._pending is not None:
            out.append(self._pending)
            self._pending = None
        return out

    def _merge(self, burst: Burst | None) -> list[Burst]:
        """Keep the strongest of the overlapping windows of one burst, dated from its start;
        hand it out once the windows move past it."""
        pending = self._pending
        if pending is not None and burst is not None and burst.frame <= pending.end_frame:
            if burst.score > pending.score:
                burst.frame, burst.time = pending.frame, pending.time
                self._pending = burst
            else:
                pending.end_frame = burst.end_frame
            return []
        self._pending = burst
        return [pending] if pending is not None else []

    def _judge(self, frames: list[_CellFrame], t: int) -> Burst | None:
        """Is there a burst in the window that ends at history position t?"""
        gated = self._gated(frames, t)
        if gated is None:
            return None
        lo, first, last, stages = gated
        excess = stages[-1]
        score = float(excess.sum())
        if score < MIN_SCORE:
            return None
        return self._burst(frames, lo, t, excess, score, first, last)

    def _gated(self, frames: list[_CellFrame], t: int) -> tuple | None:
        """The excess change of each cell over the window that ends at history position t,
        as it stands after each gate in turn: none, lasting (the look differs after from
        before), still (no residual flow near it) and no moving corners around it; with the
        window's first position and the frames read before and after it. None when no cell
        has any excess. (benchmarks/edit_causes.py reads every stage to say which gate
        removed an edit's evidence.)"""
        w, k = self.burst, self.calm
        lo = max(1, t - w + 1)
        window = np.stack([f.strong for f in frames[lo : t + 1]]).sum(axis=0)
        before = [f.strong for f in frames[max(0, lo - k) : lo]]
        after = [f.strong for f in frames[t + 1 : t + 1 + k]]
        calm = np.stack(before + after).mean(axis=0) * w if before or after else 0.0
        excess = np.maximum(0.0, window - CALM_WEIGHT * calm - CELL_NOISE)
        if not excess.any():
            return None
        first, last = frames[max(0, lo - 2)], frames[min(len(frames) - 1, t + 2)]
        lasting = np.linalg.norm(last.lab - first.lab, axis=2) > LASTING
        # Cells that changed in one step: most of the cell at once, and nearly all of the
        # window's change in that one frame (an edit's signature; a mover spreads its change).
        inside = np.stack([f.strong for f in frames[lo : t + 1]])  # (w, rows, cols)
        peak = inside.max(axis=0)
        steps = (peak >= STEP_SHARE) & (peak >= STEP_CONCENTRATION * window)
        steps = _max_filter(steps.astype(np.uint8), 3) > 0
        speed, movers = self._motion(frames[max(1, lo - 2) : t + 3], steps)
        stages = [excess, excess * lasting]
        stages.append(stages[-1] * (speed < self.still))
        stages.append(stages[-1] * (movers == 0))
        return lo, first, last, stages

    def _motion(self, nearby: list[_CellFrame], steps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The fastest residual flow near each cell and the moving corners around it, over
        the frames near a window; where a cell changed in one step (`steps`), its own onset
        frame is left out.

        Content pasted in or wiped out between two frames makes DIS and the corner tracker
        report motion inside it, in that one frame only: motion with no source before or
        after it. A real mover moves in the frames around too, and is still seen there.
        """
        speed = np.stack([f.speed for f in nearby])  # (n, rows, cols)
        movers = np.stack([f.movers for f in nearby])
        every = _max_filter(speed.max(axis=0), 3), _max_filter(movers.sum(axis=0), MOVER_REACH)
        if not steps.any():
            return every  # (most windows: no one-step cell, nothing to leave out)
        strong = np.stack([_max_filter(f.strong, 3) for f in nearby])
        onset = (np.arange(len(nearby))[:, None, None] == strong.argmax(axis=0)) & (
            strong.max(axis=0) > 0
        )
        wide = np.stack([_max_filter(o.astype(np.uint8), MOVER_REACH) for o in onset]) > 0
        unsourced = (
            _max_filter(np.where(onset, 0.0, speed).max(axis=0).astype(np.float32), 3),
            _max_filter(np.where(wide, 0.0, movers).sum(axis=0).astype(np.float32), MOVER_REACH),
        )
        return tuple(np.where(steps, u, e) for u, e in zip(unsourced, every, strict=True))

    def _burst(self, frames, lo, t, excess, score, first, last) -> Burst:
        groups, count = _label(excess > 0)
        sizes = [float(excess[groups == g].sum()) for g in range(1, count + 1)]
        cells = groups == 1 + int(np.argmax(sizes))
        rows, cols = np.nonzero(cells)
        cw, ch = self.width / GRID[0], self.height / GRID[1]
        x0, y0 = int(cols.min() * cw), int(rows.min() * ch)
        x1, y1 = int((cols.max() + 1) * cw), int((rows.max() + 1) * ch)
        # The first frame of the window in which the burst's cells changed.
        start = next((f for f in frames[lo : t + 1] if f.strong[cells].sum() > 0), frames[lo])
        kind = _kind(first.lab, last.lab, cells)
        share = float(cells.mean())
        box = (x0, y0, x1 - x0, y1 - y0)
        return Burst(start.index, start.time, frames[t].index, box, score, kind, share)


def _kind(before: np.ndarray, after: np.ndarray, cells: np.ndarray) -> str:
    """appear / vanish / change: does the area stand out from its surroundings more after
    the burst than before (something appeared), less (something vanished), or as much?"""
    ring = _max_filter(cells.astype(np.uint8), 3).astype(bool) & ~cells
    if not ring.any():
        return "change"

    def contrast(lab: np.ndarray) -> float:
        return float(np.linalg.norm(lab[cells].mean(axis=0) - lab[ring].mean(axis=0)))

    b, a = contrast(before), contrast(after)
    if a > 1.5 * b + 3.0:
        return "appear"
    if b > 1.5 * a + 3.0:
        return "vanish"
    return "change"


# OpenCV rather than scipy.ndimage: importing scipy.ndimage costs about 0.3 s of every
# `vidgen check`'s start-up (BENCHMARKS.md, "Speed, session 10"); the results are the same.


def _max_filter(values: np.ndarray, size: int) -> np.ndarray:
    """The maximum over a size x size window around each cell (scipy's maximum_filter: the
    window's part outside the grid adds nothing)."""
    return cv2.dilate(values, np.ones((size, size), np.uint8), borderType=cv2.BORDER_REPLICATE)


def _label(mask: np.ndarray) -> tuple[np.ndarray, int]:
    """4-connected groups of a bool grid numbered 1.. in the order a raster scan meets them
    (as scipy.ndimage.label does, so a tie between groups goes the same way), and their count."""
    count, labels = cv2.connectedComponents(mask.astype(np.uint8), connectivity=4)
    values, first = np.unique(labels.ravel(), return_index=True)
    groups = values[values > 0][np.argsort(first[values > 0])]  # in raster order
    order = np.zeros(count, np.int32)
    order[groups] = np.arange(1, len(groups) + 1, dtype=np.int32)
    return order[labels], len(groups)
