"""Reports: the vidgen.check/1 JSON object, the per-frame CSV, and the human one-liner."""

from __future__ import annotations

import csv
import math
import os
import tempfile
from pathlib import Path
from typing import Any

from checkers.runner import ClipReport

SCHEMA = "vidgen.check/1"


def to_json(report: ClipReport) -> dict[str, Any]:
    """Exactly the keys of schema vidgen.check/1 (additions go at the end, nothing removed)."""
    checks = {}
    for name, result in report.checks.items():
        checks[name] = {
            "verdict": result.verdict,
            "score": result.score,
            "events": len(result.events),
        }
        checks[name].update(result.extra)
    return {
        "schema": SCHEMA,
        "clip": report.clip,
        "frames": report.frames,
        "fps": report.fps,
        "width": report.width,
        "height": report.height,
        "verdict": report.verdict,
        "error": report.error,
        "checks": checks,
        "events": [e.as_dict() for e in report.events],
        "timings": {"decode_s": round(report.decode_s, 4), "total_s": round(report.total_s, 4)},
        # The rate new pictures arrive: under fps where frames repeat (checkers/cadence.py).
        "picture_fps": report.picture_fps,
        # What segmented the objects: "background model" or "plain backdrop" (--perception).
        "segmented_by": report.segmented_by,
    }


def human_line(report: ClipReport) -> str:
    """One line: verdict, clip, and the events (kind, frame, time, object)."""
    if report.verdict == "error" and not report.checks:
        return f"ERROR {report.error}"
    parts = []
    for e in report.events:
        obj = f" object {e.object}" if e.object is not None else ""
        parts.append(f"{e.check}/{e.kind} at frame {e.frame} ({e.time:.2f}s){obj}")
    shown = f"{report.frames} frames"
    if 0 < report.picture_fps < report.fps:  # checkers/cadence.py: pictures repeat
        shown += f", frames repeat their picture: judged at {report.picture_fps:g} pictures/s"
    head = f"{report.verdict.upper()} {report.clip} ({shown})"
    if report.verdict == "error":
        head = f"ERROR {report.error}"
    if not parts:
        return head + (": no events" if report.verdict != "error" else "")
    return head + f": {len(parts)} event{'s' if len(parts) > 1 else ''}: " + "; ".join(parts)


def csv_name(clip: str) -> str:
    return Path(clip).stem + ".csv"


def write_csv(report: ClipReport, folder: str | os.PathLike) -> Path:
    """Per-frame metrics: frame, time, then each checker's metrics in declared order.

    Written to a temp file and renamed, so a reader never sees half a table.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / csv_name(report.clip)
    columns = ["frame", "time", *report.metric_names]
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".csv")
    try:
        with os.fdopen(fd, "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            for row in report.rows:
                writer.writerow([_cell(row.get(c, math.nan)) for c in columns])
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def _cell(value) -> str:
    if isinstance(value, int):
        return str(value)
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    return f"{value:.4f}"
