"""The background model's camera steps fitted ahead, on threads of their own
(perception/camera_ahead.py), the source reads' next frame decoded ahead (overlap.py), and
identity's finalize beside the other checkers' (runner.py).

Either only moves work to other threads: the model must be carried and segment exactly as
when it fits each step itself, the clean plate must get the steps it would fit, and a check
with its stages on threads must decide as one run in turn (main: the modules do not exist).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import cv2
import numpy as np
import pytest
from test_check_overlap import _same_rows
from test_exact_speedups24 import _track
from test_model_ahead import pictures, plate_of, shown, summary
from test_source_morph import DIAMOND, FPS, SQUARE, _frames, _morph

from checkers.base import Checker, CheckResult, DecodeStopped
from checkers.overlap import one_ahead
from checkers.perception.background import MotionBackground
from checkers.perception.camera_ahead import CameraAhead, fitted_ahead
from checkers.perception.clean_plate import camera_steps
from checkers.runner import _finalized, check_clip
from checkers.tracking import Point
from vidgen.world.corpus import write_mp4


def test_a_model_carried_by_steps_fitted_ahead_segments_as_one_fitting_them():
    images = pictures()  # a textured pan cut to another scene at picture 14
    in_turn = MotionBackground(16.0, *images[0].shape[1::-1])
    in_turn.start_from(plate_of(images))
    expected = [summary(in_turn.update(image), in_turn) for image in images]

    with ThreadPoolExecutor(2) as pool:
        camera = CameraAhead(pool, in_turn.camera_lag)
        ahead = MotionBackground(16.0, *images[0].shape[1::-1])
        ahead.fit_ahead(camera)
        for image in images:
            camera.add(image)
        # The plate's steps: up to the cut, as camera_steps fits them.
        leading = ahead.leading_steps(images)
        assert len(leading) == 13
        assert all(
            np.array_equal(a, b)
            for a, b in zip(leading, camera_steps(images, ahead.camera_lag), strict=True)
        )
        ahead.start_from(plate_of(images), leading)
        got = [summary(ahead.update(image), ahead) for image in images]
    assert got == expected


def test_steps_fitted_for_other_frames_are_refused():
    images = pictures()[:3]
    with ThreadPoolExecutor(1) as pool:
        camera = CameraAhead(pool, 2)
        model = MotionBackground(16.0, *images[0].shape[1::-1])
        model.fit_ahead(camera)
        camera.add(images[0])
        with pytest.raises(RuntimeError, match="fitted for frames other"):
            model.update(images[0].copy())


class _Tracker:
    """Chooses the model's path on the first picture it is given, as Tracker.choose_path."""

    looks_ahead = True

    def __init__(self, model):
        self.model, self.segmented_by = model, None

    def choose(self) -> None:
        self.segmented_by = "background model"

    @property
    def background(self):
        return self.model if self.segmented_by else None


def test_pictures_pass_in_order_and_every_picture_gets_its_step_once_the_path_is_chosen():
    images = pictures()[:6]
    items = shown(images, repeats={3})

    def source():
        yield from items
        raise DecodeStopped("stream damaged", len(items))

    model = MotionBackground(16.0, *images[0].shape[1::-1])
    tracker = _Tracker(model)
    seen = []
    with pytest.raises(DecodeStopped):
        for item in fitted_ahead(source(), tracker):
            if not seen:
                tracker.choose()  # the path is chosen on the first picture, as look_ahead does
            seen.append(item)
    assert seen == items
    # Every picture but the repeat was added, in order: the model takes them one by one.
    for item in items:
        if not item.repeat:
            gray, _ = model._camera.take(item.frame.image)
            assert np.array_equal(gray, cv2.cvtColor(item.frame.image, cv2.COLOR_RGB2GRAY))
    with pytest.raises(IndexError):
        model._camera.take(items[0].frame.image)


def test_without_threads_or_a_model_the_pictures_pass_as_they_come():
    items = shown(pictures()[:4], repeats=set())
    tracker = _Tracker(None)
    assert list(fitted_ahead(iter(items), tracker, threads=False)) == items
    tracker.choose()
    assert list(fitted_ahead(iter(items), tracker)) == items  # the plain path: no model


def test_one_ahead_gives_the_items_in_order_and_raises_where_they_stop():
    def items():
        yield from range(5)
        raise ValueError("broken")

    got = []
    with pytest.raises(ValueError, match="broken"):
        for item in one_ahead(items()):
            got.append(item)
    assert got == list(range(5))
    assert list(one_ahead(iter([]))) == []


def test_a_textured_clip_is_judged_alike_on_threads_and_in_turn(tmp_path):
    """A small diamond turning into a square on a textured wall: the background model, its
    camera steps and the source reads all run; both ways find the morph, alike."""
    path = tmp_path / "clip.mp4"
    write_mp4(path, _frames(DIAMOND, SQUARE, _morph), FPS)
    together = check_clip(str(path), features="classical", overlap=True)
    in_turn = check_clip(str(path), features="classical", overlap=False)
    assert together.segmented_by == "background model"
    assert [e.kind for e in together.events] == ["shape_change"]
    assert [e.as_dict() for e in together.events] == [e.as_dict() for e in in_turn.events]
    assert _same_rows(together.rows, in_turn.rows)


class _Named(Checker):
    metrics = ()

    def __init__(self, name):
        self.name = name

    def process(self, index, frame, tracks) -> dict[str, float]:
        return {}

    def finalize(self) -> CheckResult:
        return CheckResult(self.name, threading.current_thread().name, 1.0)


def test_the_first_checkers_finalize_runs_beside_the_others_and_results_keep_their_order():
    checkers = [_Named("a"), _Named("b"), _Named("c")]
    results = _finalized(checkers, threads=True)
    assert [r.name for r in results] == ["a", "b", "c"]
    assert results[0].verdict.startswith("checkers-finalize")
    assert results[1].verdict == results[2].verdict == threading.current_thread().name
    in_turn = _finalized(checkers, threads=False)
    assert {r.verdict for r in in_turn} == {threading.current_thread().name}


def test_a_frozen_track_lists_its_sightings_once_so_that_readers_only_read():
    """finalize may read a track from two threads: a kept list of sightings that is still
    behind the points would be extended by both, listing points twice (main: freeze leaves
    the list as last read, here one sighting behind)."""
    track = _track(1)
    seen = track.seen  # read mid-clip ...
    track.points.append(
        Point(len(track.points), 9.0, 1.0, 1.0, track.points[0].det, "motion", False)
    )
    track.freeze()  # ... then the clip's last sighting, and the clip ends
    points, count, kept = track._sightings_of
    assert points is track.points and count == len(track.points)
    assert kept == [p for p in track.points if p.det is not None] and len(kept) == len(seen) + 1
