"""The background model one picture ahead of the tracker, on a thread of its own.

With the model on, the tracker's thread is a check's longest stage: the model (background.py)
takes about half of it, the tracks and the checkers the rest, while the scene and the face
tracks run beside it (checkers/overlap.py). The model reads the frames alone, never the
tracks, so the next picture's step can be computed while the tracker and the checkers work
on this one: the runner's pictures come one behind those fed here, and each picture the tracker
will segment is fed to the model as soon as it arrives (the decoder runs one picture further
ahead, so that its camera step is being fitted before the model needs it: camera_ahead.py).

Nothing is decided differently: the model still segments every picture once, in order, on
one thread, and the tracker gets each step, with the model's age and start as of that step
(benchmarks/verdict_parity.py holds sets of clips to the same verdicts and events).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor

from checkers.cadence import Shown
from checkers.overlap import held_back
from checkers.perception.background import MotionBackground


def segmented_ahead(
    pictures: Iterable[Shown], model: MotionBackground | None, threads: bool = True
) -> Iterator[Shown]:
    """`pictures`, each yielded once the next is decoded and fed to `model` (every picture
    that is not a repeat: those the tracker segments). Without a model, or `threads=False`
    (a caller that already keeps every core busy), the pictures pass as they come."""
    if model is None or not threads:
        yield from pictures
        return

    def arrived(shown: Shown) -> None:
        if not shown.repeat:
            model.feed(shown.frame.image)

    with ThreadPoolExecutor(1, thread_name_prefix="checkers-model") as pool:
        model.run_on(pool)
        yield from held_back(pictures, arrived)
