"""A hue turned on a low-chroma look (checkers/hue_turn.py).

A textured poster on a panned wall, tinted a dull red (chroma about 25), recolored at one
frame: turned 100 degrees to a dull green it is a color event there (read against the
picture half a second before: recolor.py's drift), though it lies only about 30 Lab units off
its old hue line (under identity's 40); warmed 30 degrees toward orange, or turned on a
nearly gray poster, hue_turn finds none (the flow's recolor stage, a separate judgement, does
report those two: BENCHMARKS.md, "Regions recolored in one frame along the flow").
"""

from __future__ import annotations

import cv2
import numpy as np
from test_background_model import H, W, camera, model_events, texture

from checkers.base import SENSITIVITY_K
from checkers.hue_turn import TURN_CHROMA, TURN_FLOOR, hue_bar
from checkers.perception.recolor_flow import RecolorFlow

FRAMES, AT = 40, 20
DULL_RED = (1.0, 0.62, 0.55)
DULL_GREEN = (0.6, 0.95, 0.62)  # about 100 degrees round from DULL_RED
DULL_ORANGE = (1.0, 0.75, 0.5)  # about 30 degrees round
GRAYISH = (1.0, 0.9, 0.88)  # chroma under TURN_CHROMA
GRAYISH_GREEN = (0.88, 1.0, 0.9)


def poster(before, after, patch=(60, 40, 40)) -> list[np.ndarray]:
    backdrop = texture(5)
    x, y, s = patch
    frames = []
    for t in range(FRAMES):
        view = cv2.warpPerspective(backdrop, camera(t), (W, H), flags=cv2.INTER_LINEAR)
        tint = np.array(after if t >= AT else before, np.float32)
        gray = cv2.cvtColor(view[y : y + s, x : x + s], cv2.COLOR_RGB2GRAY)
        view[y : y + s, x : x + s] = np.clip(gray[..., None] * tint, 0, 255).astype(np.uint8)
        frames.append(view)
    return frames


def jumps(frames):
    return [e for e in model_events(frames, "identity_drift") if e[0].startswith("color")]


def test_a_dull_poster_turned_round_is_a_color_change_there():
    events = jumps(poster(DULL_RED, DULL_GREEN))
    assert events and abs(events[0][1] - AT) <= 2, events


def test_a_dull_poster_warmed_a_little_or_a_grayish_one_turned_is_none(monkeypatch):
    # hue_turn.py's own judgement. The flow's recolor stage (perception/recolor_flow.py) does
    # report both: a 14-15 Lab unit one-frame step over the whole poster, its brightness kept.
    monkeypatch.setattr(RecolorFlow, "found", lambda self: [])
    assert jumps(poster(DULL_RED, DULL_ORANGE)) == []
    assert jumps(poster(GRAYISH, GRAYISH_GREEN)) == []


def test_the_bar_is_lowered_only_for_a_turn_between_two_hues():
    bar = 40.0
    red = np.array([25.0, 0.0])
    turned = 25.0 * np.array([np.cos(np.radians(60)), np.sin(np.radians(60))])
    assert hue_bar(red, turned, bar) < 25.0 * np.sin(np.radians(60))  # a 60 degree turn passes
    assert hue_bar(red, 25.0 * np.array([np.cos(0.6), np.sin(0.6)]), bar) > 25.0 * np.sin(0.6)
    dull = np.array([TURN_CHROMA - 1.0, 0.0])
    assert hue_bar(dull, turned, bar) == bar  # no hue to turn: the fixed bar
    assert hue_bar(np.array([80.0, 0.0]), np.array([0.0, 80.0]), bar) == bar  # saturated: as before


def test_no_sensitivity_lowers_the_turn_under_the_known_clean_turns():
    # An unedited real clip's recolor candidate turned 38 degrees (s111 er_0032); at
    # `--sensitivity high` the 50 degrees scaled to 37.5 let it through (review, session 27).
    bar = 40.0
    red = np.array([30.0, 0.0])
    clean = 30.0 * np.array([np.cos(np.radians(38)), np.sin(np.radians(38))])
    shift = 30.0 * np.sin(np.radians(38))  # its distance off the old hue line
    for k in SENSITIVITY_K.values():
        assert hue_bar(red, clean, bar, k) > shift, k
    assert hue_bar(red, clean, bar, SENSITIVITY_K["high"]) == 30.0 * np.sin(np.radians(TURN_FLOOR))
    # The sensitivity still raises the bar above 50 degrees.
    assert hue_bar(red, clean, bar, SENSITIVITY_K["low"]) > hue_bar(red, clean, bar)
