"""Check one clip: one decode, one tracker, fanned out to every checker.

`check_clip` never raises for a bad clip: it returns a `ClipReport` whose verdict is
"error" and whose `error` says what went wrong and what to do, so a batch goes on.
"""

from __future__ import annotations

import copy
import itertools
import logging
import math
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from checkers.base import (
    Checker,
    CheckError,
    CheckResult,
    DecodeStopped,
    Event,
)
from checkers.cadence import DistinctFrames, distinct_pictures, renumbered
from checkers.explained import explained
from checkers.identity import IdentityChecker
from checkers.look_ahead import look_ahead, raising
from checkers.malloc import keep_freed_memory
from checkers.overlap import FrameStages
from checkers.perception.background import background_model_enabled
from checkers.perception.camera_ahead import fitted_ahead
from checkers.perception.clean_plate import plate_frames
from checkers.perception.model_ahead import segmented_ahead
from checkers.perception.on_demand import OnDemandScene
from checkers.perception.scene import ScenePerception
from checkers.permanence import PermanenceChecker
from checkers.physics import PhysicsChecker
from checkers.source_morph import SourcePictures
from checkers.tracking import FrameObservation, Tracker, clean_scene, could_end_clean
from checkers.video import DEFAULT_SHORT_SIDE, Frame, VideoInfo, analysis_size, frames, probe

log = logging.getLogger("checkers")

CHECKS: dict[str, type[Checker]] = {
    c.name: c for c in (IdentityChecker, PermanenceChecker, PhysicsChecker)
}
ALL_CHECKS = tuple(CHECKS)
# Sees each analysis frame and the tracker's observation of it (see `check_clip`).
Observer = Callable[[Frame, FrameObservation], None]
# Accelerations need three frames and an established track needs a few more; below this a
# clip says nothing about motion.
MIN_FRAMES = 8


@dataclass
class ClipReport:
    clip: str
    frames: int = 0
    fps: float = 0.0
    width: int = 0
    height: int = 0
    verdict: str = "error"  # "pass" | "fail" | "error"
    error: str | None = None
    checks: dict[str, CheckResult] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    decode_s: float = 0.0
    total_s: float = 0.0
    metric_names: list[str] = field(default_factory=list)
    rows: list[dict[str, float]] = field(default_factory=list)  # per-frame metrics
    backend: str = ""
    picture_fps: float = 0.0  # the rate new pictures arrive: below fps when frames repeat
    # What segmented the clip's objects: "background model" or "plain backdrop" (tracking).
    segmented_by: str | None = None

    @property
    def exit_code(self) -> int:
        return {"pass": 0, "fail": 1}.get(self.verdict, 2)


def make_checkers(
    names, sensitivity: str, perceptual: str = "classical", features: str = "auto"
) -> list[Checker]:
    unknown = [n for n in names if n not in CHECKS]
    if unknown:
        raise CheckError(f"unknown check {unknown[0]!r}; choose from {', '.join(ALL_CHECKS)}")
    out = []
    for name in names:
        if name == IdentityChecker.name:
            from checkers.features.choice import resolve_features
            from checkers.perceptual import load_perceptual

            chosen = resolve_features(features)
            out.append(
                IdentityChecker(
                    sensitivity, perceptual=load_perceptual(perceptual), features=chosen
                )
            )
        else:
            out.append(CHECKS[name](sensitivity))
    return out


