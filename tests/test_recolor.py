"""One-frame color changes of background-model parts (checkers/recolor.py, look_switch.py).

On a panned textured backdrop with the model on: a ball at rest whose color switches in one
frame (the model learnt it as backdrop, so a new part is born on the same picture in other
colors) and a textured poster on the wall recolored are identity events at the switch; a ball
pasted in at once where there was only wall (a new picture) and a ball at rest that only
darkens are none.
"""

from __future__ import annotations

import dataclasses

import cv2
import numpy as np
import pytest
from test_background_model import FPS, H, W, camera, model_events, texture
from test_identity_motion import BLUE, RED, ball

import checkers.recolor as recolor
from checkers.identity_motion import HUE_SHIFT
from checkers.look_switch import motion_switches
from checkers.runner import check_frames
from checkers.segment import Detection
from checkers.tracking import Point, Track

FRAMES, AT = 40, 20


def scene(color, present=lambda t: True, patch=None) -> list[np.ndarray]:
    backdrop = texture(5)
    frames = []
    for t in range(FRAMES):
        view = cv2.warpPerspective(backdrop, camera(t), (W, H), flags=cv2.INTER_LINEAR)
        if patch is not None:  # a textured poster on the wall, red until AT, then blue
            x, y, s = patch
            tint = np.array([0.3, 0.35, 1.0] if t >= AT else [1.0, 0.35, 0.3], np.float32)
            gray = cv2.cvtColor(view[y : y + s, x : x + s], cv2.COLOR_RGB2GRAY)
            view[y : y + s, x : x + s] = (gray[..., None] * tint).astype(np.uint8)
        frames.append(ball(view, 160, 90, 16, color(t)) if present(t) else view)
    return frames


def identity(frames):
    return [e for e in model_events(frames, "identity_drift") if e[0] == "color_jump"]


def test_a_ball_at_rest_switching_color_is_a_color_jump_there():
    events = identity(scene(lambda t: BLUE if t >= AT else RED))
    assert events and abs(events[0][1] - AT) <= 2, events


def test_a_ball_pasted_in_or_darkening_is_no_color_jump():
    assert identity(scene(lambda t: RED, present=lambda t: t >= AT)) == []
    assert identity(scene(lambda t: 0.5 * RED if t >= AT else RED)) == []


def test_the_picture_must_be_the_same_one(monkeypatch):
    # With the structure bar above any correlation, the switch is no longer one.
    monkeypatch.setattr(recolor, "SAME_PICTURE", 1.01)
    assert identity(scene(lambda t: BLUE if t >= AT else RED)) == []


def test_the_switch_is_one_event_not_also_an_appear():
    # The part born on the recolored ball is that color change (explained.py), not an
    # object appearing from nowhere.
    report = check_frames(scene(lambda t: BLUE if t >= AT else RED), fps=FPS, perception="auto")
    kinds = [(e.check, e.kind) for e in report.events]
    assert ("identity_drift", "color_jump") in kinds, kinds
    assert not [k for c, k in kinds if "appear" in k], kinds


# ---- the two judgements on tracks built by hand -------------------------------------------
RED_AB, BLUE_AB = np.array([40.0, 30.0]), np.array([10.0, -40.0])


def _track(tid: int, frames: range, x0: float, how_first: str) -> Track:
    points = []
    for f in frames:
        x = x0 + 2.0 * (f - frames[0])
        det = Detection(x, 60.0, (int(x) - 10, 50, 20, 20), 400.0, np.zeros(3), 1.0,
                        np.zeros(64), np.zeros(3), False, "motion")  # fmt: skip
        points.append(Point(f, f / 16, x, 60.0, det, how_first if f == frames[0] else "motion",
                            False))  # fmt: skip
    return Track(tid, points)


@pytest.fixture
def trusted(monkeypatch):
    # The joins' own logic is under test here, not the tracks' confidence.
    monkeypatch.setattr(Track, "solid", property(lambda self: True))


@pytest.mark.parametrize(("after", "switched"), [(BLUE_AB, True), (0.5 * RED_AB, False)])
def test_a_track_ended_and_begun_on_its_path_is_judged_off_the_hue_line(trusted, after, switched):
    old = _track(1, range(0, 15), 20.0, "new")
    new = _track(2, range(15, 30), 50.0, "new")  # where old's path leads, the next frame

    def chroma(tid, frame):
        return RED_AB if tid == 1 else after

    reliable = dict.fromkeys(range(30), True)
    (found,) = motion_switches({1: old, 2: new}, 16.0, reliable, chroma)
    assert found[:3] == (old, new, 15)
    assert (found[3] > HUE_SHIFT) == switched, found
    far = _track(2, range(15, 30), 110.0, "new")  # three sizes off the path: another object
    assert motion_switches({1: old, 2: far}, 16.0, reliable, chroma) == []


def _birth(after, same_picture=0.95, area=400.0, y=50):
    det = Detection(60.0, y + 10.0, (50, y, 20, 20), area, np.zeros(3), 1.0, np.zeros(64),
                    np.zeros(3), False, "motion")  # fmt: skip
    return recolor.Birth(15, det, RED_AB, after, same_picture, (120, 160))


def test_a_birth_is_recolored_only_off_the_hue_line_on_the_same_picture_and_whole(trusted):
    tracks = {2: _track(2, range(15, 30), 60.0, "new")}
    # Off the hue line on the same picture, born whole: recolored. Darkened along the hue
    # line, on another picture, or born a third of its size (coming into view): not.
    cases = [(BLUE_AB, 0.95, 400.0, 1), (0.5 * RED_AB, 0.95, 400.0, 0), (BLUE_AB, 0.5, 400.0, 0),
             (BLUE_AB, 0.95, 130.0, 0)]  # fmt: skip
    for after, same, area, found in cases:

        def chroma(tid, frame, after=after):
            return after

        births = {2: _birth(after, same, area)}
        out = recolor.recolored(births, tracks, chroma, 16.0, HUE_SHIFT)
        assert len(out) == found, (after, same, area, out)


def test_a_poster_on_the_wall_recolored_is_a_color_jump_there():
    events = identity(scene(lambda t: RED, patch=(60, 40, 40)))
    assert events and abs(events[0][1] - AT) <= 2, events


def test_a_birth_larger_than_its_next_sighting_or_just_in_view_is_not_recolored(trusted):
    def chroma(tid, frame):
        return BLUE_AB

    tracks = {2: _track(2, range(15, 30), 60.0, "new")}
    # Born three times the part it is the next frame: a passing cut of something else.
    assert (
        recolor.recolored({2: _birth(BLUE_AB, area=1200.0)}, tracks, chroma, 16.0, HUE_SHIFT) == []
    )

    # Born 2 px under the top edge, falling 25 px a frame: the frame before it was out of view.
    def moving_down(speed):
        track = _track(2, range(15, 30), 60.0, "new")
        for p in track.points:
            p.det = dataclasses.replace(p.det, cx=60.0, cy=12.0 + speed * (p.frame - 15))
        return {2: track}

    births = {2: _birth(BLUE_AB, y=2)}
    assert recolor.recolored(births, moving_down(25.0), chroma, 16.0, HUE_SHIFT) == []
    # The same part at rest there was in view: recolored.
    assert len(recolor.recolored(births, moving_down(0.0), chroma, 16.0, HUE_SHIFT)) == 1
