"""A blob drawn out by something still a moving object leaves behind (checkers/
permanence_behind.py): one end of the blob stands still in the scene while the other goes on
with the object (the background model's ghost of where a slow object was, scenery it comes
out from behind). That is no split; a blob whose both ends carry the object's motion while
it stretches is one."""

from __future__ import annotations

from test_permanence_stretch import built

from checkers.permanence_stretch import stretched_split

RELIABLE = {i: True for i in range(40)}


def moving_then(trail: float, lead: float) -> list[tuple[float, float, float, float]]:
    """A 20 px object moving right at 2 px a frame for 16 frames; then its blob's left
    (trailing) end moves `trail` px a frame and its right (leading) end `lead`."""
    boxes = [(60 + 2 * i, 90, 20, 20) for i in range(16)]
    left, right = 80, 100  # the ends of its last box before the stretch
    for i in range(1, 14):
        lo, hi = left + trail * i, right + lead * i
        boxes.append(((lo + hi) / 2, 90, hi - lo, 20))
    return boxes


def test_a_blob_whose_trailing_end_stands_still_as_the_object_moves_on_is_no_split():
    # The trailing end stays where the object was (a ghost); on main this was a split.
    track = built(moving_then(trail=0.0, lead=2.0))
    assert stretched_split(track, RELIABLE, {0: track}) is None


def test_a_blob_whose_both_ends_carry_the_objects_motion_is_a_split():
    # The parent goes on at 2 px a frame, its copy at 4: the blob stretches, both ends move.
    track = built(moving_then(trail=2.0, lead=4.0))
    found = stretched_split(track, RELIABLE, {0: track})
    assert found is not None and abs(found[0].frame - 16) <= 2


def test_a_copy_drawing_out_of_a_resting_object_is_a_split():
    # A still object tells nothing by a still end: its copy drawing out of it is a split.
    boxes = [(70, 90, 20, 20)] * 16 + [
        ((60 + 80 + 2 * i) / 2, 90, 20 + 2 * i, 20) for i in range(1, 14)
    ]
    track = built(boxes)
    assert stretched_split(track, RELIABLE, {0: track}) is not None