def check_clip(
    path: str,
    checks=ALL_CHECKS,
    sensitivity: str = "medium",
    perceptual: str = "classical",
    short_side: int = DEFAULT_SHORT_SIDE,
    backend: str | None = None,
    threads: int = 0,
    features: str = "auto",
    progress: Callable[[int, int], None] | None = None,
    observer: Observer | None = None,
    overlap: bool = True,
    perception: str | None = None,
) -> ClipReport:
    """Judge one clip with the named checks; errors become an "error" report.

    `progress(done, total)` is called after every frame (total: the container's frame
    count, 0 when it does not say), for a caller that shows progress on long clips.
    `observer(frame, observation)` sees every analysis frame and what the tracker made of
    it, during the one decode (the HTML report keeps its thumbnails and tracks this way).
    `overlap`: run the frame-only stages beside the tracker on threads of their own
    (checkers/overlap.py); False runs them one after the other, with the same results, for
    a caller that already keeps every core busy with other clips.
    `perception`: "auto" (the background model takes clips that are not plain backdrop) or
    "plain"; None reads VIDGEN_BGMODEL (perception/background.py).
    """
    start = time.perf_counter()
    report = ClipReport(clip=str(path))
    try:
        info = probe(path, short_side)
        source = frames(info, backend, threads)
        if progress is not None:
            source = _reported(source, info.frames, progress)
        _analyse(report, info, source, checks, sensitivity, perceptual, features, observer,
                 overlap, replay=lambda: frames(copy.copy(info), backend, threads),
                 perception=perception,
                 at_source=lambda shown: SourcePictures(info, shown, threads, overlap))  # fmt: skip
    except CheckError as error:
        report.verdict, report.error = "error", str(error)
    except Exception as error:  # a bug must not stop a batch; say so and go on
        log.debug("internal error on %s", path, exc_info=True)
        report.verdict = "error"
        report.error = f"{path}: internal error ({type(error).__name__}: {error}); please report it"
    report.total_s = time.perf_counter() - start
    return report


def check_frames(
    images,
    fps: float,
    name: str = "<frames>",
    checks=ALL_CHECKS,
    sensitivity: str = "medium",
    short_side: int = DEFAULT_SHORT_SIDE,
    perceptual: str = "classical",
    features: str = "auto",
    perception: str | None = None,
) -> ClipReport:
    """Judge frames already in memory (an iterable of (H, W, 3) uint8 RGB arrays).

    For library users and tests that render frames themselves; files go through
    `check_clip`, which streams them.
    """
    import cv2

    if not (isinstance(fps, int | float) and math.isfinite(fps) and fps > 0):
        raise CheckError(f"{name}: fps must be a positive number of frames a second, got {fps!r}")
    images = iter(images)
    first = next(images, None)
    if first is None:
        raise CheckError(f"{name}: no frames")
    h, w = first.shape[:2]
    aw, ah = analysis_size(w, h, short_side)
    info = VideoInfo(name, w, h, fps, 0, 0, aw, ah, backend="memory")

    def source():
        for index, image in enumerate(itertools.chain([first], images)):
            small = cv2.resize(image, (aw, ah), interpolation=cv2.INTER_AREA)
            yield Frame(index, index / fps, small)

    start = time.perf_counter()
    report = ClipReport(clip=name)
    try:
        _analyse(report, info, source(), checks, sensitivity, perceptual, features,
                 perception=perception)  # fmt: skip
    except CheckError as error:
        report.verdict, report.error = "error", str(error)
    report.total_s = time.perf_counter() - start
    return report


