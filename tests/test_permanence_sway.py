"""A new part the frame before already showed, a little off, came out of the backdrop
(checkers/perception/seen_before.py, marked emerged by the tracker): an object learnt into
the background model while it stood still, that starts to sway in place, is cut as a new
part where it always stood and did not appear from nowhere. An object that pops into open
view is still an appearance."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest
from test_background_model import H, W, shaded_disc, texture

from checkers.perception.seen_before import before_fit, seen_before
from checkers.runner import check_frames
from checkers.units import Units

FPS = 10.0
STILL = 20  # frames the object rests before it sways (2 s: learnt into the model)


@pytest.fixture(autouse=True)
def background_model(monkeypatch):
    monkeypatch.setenv("VIDGEN_BGMODEL", "1")


def permanence_events(images, fps=FPS):
    report = check_frames(images, fps, name="synthetic", features="classical")
    assert report.verdict in ("pass", "fail"), report.error
    return [(e.kind, e.frame) for e in report.events if e.check == "object_permanence"]


def swaying(t: int) -> float:
    """The object's x at frame t: at rest, then swaying 3 px either way once a second."""
    return 160 + (3 * math.sin(2 * math.pi * (t - STILL) / FPS) if t >= STILL else 0.0)


def test_an_object_that_starts_to_sway_in_place_did_not_appear():
    scene = texture(3)[:H, :W]
    images = [shaded_disc(scene, swaying(t), 90, 14.0) for t in range(40)]
    assert permanence_events(images) == []


def test_an_object_popping_in_beside_a_swaying_one_appeared():
    scene = texture(3)[:H, :W]
    images = [shaded_disc(scene, swaying(t), 90, 14.0) for t in range(40)]
    images[28:] = [shaded_disc(im, 60, 60, 14.0) for im in images[28:]]
    assert ("appear", 28) in permanence_events(images)


def test_the_frame_before_shows_a_part_that_moved_a_little_not_one_that_popped_in():
    scene = texture(3)[:H, :W]
    units = Units.of(H, FPS)
    before = shaded_disc(scene, 160, 90, 14.0)
    moved = shaded_disc(scene, 163, 91, 14.0)
    box = (146, 74, 32, 32)  # the disc where it is now
    assert seen_before(moved, before, box, units, np.eye(3))
    # The same disc where the frame before showed only the backdrop.
    assert not seen_before(moved, scene.copy(), box, units, np.eye(3))
    # The camera panned 20 px (more than an object's own small motion): the part is sought
    # where the camera's motion says it stood.
    pan = np.array([[1.0, 0, 20], [0, 1, 0], [0, 0, 1]])
    panned = cv2.warpAffine(before, pan[:2], (W, H), borderMode=cv2.BORDER_REFLECT)
    assert seen_before(panned, before, (166, 76, 28, 28), units, pan)
    assert not seen_before(panned, before, (166, 76, 28, 28), units, np.eye(3))


def test_a_part_popped_in_beside_another_shade_is_not_shown_by_the_frame_before():
    # At 8 fps the reach spans more than the part's own size. The frame before shows a
    # mid-gray disc 10 px off where a dark disc is now: shifted, it leaves 0.4 of the
    # unshifted difference, but 19 gray levels RMS, far above a part that moved a
    # little (a disc moved 3 px over texture leaves under 10).
    units = Units.of(H, 8.0)
    gray = np.full((H, W, 3), 128, np.uint8)
    before = cv2.circle(gray.copy(), (170, 90), 12, (68, 68, 68), -1)
    now = cv2.circle(gray.copy(), (160, 90), 12, (40, 40, 40), -1)
    box = (146, 76, 29, 29)
    seen, best, here = before_fit(now, before, box, units, np.eye(3))
    assert best < 0.5 * here  # the share alone would call it seen
    assert not seen
    # The same disc moved 3 px is shown by the frame before.
    assert seen_before(now, cv2.circle(gray.copy(), (157, 90), 12, (40, 40, 40), -1), box, units)
