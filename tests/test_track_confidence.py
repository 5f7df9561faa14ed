"""Track confidence (checkers/tracking/confidence.py) and the motion path's tracker rules.

Tracks of the background model are judged by how they behave, not by their color: a rigid
object moving smoothly is trusted; a sliver, a flicker or a jittering fragment is not. On
textured scenes the tracker follows the fitted camera (pan and zoom) and reads an object
sliding behind scenery, or coming out from behind it, as occlusion, not as a vanish or an
appearance (the background model holds scenery as backdrop, so nothing stands beside it).
"""

from __future__ import annotations

import numpy as np
from test_background_model import FPS, H, W, camera, shaded_disc, texture

from checkers.segment import Detection
from checkers.tracking import Point, Track, Tracker
from checkers.tracking.confidence import TRUSTED
from checkers.units import Units
from checkers.video import Frame

UNITS = Units(180.0, 16.0)


def det(cx: float, cy: float, w: float, h: float) -> Detection:
    return Detection(
        cx, cy, (int(cx - w / 2), int(cy - h / 2), int(w), int(h)), w * h,
        np.zeros(3), 5.0, np.zeros(64), np.zeros(3), False, source="motion",
    )  # fmt: skip


def track(path, sizes) -> Track:
    t = Track(0, units=UNITS)
    for i, ((x, y), (w, h)) in enumerate(zip(path, sizes, strict=True)):
        t.points.append(Point(i, i / UNITS.fps, x, y, det(x, y, w, h), "motion", False))
    return t


def test_a_rigid_object_moving_smoothly_is_trusted():
    n = 16
    t = track([(40 + 3 * i, 60 + 0.1 * i * i) for i in range(n)], [(20, 20)] * n)
    assert t.confidence().value >= TRUSTED and t.solid


def test_slivers_flickers_fragments_and_jitter_are_not_trusted():
    n = 16
    steady = [(40 + 3 * i, 60.0) for i in range(n)]
    sliver = track(steady, [(40, 3)] * n)  # 1.7% of the short side thick: a floor band
    brief = track(steady[:3], [(20, 20)] * 3)  # 0.19 s
    flicker = track(steady, [(20, 20) if i % 2 else (20, 11) for i in range(n)])
    rng = np.random.default_rng(0)
    jitter = track(
        [(x + rng.normal(0, 3), y + rng.normal(0, 3)) for x, y in steady], [(20, 20)] * n
    )
    for name, t in (("sliver", sliver), ("brief", brief), ("flicker", flicker), ("jitter", jitter)):
        assert t.confidence().value < TRUSTED and not t.solid, name


def post(frame: np.ndarray, x0: int = 150, x1: int = 185) -> np.ndarray:
    """A static striped post in front of everything (scenery the model holds as backdrop)."""
    out = frame.copy()
    out[:, x0:x1] = 60
    out[::6, x0:x1] = 200
    return out


def run_tracker(images) -> Tracker:
    tracker = Tracker(W, H, FPS, background=True)
    for i, image in enumerate(images):
        tracker.update(Frame(i, i / FPS, image))
    assert tracker._mode == "motion"
    return tracker


def test_an_object_behind_scenery_is_hidden_then_emerges():
    scene = texture(3)[:H, :W]
    images = [post(shaded_disc(scene, 60 + 6 * t, 90, 14.0)) for t in range(40)]
    tracker = run_tracker(images)
    tracks = [t for t in tracker.tracks.values() if len(t.seen) >= 3]
    first = min(tracks, key=lambda t: t.points[0].frame)
    gone = [p for p in first.points if p.det is None]
    assert gone and gone[0].behind, "slid behind the post: hidden, not vanished"
    later = [t for t in tracks if t.points[0].frame > first.seen[-1].frame]
    assert later and later[0].points[0].emerged, "came out from behind the post"


def test_the_scene_frame_follows_the_fitted_camera_through_a_zoom():
    from test_background_model import clip

    at_scene = lambda t: (170 + 4 * t, 235.0)  # noqa: E731  # moves right, below the centre

    def at_image(t):
        x, y, w = camera(t) @ (*at_scene(t), 1.0)
        return x / w, y / w

    tracker = run_tracker(clip(28, at_image))
    obj = max(tracker.tracks.values(), key=lambda t: len(t.seen))
    errors = []
    # From frame 10 on: before, the disc overlaps its own first-frame place (held as backdrop).
    for p in [p for p in obj.seen if p.frame >= 10]:
        # Where the object is in the first frame's pixels: the scene frame's coordinates.
        x, y, w = camera(0) @ (*at_scene(p.frame), 1.0)
        errors.append(np.hypot(p.x - x / w, p.y - y / w))
    # The median image shift (the plain path's) is 5-8 px off here as the zoom grows.
    assert len(errors) >= 15 and max(errors) < 1.0, errors