def _analyse(
    report,
    info,
    source,
    checks,
    sensitivity,
    perceptual,
    features,
    observer=None,
    overlap=True,
    replay=None,
    perception=None,
    at_source=None,
) -> None:
    """`replay()`: the clip's frames decoded again from the first (None: frames that cannot
    be, so the scene perception runs in full from the start; see perception/on_demand.py).
    `at_source(first_shown)`: the decoded frames again at full size, for identity's small
    outlines (source_morph.SourcePictures; None: frames handed in memory have no source)."""
    report.width, report.height, report.fps = info.width, info.height, round(info.fps, 4)
    keep_freed_memory()  # frame-sized temporaries are reused, not faulted in afresh
    checkers = make_checkers(checks, sensitivity, perceptual, features)
    # A clip that repeats its pictures is analysed as its distinct pictures, at the rate they
    # arrive; events, rows and thumbnails get the decoded frames' numbers back (cadence.py).
    # Decoding is timed beneath the look-ahead, which decodes the clip's first frames.
    pictures = DistinctFrames(_timed(source, report), info.fps)
    report.picture_fps = round(pictures.fps, 4)
    for checker in checkers:
        checker.begin(info.scale, pictures.fps, min(info.analysis_width, info.analysis_height))
    report.metric_names = [m for c in checkers for m in c.metrics]
    tracker = Tracker(
        info.analysis_width,
        info.analysis_height,
        pictures.fps,
        background_model_enabled(perception),
    )
    embedder = _burst_embedder(checks, features)
    scene = OnDemandScene(
        lambda bursts: ScenePerception(
            pictures.fps, info.analysis_width, info.analysis_height, embedder, bursts
        ),
        (lambda: distinct_pictures(replay(), info.fps)) if replay is not None else None,
    )
    # Scene bursts are read only by these checks, and only on a clip that is not clean.
    bursts_read = bool({IdentityChecker.name, PermanenceChecker.name} & set(checks))
    reliable: dict[int, bool] = {}
    stopped: DecodeStopped | None = None
    decoded = 0
    # Per picture, the decoded frame that first shows it: its number and time only (holding
    # the frames themselves would grow memory with the clip's length).
    first_shown: list[tuple[int, float]] = []
    # The declared length in pictures, for the question whether the clip can still be clean.
    declared = round(info.frames * pictures.fps / info.fps) if info.frames and info.fps else 0

    def judge(frame, shown, observation, pending, repeats) -> None:
        reliable[frame.index] = observation.reliable
        observation.scene = pending.result()
        row = {"frame": shown.index, "time": shown.time}
        for checker in checkers:
            row.update(checker.process(frame.index, frame, observation))
        report.rows.append(row)
        if observer is not None:
            observer(shown, observation)
        for again in repeats:  # frames that show the picture again: its findings stand
            report.rows.append(dict(row, frame=again.index, time=again.time))
            if observer is not None:
                observer(again, observation)

    with FrameStages(scene, checkers, threads=overlap) as stages:
        # One frame in hand: frame i's scene step is queued before the checkers judge frame
        # i - 1, so the scene thread (the longest stage) never waits for the checkers and the
        # decoder. Each stage still sees the frames in order, and the checkers judge frame
        # i - 1 before the tracker moves on to frame i, as when run in turn.
        held, unreliable = None, 0
        try:
            # The background model's camera steps are fitted as the pictures are decoded.
            pending_pictures = fitted_ahead(pictures, tracker, overlap)
            # The tracker looks at the leading pictures before judging the first (a clean
            # plate for the background model); they are then judged as usual.
            ahead, error = look_ahead(pending_pictures, tracker, plate_frames(pictures.fps))
            rest = raising(error) if error is not None else pending_pictures
            # The background model segments each picture while the one before is tracked.
            in_turn = itertools.chain(ahead, rest)
            for shown in segmented_ahead(in_turn, tracker.background, overlap):
                decoded += 1
                if shown.repeat:  # the first frame never is, so a picture is in hand
                    held[-1].append(shown.frame)
                    continue
                frame = shown.analysed()
                first_shown.append((shown.frame.index, shown.frame.time))
                # Once the clip cannot be clean (at its declared length, or at this frame's if
                # it runs longer), its bursts will be read. A clip unclean so far when the
                # frames the scene keeps run out asks too: a guess, which at worst computes
                # bursts that go unread, and spares decoding those frames again.
                length = max(declared, frame.index + 1)
                if bursts_read and (
                    not could_end_clean(unreliable, length)
                    or (frame.index == scene.keep and not could_end_clean(unreliable, frame.index))
                ):
                    scene.want_bursts()
                pending = stages.start(frame)  # the scene and the watchers, beside the tracker
                if held is not None:
                    judge(*held)
                held = frame, shown.frame, tracker.update(frame), pending, []
                unreliable += not held[2].reliable
        except DecodeStopped as error:
            stopped = error
        if held is not None:
            judge(*held)
        stages.finish()
        tracker.freeze()  # every frame is tracked: the checkers' finalize reads tracks only
        late = []
        if len(first_shown) >= MIN_FRAMES:
            late = scene.flush(bursts_read and not clean_scene(reliable), len(first_shown))
        log.debug("%s: scene bursts %s; %d frames decoded again for them", info.path,
                  "found" if scene.full else "not needed", scene.replayed)  # fmt: skip
    report.backend = info.backend
    report.frames = decoded
    report.segmented_by = tracker.segmented_by
    if len(first_shown) < MIN_FRAMES:
        if stopped:
            raise stopped
        raise CheckError(_too_short(info, decoded, len(first_shown)))
    for checker in checkers:
        checker.scene_ended(late)
        if isinstance(checker, IdentityChecker) and at_source is not None:
            checker.source = at_source(first_shown)  # small parts' outlines, read again
    results = explained(_finalized(checkers, overlap))
    if pictures.repeats:
        results = [renumbered(r, first_shown) for r in results]
    report.checks = {r.name: r for r in results}
    report.events = sorted((e for r in results for e in r.events), key=lambda e: (e.frame, e.check))
    if stopped:
        # What was decoded is scored, but the clip as a whole could not be judged.
        report.verdict, report.error = "error", f"{stopped} (frames 0-{decoded - 1} were checked)"
    else:
        report.verdict = "fail" if any(r.verdict == "fail" for r in results) else "pass"


