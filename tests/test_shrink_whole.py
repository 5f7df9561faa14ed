"""A background-model part that shrinks and is then lost: behind scenery, or resized?

missing.py marks the last run of sightings smaller than the object's usual area as partly
hidden (`merged`) when the track is lost after it: their look is a sliver's. An object that
shrank as a whole (its box scaled in width and height alike) was seen whole; marking its
shrink hid every resize followed by a loss from identity drift (spent wild seeds).
"""

from __future__ import annotations

import numpy as np
from test_track_confidence import UNITS, track

from checkers.tracking.missing import missing_point
from checkers.tracking.occlusion import shrank_whole
from checkers.video import Frame

W, H = 320, 180


def lost_after(sizes):
    """A track moving right at 3 px a frame with box `sizes`, lost the next frame: its point
    there and the track."""
    n = len(sizes)
    obj = track([(40 + 3 * i, 90.0) for i in range(n)], sizes)
    frame = Frame(n, n / UNITS.fps, np.zeros((H, W, 3), np.uint8))
    point, _ = missing_point(obj, frame, [], lambda x, y: (x, y), (W, H), UNITS, None)
    return point, obj


def test_an_object_shrunk_as_a_whole_keeps_its_sightings():
    # 20 px, then shrinking to 12 px in both sides over five frames: a resize.
    sizes = [(20, 20)] * 8 + [(s, s) for s in (18, 16, 14, 13, 12)]
    point, obj = lost_after(sizes)
    assert point.behind  # lost smaller than it was: the loss is still excused
    assert not any(p.merged for p in obj.points)


def test_an_object_cut_along_one_side_is_partly_hidden():
    # Sliding behind a table's edge: its height goes, its width stays.
    sizes = [(20, 20)] * 8 + [(20, h) for h in (17, 14, 11, 8, 6)]
    point, obj = lost_after(sizes)
    assert point.behind
    assert [p.merged for p in obj.points] == [False] * 8 + [True] * 5


def test_a_shrink_beside_another_part_is_partly_hidden():
    sizes = [(20, 20)] * 8 + [(s, s) for s in (18, 16, 14, 13, 12)]
    obj = track([(40 + 3 * i, 90.0) for i in range(len(sizes))], sizes)
    assert shrank_whole(obj.seen, 400.0)
    obj.points[-2].near = [3]  # another part touches it: it may be in front
    assert not shrank_whole(obj.seen, 400.0)


def test_a_still_part_shrinking_alike_is_being_learnt_into_the_backdrop():
    # A part that stands still while it shrinks on all sides is the model learning it
    # (gen-clips videorepa_supp_cogvideox_06): its last sightings stay marked.
    sizes = [(20, 20)] * 8 + [(s, s) for s in (18, 16, 14, 13, 12)]
    obj = track([(80.0, 90.0)] * len(sizes), sizes)
    frame = Frame(len(sizes), len(sizes) / UNITS.fps, np.zeros((H, W, 3), np.uint8))
    point, _ = missing_point(obj, frame, [], lambda x, y: (x, y), (W, H), UNITS, None)
    assert point.behind
    assert [p.merged for p in obj.points] == [False] * 8 + [True] * 5
