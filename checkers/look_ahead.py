"""The leading pictures of a clip, looked at before the first is judged.

The tracker's background model starts from a clean plate of the clip's first 1.5 s
(perception/clean_plate.py), so the runner takes those pictures off the stream first, lets
the tracker look at them (`Tracker.prime`), and then judges them as usual, in order. A decode
that stops during the look is raised once the pictures taken have been judged.
"""

from __future__ import annotations

from collections.abc import Iterator

from checkers.base import DecodeStopped
from checkers.tracking import Tracker


def look_ahead(pictures, tracker: Tracker, count: int):
    """Take up to `count` distinct pictures off `pictures` and let the tracker look at them
    first (`Tracker.prime`). Returns the pictures taken (repeats included), to be judged as
    usual, and the decode error that stopped the look, if one did (raised once they are).
    Only a tracker that may use the background model looks ahead."""
    taken, images = [], []
    if not tracker.looks_ahead:
        return taken, None
    try:
        for shown in pictures:
            taken.append(shown)
            if not shown.repeat:
                images.append(shown.analysed().image)
                # A clip on the plain path needs nothing ahead: only its first picture.
                if len(images) >= count or not tracker.choose_path(images[0]):
                    break
    except DecodeStopped as error:
        tracker.prime(images)
        return taken, error
    tracker.prime(images)
    return taken, None


def raising(error: Exception) -> Iterator:
    """An iterator that raises `error` when it is first asked for an item."""
    raise error
    yield  # a generator: nothing is raised until it is iterated