def _finalized(checkers: list[Checker], threads: bool) -> list[CheckResult]:
    """Each checker's `finalize`, in order. With threads, the first listed (by default
    identity drift, whose source reads decode the clip again: the longest, 0.1-0.3 s on wild
    and gen-clips clips) runs on a thread of its own beside the others.
    Each reads the frozen tracks and its own state alone, so when they run changes nothing."""
    if not threads or len(checkers) < 2:
        return [checker.finalize() for checker in checkers]
    with ThreadPoolExecutor(1, thread_name_prefix="checkers-finalize") as pool:
        first = pool.submit(checkers[0].finalize)
        rest = [checker.finalize() for checker in checkers[1:]]
        return [first.result(), *rest]


def _burst_embedder(checks, features: str):
    """The object embedder that confirms scene bursts: the one --features chose."""
    if IdentityChecker.name not in checks and PermanenceChecker.name not in checks:
        return None
    from checkers.features.choice import resolve_features

    return resolve_features(features).object_embedder()


def _too_short(info: VideoInfo, decoded: int, pictures: int) -> str:
    need = f"{MIN_FRAMES} frames"
    if info.fps and math.isfinite(info.fps):
        need += f" ({MIN_FRAMES / info.fps:.2f} s at {info.fps:g} fps)"
    shown = f"{decoded} frame{'s' if decoded != 1 else ''}"
    if pictures < decoded:
        shown += f" showing {pictures} distinct picture{'s' if pictures != 1 else ''}"
        need = f"{MIN_FRAMES} distinct pictures"
    return (
        f"{info.path}: too short to judge: {shown}, the checks need at least {need}; "
        "pass a longer clip"
    )


def _reported(source: Iterator[Frame], total: int, progress) -> Iterator[Frame]:
    for done, frame in enumerate(source, start=1):
        yield frame
        progress(done, total)


def _timed(source: Iterator[Frame], report: ClipReport) -> Iterator[Frame]:
    """Time the decoder separately from the analysis."""
    while True:
        t0 = time.perf_counter()
        try:
            frame = next(source)
        except StopIteration:
            report.decode_s += time.perf_counter() - t0
            return
        except BaseException:
            report.decode_s += time.perf_counter() - t0
            raise
        report.decode_s += time.perf_counter() - t0
        yield frame


def result_dict(report: ClipReport) -> dict[str, Any]:
    """Convenience for library users: the vidgen.check/1 JSON object."""
    from checkers.report import to_json

    return to_json(report)
