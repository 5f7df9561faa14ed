"""A resting object that teleports while the background model holds it as backdrop
(physics/rest_jumps.py, session 30): it has no track to lose, so the jump shows only as two
still parts born in one frame, the backdrop uncovered where it stood and the object where it
landed (spent wild seed 3779 clips 0 and 186, TUNE dev1515 clip 110).

Tracks built in code, as in test_physics_wild.py, with the tracker's marks (a track begun
"new", a part out of the model's picture) set by hand. Each case that finds a teleport fails
before session 30.
"""

from __future__ import annotations

import numpy as np
from test_physics_relocation_ends import run
from test_physics_wild import RED, SIDE, det

JUMP = 13  # the frame the object leaves its place
BACKDROP = np.array([60.0, 0.0, 5.0])  # the gray the object stood on


def jumped_from_rest(
    landed_at: float, old_place: bool = True, start: int = JUMP, old_lab=BACKDROP, side=SIDE
) -> list[dict]:
    """Nothing moves until `start`; then a still part is born at x 60 (with `old_place`: the
    uncovered backdrop, seen one frame) and another at `landed_at`, which stays."""
    frames = []
    for i in range(30):
        parts = {}
        if old_place and i == start:
            parts[1] = det(60.0, 90.0, w=side, h=side, lab=old_lab)
        if i >= start:
            parts[2] = det(landed_at, 90.0, w=side, h=side)
        frames.append(parts)
    return frames


def test_a_resting_object_that_jumps_far_is_a_teleport():
    assert run(jumped_from_rest(landed_at=160.0)) == [("teleport", JUMP)]


def test_one_still_part_born_alone_is_no_teleport():
    # An object appearing from nowhere: object permanence's, not a teleport.
    assert run(jumped_from_rest(landed_at=160.0, old_place=False)) == []


def test_two_parts_born_near_each_other_are_no_teleport():
    # Within the teleport bar (1.2 object sizes): one object re-cut in two.
    assert run(jumped_from_rest(landed_at=60.0 + SIDE)) == []


def test_a_landing_out_of_the_models_picture_is_no_teleport():
    # Both parts out of the model's own picture: the model relearning its backdrop.
    frames = jumped_from_rest(landed_at=160.0)
    assert run(frames, emerged={(1, JUMP), (2, JUMP)}) == []


def test_parts_born_with_the_clip_are_no_teleport():
    # The first frame has nothing before it: what is there was there.
    assert run(jumped_from_rest(landed_at=160.0, start=0)) == []


def test_two_parts_of_one_color_are_no_teleport():
    # The old place shows backdrop, not the object: two like parts born together are two
    # lights switched on, or like patches the model relearns together (review, session 30).
    assert run(jumped_from_rest(landed_at=160.0, old_lab=RED)) == []


def test_parts_larger_than_an_object_are_no_teleport():
    # Over judged.LARGEST (0.45 short sides): patches of a photo the model misregistered.
    assert run(jumped_from_rest(landed_at=200.0, side=90.0)) == []


def test_a_clip_physics_does_not_judge_gets_no_rest_teleport():
    # Most frames unreliable: clip_judged refuses the clip, as for every other judgement.
    reliable = lambda i: 8 <= i < 20  # noqa: E731 - the helper takes a callable
    assert run(jumped_from_rest(landed_at=160.0), reliable=reliable) == []


def test_an_old_place_the_frame_before_showed_is_no_teleport():
    # Fails before session 31 (spent wild 8761 clip 269): an object arriving in open view
    # while the model relearns a patch elsewhere that the frame before showed as it is.
    frames = jumped_from_rest(landed_at=160.0)
    assert run(frames, emerged={(1, JUMP): ("seen_before",)}) == []
    # A ghost, the model's picture of an object gone, is the old place all the same.
    ghost = {(1, JUMP): ("seen_before", "ghost")}
    assert run(frames, emerged=ghost) == [("teleport", JUMP)]
