"""A size change of a plain-path object (checkers/plain_resize.py, checkers/identity.py).

A red ball crosses a plain backdrop. Grown for good, or shrunk for good, it is a size
change; grown for two frames only (two parts cut as one while they touch, a cut that dips
where it lands) or widened along one side (a neighbour taken into its cut), it is none.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

import checkers.plain_resize as pr
from checkers.runner import check_frames

W, H, FPS, AT = 320, 192, 16, 14
RED, ORANGE = (220, 30, 30), (240, 150, 20)


def clip(
    radius=lambda t: 12.0, glued=lambda t: False, n=32, x0=40.0, speed=5.0, color=lambda t: RED
) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    frames = []
    for t in range(n):
        img = np.full((H, W, 3), 240, np.uint8)
        x, r = x0 + speed * t, radius(t)
        cv2.circle(img, (round(x * 16), 60 * 16), round(r * 16), color(t), -1, cv2.LINE_AA, 4)
        if glued(t):  # a part of the same color stuck on its right side
            cv2.rectangle(img, (round(x + r) - 1, 52), (round(x + 2.2 * r), 68), (220, 30, 30), -1)
        img = np.clip(img + rng.normal(0, 2.0, img.shape), 0, 255).astype(np.uint8)
        frames.append(img)
    return frames


def size_events(frames):
    report = check_frames(frames, fps=FPS, checks=("identity_drift",))
    return [(e.kind, e.frame) for e in report.events if e.kind == "size_change"]


def ramp(t: int, span: int = 6) -> float:
    return float(np.clip((t - AT + 1) / span, 0.0, 1.0))


@pytest.mark.parametrize("factor", [pytest.param(1.8, id="grown"), pytest.param(0.55, id="shrunk")])
def test_a_held_resize_is_a_size_change_where_it_began(factor):
    events = size_events(clip(radius=lambda t: 12.0 * (1 + (factor - 1) * ramp(t))))
    assert len(events) == 1 and abs(events[0][1] - AT) <= 2, events


def test_a_size_that_comes_back_within_two_frames_is_no_size_change():
    # Larger on frames 14 and 15 only: on main, two of the next three sightings were over
    # the bar and that was enough.
    assert size_events(clip(radius=lambda t: 17.0 if t in (AT, AT + 1) else 12.0)) == []


def test_a_cut_widened_along_one_side_is_no_size_change():
    assert size_events(clip(glued=lambda t: t >= AT)) == []


@pytest.mark.parametrize(
    ("before", "after", "alike"),
    [
        pytest.param((20, 20), (36, 36), True, id="grown both ways"),
        pytest.param((20, 20), (40, 20), False, id="widened only"),
        pytest.param((33, 7), (10, 4), False, id="a strip cut short"),
        pytest.param((20, 20), (22, 19), True, id="box kept (a morph)"),
    ],
)
def test_scales_alike(before, after, alike):
    class P:
        def __init__(self, w, h):
            self.det = type("D", (), {"bbox": np.array([0, 0, w, h])})()

    assert pr.scales_alike([P(*before)] * 3, [P(*after)] * 3) == alike


def test_a_change_inside_the_tracks_own_jitter_is_not_above_it():
    jittery = [0.0, 0.3, -0.2, 0.25, -0.3, 0.2]
    assert not pr.above_jitter(jittery, 0.5, 1.0)
    assert pr.above_jitter([0.0, 0.02, -0.01, 0.01, 0.0, -0.02], 0.5, 1.0)


def test_a_change_last_seen_cleanly_while_the_track_goes_on_is_not_seen_to_hold():
    # Two squares touching: their cut is one part on two clean frames, then each is only
    # ever seen beside the other (not clean). At 12 fps the hold is 3 frames.
    pts = [type("P", (), {"frame": f})() for f in (28, 29, 30, 31)]
    changes = [0.0, 0.0, 0.7, 0.7]
    assert not pr.holds(pts, changes, 2, 0.2, 12.0, last=40)
    # The track ends there: judged on what is left, as before.
    assert pr.holds(pts, changes, 2, 0.2, 12.0, last=31)


def test_a_color_change_just_before_the_object_leaves_the_frame_is_still_seen():
    # Turns orange over frames 14-17 and reaches the right border at frame 18: its clean
    # sightings end before the hold, and the track goes on only at the border and as
    # predictions. Merged at first, that ending counted as "goes on, never again clean".
    def color(t):
        a = ramp(t, span=4)
        return tuple((1 - a) * r + a * o for r, o in zip(RED, ORANGE, strict=True))

    report = check_frames(clip(x0=200.0, speed=6.0, color=color, n=26), fps=FPS,
                          checks=("identity_drift",))  # fmt: skip
    events = [(e.kind, e.frame) for e in report.events]
    assert any(k.startswith("color") and abs(f - AT) <= 2 for k, f in events), events
