"""Object permanence on the background model's parts (any backdrop; checkers/permanence.py
with tracking/missing.py and tracking/confidence.py): a fast entry between two frames is not
an appearance, nor is a part first cut just short of the border moving in, nor one first cut
partly behind scenery; a vanish in open view is found at its frame, but not a moment's
dropout of the segmenter, nor one behind scenery that the object grows back out of; a part
that touches others most of the time is not trusted, and a part that shrank only against an
outlier is not hidden."""

from __future__ import annotations

import numpy as np
import pytest
from test_background_model import H, W, shaded_disc, texture
from test_track_confidence import UNITS, det, track

from checkers.runner import check_frames
from checkers.tracking.confidence import TRUSTED
from checkers.tracking.missing import missing_point
from checkers.video import Frame

R = 14.0


@pytest.fixture(autouse=True)
def background_model(monkeypatch):
    monkeypatch.setenv("VIDGEN_BGMODEL", "1")


def permanence_events(images, fps):
    report = check_frames(images, fps, name="synthetic", features="classical")
    assert report.verdict in ("pass", "fail"), report.error
    return [(e.kind, e.frame) for e in report.events if e.check == "object_permanence"]


def test_a_fall_into_view_between_two_frames_is_no_appearance():
    # 8 frames a second: out of view above the frame in one, wholly inside the next (never
    # touching the edge), then falling on.
    scene = texture(3)[:H, :W]
    images = [scene] * 6
    images += [shaded_disc(scene, 120, 40 + 28 * t, R) for t in range(5)]
    assert permanence_events(images, 8.0) == []


def test_an_object_appearing_in_open_view_is_still_an_appearance():
    scene = texture(3)[:H, :W]
    images = [scene] * 10 + [shaded_disc(scene, 60 + 6 * t, 90, R) for t in range(10)]
    assert ("appear", 10) in permanence_events(images, 16.0)


def test_an_object_vanishing_in_open_view_is_found_at_its_frame():
    scene = texture(3)[:H, :W]
    images = [shaded_disc(scene, 60 + 6 * t, 90, R) if t < 22 else scene for t in range(32)]
    assert ("vanish", 22) in permanence_events(images, 16.0)


def test_a_part_lost_for_a_moment_did_not_vanish():
    # 16 frames a second: the model loses the object for 3 frames (0.19 s) and finds it
    # again where it was going: the segmenter's dropout, not a vanish. Gone 8 frames (0.5
    # s) and back, it vanished.
    scene = texture(3)[:H, :W]
    for gap, events in ((3, []), (8, [("vanish", 22)])):
        images = [
            scene if 22 <= t < 22 + gap else shaded_disc(scene, 60 + 5 * t, 90, R)
            for t in range(40)
        ]
        assert permanence_events(images, 16.0) == events, gap


def test_a_part_first_cut_short_of_the_border_moving_in_entered():
    # A dim object on a busy backdrop is cut only once clear of the edge: its first part lies
    # 6 px short of the right border. Moving in, it entered; moving out, it came from nowhere.
    scene = texture(3)[:H, :W]
    start = W - 6 - R
    entering = [scene] * 10 + [shaded_disc(scene, start - 4 * t, 90, R) for t in range(10)]
    assert permanence_events(entering, 16.0) == []
    leaving = [scene] * 10 + [shaded_disc(scene, start + 2 * t, 90, R) for t in range(10)]
    assert ("appear", 10) in permanence_events(leaving, 16.0)


def behind_wall(image, wall):
    """The frame with a dark wall (scenery: backdrop to the model) over columns `wall`."""
    out = image.copy()
    out[:, wall[0] : wall[1]] = (30, 30, 35)
    return out


def test_an_object_growing_back_out_from_behind_scenery_did_not_vanish():
    # 8 frames a second: in from the left edge, whole beside a wall at one frame and wholly
    # behind it the next, then half out, then whole again.
    scene = texture(3)[:H, :W]
    at = [None] * 6 + [-R + 32 * t for t in range(11)]
    images = [shaded_disc(scene, x, 90, R) if x is not None else scene for x in at]
    assert permanence_events([behind_wall(i, (160, 240)) for i in images], 8.0) == []
    # The same path in open view, not drawn for those two frames: back whole, it vanished.
    images = [scene if t in (12, 13) else image for t, image in enumerate(images)]
    assert ("vanish", 12) in permanence_events(images, 8.0)


def test_an_object_first_seen_partly_behind_scenery_did_not_appear():
    # 16 frames a second, sliding right out from behind a wall (columns 160-240): first cut
    # with 10 px of its 28 still behind the wall, then whole. It came out of hiding. The
    # same path begun 2 px clear of the wall shows it whole at once: it appeared.
    scene = texture(3)[:H, :W]
    for start, events in ((244, []), (256, [("appear", 8)])):
        at = [None] * 8 + [start + 6 * t for t in range(10)]
        images = [shaded_disc(scene, x, 90, R) if x is not None else scene for x in at]
        assert permanence_events([behind_wall(i, (160, 240)) for i in images], 16.0) == events


def test_a_part_touching_others_most_of_the_time_is_not_trusted():
    n = 16
    alone = track([(40 + 3 * i, 60.0) for i in range(n)], [(20, 20)] * n)
    assert alone.confidence().value >= TRUSTED
    for p in alone.points[: n // 2 + 2]:
        p.near = [7]
    assert alone.confidence().apart == 0.0 and not alone.solid


def test_a_vanish_after_a_merged_sighting_is_not_read_as_hiding():
    # One early sighting merged with a shadow or ghost reads twice the object's area; the
    # object's last sighting is its usual size, so its absence is not a shrink behind scenery.
    n = 12
    obj = track([(40 + 3 * i, 90.0) for i in range(n)], [(20, 20)] * n)
    obj.points[1].det = det(43, 90, 40, 20)
    frame = Frame(n, n / UNITS.fps, np.zeros((H, W, 3), np.uint8))
    point, _ = missing_point(obj, frame, [], lambda x, y: (x, y), (W, H), UNITS, None)
    assert not point.behind
    # Shrunk to half its usual size in its last sighting: going behind something.
    obj.points[-1].det = det(40 + 3 * (n - 1), 90, 14, 14)
    point, _ = missing_point(obj, frame, [], lambda x, y: (x, y), (W, H), UNITS, None)
    assert point.behind
