"""Finishing an interrupted `vidgen world`: what was written stays and the same command goes on.

A corpus of hundreds of wild clips takes tens of minutes; an interrupted run (Ctrl-C, a crash,
a full disk) used to leave clips without labels, and the rerun had to start again with
--overwrite. Now the run records its settings beside the labels it has written so far, and the
same command run again keeps every clip that has both its MP4 and its labels line and makes
the rest. Items are independent (each draws from its own generator), so the finished corpus is
the one an uninterrupted run writes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

from vidgen.errors import UsageError

SETTINGS_NAME = ".corpus-settings.json"


def settings_record(spec, scenes: list | None) -> dict:
    """What must match for a rerun to continue a corpus: the spec, and the scenes it renders."""
    record = {
        k: list(v) if isinstance(v, tuple) else v for k, v in dataclasses.asdict(spec).items()
    }
    if record.get("kinds") is None:
        record.pop("kinds", None)  # a corpus of every kind: its settings as before --kinds was
    if scenes is not None:
        record["scenes_sha256"] = hashlib.sha256(repr(scenes).encode()).hexdigest()
    return record


def written_so_far(out: Path, partial: Path, record: dict) -> list[str]:
    """The labels lines of an unfinished corpus in `out` made with `record`'s settings, up to
    the first clip whose MP4 or line is missing ([] when there is none to continue)."""
    settings = out / SETTINGS_NAME
    if not settings.exists():
        return []
    try:
        earlier = json.loads(settings.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        earlier = None
    if earlier != record:
        keys = set(record) | set(earlier or {})
        differing = sorted(k for k in keys if not earlier or earlier.get(k) != record.get(k))
        raise UsageError(
            f"--out {out} holds an unfinished corpus made with other settings "
            f"({', '.join(differing) or 'unreadable'}): rerun that command to finish it, "
            "or pass --overwrite"
        )
    kept: list[str] = []
    text = partial.read_text(encoding="utf-8") if partial.exists() else ""
    for line in text.split("\n")[:-1]:  # the last piece has no newline: cut off mid-write
        try:
            clip = json.loads(line)["clip"]
        except (ValueError, KeyError, TypeError):
            break
        if not (out / clip).exists():
            break
        kept.append(line)
    return kept


def start(out: Path, record: dict) -> None:
    """Record the settings of a corpus being written (renamed into place: never half a file)."""
    tmp = out / f"{SETTINGS_NAME}.partial"
    tmp.write_text(json.dumps(record, sort_keys=True), encoding="utf-8")
    tmp.replace(out / SETTINGS_NAME)


def finish(out: Path) -> None:
    (out / SETTINGS_NAME).unlink(missing_ok=True)
