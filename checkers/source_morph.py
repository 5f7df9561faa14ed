"""Shape morphs of small parts, read on their outline at the source resolution.

outline_change.py reads a part's outline on its analysis-size cut, where the wild world's
objects are 10-20 px across: a star, a square and a diamond read alike there (session 28:
most of the 21 missed TUNE morphs). A part that small, on a clip decoded at least MIN_SCALE
times the analysis size, is read again after the analysis on the decoded frames
(source_outline.py): its spread, the share of its upright box it fills, and its solidity,
each judged by outline_change's gates (a steady old level, a held new one, a change of the
track's own jitter and of a floor, the box kept, read on the crop's box). Only tracks on
which no other change of look was found are read, all in one decode of the clip up to the
last sighting wanted.

Measured on wild TUNE (fresh4711 clip 174, a diamond into a square at 8 fps): box fill
0.52-0.54 before and 0.97-1.0 after at the source, against 0.63-0.70 and 0.99-1.07 on the
analysis cut; dev1515 clip 32, a star into a square: solidity 0.66-0.73 then 0.94-0.97.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from checkers.identity_motion import MotionChange
from checkers.outline_change import COMPACT_SPREAD, MIN_SIGHTINGS, Reading, held_step
from checkers.source_outline import source_look
from checkers.tracking import Point, Track
from checkers.video import VideoInfo, source_frames

# Decoded pixels per analysis pixel below which the source shows little more than the
# analysis frame does.
MIN_SCALE = 1.5
# The part's larger box side, as a share of the analysis short side, above which its
# analysis cut already reads its outline (and a crop would cost more).
SMALL = 0.2
# The least step of each number (source_outline.py gives the world's outlines' values):
# spread as outline_change's; box fill 0.5 (diamond into square), 0.2 (ball or octagon into
# square), 0.29 (triangle or diamond into ball); solidity 0.25 (star into a convex outline).
FLOORS = {"spread": 0.12, "box_fill": 0.15, "solidity": 0.12}
CAPS = {"spread": COMPACT_SPREAD, "box_fill": np.inf, "solidity": np.inf}


class SourcePictures:
    """The decoded frames behind the analysis pictures, read again at full size on demand."""

    def __init__(self, info: VideoInfo, first_shown: list[tuple[int, float]] | None = None):
        self.info = info
        # picture -> the decoded frame that first showed it (None: every frame a picture)
        self.decoded = None if first_shown is None else [index for index, _ in first_shown]
        self.scale = info.width / info.analysis_width  # decoded px per analysis px

    def looks(
        self, wanted: dict[int, list[tuple[int, tuple]]]
    ) -> dict[tuple[int, int], np.ndarray]:
        """source_look of each (track, bbox) wanted on each picture, by (track, picture);
        one decode up to the last picture wanted, no full frame kept."""
        decoded = self.decoded
        by_frame = {p if decoded is None else decoded[p]: p for p in wanted}
        out = {}
        for index, image in source_frames(self.info, by_frame):
            picture = by_frame[index]
            for track, bbox in wanted[picture]:
                look = source_look(image, bbox, self.scale)
                if look is not None:
                    out[(track, picture)] = look
        return out


def source_morphs(
    candidates: list[tuple[Track, list[Point]]],
    source: SourcePictures,
    short_side: float,
    fps: float,
    k: float,
) -> list[tuple[Track, MotionChange]]:
    """The candidates (a track and its open-view sightings) whose outline at the source
    changes and holds, each with its change (the earliest of its numbers')."""
    if source.scale < MIN_SCALE:
        return []
    chosen = [
        (t, seen)
        for t, seen in candidates
        if len(seen) >= MIN_SIGHTINGS and _small(seen, short_side)
    ]
    if not chosen:
        return []
    wanted = defaultdict(list)
    for track, seen in chosen:
        for p in seen:
            wanted[p.frame].append((track.id, p.det.bbox))
    looks = source.looks(wanted)
    found = []
    for track, seen in chosen:
        read = [p for p in seen if (track.id, p.frame) in looks]
        if len(read) < MIN_SIGHTINGS:
            continue
        table = np.array([looks[(track.id, p.frame)] for p in read])  # (n, 5)
        steps = []
        for column, name in enumerate(FLOORS):
            reading = Reading(table[:, column], table[:, 3:5], FLOORS[name], CAPS[name])
            step = held_step(read, reading, fps, k)
            if step is not None:
                steps.append((name, step))
        if steps:
            _, step = min(steps, key=lambda s: s[1].start.frame)
            change = MotionChange("shape", step.start, step.end, step.amount, step.threshold)
            found.append((track, change))
    return found


def _small(seen: list[Point], short_side: float) -> bool:
    side = float(np.median([max(p.det.bbox[2], p.det.bbox[3]) for p in seen]))
    return side <= SMALL * short_side
