"""The report folder: what may be written there, atomic writes, names, and the run's entries.

A folder is a report folder when it holds MARKER, which vidgen writes the first time. Any
other non-empty folder belongs to the user and is refused: a report writes many files
(pages, thumbnails, plots) and must never replace one the user made. The marker also keeps
the entries of every clip reported there, so `check` and then `verify` into one folder give
one index with both pages of each clip.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

MARKER = ".vidgen-report.json"
LOCK = ".vidgen-report.lock"
SCHEMA = "vidgen.report/1"
PAGES = "clips"  # one page per clip and a folder of its images, beside index.html


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _umask()  # read once: os.umask can only be read by setting it


class ReportFolderError(ValueError):
    """`--report DIR` cannot be used; the message names DIR and the fix."""


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write to a temp file in the same folder, then rename: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode() if isinstance(data, str) else data)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; a report is for others to read
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def clip_key(clip: str) -> str:
    """A file-name-safe, stable name for a clip's page: its stem and a hash of its path.

    The hash keeps two `clip.mp4` from different folders apart; the stem keeps it readable.
    """
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(clip).stem).strip("-.")[:48] or "clip"
    digest = hashlib.sha1(os.path.abspath(clip).encode()).hexdigest()[:8]
    return f"{stem}-{digest}"


class ReportFolder:
    """A checked report folder. `open` refuses a file, a foreign folder or an unwritable place."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    @classmethod
    def open(cls, path: str | os.PathLike, option: str = "--report") -> ReportFolder:
        root = Path(path)
        if root.exists() and not root.is_dir():
            raise ReportFolderError(
                f"{option} {root}: this is a file; pass a folder (new or empty) for the report"
            )
        if root.is_dir() and not (root / MARKER).is_file() and any(root.iterdir()):
            raise ReportFolderError(
                f"{option} {root}: folder has files vidgen did not write; pass a new or empty "
                "folder (a report writes many files and never replaces yours)"
            )
        try:
            root.mkdir(parents=True, exist_ok=True)
            folder = cls(root)
            if not (root / MARKER).is_file():
                folder.save_entries({})
        except OSError as error:
            raise ReportFolderError(
                f"{option} {root}: cannot write there ({error.strerror}); pick a writable folder"
            ) from None
        return folder

    def page_path(self, key: str, suffix: str = "") -> Path:
        return self.root / PAGES / f"{key}{suffix}.html"

    def asset_dir(self, key: str) -> Path:
        return self.root / PAGES / key

    def entries(self) -> dict[str, dict[str, Any]]:
        try:
            data = json.loads((self.root / MARKER).read_text())
        except (OSError, ValueError):
            return {}
        return data.get("clips", {}) if isinstance(data, dict) else {}

    def save_entries(self, entries: dict[str, dict[str, Any]]) -> None:
        write_atomic(self.root / MARKER, json.dumps({"schema": SCHEMA, "clips": entries}))

    def merge(self, part: str, rows: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """Record clips' `part` ("check" or "verify") rows; returns every entry, for the index.

        Locked: two `make --check --report` processes sharing a folder each add their rows
        (read, add, write) without dropping the other's.
        """
        import fcntl

        with open(self.root / LOCK, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            entries = self.entries()
            for key, row in rows.items():
                entries.setdefault(key, {})[part] = row
            self.save_entries(entries)
        return entries
