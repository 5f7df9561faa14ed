"""Frozen regions: a patch of the picture that stops updating while it was moving.

A generator (or an edit) that stops refreshing part of the frame leaves the last content of a
moving thing stuck in place while the scene around it goes on. No part or track is ever cut
for it, so it is read off the frames alone (`Checker.watch`), on a grid of small cells:

- the cell changed steadily before (median frame difference over BEFORE seconds at least
  MOVING, and in the very last frame too: the stop is abrupt);
- from one frame on it is still to the pixel for AFTER seconds (mean difference at most
  STILL: real footage never holds a moving thing that still, H.264 skip blocks aside);
- the still cells join into a patch of at least MIN_CELLS, off the frame border;
- the ring around the patch keeps changing (RING_MOVING, RING_LATE, RING_KEEPS): the scene
  goes on, so a camera coming to rest, a whole scene at a standstill or backdrop uncovered
  by a thing walking off is no freeze;
- the patch holds texture (TEXTURE): a plain surface sliding over a cell looks still;
- its stuck content is new: no frame of the last SEEN_WINDOW seconds matches it (SEEN), so
  backdrop uncovered by something walking off is no freeze.

A patch found on an object that appeared just before is left to the appearance
(`without_arrived`): a thing pasted in stays put on the screen as the camera moves.

Thresholds are in gray levels (0-255), seconds and shares of the short side. On the
edited-real development sets (s111, s113, s115, s117: 24 freezes, 210 unedited clips) it
finds 6 freezes at their first frame and nothing on the unedited clips; with the seen
condition alone (no ring, texture or size) 24 of the 60 s115 unedited clips had one. Most freezes
it misses were still before their first frame (the edit only shows once something moves
into the held patch), so their first frame cannot be told from the footage.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import cv2
import numpy as np

from checkers.base import Event
from checkers.units import Units
from checkers.video import Frame

CELL = 0.022  # cell side, shares of the short side (4 px at 180)
BEFORE = 0.2  # seconds of change before the stop
AFTER = 0.4  # seconds of stillness after it
MOVING = 5.0  # median gray-level change a frame, before
STILL = 0.25  # mean gray-level change a frame, after
MIN_CELLS = 3
# The patch's longer side, shares of the short side: a frozen thing is object-sized. Every
# false find on 210 unedited edited-real clips and ../shared/gen-clips was a 2-cell square
# (0.044; backdrop uncovered by an arm, a GIF-converted clip); the freezes found span 0.067+.
MIN_SIDE = 0.06
# ... and at least this many cells thick: a one-cell strip is the rim of a plain object
# whose inside, all one colour, looks still as it moves (a falling square in the shapes world).
THICK = 2
RING = 2  # cells around the patch that must keep changing
RING_MOVING = 1.0  # their median change a frame, after
# ... and still so over the last third of AFTER: a thing walking off a patch leaves the
# ring quiet soon after, a frozen patch in a moving scene does not.
RING_LATE = 0.8
# ... and keep this share of the change it had before: around backdrop uncovered by an arm
# the change falls tenfold as the arm leaves (0.02-0.13 on the development clips), around a
# frozen patch it goes on (0.19-0.84).
RING_KEEPS = 0.15
TEXTURE = 25.0  # mean Sobel magnitude inside the patch
SEEN_WINDOW = 1.5  # seconds searched for the stuck content
SEEN = 8.0  # mean gray-level difference to the closest of those frames
ONES = np.ones((1, 3), np.float32)
# Seconds after an appearance within which a frozen patch on it is that appearance: a thing
# pasted in from nowhere also stays put on the screen while the camera moves.
ARRIVED = 0.5
BORDER = 2  # cells at the frame border left out (letterboxes, logos sliding in)


@dataclass(frozen=True)
class Freeze:
    frame: int  # first frame that repeats the one before inside the patch
    time: float
    bbox: tuple[int, int, int, int]  # analysis px


class FreezeWatch:
    """Frame-by-frame search for frozen patches; memory bounded by SEEN_WINDOW + AFTER."""

    def __init__(self, units: Units):
        self.cell = max(2, round(units.length(CELL)))
        self.min_side = units.length(MIN_SIDE)
        self.before = units.frames(BEFORE, least=2)
        self.after = units.frames(AFTER, least=3)
        self.window = units.frames(SEEN_WINDOW, least=self.before + 1)
        self._gray: deque[np.ndarray] = deque(maxlen=self.window + self.after + 1)
        self._time: deque[float] = deque(maxlen=self.after)
        self._diff: deque[np.ndarray] = deque(maxlen=self.before + self.after + 1)
        self._last = -1
        self._taken: np.ndarray | None = None  # cells already reported
        self.found: list[Freeze] = []

    def add(self, frame: Frame) -> None:
        index, c = frame.index, self.cell
        # the channels' mean, bit for bit as numpy's .mean(2) (exact sums, one float32
        # division) at a twentieth of its time
        gray = cv2.transform(frame.image.astype(np.float32), ONES) / np.float32(3)
        h, w = gray.shape[0] // c * c, gray.shape[1] // c * c
        gray = gray[:h, :w]
        if self._gray and index == self._last + 1:
            d = np.abs(gray - self._gray[-1]).reshape(h // c, c, w // c, c).mean((1, 3))
        else:  # first frame or a gap: start over
            self._gray.clear()
            self._diff.clear()
            d = None
        self._last = index
        self._gray.append(gray)
        self._time.append(frame.time)
        if d is None:
            return
        self._diff.append(d)
        if len(self._diff) == self._diff.maxlen:
            self._judge(index - self.after + 1)

    def _judge(self, t: int) -> None:
        diffs = np.stack(self._diff)  # (before + after + 1, rows, cols); [0] is t-before-1's
        before = np.median(diffs[1 : self.before + 1], axis=0)
        after = diffs[self.before + 1 :].mean(0)
        late = diffs[-max(1, self.after // 3) :].mean(0)
        stuck = (before >= MOVING) & (diffs[self.before] >= MOVING) & (after <= STILL)
        stuck[:BORDER] = stuck[-BORDER:] = False
        stuck[:, :BORDER] = stuck[:, -BORDER:] = False
        if self._taken is not None:
            stuck &= ~self._taken
        if stuck.sum() < MIN_CELLS:
            return
        n, labels, stats, _ = cv2.connectedComponentsWithStats(stuck.astype(np.uint8), 8)
        for i in range(1, n):
            if stats[i, cv2.CC_STAT_AREA] >= MIN_CELLS:
                patch = labels == i
                if self._frozen(patch, before, after, late):
                    self._report(t, patch, stats[i])

    def _frozen(self, patch: np.ndarray, before: np.ndarray, after: np.ndarray, late) -> bool:
        k = 2 * RING + 1
        ring = cv2.dilate(patch.astype(np.uint8), np.ones((k, k), np.uint8)).astype(bool) & ~patch
        around = np.median(after[ring])
        if around < RING_MOVING or np.median(late[ring]) < RING_LATE:
            return False
        if around < RING_KEEPS * np.median(before[ring]):
            return False
        c = self.cell
        px = np.kron(patch, np.ones((c, c), bool))
        grays = list(self._gray)
        now = grays[-self.after]  # frame t
        gx, gy = cv2.Sobel(now, cv2.CV_32F, 1, 0), cv2.Sobel(now, cv2.CV_32F, 0, 1)
        if np.hypot(gx, gy)[px].mean() < TEXTURE:
            return False
        earlier = grays[: -self.after - 1][-self.window :]  # t-window .. t-2
        return all(np.abs(now[px] - g[px]).mean() >= SEEN for g in earlier)

    def _report(self, t: int, patch: np.ndarray, stat: np.ndarray) -> None:
        if self._taken is None:
            self._taken = np.zeros_like(patch)
        self._taken |= patch  # judged once, found or not
        c = self.cell
        x, y, w, h = (int(v) * c for v in stat[:4])
        if max(w, h) < self.min_side or min(w, h) < THICK * c:
            return
        self.found.append(Freeze(t, self._time[0], (x, y, w, h)))


def freeze_events(check: str, watch: FreezeWatch | None, box) -> list[Event]:
    """The patches `watch` found as events; `box` maps an analysis box to displayed pixels."""
    return [
        Event(
            check=check,
            kind="frozen_region",
            frame=f.frame,
            end_frame=f.frame,
            time=f.time,
            object=None,
            severity=0.8,
            bbox=box(f.bbox),
            message=f"a moving region froze at frame {f.frame}: it stopped updating "
            "while the scene around it went on",
        )
        for f in (watch.found if watch is not None else [])
    ]


def without_arrived(events: list[Event], frames: int) -> list[Event]:
    """Drop a frozen patch that lies on an object seen to appear up to `frames` before it:
    one thing, reported once (as the appearance)."""
    came = [e for e in events if e.kind in ("appear", "appear_in_place") and e.bbox]

    def arrived(f: Event) -> bool:
        return any(0 <= f.frame - a.frame <= frames and _overlap(a.bbox, f.bbox) for a in came)

    return [e for e in events if e.kind != "frozen_region" or not arrived(e)]


def _overlap(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]
