"""Identity drift on parts of the background model (checkers/identity_motion.py).

A shaded ball rolls across a panned, zooming textured backdrop with the model on. Its hue
drifting, or its size changing, is an identity event dated where the change began; the same
ball unchanged, or only darkening as shading does, is none.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from test_background_model import H, W, camera, model_events, texture

import checkers.identity_motion as im
from checkers.tracking.looks import hue_shift

FRAMES = 48
START, SPAN = 20, 10  # the change begins at frame 20 and takes 10 frames (0.6 s at 16 fps)
RED, BLUE = np.array([200.0, 50.0, 40.0]), np.array([40.0, 70.0, 210.0])


def ramp(t: int) -> float:
    return float(np.clip((t - START) / SPAN, 0.0, 1.0))


def ball(frame: np.ndarray, cx: float, cy: float, r: float, rgb) -> np.ndarray:
    """A ball lit from the top left in color `rgb`: shading scales its color."""
    ys, xs = np.mgrid[0:H, 0:W]
    inside = np.hypot(xs - cx, ys - cy) <= r
    light = np.clip(1.2 - np.hypot(xs - cx + 0.4 * r, ys - cy + 0.4 * r) / r, 0.35, 1.0)
    out = frame.astype(np.float32)
    out[inside] = (light[..., None] * np.asarray(rgb, np.float32))[inside]
    return np.clip(out, 0, 255).astype(np.uint8)


def scene(color=lambda t: RED, radius=lambda t: 14.0) -> list[np.ndarray]:
    backdrop = texture(5)
    frames = []
    for t in range(FRAMES):
        view = cv2.warpPerspective(backdrop, camera(t), (W, H), flags=cv2.INTER_LINEAR)
        frames.append(ball(view, 50 + 4.5 * t, 95 + 0.3 * t, radius(t), color(t)))
    return frames


def identity_events(frames):
    return model_events(frames, "identity_drift")


def test_a_hue_drift_is_an_identity_event_where_it_began():
    events = identity_events(scene(color=lambda t: (1 - ramp(t)) * RED + ramp(t) * BLUE))
    assert [kind for kind, _ in events] == ["color_drift"], events
    assert abs(events[0][1] - START) <= 2, events


def test_the_same_ball_unchanged_or_darkening_is_no_event():
    assert identity_events(scene()) == []
    # Into shadow: the color scales by half along its own hue line, as shading does.
    assert identity_events(scene(color=lambda t: (1 - 0.5 * ramp(t)) * RED)) == []


def test_a_size_change_is_an_identity_event_where_it_began():
    events = identity_events(scene(radius=lambda t: 14.0 + 8.0 * ramp(t)))
    assert [kind for kind, _ in events] == ["size_change"], events
    assert abs(events[0][1] - START) <= 2, events


def test_a_slow_shrink_is_dated_within_a_frame_of_its_start():
    # The radius falls steadily by half over 20 frames (1.25 s): its log area falls slowly
    # first, which a bend fitted on the log area dated two frames late; the length is a
    # straight ramp.
    span = 20
    events = identity_events(
        scene(radius=lambda t: 22.0 - 11.0 * min(1.0, max(0.0, (t - START) / span)))
    )
    assert [kind for kind, _ in events] == ["size_change"], events
    assert abs(events[0][1] - START) <= 1, events


@pytest.mark.parametrize(
    ("before", "after", "far"),
    [
        pytest.param((40, 30), (20, 15), False, id="darker, same hue"),
        pytest.param((40, 30), (-40, -30), True, id="hue turned half-way round"),
        pytest.param((40, 30), (-20, 50), True, id="hue turned a quarter"),
        pytest.param((1, 1), (50, 0), True, id="gray to a color"),
    ],
)
def test_hue_shift_ignores_shading_only(before, after, far):
    assert (hue_shift(np.array(before, float), np.array(after, float)) > im.HUE_SHIFT) == far


def test_a_hue_switched_in_one_frame_is_an_identity_event_there():
    # Red until frame START, blue from it on: identity_motion alone reads a hue step
    # quicker than MIN_CHANGE_SECONDS as a cut taken over, and the tracker may end the
    # track at the switch; look_switch.py's join or recolor.py sees it (session 21).
    events = identity_events(scene(color=lambda t: BLUE if t >= START else RED))
    assert events, "a one-frame hue switch on a background-model part made no event"
    assert abs(events[0][1] - START) <= 2, events


def test_a_ball_darkened_in_one_frame_is_no_event():
    # Into a hard shadow at once: the color halves along its own hue line.
    assert identity_events(scene(color=lambda t: 0.5 * RED if t >= START else RED)) == []


def leaving(radius) -> list[np.ndarray]:
    """The ball of `scene` at 6 px a frame, touching the frame's right border from frame 33
    (3 frames after its change ends) and gone from it at 41."""
    backdrop = texture(5)
    frames = []
    for t in range(FRAMES):
        view = cv2.warpPerspective(backdrop, camera(t), (W, H), flags=cv2.INTER_LINEAR)
        frames.append(ball(view, 99 + 6.0 * t, 95 + 0.3 * t, radius(t), RED))
    return frames


def test_a_size_change_held_until_the_object_leaves_the_frame_is_an_event():
    # Its new size is seen in open view for 3 frames (under HOLD_SECONDS, 4 at 16 fps), then
    # only at the border as it leaves: it held as long as it could be seen (spent wild 8761
    # 124, 9431 259, TUNE fresh4711 101).
    events = identity_events(leaving(lambda t: 14.0 + 8.0 * ramp(t)))
    assert [kind for kind, _ in events] == ["size_change"], events
    assert abs(events[0][1] - START) <= 2, events
    # The same ball leaving at its own size changes nothing.
    assert identity_events(leaving(lambda t: 14.0)) == []
