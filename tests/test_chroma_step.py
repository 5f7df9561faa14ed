"""One-frame hue steps of weakly colored background-model parts (checkers/chroma_step.py).

The wild world shades and tints many objects so that their middles read dull (core chroma
10-25 Lab units): a switch of such an object keeps its track and turns its hue by 90 degrees
or more, yet lies under identity_motion's hue bar (40 units off the old hue line), which
also refuses a step that quick. A dull orange ball turning dull green in one frame must be
an event there; the same ball tinted slightly, or a part's color wandering over frames or
coming back to a color it showed before, must not.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from test_identity_motion import START, identity_events, scene

import checkers.chroma_step as cs

# Core chroma as the shaded ball reads: about (9, 21); then (-24, 21), 29 Lab units off the
# old hue line (identity_motion's bar is 40); or (-3, 23), 12 units off it.
DULL_ORANGE = np.array([210.0, 150.0, 95.0])
DULL_GREEN = np.array([125.0, 200.0, 115.0])
TINTED = np.array([180.0, 165.0, 95.0])


def test_a_dull_ball_switching_hue_in_one_frame_is_an_event_there():
    events = identity_events(scene(color=lambda t: DULL_GREEN if t >= START else DULL_ORANGE))
    assert [kind for kind, _ in events] == ["color_jump"], events
    assert abs(events[0][1] - START) <= 1, events


def test_a_dull_ball_tinted_slightly_in_one_frame_is_no_event(monkeypatch):
    frames = scene(color=lambda t: TINTED if t >= START else DULL_ORANGE)
    assert identity_events(frames) == []
    # ... held off by the floor alone: without it the tint is a step of its own.
    monkeypatch.setattr(cs, "FLOOR", 2.0)
    assert [kind for kind, _ in identity_events(frames)] == ["color_jump"]


def _points(n: int, area: float = 400.0):
    return [SimpleNamespace(frame=f, det=SimpleNamespace(area=area)) for f in range(n)]


def _step(values):
    values = np.asarray(values, dtype=float)
    shown = (np.arange(len(values)), values)
    return cs._step(_points(len(values)), values, 4, 1.0, shown)  # 16 fps: 4 sightings


A, B = [10.0, 19.0], [-23.0, 19.0]


def test_a_held_step_between_steady_colors_is_found_at_its_frame():
    found = _step([A] * 8 + [B] * 8)
    assert found is not None and found[0].frame == 8


def test_a_color_that_wanders_over_frames_is_no_step():
    # The middle of a cut sliding onto another surface: the color moves over four frames.
    ramp = [np.add(A, s * np.subtract(B, A)) for s in (0.2, 0.4, 0.6, 0.8)]
    assert _step([A] * 8 + ramp + [B] * 8) is None


def test_a_part_coming_back_to_a_color_it_showed_is_no_step():
    # Cut as one with a passing object for a while, then apart again: back to its own color.
    assert _step([B] * 3 + [A] * 7 + [B] * 8) is None
    assert _step([A] * 3 + [A] * 7 + [B] * 8) is not None


def test_a_white_balance_step_of_the_whole_frame_is_no_switch():
    # The light's tint steps in one frame, backdrop and ball alike (review, session 23): the
    # ball's chroma moves with the frame's, so its own step is none.
    frames = scene(color=lambda t: DULL_ORANGE)
    balance = np.array([0.8, 1.25, 1.0])
    tinted = [
        np.clip(f.astype(np.float32) * balance, 0, 255).astype(np.uint8) if t >= START else f
        for t, f in enumerate(frames)
    ]
    assert "color_jump" not in [kind for kind, _ in identity_events(tinted)]
