"""`vidgen check`: judge clips for identity drift, object permanence and physics sanity.

Parses, calls `checkers` (which knows nothing of vidgen), prints. Nothing here imports
torch: the classical path starts in well under a second.
"""

from __future__ import annotations

import glob
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import click

from vidgen.errors import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError

CHECK_NAMES = ("identity_drift", "object_permanence", "physics_sanity")


def _expand(paths: tuple[str, ...]) -> Iterator[tuple[str, str | None]]:
    """(clip path, None) for each clip, or (input, error message) for inputs with no clip."""
    from vidgen.video import VIDEO_SUFFIXES, video_files

    for raw in paths:
        matches = sorted(glob.glob(raw)) if glob.has_magic(raw) else [raw]
        if not matches:
            yield raw, f"{raw}: no file matches this pattern"
            continue
        for item in matches:
            p = Path(item)
            if p.is_dir():
                clips = video_files(p)  # never a temp file a killed `make` left
                if not clips:
                    yield (
                        item,
                        (
                            f"{item}: folder has no video files ({', '.join(VIDEO_SUFFIXES)}); "
                            "pass a folder of clips or the clips themselves"
                        ),
                    )
                yield from ((str(c), None) for c in clips)
            else:
                yield item, None


def _parse_checks(value: str) -> tuple[str, ...]:
    names = tuple(n.strip() for n in value.split(",") if n.strip())
    unknown = [n for n in names if n not in CHECK_NAMES]
    if unknown or not names:
        raise click.BadParameter(
            f"unknown check {unknown[0] if unknown else value!r}; choose from "
            f"{','.join(CHECK_NAMES)}",
            param_hint="--checks",
        )
    return names


@click.command("check")
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--checks",
    "checks_arg",
    default=",".join(CHECK_NAMES),
    show_default=True,
    help="Comma-separated checks to run.",
)
@click.option(
    "--json", "as_json", is_flag=True, help="One JSON object per clip per line (vidgen.check/1)."
)
@click.option(
    "--csv",
    "csv_dir",
    type=click.Path(file_okay=False),
    help="Write per-frame metrics, one CSV per clip, into this folder.",
)
@click.option(
    "--report",
    "report_dir",
    type=click.Path(path_type=Path),
    help="Write an HTML report into this folder (new, empty, or an earlier report): a page "
    "per clip with its frames, events and plots, and DIR/index.html.",
)
@click.option(
    "--sensitivity",
    type=click.Choice(["low", "medium", "high"]),
    default="medium",
    show_default=True,
    help="How readily events are raised.",
)
@click.option(
    "--perceptual",
    type=click.Choice(["classical", "lpips"]),
    default="classical",
    show_default=True,
    help="Appearance distance for identity drift; lpips needs its AlexNet weights in the torch hub cache.",
)
@click.option(
    "--features",
    default="auto",
    show_default=True,
    envvar="VIDGEN_FEATURES",
    help="Appearance backends: auto (best installed: dino > mobilenet > classical, plus faces "
    "when dlib is installed), classical (no learned model), mobilenet, dino, faces, or e.g. "
    "mobilenet,faces. The JSON names what judged each clip. Default from VIDGEN_FEATURES.",
)
@click.option(
    "--perception",
    type=click.Choice(["auto", "plain"]),
    default=None,
    envvar="VIDGEN_PERCEPTION",
    help="How objects are segmented: auto (a motion-compensated background model on textured "
    "or photographic footage and moving cameras, the plain segmentation on plain backdrops) "
    "or plain (the plain segmentation everywhere: faster, for shapes-world clips). The JSON "
    "says which segmented each clip.  [default: VIDGEN_PERCEPTION, else auto (the older "
    "VIDGEN_BGMODEL=0 still means plain)]",
)
@click.option(
    "--workers",
    "-j",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Clips checked in parallel.",
)
@click.option(
    "--exit-zero", is_flag=True, help="Exit 0 even when a clip fails (errors still exit 2)."
)
@click.option("--quiet", "-q", is_flag=True, help="No summary on stderr.")
def check(
    paths: tuple[str, ...],
    checks_arg: str,
    as_json: bool,
    csv_dir: str | None,
    report_dir: Path | None,
    sensitivity: str,
    perceptual: str,
    features: str,
    perception: str | None,
    workers: int,
    exit_zero: bool,
    quiet: bool,
) -> None:
    """Check clips for identity drift, object permanence and physics sanity.

    PATHS are video files, folders of videos, or glob patterns. Each clip gets one line:
    its verdict and its events (kind, frame, time, object).

    \b
    Examples:
      vidgen check outputs/
      vidgen check clip.mp4 --json
      vidgen check "runs/*.mp4" --checks object_permanence,physics_sanity -j 2
      vidgen check clip.mp4 --csv metrics/ --sensitivity high
      vidgen check outputs/ --report report/    # then open report/index.html
      vidgen check clip.mp4 --features classical   # no learned model, fastest start
      vidgen check shapes/ --perception plain      # plain backdrops only: faster

    Exit codes: 0 every clip passed, 1 a clip failed, 2 a clip could not be read.
    """
    from checkers.base import CheckError
    from checkers.perceptual import load_perceptual
    from checkers.report import human_line, to_json, write_csv

    checks = _parse_checks(checks_arg)
    if perceptual != "classical" and "identity_drift" in checks:
        try:
            load_perceptual(perceptual)  # fail once, up front, not once per clip
        except CheckError as error:
            raise UsageError(str(error)) from error
    if "identity_drift" in checks or "object_permanence" in checks:  # both use --features
        from checkers.features.choice import resolve_features

        try:
            resolve_features(features)  # fail once, up front; loaded once for the batch
        except CheckError as error:
            raise UsageError(str(error)) from error

    folder = None
    if report_dir is not None:
        from vidgen.report import open_report

        folder = open_report(report_dir)  # a bad folder fails before any clip is checked
    items = list(_expand(paths))
    counts = {"pass": 0, "fail": 0, "error": 0}
    worst = EXIT_OK
    options = {
        "checks": checks,
        "sensitivity": sensitivity,
        "perceptual": perceptual,
        "features": features,
        "perception": perception,
    }
    for _item, problem in items:
        if problem is not None:
            click.echo(f"Error: {problem}", err=True)
            counts["error"] += 1
            worst = EXIT_USAGE
    clips = [item for item, problem in items if problem is None]
    if not quiet and workers <= 1:
        options["progress"] = ClipProgress
    run = None
    if folder is not None:
        from vidgen.report import ReportRun

        run = ReportRun(folder, "check", len(clips), quiet)
    for report, page in _run_all(clips, options, workers, folder):
        if run is not None and page is not None:
            run.add(page)
        counts[report.verdict] += 1
        worst = max(worst, report.exit_code)
        if csv_dir and report.rows:
            write_csv(report, csv_dir)
        if as_json:
            click.echo(json.dumps(to_json(report)))
        else:
            click.echo(human_line(report))
            summary = _provenance(report.clip)
            if summary is not None:
                from vidgen.provenance.summary import summary_line

                click.echo("  " + summary_line(summary))
        sys.stdout.flush()
    if run is not None:
        run.finish()
    if not quiet:
        total = sum(counts.values())
        click.echo(
            f"checked {total} clip{'s' if total != 1 else ''}: {counts['pass']} pass, "
            f"{counts['fail']} fail, {counts['error']} error",
            err=True,
        )
    if worst == EXIT_FINDINGS and exit_zero:
        worst = EXIT_OK
    sys.exit(worst)


