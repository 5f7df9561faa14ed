"""Repeated frames: a clip that shows each new picture for several frames.

GIFs re-encoded as video, generators run at 8 fps and exported at 24 or 25, and frame-rate
conversions repeat pictures: AnimateDiff's 25 fps GIFs show each picture three times, Open-Sora's
samples repeat one frame in five. Analysed as they come, all of the motion happens in one step
of three, so a smooth fall reads as a jerk every third frame (physics_sanity flow spikes on
such clips in ../shared/gen-clips) and every per-frame rate is off by the repeat factor.

`DistinctFrames` reads the first `LOOK_SECONDS` of a clip, decides whether its pictures
repeat in a regular cadence, and from then on passes on only the first frame of each picture,
numbered 0, 1, 2, ... as a clip of its own at the rate new pictures arrive (`fps`); the
frames that repeat a picture are passed on marked, so the caller can give every event, row
and thumbnail the decoded clip's frame numbers and times back.

A regular cadence, not stillness: a still scene, a slow start or a moving camera that pauses
also give near-identical frames, but never in a fixed rhythm with clear motion between them.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace

import cv2
import numpy as np

from checkers.base import CheckResult, DecodeStopped, Event
from checkers.video import Frame

# The start of the clip read before deciding: long enough to see a rhythm of one new picture
# every few frames, short enough that the frames held in memory stay few.
LOOK_SECONDS = 2.0
LOOK_MIN, LOOK_MAX = 12, 96  # frames
# A frame shows the same picture again when no place in it changed by more than this, in
# gray levels (0-255) averaged over the place (a square of PLACE short sides): the most
# changed place, so a small object moving on a still backdrop is a change. A picture encoded
# twice changes 0-2 after H.264 (../shared/gen-clips' AnimateDiff and Open-Sora clips), a new
# one 5-165; sensor noise on a still real scene also gives 1-3 (../shared/gen-clips' real
# footage), which the rhythm and contrast rules below tell apart.
REPEAT_LEVEL = 2.5
PLACE = 0.1
# The frames that bring a new picture must change this many times more than the repeats do
# (their median against the repeats' 90th percentile, at least 1 gray level), so that a
# slowly changing real scene, whose small changes spread evenly, is never a cadence.
CONTRAST = 4.0
MIN_REPEAT_SHARE = 0.15  # of the look-ahead's frames: one in five or more
# Frames read before giving up when none repeats the one before: a cadence with repeats
# that rare would not reach MIN_REPEAT_SHARE. Most clips stop here, so the look-ahead,
# decoded before any analysis starts, costs them only this much of the overlap between
# decoding and analysis (shapes clips: 159 -> 185 frames/s wall, benchmarks/speed_ab.py).
FIRST_LOOK = 8
MAX_RUN = 4  # a picture shown more than five times is a still, not a cadence
MIN_PICTURES = 4  # fresh pictures in the look-ahead that show the rhythm
RHYTHM_SHARE = 0.75  # of the runs between them that keep it


@dataclass
class Shown:
    """One decoded frame, the analysis' number of the picture it shows, and whether that
    picture was shown before (then the analysis skips the frame and reuses what it found)."""

    frame: Frame  # as decoded: its own index and time
    picture: int
    repeat: bool

    def analysed(self) -> Frame:
        """The frame as the analysis sees it: numbered by picture."""
        return Frame(self.picture, self.frame.time, self.frame.image)


def gray_change(a: np.ndarray, b: np.ndarray) -> float:
    """How much the most changed place of two RGB frames changed: the largest mean absolute
    gray difference over squares of PLACE short sides."""
    return _gray_change(_gray(a), _gray(b))


def _gray(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)


def _gray_change(a: np.ndarray, b: np.ndarray) -> float:
    """`gray_change` of two frames already made gray (each frame is converted once, not
    once with the frame before it and again with the one after)."""
    diff = cv2.absdiff(a, b)
    h, w = diff.shape
    side = max(1.0, PLACE * min(h, w))
    cells = (max(1, round(w / side)), max(1, round(h / side)))
    return float(cv2.resize(diff.astype(np.float32), cells, interpolation=cv2.INTER_AREA).max())


def find_cadence(changes: list[float]) -> int:
    """The most times in a row a picture repeats (1..MAX_RUN), or 0 when the look-ahead's
    changes (to the previous frame, one per frame after the first) show no regular cadence."""
    if len(changes) < LOOK_MIN - 1:
        return 0
    values = np.asarray(changes)
    repeat = values < REPEAT_LEVEL
    if repeat.mean() < MIN_REPEAT_SHARE or repeat.all():
        return 0
    changed = values[~repeat]
    # Against the repeats' 90th percentile, not their largest: a slow new picture (an object
    # coming to rest) can change less than REPEAT_LEVEL and so count among the repeats.
    if np.median(changed) < CONTRAST * max(float(np.percentile(values[repeat], 90)), 1.0):
        return 0
    # The frames from the first fresh picture on, as alternating runs of fresh pictures and
    # of repeats. In a cadence both kinds of run keep one length (within one: 3:3 is runs of
    # 1 fresh and 2 repeats, one frame in five 4 and 1, 2:3 pulldown 1 and 1-2); stills
    # scattered at random do not. A run of repeats longer than MAX_RUN is a still inside the
    # rhythm (nothing moved), and a slow new picture read as a repeat joins two runs into a
    # longer one: the rhythm must hold for most runs, not all. The last run may be cut short
    # by the end of the look-ahead and is left out.
    flags = repeat[int(np.argmax(~repeat)) :]
    edges = np.flatnonzero(np.diff(flags.astype(np.int8))) + 1
    bounds = [0, *edges.tolist(), len(flags)]
    runs = [(bool(flags[a]), b - a) for a, b in zip(bounds, bounds[1:], strict=False)]
    last_repeats = runs[-1][1] if runs[-1][0] else 0
    repeats = [n for is_repeat, n in runs[:-1] if is_repeat and n <= MAX_RUN]
    fresh = [n for is_repeat, n in runs[:-1] if not is_repeat]
    rhythm = _rhythm(repeats)
    if len(repeats) < MIN_PICTURES or not rhythm or not _rhythm(fresh):
        return 0
    if max(rhythm) < last_repeats <= MAX_RUN:
        return 0
    return max(rhythm)


def _rhythm(lengths: list[int]) -> list[int]:
    """The lengths within one of the commonest, when they are most of them; else []."""
    if not lengths:
        return []
    commonest = Counter(lengths).most_common(1)[0][0]
    kept = [n for n in lengths if abs(n - commonest) <= 1]
    if len(kept) < RHYTHM_SHARE * len(lengths) or max(kept) - min(kept) > 1:
        return []
    return kept


class DistinctFrames:
    """Iterate a clip's frames as `Shown`: see the module docstring. `fps` is the rate at
    which new pictures arrive, for the analysis' units; `repeats` is 0 without a cadence."""

    def __init__(self, source: Iterator[Frame], fps: float):
        self._source = iter(source)
        self._head: list[Frame] = []
        self._stopped: DecodeStopped | None = None
        rate = fps if fps and math.isfinite(fps) and fps > 0 else 0.0
        look = int(min(LOOK_MAX, max(LOOK_MIN, round(LOOK_SECONDS * rate))))
        changes: list[float] = []
        gray = None
        try:
            for frame in self._source:
                gray, previous = _gray(frame.image), gray
                if self._head:
                    changes.append(_gray_change(previous, gray))
                self._head.append(frame)
                if len(self._head) >= look:
                    break
                if len(self._head) == FIRST_LOOK and min(changes) >= REPEAT_LEVEL:
                    break  # no repeat at all yet: no cadence could reach MIN_REPEAT_SHARE
        except DecodeStopped as error:  # raised again after the frames before it
            self._stopped = error
        self.repeats = find_cadence(changes)
        self._changes = changes
        self.fps = fps
        if self.repeats and self._head:
            # The rate of pictures as the iteration will count them (a still counts one
            # picture every `repeats + 1` frames, the rhythm's own rate).
            run, pictures = 0, 1
            for change in changes:
                run = run + 1 if self._repeat(change, run) else 0
                pictures += run == 0
            self.fps = fps * pictures / len(self._head)

    def _repeat(self, change: float, run: int) -> bool:
        """Whether a frame that changed `change` after `run` repeats shows the same picture."""
        return bool(self.repeats) and run < self.repeats and change < REPEAT_LEVEL

    def __iter__(self) -> Iterator[Shown]:
        previous: Frame | None = None
        previous_gray: np.ndarray | None = None  # past the look-ahead: `previous`, gray
        picture, run = -1, 0
        for position, frame in enumerate(self._frames()):
            repeat = False
            gray = None
            if previous is not None and self.repeats and run < self.repeats:
                if position - 1 < len(self._changes):
                    change = self._changes[position - 1]
                else:
                    if previous_gray is None:
                        previous_gray = _gray(previous.image)
                    gray = _gray(frame.image)
                    change = _gray_change(previous_gray, gray)
                repeat = change < REPEAT_LEVEL
            if repeat:
                run += 1
            else:
                picture, run = picture + 1, 0
            previous, previous_gray = frame, gray
            yield Shown(frame, picture, repeat)

    def _frames(self) -> Iterator[Frame]:
        head, self._head = self._head, []
        while head:  # handed over once, and let go of: memory stays flat
            yield head.pop(0)
        if self._stopped is not None:
            raise self._stopped
        yield from self._source


