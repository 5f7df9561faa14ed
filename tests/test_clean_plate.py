"""The clean plate (checkers/perception/clean_plate.py): the first frame's backdrop without
the objects that move away, so the background model sees them from the first frame."""

from __future__ import annotations

import cv2
import numpy as np
from test_background_model import FPS, H, W, camera, clip, shaded_disc, texture

from checkers.perception.background import MotionBackground
from checkers.perception.clean_plate import clean_plate, plate_frames
from checkers.tracking import Tracker
from checkers.video import Frame

R = 14.0


def rolling(t: int) -> tuple[float, float]:
    return 70 + 6 * t, 90 + 0.5 * t


def test_the_plate_shows_the_backdrop_where_a_moving_object_began():
    images = clip(plate_frames(FPS), rolling)
    plate = clean_plate(images, fps=FPS)
    backdrop = cv2.warpPerspective(texture(3), camera(0), (W, H), flags=cv2.INTER_LINEAR)
    x, y = rolling(0)
    inside = np.s_[int(y - R / 2) : int(y + R / 2), int(x - R / 2) : int(x + R / 2)]
    plate_error = np.abs(plate[inside] - backdrop[inside].astype(np.float32)).mean()
    frame_error = np.abs(images[0][inside].astype(np.float32) - backdrop[inside]).mean()
    assert frame_error > 40  # the disc covers the backdrop there in the first frame
    assert plate_error < 10, plate_error
    # Away from the disc the plate is the first frame's view (the camera pans and zooms).
    away = np.s_[10:60, 200:300]
    assert np.abs(plate[away] - images[0][away].astype(np.float32)).mean() < 6


def test_a_model_started_from_the_plate_sees_the_first_frames_object_whole():
    images = clip(plate_frames(FPS), rolling)
    primed, plain = MotionBackground(FPS, W, H), MotionBackground(FPS, W, H)
    primed.start_from(clean_plate(images, fps=FPS))
    for t in range(3):
        step, plain_step = primed.update(images[t]), plain.update(images[t])
    dets = step.segmentation.detections
    assert len(dets) == 1, [(d.cx, d.cy, d.area) for d in dets]
    assert abs(dets[0].cx - rolling(2)[0]) < 3
    assert 0.6 < dets[0].area / (np.pi * R**2) < 1.5
    # Started from the first frame itself, the model still holds the disc's first place.
    assert not plain_step.segmentation.detections


def test_the_tracker_follows_a_first_frame_object_from_the_first_frame_when_primed():
    images = clip(plate_frames(FPS), rolling)
    tracker = Tracker(W, H, FPS, background=True)
    tracker.prime(images)
    for t, image in enumerate(images[:6]):
        tracker.update(Frame(t, t / FPS, image))
    firsts = sorted(track.points[0].frame for track in tracker.tracks.values())
    assert firsts == [0], firsts


def test_no_plate_from_too_few_frames_or_a_cut():
    images = clip(2, rolling)
    assert clean_plate(images, fps=FPS) is None
    other = [shaded_disc(np.full((H, W, 3), 90, np.uint8), 100, 90, R)] * 4
    # A cut after the first frame leaves it alone: no plate to build.
    assert clean_plate(images[:1] + other, fps=FPS) is None


def test_the_nan_aware_median_is_taken_only_where_a_view_has_a_gap(monkeypatch):
    """The panning camera leaves border the later views never showed (NaN there). The plate
    is the NaN-aware median of all views to the bit, but only the gap pixels pay for it."""
    images = clip(plate_frames(FPS), rolling)
    nanmedian, seen = np.nanmedian, []

    def spy(a, axis=None):
        seen.append(a.size)
        return nanmedian(a, axis=axis)

    with monkeypatch.context() as m:  # the reference: every pixel NaN-aware
        m.setattr(np, "median", lambda a, axis=None: nanmedian(a, axis=axis))
        reference = clean_plate(images, fps=FPS)
    monkeypatch.setattr(np, "nanmedian", spy)
    plate = clean_plate(images, fps=FPS)
    assert plate.dtype == np.float32 and np.array_equal(plate, reference)
    assert len(seen) == 1 and 0 < seen[0] < 0.2 * len(images) * plate.size, seen
