"""Regions recolored in one frame along the flow (checkers/perception/recolor_flow.py).

A textured patch sliding over a textured backdrop has its hue turned at one frame: a
recolor at that frame, over the patch, at any analysis size. The same patch unchanged,
darkened by half, under a whole-frame exposure step, or a cut to another picture: none; nor
the recolor itself where the region moves faster a frame than the blur bar.
The recolor to a color that a patch beside it already had is left alone (what the flow
lost brings along a color that was there), and so is a recolored strip a few pixels across.
The check feeds the stage every picture and reports its finds as color_jump events.
"""

from __future__ import annotations

import pickle

import cv2
import numpy as np
import pytest

from checkers.base import Event
from checkers.perception import recolor_flow
from checkers.perception.recolor_flow import Recolor, RecolorFlow
from checkers.runner import check_frames
from checkers.scene_events import SceneLog, flow_recolors

H, W, FRAMES, AT, SIDE = 180, 320, 24, 12, 50


def _patch(hue_turn: int) -> np.ndarray:
    rng = np.random.default_rng(3)
    detail = cv2.GaussianBlur(rng.integers(0, 255, (SIDE, SIDE)).astype(np.uint8), (0, 0), 2)
    detail = cv2.normalize(detail, None, 0, 255, cv2.NORM_MINMAX).astype(np.int32)
    hsv = np.dstack(
        [
            np.full((SIDE, SIDE), (10 + hue_turn) % 180),
            np.full((SIDE, SIDE), 90),
            40 + detail * 215 // 255,
        ]
    ).astype(np.uint8)
    return cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)