def test_a_part_still_since_the_start_is_an_artifact_but_a_later_one_is_not():
    n = 24
    still = [(80.0, 60.0)] * n
    from_start = track(still, [(20, 20)] * n)
    assert from_start.confidence().moved == 0.0 and not from_start.solid
    later = Track(1, units=UNITS)  # an object that appears at 2 s and rests
    for i in range(n):
        f = 32 + i
        later.points.append(
            Point(f, f / UNITS.fps, 80.0, 60.0, det(80, 60, 20, 20), "motion", False)
        )
    assert later.solid


def test_identity_judges_the_look_of_plain_parts_only():
    n = 8
    moving = track([(40 + 3 * i, 60.0) for i in range(n)], [(20, 20)] * n)
    assert moving.solid and not moving.look_judged
    for p in moving.points:
        p.det.source, p.det.lab_spread = "plain", 0.5
    assert moving.look_judged


def test_an_object_that_vanishes_in_open_view_is_not_hidden():
    scene = texture(3)[:H, :W]
    images = [shaded_disc(scene, 60 + 6 * t, 90, 14.0) if t < 22 else scene for t in range(30)]
    tracker = run_tracker(images)
    obj = max(tracker.tracks.values(), key=lambda t: len(t.seen))
    gone = [p for p in obj.points if p.det is None]
    assert obj.seen[-1].frame == 21 and gone and not gone[0].behind


def test_a_part_born_while_the_model_is_young_emerged():
    """An object that stood in the first frame is backdrop to the model until it moves off
    its place: the part then found is not an appearance. Later ones are judged."""
    scene = texture(3)[:H, :W]
    images = [scene] * 4 + [shaded_disc(scene, 60 + 6 * t, 90, 14.0) for t in range(4, 12)]
    early = run_tracker(images)
    assert all(t.points[0].emerged for t in early.tracks.values())
    images = [scene] * 12 + [shaded_disc(scene, 60 + 6 * t, 90, 14.0) for t in range(12, 20)]
    late = run_tracker(images)
    assert late.tracks and not any(t.points[0].emerged for t in late.tracks.values())


def test_a_ghost_first_seen_as_a_crescent_is_not_trusted():
    # The old place of an object there since the first frame, found as the object leaves
    # it: a crescent off its centre for the first frames, then still while the model
    # slowly takes it back into the backdrop.
    n = 24
    path = [(100.0 - max(0, 3 - i) * 4.0, 60.0) for i in range(n)]
    t = track(path, [(20, 20)] * n)
    assert t.confidence().moved == 0.0 and not t.solid
    # An object that really leaves from there (slowly: one size over 1.5 s) stays trusted.
    slow = track([(100.0 + 20 * i / n, 60.0) for i in range(n)], [(20, 20)] * n)
    assert slow.confidence().moved == 1.0 and slow.solid


def test_a_plain_sliver_is_no_solid_object_however_flat_its_color():
    # A line of printed text or a floor band cut from a plain backdrop: 3 px thick at 180 px
    # (1.7% of the short side), its few pixels read flat (spread 0.5 Lab), as an object's do.
    def plain(w: float, h: float) -> Track:
        t = Track(0, units=UNITS)
        for i in range(12):
            d = det(40.0 + i, 60.0, w, h)
            d.source, d.lab_spread = "plain", 0.5
            t.points.append(Point(i, i / UNITS.fps, d.cx, d.cy, d, "plain", False))
        return t

    assert not plain(40, 3).solid
    assert plain(20, 18).solid  # the shapes world's smallest object is 0.1 short sides
    # An object that shrinks to a sliver (a size_change violation) was an object first.
    shrinking = plain(20, 18)
    for p in shrinking.points[3:]:
        p.det.bbox = (p.det.bbox[0], p.det.bbox[1], 20, 3)
    assert shrinking.solid
    # At 64x64 the same share is under the segmentation's grain: 2 px parts still count.
    small = plain(6, 3)
    small.units = Units(64.0, 8.0)
    assert small.solid


def test_a_plain_part_typically_far_thinner_than_an_object_is_no_solid_object():
    # The flat core of a shaded object or a stripe of texture on a wild clip the first frame
    # passed as plain: cut once 12 px wide (merged with something), typically 5 px thick
    # (0.03 short sides, a third of the smallest object).
    t = Track(0, units=UNITS)
    for i in range(12):
        d = det(40.0 + i, 60.0, *((30, 5) if i else (30, 12)))
        d.source, d.lab_spread = "plain", 0.5
        t.points.append(Point(i, i / UNITS.fps, d.cx, d.cy, d, "plain", False))
    assert not t.solid
