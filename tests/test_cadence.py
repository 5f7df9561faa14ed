"""Repeated frames (checkers/cadence.py): a clip that shows each picture several times is
judged as its distinct pictures, and reported in its own frame numbers."""

from __future__ import annotations

import numpy as np
import pytest
from test_check_world import COLOR_AFTER_BOX, TELEPORT_UP
from test_scene_on_demand import _clip as stage_then_wall
from test_scene_on_demand import keep_scenes
from world_scenes import render

from checkers.base import CheckResult, Event
from checkers.cadence import DistinctFrames, find_cadence, renumbered
from checkers.runner import check_frames
from checkers.video import Frame


def _changes(pattern: str, fresh: float = 30.0, repeat: float = 0.5) -> list[float]:
    """'F' a new picture, 'r' a repeat: one change per frame after the first."""
    return [fresh if c == "F" else repeat for c in pattern[1:]]


@pytest.mark.parametrize(
    "pattern,repeats",
    [
        ("Frr" * 16, 2),  # AnimateDiff's GIFs: each picture three times
        ("FFFFr" * 8, 1),  # Open-Sora's samples: one frame in five repeated
        ("FrFrr" * 8, 2),  # 2:3 pulldown
        ("F" * 40, 0),  # every frame new
        ("F" + "r" * 9 + "F" * 30, 0),  # a still start, then motion: no rhythm
        ("Frrrrrr" * 6, 0),  # a picture shown seven times: a still, not a cadence
        ("FFrFFFFrrFFFrFFFFFFFFFFrrrFFFFFF", 0),  # stills scattered at random
    ],
)
def test_cadence_found_only_in_a_rhythm(pattern, repeats):
    assert find_cadence(_changes(pattern)) == repeats


def test_slow_even_change_is_not_a_cadence():
    # A real still scene: every frame changes a little (noise), some under the repeat level.
    rng = np.random.default_rng(3)
    assert find_cadence(list(rng.uniform(0.5, 4.0, 60))) == 0
    # The rhythm is there, but the new pictures barely change more than the repeats.
    assert find_cadence(_changes("Frr" * 16, fresh=6.0, repeat=2.0)) == 0


def test_pictures_are_numbered_and_timed():
    rng = np.random.default_rng(0)
    pictures = [rng.integers(0, 255, (36, 64, 3), dtype=np.uint8) for _ in range(12)]
    decoded = [Frame(i, i / 24, pictures[i // 3]) for i in range(36)]
    distinct = DistinctFrames(iter(decoded), fps=24)
    assert distinct.repeats == 2 and distinct.fps == pytest.approx(8.0)
    shown = list(distinct)
    assert [s.picture for s in shown] == [i // 3 for i in range(36)]
    assert [s.repeat for s in shown] == [i % 3 != 0 for i in range(36)]
    assert [s.frame.index for s in shown] == list(range(36))  # every decoded frame comes out
    first = [s.analysed() for s in shown if not s.repeat]
    assert [f.index for f in first] == list(range(12))
    assert [f.time for f in first] == pytest.approx([k / 8 for k in range(12)])


def test_events_get_the_decoded_frame_numbers():
    shown = [(3 * k, k / 8) for k in range(10)]
    event = Event("physics_sanity", "teleport", 4, 6, 0.5, 1, 0.9, [1, 2, 3, 4],
                  "object 1 jumps at frame 4; seen at frames 4-6")  # fmt: skip
    out = renumbered(CheckResult("physics_sanity", "fail", 0.2, [event]), shown).events[0]
    assert (out.frame, out.end_frame, out.time) == (12, 18, 0.5)
    assert out.message == "object 1 jumps at frame 12; seen at frames 12-18"


@pytest.mark.parametrize("spec", [TELEPORT_UP, COLOR_AFTER_BOX], ids=["teleport", "color"])
def test_a_tripled_clip_is_judged_like_the_clip(spec):
    # The same violated scene at 16 fps, and with each frame shown three times at 48 fps:
    # the same events, at the decoded frame that first shows each picture.
    frames = render(spec)
    plain = check_frames(frames, fps=16)
    tripled = check_frames([f for f in frames for _ in range(3)], fps=48)
    assert plain.events, "the scene must raise an event for the comparison to mean anything"
    assert tripled.picture_fps == pytest.approx(16.0)
    assert [(e.check, e.kind, 3 * e.frame, e.object) for e in plain.events] == [
        (e.check, e.kind, e.frame, e.object) for e in tripled.events
    ]
    assert [e.time for e in tripled.events] == pytest.approx([e.time for e in plain.events])
    assert len(tripled.rows) == 3 * len(plain.rows)


@pytest.mark.parametrize("keep", [32, 2], ids=["frames at hand", "decoded again"])
def test_the_scene_decoded_again_sees_the_same_pictures(tmp_path, monkeypatch, keep):
    # The scene perception may decode the clip again from its start (perception/on_demand.py):
    # the replay must be the same distinct pictures, or the bursts would be dated in another
    # numbering.
    from checkers import runner

    made = keep_scenes(monkeypatch, keep)
    plain = runner.check_clip(stage_then_wall(tmp_path / "plain.mp4", 1), features="classical")
    tripled = runner.check_clip(stage_then_wall(tmp_path / "tripled.mp4", 3), features="classical")
    assert tripled.picture_fps == pytest.approx(16.0) and plain.picture_fps == 16.0
    assert any(e.kind == "appear_in_place" for e in plain.events), plain.events
    # The tripled clip's scene went full, from frames at hand or decoded again.
    assert made[1].full and (made[1].replayed > 0) == (keep == 2)
    assert [(e.check, e.kind, 3 * e.frame) for e in plain.events] == [
        (e.check, e.kind, e.frame) for e in tripled.events
    ]
