"""The runner's look ahead (checkers/look_ahead.py): the leading pictures are looked at by
the tracker first, none is lost, and a decode that stops during the look still lets them be
judged before the error."""

from __future__ import annotations

import numpy as np
import pytest

from checkers.base import DecodeStopped
from checkers.cadence import Shown
from checkers.look_ahead import look_ahead, raising
from checkers.tracking import Tracker
from checkers.video import Frame


def pictures(count: int, stop_at: int | None = None):
    for i in range(count):
        if i == stop_at:
            raise DecodeStopped("clip.mp4: stopped", i)
        image = np.full((36, 64, 3), 40 + i, np.uint8)
        yield Shown(Frame(i, i / 16.0, image), picture=i, repeat=False)


class Primed(Tracker):
    def prime(self, images):
        self.looked = len(images)

    def choose_path(self, image):
        return True


def test_the_leading_pictures_are_looked_at_and_handed_back_in_order():
    tracker = Primed(64, 36, 16.0, background=True)
    stream = pictures(10)
    taken, error = look_ahead(stream, tracker, 4)
    assert error is None and tracker.looked == 4
    assert [s.picture for s in taken] + [s.picture for s in stream] == list(range(10))


def test_a_decode_stopped_during_the_look_is_returned_after_what_was_taken():
    tracker = Primed(64, 36, 16.0, background=True)
    taken, error = look_ahead(pictures(10, stop_at=2), tracker, 4)
    assert [s.picture for s in taken] == [0, 1] and tracker.looked == 2
    assert isinstance(error, DecodeStopped) and error.frame == 2
    with pytest.raises(DecodeStopped):
        next(raising(error))


def test_without_the_background_model_nothing_is_taken():
    tracker = Tracker(64, 36, 16.0, background=False)
    stream = pictures(5)
    taken, error = look_ahead(stream, tracker, 4)
    assert taken == [] and error is None
    assert next(stream).picture == 0


def test_a_plain_backdrop_clip_gives_up_only_its_first_picture():
    tracker = Tracker(64, 36, 16.0, background=True)
    stream = pictures(10)  # flat gray frames: a plain backdrop with nothing on it
    taken, error = look_ahead(stream, tracker, 4)
    assert [s.picture for s in taken] == [0] and error is None
    assert next(stream).picture == 1
