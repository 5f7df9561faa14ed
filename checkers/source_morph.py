"""Shape morphs of small parts, read on their outline at the source resolution.

outline_change.py reads a part's outline on its analysis-size cut, where the wild world's
objects are 10-20 px across: a star, a square and a diamond read alike there (session 28: most
of the 21 missed TUNE morphs). A part that small is read again after the analysis on the
decoded frames (source_outline.py): its spread, the share of its upright box it fills, and its
solidity, each judged by outline_change's gates (a steady old level, a held new one, a change
of the track's own jitter and of a floor, the box kept, read on the crop's box). A clip
decoded near the analysis size is read too: the source shows no more pixels there, but box
fill and solidity, which the analysis read lacks (wild fresh4711 clip 81, 350x202: a triangle
into a square, box fill 0.64 then 0.89). Two gates of its own: a crop that takes in another
part is not read, and the source cut must cover the same share of the analysis cut's area
after the change as before (a cut that failed at the source alone changes its outline, not the
object). Only tracks on which no other change of look was found, or only a resize (a morph
that changed the area too: its outline then dates it), are read, all in one decode of the
clip up to the last sighting wanted.

Measured on wild TUNE (fresh4711 clip 174, a diamond into a square at 8 fps): box fill
0.52-0.54 before and 0.97-1.0 after at the source, against 0.63-0.70 and 0.99-1.07 on the
analysis cut; dev1515 clip 32, a star into a square: solidity 0.66-0.73 then 0.94-0.97.
Identity replay (session 29): shape_morph TUNE 8 -> 14/30, VALIDATE 5 -> 10/24, no clean
clip failed more. Cost: 0.17 s CPU on wild fresh4711 clip 48 (61 frames, 832x480; about 10%
of the check), 4.7 s of 56 s on that clip looped to 3660 frames. Session 30 converts only the
crops read (video.source_crops) and reads each in 0.95 ms rather than 1.6 ms: that clip's
source reads now cost about 0.08 s on their own (0.04 decoding, 0.04 reading 40 crops).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from checkers.identity_motion import MotionChange
from checkers.outline_change import (
    COMPACT_SPREAD,
    MIN_SIGHTINGS,
    OutlineStep,
    Reading,
    held_step,
)
from checkers.overlap import one_ahead
from checkers.source_outline import MARGIN, crop_box, crop_look
from checkers.tracking import Point, Track
from checkers.video import VideoInfo, source_crops

# The part's larger box side, as a share of the analysis short side, above which its
# analysis cut already reads its outline (and a crop would cost more).
SMALL = 0.2
# The least step of each number (source_outline.py gives the world's outlines' values):
# spread as outline_change's; box fill 0.5 (diamond into square), 0.2 (ball or octagon into
# square), 0.29 (triangle or diamond into ball); solidity 0.25 (star into a convex outline).
FLOORS = {"spread": 0.12, "box_fill": 0.15, "solidity": 0.12}
# |log| change of the source cut's area against the analysis cut's across a change.
AREA_AGREES = 0.25
CAPS = {"spread": COMPACT_SPREAD, "box_fill": np.inf, "solidity": np.inf}


class SourcePictures:
    """The decoded frames behind the analysis pictures, read again at full size on demand."""

    def __init__(
        self,
        info: VideoInfo,
        first_shown: list[tuple[int, float]] | None = None,
        threads: int = 0,
        ahead: bool = False,
    ):
        self.info = info
        # picture -> the decoded frame that first showed it (None: every frame a picture)
        self.decoded = None if first_shown is None else [index for index, _ in first_shown]
        self.threads = threads  # decoder threads, as the analysis was given (0: PyAV's choice)
        # Decode the next frame read on a thread of its own while this one's crops are read:
        # the decode and the reading cost about the same (wild fresh4711 clip 48: 46 and 75 ms
        # CPU), and they are the last thing a check does, with nothing beside them.
        self.ahead = ahead

    @property
    def scale(self) -> float:
        """Decoded px per analysis px."""
        return self.info.scale

    def looks(
        self, wanted: dict[int, list[tuple[int, tuple]]]
    ) -> dict[tuple[int, int], np.ndarray]:
        """source_look of each (track, bbox) wanted on each picture, by (track, picture);
        one decode up to the last picture wanted, only the crops read converted to RGB."""
        decoded = self.decoded
        by_frame = {p if decoded is None else decoded[p]: p for p in wanted}
        size = self.info.width, self.info.height  # the decoded frame's, upright
        reads = defaultdict(list)  # decoded frame -> (track, bbox, crop box)
        for index, picture in by_frame.items():
            for track, bbox in wanted[picture]:
                box = crop_box(bbox, self.scale, *size)
                if box is not None:
                    reads[index].append((track, bbox, box))
        boxes = {index: [box for _, _, box in read] for index, read in reads.items()}
        out = {}
        read = source_crops(self.info, boxes, self.threads)
        for index, crops in one_ahead(read) if self.ahead else read:
            for (track, bbox, box), crop in zip(reads[index], crops, strict=True):
                look = crop_look(crop, box, bbox, self.scale)
                if look is not None:
                    out[(track, by_frame[index])] = look
        return out


def source_morphs(
    candidates: list[tuple[Track, list[Point]]],
    source: SourcePictures,
    short_side: float,
    fps: float,
    k: float,
    tracks: dict[int, Track] | None = None,
) -> list[tuple[Track, MotionChange]]:
    """The candidates (a track and its open-view sightings) whose outline at the source
    changes and holds, each with its change (the earliest of its numbers'). `tracks`: every
    track by id; a sighting whose crop takes in another's part is not read."""
    chosen = [
        (t, seen)
        for t, seen in candidates
        if len(seen) >= MIN_SIGHTINGS and _small(seen, short_side)
    ]
    if not chosen:
        return []
    boxes = _boxes(tracks or {})
    wanted = defaultdict(list)
    for track, seen in chosen:
        for p in seen:
            if not _crowded(p.det.bbox, track.id, boxes.get(p.frame, ())):
                wanted[p.frame].append((track.id, p.det.bbox))
    looks = source.looks(wanted)
    found = []
    for track, seen in chosen:
        read = [p for p in seen if (track.id, p.frame) in looks]
        if len(read) < MIN_SIGHTINGS:
            continue
        table = np.array([looks[(track.id, p.frame)] for p in read])  # (n, 6)
        if float(np.median(table[:, 0])) > COMPACT_SPREAD:
            # No compact object's outline at the source (a sliver, a piece of scenery: the
            # world's shapes read 0.6 at most): its box fill and solidity are no shape's
            # either (review, session 29: gen-clips videorepa_mn_hunyuan_2, a part at the
            # frame's top in a camera shift, spread 1.0-2.3, solidity flickering 0.51-0.88).
            continue
        # log of the source cut's area over the analysis cut's, in analysis px
        agree = table[:, 5] - 2.0 * np.log(source.scale) - np.log([p.det.area for p in read])
        steps = []
        for column, name in enumerate(FLOORS):
            reading = Reading(
                table[:, column], table[:, 3:5], FLOORS[name], CAPS[name], areas=table[:, 5]
            )
            step = held_step(read, reading, fps, k)
            if step is not None and _cuts_agree(read, agree, step):
                steps.append((name, step))
        if steps:
            _, step = min(steps, key=lambda s: s[1].start.frame)
            change = MotionChange("shape", step.start, step.end, step.amount, step.threshold)
            found.append((track, change))
    return found


def _cuts_agree(read: list[Point], agree: np.ndarray, step: OutlineStep) -> bool:
    """The source cut covers the same share of the analysis cut's area before and after
    the change: a morph changes the object both cuts see, while a source cut that lost or
    took in pixels on its own changes only its outline (TUNE clean: a textured ball over a
    backdrop blob of its colors, 0.6 of log area; TUNE's morphs found, 0.03-0.1)."""
    frames = np.array([p.frame for p in read])
    before = agree[frames < step.start.frame]
    after = agree[frames >= step.end.frame]
    if len(before) == 0 or len(after) == 0:
        return False  # nothing read on one side: the cuts cannot be compared
    return abs(float(np.median(after) - np.median(before))) <= AREA_AGREES


def _boxes(tracks: dict[int, Track]) -> dict[int, list[tuple[int, tuple]]]:
    """(track, box) of every sighting, by frame."""
    out = defaultdict(list)
    for track in tracks.values():
        for p in track.points:
            if p.det is not None:
                out[p.frame].append((track.id, p.det.bbox))
    return out


def _crowded(bbox, tid: int, others) -> bool:
    """Another part lies within the crop read around `bbox`: its colors would be read as
    the surround's, and one like the object's cuts the object short (TUNE clean: an orange
    square sliding into a red ball, read as a ball turning into a star)."""
    x, y, w, h = bbox
    pad = MARGIN * max(w, h) + 1.0
    for other, (ox, oy, ow, oh) in others:
        if other == tid:
            continue
        if ox < x + w + pad and x - pad < ox + ow and oy < y + h + pad and y - pad < oy + oh:
            return True
    return False


def _small(seen: list[Point], short_side: float) -> bool:
    side = float(np.median([max(p.det.bbox[2], p.det.bbox[3]) for p in seen]))
    return side <= SMALL * short_side
