"""Physics on background-model tracks (issue 16, session 16): meetings of alike objects, a
resting object that teleports.

Clips are drawn on a panned, zooming textured backdrop (test_background_model's) with the
model on, and checked end to end: what the fix is for gives an event at the right frame,
and the same clip without the violation gives none.
"""

from __future__ import annotations

import cv2
import numpy as np
from test_background_model import FPS, H, W, camera, model_events, texture
from test_identity_motion import ball

from checkers.runner import check_frames

FRAMES = 40
RADIUS = 12.0
# Two oranges 12 Lab units apart: too alike for the crossing rule to tell who came out on
# which side, as the wild world's dark objects on a dark photo often are (dev1515 clip 91).
ORANGE, AMBER = (200.0, 90.0, 40.0), (205.0, 110.0, 35.0)
SPEED = 5.0  # px per frame each, towards each other
MEET = 18  # the frame the two balls first touch


def meeting(through: bool) -> list[np.ndarray]:
    """Two alike balls slide towards each other; they pass through, or bounce apart."""
    backdrop = texture(7)
    frames = []
    for t in range(FRAMES):
        step = t if through or t < MEET else 2 * MEET - t
        a = 60 + SPEED * step
        b = 60 + 2 * RADIUS + 2 * SPEED * MEET - SPEED * step
        view = cv2.warpPerspective(backdrop, camera(t), (W, H), flags=cv2.INTER_LINEAR)
        frames.append(ball(ball(view, a, 95, RADIUS, ORANGE), b, 95, RADIUS, AMBER))
    return frames


def physics_events(frames):
    return model_events(frames, "physics_sanity")


def test_alike_objects_passing_through_each_other_are_reported():
    events = physics_events(meeting(through=True))
    assert [kind for kind, _ in events] == ["through_object"], events
    assert abs(events[0][1] - MEET) <= 2, events


def test_alike_objects_bouncing_apart_are_not():
    assert physics_events(meeting(through=False)) == []


# A resting object that teleports ---------------------------------------------------------

JUMP = 20  # the frame the resting ball is first seen at its new place


def resting(jump: bool) -> list[np.ndarray]:
    """A ball creeping (0.3 px a frame, at rest to the eye) that jumps 120 px at JUMP."""
    backdrop = texture(9)
    frames = []
    for t in range(FRAMES):
        x = 70 + 0.3 * t + (120 if jump and t >= JUMP else 0)
        view = cv2.warpPerspective(backdrop, camera(t), (W, H), flags=cv2.INTER_LINEAR)
        frames.append(ball(view, x, 120, RADIUS, ORANGE))
    return frames


def test_a_resting_object_that_jumps_away_is_a_teleport():
    events = physics_events(resting(jump=True))
    assert [kind for kind, _ in events] == ["teleport"], events
    assert abs(events[0][1] - JUMP) <= 2, events


def test_a_resting_object_that_stays_is_no_event():
    assert physics_events(resting(jump=False)) == []


def test_the_part_where_it_landed_is_the_teleport_not_an_appear():
    # The tracker starts a new part where the ball landed: object_permanence alone would
    # call it an object appearing from nowhere (checkers/explained.py).
    events = check_frames(resting(jump=True), fps=FPS, perception="auto").events
    assert [(e.check, e.kind) for e in events] == [("physics_sanity", "teleport")], events
