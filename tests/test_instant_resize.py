"""A resize made from one frame to the next (checkers/instant_resize.py): the same whole object
popping to another size is an identity event at that frame; a cut's jump is not one."""

from __future__ import annotations

import numpy as np
import pytest
from test_identity_motion import START, identity_events, scene
from test_track_confidence import det

from checkers.instant_resize import made_at_once
from checkers.step_fit import Step
from checkers.tracking import Point

FPS = 16.0


@pytest.fixture(autouse=True)
def background_model(monkeypatch):
    monkeypatch.setenv("VIDGEN_BGMODEL", "1")


@pytest.mark.parametrize("radius", [22.0, 9.0], ids=["grown", "shrunk"])
def test_a_ball_resized_in_one_frame_is_a_size_change_at_that_frame(radius):
    # Before session 34 no check said anything about this clip.
    events = identity_events(scene(radius=lambda t: radius if t >= START else 14.0))
    assert [kind for kind, _ in events] == ["size_change"], events
    assert abs(events[0][1] - START) <= 1, events


def test_a_ball_resized_in_one_frame_under_the_size_bar_is_no_event():
    # 14 -> 19 px: 1.84 times the area, under identity_motion.SIZE_STEP (log 0.7), as a
    # gradual resize of that size is.
    assert identity_events(scene(radius=lambda t: 19.0 if t >= START else 14.0)) == []


ROUND = np.ones(24, np.float32)  # a ball's radial profile: spread 0
SQUARE = np.linspace(1.0, 1.41, 24).astype(np.float32) / 1.2  # spread about 0.27


def sightings(frames, area_of, outline_of) -> list[Point]:
    out = []
    for f in frames:
        side = float(np.sqrt(area_of(f)))
        d = det(100.0, 90.0, side, side)
        d.outline = outline_of(f)
        out.append(Point(f, f / FPS, 100.0, 90.0, d, "motion", False))
    return out


STEP = Step(19.4, 19.6, np.array([np.log(400.0)]), np.array([np.log(1000.0)]), 0.0)


def test_the_same_outline_at_another_size_between_two_frames_is_made_at_once():
    seen = sightings(range(40), lambda f: 1000.0 if f >= 20 else 400.0, lambda f: ROUND)
    found = made_at_once(seen, STEP, 0.92, 0.7, FPS)
    assert found is not None and found.frame == 20


def test_a_cut_whose_outline_changed_with_its_size_is_not_made_at_once():
    # A cut that took in a neighbour, a shadow or a piece of backdrop changes its shape.
    seen = sightings(
        range(40), lambda f: 1000.0 if f >= 20 else 400.0, lambda f: SQUARE if f >= 20 else ROUND
    )
    assert made_at_once(seen, STEP, 0.92, 0.7, FPS) is None


def test_a_new_size_held_briefly_or_seen_across_a_gap_is_not_made_at_once():
    brief = sightings(range(26), lambda f: 1000.0 if f >= 20 else 400.0, lambda f: ROUND)
    assert made_at_once(brief, STEP, 0.92, 0.7, FPS) is None  # 6 frames: under 0.5 s
    gap = [p for p in sightings(range(40), lambda f: 1000.0 if f >= 20 else 400.0,
                                lambda f: ROUND) if p.frame != 20]  # fmt: skip
    assert made_at_once(gap, STEP, 0.92, 0.7, FPS) is None