def distinct_pictures(source: Iterator[Frame], fps: float) -> Iterator[Frame]:
    """A clip's frames as the analysis sees them: its distinct pictures, numbered by picture
    (for a stage that decodes the clip again from the start)."""
    return (s.analysed() for s in DistinctFrames(source, fps) if not s.repeat)


# "frame 12", "frames 12-15" in an event's message: numbered like the event's own frames.
FRAME_NUMBERS = re.compile(r"\b(frames?) (\d+)(?:-(\d+))?")


def renumbered(result: CheckResult, first_shown: list[tuple[int, float]]) -> CheckResult:
    """`result` with every event's frames, time and message in the decoded clip's numbers:
    picture k becomes the decoded frame that first showed it (`first_shown[k]`: its index
    and time)."""

    def decoded(picture: int) -> int:
        return first_shown[min(max(picture, 0), len(first_shown) - 1)][0]

    def message(match: re.Match) -> str:
        text = f"{match[1]} {decoded(int(match[2]))}"
        return text + (f"-{decoded(int(match[3]))}" if match[3] else "")

    def event(e: Event) -> Event:
        index, time = first_shown[min(max(e.frame, 0), len(first_shown) - 1)]
        return replace(
            e,
            frame=index,
            end_frame=decoded(e.end_frame),
            time=time,
            message=FRAME_NUMBERS.sub(message, e.message),
        )

    return replace(result, events=[event(e) for e in result.events])