def clip(change: str | None, scale: int = 1) -> list[np.ndarray]:
    rng = np.random.default_rng(4)
    backdrop = rng.integers(60, 200, (H, W, 3)).astype(np.uint8)
    backdrop = cv2.GaussianBlur(backdrop, (0, 0), 3)
    other = cv2.GaussianBlur(rng.integers(0, 255, (H, W, 3)).astype(np.uint8), (0, 0), 5)
    disc = np.zeros((SIDE, SIDE), bool)
    cv2.circle(disc.view(np.uint8), (SIDE // 2, SIDE // 2), SIDE // 2 - 2, 1, -1)
    before, turned = _patch(0), _patch(50)  # 100 degrees round the hue circle
    frames = []
    for t in range(FRAMES):
        late = t >= AT
        frame = (other if change == "cut" and late else backdrop).copy()
        look = turned if change == "hue" and late else before
        if change == "dark" and late:
            look = (before * 0.5).astype(np.uint8)
        x, y = 40 + 2 * t, 60 + t  # a steady slide
        frame[y : y + SIDE, x : x + SIDE][disc] = look[disc]
        if change == "hue_beside":  # the new look, still, 10 px right of the patch's place
            frame[72 : 72 + SIDE, 124 : 124 + SIDE][disc] = turned[disc]
            if late:
                frame[y : y + SIDE, x : x + SIDE][disc] = turned[disc]
        if change == "exposure" and late:
            frame = (frame * 0.6).astype(np.uint8)
        if scale != 1:
            frame = cv2.resize(frame, (W * scale, H * scale), interpolation=cv2.INTER_LINEAR)
        frames.append(frame)
    return frames


def test_a_recolor_to_the_look_beside_it_is_left_alone(monkeypatch):
    assert found(clip("hue_beside")) == []
    # the control: the same clip is a recolor to the stage without the color-beside gate
    monkeypatch.setattr(recolor_flow, "NEAR_SHARE", 1.01)
    assert [r.frame for r in found(clip("hue_beside"))] == [AT]


def test_a_recolored_strip_a_few_pixels_across_is_left_alone(monkeypatch):
    """A strip 6 px across (0.033 short sides) recolored like the patch: an edge the flow
    lost, to the stage; the same strip is a recolor with the thickness bar off (the control),
    and the 50 px patch is one with the bar at 0.05 short sides."""
    strip = clip("hue")
    for t, frame in enumerate(clip("hue")):  # the patch cut down to a strip across its middle
        x, y = 40 + 2 * t, 60 + t
        keep = frame[y : y + SIDE, x + 22 : x + 28].copy()
        frame[y : y + SIDE, x : x + SIDE] = clip(None)[t][y : y + SIDE, x : x + SIDE]
        frame[y : y + SIDE, x + 22 : x + 28] = keep
        strip[t] = frame
    assert found(strip) == []
    monkeypatch.setattr(recolor_flow, "MIN_THICKNESS", 0.0)
    assert [r.frame for r in found(strip)] == [AT]


def found(frames) -> list[Recolor]:
    meter = RecolorFlow()
    for i, frame in enumerate(frames):
        meter.update(i, i / 16, frame)
    return meter.found()


def _overlaps(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


@pytest.mark.parametrize("scale", [1, 2])
def test_a_sliding_patch_recolored_in_one_frame_is_found_at_the_frame(scale):
    out = found(clip("hue", scale))
    assert [r.frame for r in out] == [AT]
    patch = tuple(v * scale for v in (40 + 2 * AT, 60 + AT, SIDE, SIDE))
    assert _overlaps(out[0].bbox, patch)
    assert out[0].pattern >= 0.95


@pytest.mark.parametrize("change", [None, "dark", "exposure", "cut"])
def test_no_recolor_where_only_brightness_or_the_picture_changed(change):
    assert found(clip(change)) == []


def test_a_region_moving_past_the_per_frame_bar_is_not_judged(monkeypatch):
    """The patch slides 2.2 px a frame (0.012 short sides): judged under a bar 1.5 times that, not
    under a bar of half its speed, at either analysis size (the bar is in short sides)."""
    monkeypatch.setattr(recolor_flow, "FAST_MOTION", 0.006)
    assert found(clip("hue")) == [] and found(clip("hue", 2)) == []
    monkeypatch.setattr(recolor_flow, "FAST_MOTION", 0.018)
    assert [r.frame for r in found(clip("hue"))] == [AT]


def test_the_identity_check_feeds_every_frame_and_reports_the_finds(monkeypatch):
    """The check hands the stage every picture and reports what it found (the finds are set
    by hand on a clip without a recolor: on this backdrop the object tracks would also find
    a real one, and the stage's event gives way to theirs)."""
    fed, update = [], RecolorFlow.update

    def feed(self, index, time, rgb):
        fed.append(index)
        update(self, index, time, rgb)

    placed = Recolor(15, 15 / 16, (250, 20, 30, 30), 30.0, 0.01, 0.99)
    monkeypatch.setattr(RecolorFlow, "update", feed)
    monkeypatch.setattr(RecolorFlow, "found", lambda self: [placed])
    report = check_frames(clip(None), fps=16, checks=("identity_drift",))
    assert fed == list(range(FRAMES))
    events = [e for e in report.events if e.frame == 15]
    assert len(events) == 1 and events[0].bbox == [250, 20, 30, 30]
    assert events[0].message.startswith("a region changed color in one frame")
    assert report.verdict == "fail"


def test_a_one_frame_flicker_is_no_recolor():
    """Turned at AT and back at AT + 1: the frame after steps again where the region did."""
    frames, back = clip("hue"), clip(None)
    frames[AT + 1 :] = back[AT + 1 :]
    assert found(frames) == []


def test_a_pickled_stage_keeps_its_finds_and_works_again():
    meter = RecolorFlow()
    frames = clip("hue")
    for i, frame in enumerate(frames):
        meter.update(i, i / 16, frame)
    again = pickle.loads(pickle.dumps(meter))
    assert [r.frame for r in again.found()] == [AT]
    for i, frame in enumerate(frames):  # its flow object is made afresh
        again.update(len(frames) + i, (len(frames) + i) / 16, frame)


def _recolor(frame: int, bbox=(10, 10, 20, 20)) -> Recolor:
    return Recolor(frame, frame / 16, bbox, 30.0, 0.01, 0.99)


def test_events_once_per_change_and_none_at_a_cut_or_beside_an_event():
    log = SceneLog(cuts=[(30, 30 / 16)])
    found = [_recolor(5), _recolor(7), _recolor(7, (200, 100, 20, 20)), _recolor(30), _recolor(60)]
    taken = [Event("identity_drift", "color_drift", 61, 61, 61 / 16, 1, 0.5, [15, 15, 5, 5], "")]
    events = flow_recolors("identity_drift", found, log, lambda b: list(b), 16.0, taken)
    assert [(e.frame, e.bbox[0]) for e in events] == [(5, 10), (7, 200)]
    assert all(e.kind == "color_jump" and e.object is None for e in events)
