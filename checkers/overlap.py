"""The stages that read only the frames run beside the tracker, each on a thread of its own.

Per frame, the tracker (segmentation, its flow) runs on the calling thread while the scene
perception (camera, dense flow, unexplained change) runs on a second thread and the
checkers' frame-only work (`Checker.watch`: face tracks) on a third. Their time goes to
OpenCV, dlib and torch, which release the GIL, so on two cores they run at once (about the
scene's time a frame instead of the sum; see BENCHMARKS.md, "Speed, session 10").

Nothing is decided differently: each stage still sees every frame once, in order, on one
thread, and the checkers get the frame's scene step before they score it
(benchmarks/verdict_parity.py holds a set of clips to the same verdicts and events).

The watchers need nothing from the tracker, so they may fall behind by up to WATCH_LAG
frames (a face detection costs several frames' worth of the rest); past that the tracker
waits, so the frames held stay few however long the clip.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

import cv2

from checkers.base import Checker, DecodeStopped
from checkers.video import Frame

WATCH_LAG = 24
T = TypeVar("T")
_END = object()


class FrameStages:
    """Use as a context manager around one clip's frame loop:

    with FrameStages(scene, checkers) as stages:
        for frame in source:
            pending = stages.start(frame)
            observation = tracker.update(frame)
            observation.scene = pending.result()
            ...
        stages.finish()
    """

    def __init__(self, scene, checkers: list[Checker], threads: bool = True):
        """`threads=False` runs every stage on the calling thread, one after the other
        (the same results; for a caller that already keeps every core busy)."""
        self._scene = scene
        self._watchers = [c for c in checkers if type(c).watch is not Checker.watch]

        def pool(name: str):
            return ThreadPoolExecutor(1, thread_name_prefix=name) if threads else _Inline()

        self._scene_thread = pool("checkers-scene")
        self._watch_thread = pool("checkers-watch") if self._watchers else None
        self._watching: deque[Future] = deque()
        self._cv_threads = cv2.getNumThreads()

    def __enter__(self) -> FrameStages:
        # The stages are the parallelism: OpenCV's own worker threads on top of them only
        # compete for the same two cores (measured: DIS costs more CPU and wall time with
        # them on a busy machine). Restored on exit.
        cv2.setNumThreads(1)
        return self

    def __exit__(self, *exc) -> None:
        for pool in (self._scene_thread, self._watch_thread):
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
        cv2.setNumThreads(self._cv_threads)

    def start(self, frame: Frame) -> Future:
        """Hand the frame to the scene and the watchers; the future gives its SceneStep."""
        if self._watch_thread is not None:
            self._watching.append(self._watch_thread.submit(self._watch, frame))
            while len(self._watching) > WATCH_LAG:
                self._watching.popleft().result()
        return self._scene_thread.submit(self._scene.update, frame.index, frame.time, frame.image)

    def finish(self) -> None:
        """Wait for the watchers to see every frame handed out (and raise what they raised)."""
        while self._watching:
            self._watching.popleft().result()

    def _watch(self, frame: Frame) -> None:
        for checker in self._watchers:
            checker.watch(frame.index, frame)


class _Inline:
    """Stands in for a one-thread pool: runs each call at once, on the calling thread."""

    def submit(self, fn, *args) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args))
        except BaseException as error:  # noqa: BLE001 - handed to the caller via result()
            future.set_exception(error)
        return future

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        pass


def one_ahead(items: Iterator[T]) -> Iterator[T]:
    """`items` in order, each next one made on a thread of its own while the caller works on
    the one before (the same items: only when each is made changes). For a producer whose
    time goes to code that releases the GIL, such as a decoder."""
    with ThreadPoolExecutor(1, thread_name_prefix="checkers-ahead") as pool:
        pending = pool.submit(next, items, _END)
        while (item := pending.result()) is not _END:
            pending = pool.submit(next, items, _END)
            yield item


def held_back(
    items: Iterable[T], arrived: Callable[[T], None], ending: Callable[[], None] = lambda: None
) -> Iterator[T]:
    """`items` in order, each yielded once the next has arrived and been handed to `arrived`
    (work on a thread that should run ahead of the caller's); `ending` runs before the last
    is yielded. Where decoding stops, the items decoded before the damage are yielded first;
    the error then ends the clip where it did."""
    held: T | None = None
    try:
        for item in items:
            arrived(item)
            if held is not None:
                yield held
            held = item
    except DecodeStopped:
        if held is not None:
            ending()
            yield held
        raise
    if held is not None:
        ending()
        yield held