class ClipProgress:
    """Progress of one long clip on stderr: a tqdm bar on a terminal, elsewhere (a log, a
    pipe) a plain line now and then, so no carriage return lands in a log file. A clip
    checked within QUIET_S says nothing: it is done before anyone waits."""

    QUIET_S = 2.0
    EVERY_S = 10.0

    def __init__(self, clip: str):
        self.clip, self.bar = clip, None
        self.started = self.last = time.perf_counter()

    def __call__(self, done: int, total: int) -> None:
        now = time.perf_counter()
        if now - self.started < self.QUIET_S and self.bar is None:
            return
        if sys.stderr.isatty():
            if self.bar is None:
                from tqdm import tqdm

                self.bar = tqdm(total=total or None, desc=self.clip, unit="frame", leave=False)
                self.bar.update(done)
            else:
                self.bar.update(1)
        elif now - self.last >= self.EVERY_S:
            of = f"/{total}" if total else ""
            click.echo(f"checking {self.clip}: frame {done}{of} ({now - self.started:.0f} s)",
                       err=True)  # fmt: skip
            self.last = now

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _provenance(clip: str) -> dict | None:
    """Manifest and tags of a readable clip (issue 6); None when there is no file to read."""
    if not os.path.isfile(clip):
        return None
    from vidgen.provenance.summary import provenance_summary

    return provenance_summary(clip)


def _run_all(clips: list[str], options: dict, workers: int, folder=None):
    """(report, page or None) in input order; with workers > 1, clips run in parallel
    processes (which write their own pages when there is a report folder)."""
    from checkers.runner import ClipReport
    from vidgen.report import check_one

    root = str(folder.root) if folder is not None else None
    if workers <= 1 or len(clips) <= 1:
        shown = options.pop("progress", None)
        for clip in clips:
            progress = shown(clip) if shown is not None else None
            yield check_one(clip, options, root, progress=progress)
            if progress is not None:
                progress.close()
        return
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    # One decoder thread per worker, and each clip's stages one after the other: the workers
    # are the parallelism (checkers/overlap.py's threads would only add switching).
    options = {**options, "threads": 1, "overlap": False}
    # Workers come from a fork server, not forked from this process: a process that has
    # already run OpenCV's thread pool (a test session, a library caller) can hand a forked
    # child its pool's lock held, and the child's first cv2.setNumThreads waits forever
    # (seen in CI, session 24: test_report_html's -j 2 run hung at load 0).
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("forkserver")) as pool:
        futures = [pool.submit(check_one, clip, options, root) for clip in clips]
        for clip, future in zip(clips, futures, strict=True):
            try:
                yield future.result()
            except Exception as error:  # a worker that died (e.g. a decoder crash)
                failed = f"{clip}: worker failed ({error}); check it alone"
                yield ClipReport(clip=clip, error=failed), None
