"""Shape morphs of small parts read at the source resolution (checkers/source_morph.py,
checkers/source_outline.py).

A clip decoded at 480x480 (2.7 times the analysis size) of a flat-colored part 36 px across
(13 analysis px, the wild world's sizes) drifting over a textured wall: a diamond turning
into a square (the same outline turned: its radial profile does not move) and a six-point
star turning into a square (alike at the analysis size) are identity events where the morph
began (main: none). The same diamond unchanged, or growing slowly, is none.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from test_background_model import texture

from checkers.runner import check_clip
from checkers.source_outline import source_look
from vidgen.world.corpus import write_mp4
from vidgen.world.render import OUTLINES

SIZE, FPS, FRAMES = 480, 16.0, 48
START, SPAN = 20, 8  # the morph begins at frame 20 and takes 8 frames (0.5 s)
RAYS = 48
_ANGLES = -np.pi / 2 + 2 * np.pi * np.arange(RAYS) / RAYS


def _on_rays(radius_of) -> np.ndarray:
    """An outline as the world draws it: one point on each of RAYS rays."""
    r = np.array([radius_of(a) for a in _ANGLES])
    return np.stack([r * np.cos(_ANGLES), r * np.sin(_ANGLES)], axis=1)


SQUARE, DIAMOND = OUTLINES["square"], OUTLINES["diamond"]  # as the world draws them
# Six points, pointed top and bottom: radius 1 at the tips, 0.5 between.
STAR = _on_rays(lambda a: 0.5 + 0.5 * abs(np.cos(3 * (a + np.pi / 2))) ** 3)


def _frames(start, end, amount, half=lambda t: 18.0) -> np.ndarray:
    wall = cv2.resize(texture(5), (SIZE, SIZE), interpolation=cv2.INTER_CUBIC)
    out = []
    for t in range(FRAMES):
        w = amount(t)
        outline = (1.0 - w) * start + w * end
        cx, cy = 150 + 3.0 * t, 200 + 1.0 * t
        pts = np.round((np.array([cx, cy]) + half(t) * outline) * 16).astype(np.int32)
        frame = wall.copy()
        cv2.fillPoly(frame, [pts], (40, 90, 220), lineType=cv2.LINE_AA, shift=4)
        out.append(frame)
    return np.stack(out)


def _events(tmp_path, frames) -> list[tuple[str, int]]:
    path = tmp_path / "clip.mp4"
    write_mp4(path, frames, FPS)
    report = check_clip(str(path), checks=("identity_drift",), perception="auto")
    assert report.verdict != "error", report.error
    return [(e.kind, e.frame) for e in report.checks["identity_drift"].events]


def _morph(t: int) -> float:
    return float(np.clip((t - START) / SPAN, 0.0, 1.0))


@pytest.mark.parametrize("start", [DIAMOND, STAR], ids=["diamond", "star"])
def test_a_small_part_turning_into_a_square_is_an_event_where_it_began(tmp_path, start):
    events = _events(tmp_path, _frames(start, SQUARE, _morph))
    assert [kind for kind, _ in events] == ["shape_change"], events
    assert abs(events[0][1] - START) <= 2, events


def test_the_same_diamond_unchanged_or_growing_slowly_is_no_event(tmp_path):
    assert _events(tmp_path, _frames(DIAMOND, SQUARE, lambda t: 0.0)) == []
    grow = lambda t: 16.0 + 4.0 * t / FRAMES  # noqa: E731
    assert _events(tmp_path, _frames(DIAMOND, SQUARE, lambda t: 0.0, half=grow)) == []


def test_the_source_look_tells_the_outlines_apart():
    wall = np.full((120, 120, 3), 128, np.uint8)
    looks = {}
    for name, outline in (("square", SQUARE), ("diamond", DIAMOND), ("star", STAR)):
        frame = wall.copy()
        pts = np.round((60 + 18 * outline) * 16).astype(np.int32)
        cv2.fillPoly(frame, [pts], (40, 90, 220), lineType=cv2.LINE_AA, shift=4)
        # The analysis box: a third of the size, and a pixel short of the rim.
        looks[name] = source_look(frame, (15, 15, 10, 10), 3.0)
    spread, fill, solidity = (np.array([looks[n][i] for n in looks]) for i in range(3))
    assert fill[0] > 0.9 and fill[1] < 0.6, fill  # a square fills its upright box
    assert solidity[2] < 0.85 < solidity[0], solidity  # the star is not convex
    assert abs(spread[0] - spread[1]) < 0.05, spread  # a diamond is a square turned


def _points(areas) -> list:
    from types import SimpleNamespace

    from checkers.tracking import Point

    return [
        Point(f, f / FPS, 0.0, 0.0, SimpleNamespace(area=a, bbox=(0, 0, 10, 10)), "motion", False)
        for f, a in enumerate(areas)
    ]


def test_a_source_cut_that_lost_its_object_on_its_own_is_no_morph():
    from checkers.outline_change import OutlineStep
    from checkers.source_morph import _crowded, _cuts_agree

    read = _points([100.0] * 20)
    step = OutlineStep(0.3, 0.12, read[8], read[10])
    # The source cut covers its analysis cut's area before and after: both saw the change.
    assert _cuts_agree(read, np.full(20, -0.1), step)
    # The source cut shrank to half while the analysis cut kept its area (TUNE clean: a
    # textured ball over a backdrop blob of its colors).
    assert not _cuts_agree(read, np.r_[np.full(9, -0.1), np.full(11, -0.7)], step)
    # Another part within the crop's margin: not read; one well away: read.
    assert _crowded((50, 50, 10, 10), 1, [(1, (50, 50, 10, 10)), (2, (64, 50, 10, 10))])
    assert not _crowded((50, 50, 10, 10), 1, [(2, (80, 50, 10, 10))])


class _Looks:
    """A SourcePictures stand-in: each sighting's source look given by frame."""

    scale = 3.0

    def __init__(self, by_frame):
        self.by_frame = by_frame

    def looks(self, wanted):
        return {(t, f): self.by_frame(f) for f, pairs in wanted.items() for t, _ in pairs}


