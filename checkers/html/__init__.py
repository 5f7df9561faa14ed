"""HTML reports: a self-contained page per clip and an index, for people to look at.

One concern a module: `folder` (where, atomically, names), `keeper` (frames and tracks
kept during the check's one decode), `draw` (thumbnails), `plots` (matplotlib), `page`
(the shared page frame), `clip` (a clip's page), `index` (the run's index).
"""

from __future__ import annotations

from collections.abc import Callable

from checkers.html.clip import ClipPage, write_clip_page
from checkers.html.folder import ReportFolder, ReportFolderError, clip_key, write_atomic
from checkers.html.index import write_index
from checkers.html.keeper import FrameKeeper
from checkers.runner import ClipReport, check_clip

__all__ = [
    "ClipPage",
    "FrameKeeper",
    "ReportFolder",
    "ReportFolderError",
    "check_with_page",
    "clip_key",
    "write_atomic",
    "write_clip_page",
    "write_index",
]


def check_with_page(
    path: str,
    root: str,
    provenance: Callable[[str], dict[str, str] | None] | None = None,
    **options,
) -> tuple[ClipReport, ClipPage]:
    """`check_clip` plus the clip's page in the report folder `root` (already opened).

    Takes the folder as a path, and `provenance` as a module-level function, so that it runs
    in a worker process as it does in this one.
    """
    with FrameKeeper() as keeper:
        report = check_clip(path, **options, observer=keeper)
        facts = provenance(path) if provenance is not None else None
        page = write_clip_page(ReportFolder(root), report, keeper, facts)
    return report, page
