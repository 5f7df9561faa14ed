"""Content that jumped in one frame (checkers/perception/jump_flow.py).

A textured patch creeping over a textured backdrop jumps three of its sizes at one frame: a
jump at that frame, at its new place, at any analysis size. The same patch creeping on, a
patch that keeps moving fast (shaken to and fro: each frame steps again), a jump while a large part of the
picture changes, a jump onto a place that already showed the patch's picture, and a jump that
goes on the way its place moved the frame before (content in flight): none. The physics
check feeds the stage every picture and reports its finds as teleport events.
"""

from __future__ import annotations

import pickle

import cv2
import numpy as np
import pytest

from checkers.base import Event
from checkers.perception import jump_flow
from checkers.perception.jump_flow import Jump, JumpFlow
from checkers.runner import check_frames
from checkers.scene_events import flow_jumps

H, W, FRAMES, AT, SIDE, LEAP = 180, 320, 24, 12, 30, 100


def _texture(seed: int, shape, blur: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    noise = rng.integers(0, 255, shape).astype(np.uint8)
    return cv2.GaussianBlur(noise, (0, 0), blur)


def place(t: int, change: str | None) -> tuple[int, int]:
    """The patch's top-left corner at frame t: a creep of 1 px a frame, the leap at AT."""
    x, y = 40 + t, 60
    if change == "jump" and t >= AT:
        x += LEAP
    if change == "fast" and t >= AT:  # half a leap to and fro every frame from AT on
        x += LEAP // 2 * ((t - AT + 1) % 2)
    return x, y


def clip(change: str | None, scale: int = 1) -> list[np.ndarray]:
    backdrop = cv2.normalize(_texture(4, (H, W, 3), 3), None, 60, 200, cv2.NORM_MINMAX)
    patch = cv2.normalize(_texture(5, (SIDE, SIDE, 3), 1.5), None, 0, 255, cv2.NORM_MINMAX)
    frames = []
    for t in range(FRAMES):
        frame = backdrop.copy()
        if change == "busy" and t >= AT:  # a third of the picture becomes something else
            frame[: H // 2, W * 2 // 3 :] = _texture(6, (H // 2, W - W * 2 // 3, 3), 2)
        if change == "was_there":  # the patch's picture already shown where it lands
            frame[60 : 60 + SIDE, 40 + AT + LEAP : 40 + AT + LEAP + SIDE] = patch
        x, y = place(t, "jump" if change in ("was_there", "busy") else change)
        frame[y : y + SIDE, x : x + SIDE] = patch
        if scale != 1:
            frame = cv2.resize(frame, (W * scale, H * scale), interpolation=cv2.INTER_LINEAR)
        frames.append(frame)
    return frames


def found(frames) -> list[Jump]:
    stage = JumpFlow()
    for i, frame in enumerate(frames):
        stage.update(i, i / 16, frame)
    return stage.found()


def _overlaps(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


@pytest.mark.parametrize("scale", [1, 2])
def test_a_patch_that_jumps_three_sizes_is_found_at_the_frame_and_its_new_place(scale):
    out = found(clip("jump", scale))
    assert [j.frame for j in out] == [AT]
    x, y = place(AT, "jump")
    assert _overlaps(out[0].bbox, tuple(v * scale for v in (x, y, SIDE, SIDE)))
    assert out[0].match >= 0.8 and out[0].sizes >= 2.5


@pytest.mark.parametrize("change", [None, "fast", "busy", "was_there"])
def test_no_jump_where_the_patch_creeps_keeps_moving_or_the_frame_changed(change):
    assert found(clip(change)) == []


def test_the_busy_frame_bar_is_what_holds_off_a_jump_in_a_changing_picture(monkeypatch):
    monkeypatch.setattr(jump_flow, "BUSY_FRAME", 1.01)
    assert [j.frame for j in found(clip("busy"))] == [AT]
    monkeypatch.setattr(jump_flow, "BUSY_FRAME", 0.0)
    assert found(clip("jump")) == []


def test_a_pickled_stage_keeps_its_finds_and_works_again():
    stage = JumpFlow()
    frames = clip("jump")
    for i, frame in enumerate(frames):
        stage.update(i, i / 16, frame)
    again = pickle.loads(pickle.dumps(stage))
    assert [j.frame for j in again.found()] == [AT]
    for i, frame in enumerate(frames):  # its flow object is made afresh
        again.update(len(frames) + i, (len(frames) + i) / 16, frame)


def test_the_physics_check_feeds_every_frame_and_reports_the_finds(monkeypatch):
    fed, update = [], JumpFlow.update

    def feed(self, index, time, rgb):
        fed.append(index)
        update(self, index, time, rgb)

    placed = Jump(15, 15 / 16, (250, 20, 30, 30), (100, 20, 30, 30), 0.9, 5.0)
    monkeypatch.setattr(JumpFlow, "update", feed)
    monkeypatch.setattr(JumpFlow, "found", lambda self: [placed])
    report = check_frames(clip(None), fps=16, checks=("physics_sanity",))
    assert fed == list(range(FRAMES))
    events = [e for e in report.events if e.frame == 15]
    assert len(events) == 1 and events[0].bbox == [250, 20, 30, 30]
    assert events[0].kind == "teleport" and events[0].object is None
    assert events[0].message.startswith("something jumped 5.0 of its sizes in one frame")
    assert report.verdict == "fail"


def _jump(frame: int, bbox=(10, 10, 20, 20)) -> Jump:
    return Jump(frame, frame / 16, bbox, (100, 100, 20, 20), 0.9, 3.0)


def test_events_once_per_jump_and_none_at_a_cut_or_beside_an_event():
    found = [_jump(5), _jump(7), _jump(7, (200, 100, 20, 20)), _jump(30), _jump(60)]
    taken = [Event("physics_sanity", "teleport", 61, 61, 61 / 16, 1, 0.5, [15, 15, 5, 5], "")]
    events = flow_jumps("physics_sanity", found, {30}, lambda b: list(b), 16.0, taken)
    assert [(e.frame, e.bbox[0]) for e in events] == [(5, 10), (7, 200)]
    assert all(e.kind == "teleport" and e.severity == 1.0 for e in events)


def test_the_share_of_a_jump_its_motion_before_leaves_unexplained():
    back = np.zeros((60, 80, 2), np.float32)
    back[10:30, 20:40] = (-10.0, 0.0)  # the place moved 10 px to the right the frame before
    box = (20, 10, 20, 20)
    share = jump_flow._unexplained_share
    assert share(back, box, (10, 0)) == pytest.approx(0.0)  # it went on as it moved
    assert share(back, box, (20, 0)) == pytest.approx(0.5)  # twice as far, the same way
    assert share(back, box, (0, 30)) == pytest.approx(np.hypot(10, 30) / 30)  # across it
    assert share(back, (50, 35, 20, 20), (40, 0)) == pytest.approx(1.0)  # a still place
    assert share(None, box, (20, 0)) == 1.0  # no frame before: nothing explains it


def test_a_jump_its_own_motion_explains_is_no_teleport(monkeypatch):
    """Content in flight that outran the flow for a frame (a thrown object at 8 pictures a
    second) goes on the way it moved: the bar on the unexplained share holds it off."""
    seen = []

    def explained(back, box, jump, share=0.3):
        seen.append(jump)
        return share

    monkeypatch.setattr(jump_flow, "_unexplained_share", explained)
    assert found(clip("jump")) == []
    assert seen, "the share is asked of the jump's candidate"
    assert seen[0][0] == pytest.approx(LEAP + 1, abs=3) and abs(seen[0][1]) <= 2
    monkeypatch.setattr(jump_flow, "_unexplained_share", lambda *a: 0.6)
    out = found(clip("jump"))
    assert [j.frame for j in out] == [AT] and out[0].unexplained == 0.6


def test_a_creeping_patchs_jump_is_left_unexplained_by_its_creep():
    out = found(clip("jump"))
    assert out[0].unexplained > 0.9