def _candidate(frames: int = 40):
    from types import SimpleNamespace

    from checkers.tracking import Point

    det = SimpleNamespace(area=100.0, bbox=(50, 50, 10, 10))
    seen = [Point(f, f / FPS, 55.0, 55.0, det, "motion", False) for f in range(frames)]
    return SimpleNamespace(id=1, points=seen), seen


@pytest.mark.parametrize("spread", [0.3, 1.5])
def test_box_fill_is_read_only_on_a_compact_outline(spread):
    # The box fill turns from a square's 1.0 to a diamond's 0.5 from frame 20. On a compact
    # outline that is a morph; on a part whose source spread is no object's (a sliver of
    # scenery, review of session 29: gen-clips videorepa_mn_hunyuan_2, spread 1.0-2.3) it is
    # none (1b019d8: a shape_change either way).
    from checkers.source_morph import source_morphs

    def look(f):
        fill = 1.0 - 0.5 * _morph(f)
        return np.array([spread, fill, 0.95, 30.0, 30.0, np.log(900.0)])

    found = source_morphs([_candidate()], _Looks(look), 180.0, FPS, 1.0)
    if spread < 0.8:
        assert [abs(c.start.frame - START) <= 2 for _, c in found] == [True], found
    else:
        assert found == []


def test_frames_in_memory_are_judged_alike_whatever_name_they_carry(tmp_path):
    # check_frames has no source to read: the file its name points to is not its frames.
    # (1b019d8 read crops from a file named so: a shape_change at 21 with the name, none
    # without it.) In-memory frames are judged at the analysis size only.
    from checkers.runner import check_frames

    path = tmp_path / "clip.mp4"
    morph = _frames(DIAMOND, SQUARE, _morph)
    write_mp4(path, morph, FPS)

    def events(**name):
        report = check_frames(list(morph), FPS, checks=("identity_drift",), **name)
        return [(e.kind, e.frame) for e in report.checks["identity_drift"].events]

    assert events(name=str(path)) == events()


def _small(frames: np.ndarray, side: int = 240) -> np.ndarray:
    """The clip decoded at side x side: 1.33 times the analysis size."""
    return np.stack([cv2.resize(f, (side, side), interpolation=cv2.INTER_AREA) for f in frames])


def test_a_clip_decoded_near_the_analysis_size_is_read_at_the_source_too(tmp_path):
    # The diamond 18 px across, its source little larger than its analysis cut: the radial
    # profile cannot tell a diamond from the square it turns into, the source's box fill can
    # (main: no event; the source read ran only on clips decoded at 1.5 times the analysis size
    # or more).
    events = _events(tmp_path, _small(_frames(DIAMOND, SQUARE, _morph)))
    assert [kind for kind, _ in events] == ["shape_change"], events
    assert abs(events[0][1] - START) <= 2, events
    assert _events(tmp_path, _small(_frames(DIAMOND, SQUARE, lambda t: 0.0))) == []


def test_a_small_part_resized_whole_is_a_size_change_after_its_source_read(tmp_path):
    # A resize of a part small enough for the source read (source_morph.py) is read at the
    # source too, in case it is a morph whose outline only the source sees (identity.py
    # `same_morph`). The diamond keeps its outline while it grows to 5/3 of its size over
    # SPAN frames, so the source finds no morph and the resize stands, dated where it began.
    def half(t):
        return 18.0 + 12.0 * float(np.clip((t - START) / SPAN, 0.0, 1.0))

    grown = _frames(DIAMOND, DIAMOND, lambda t: 0.0, half=half)
    events = _events(tmp_path, grown)
    assert [kind for kind, _ in events] == ["size_change"], events
    assert abs(events[0][1] - START) <= 2, events
