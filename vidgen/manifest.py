"""What a batch folder says is finished: `run.jsonl`, the manifest shared by every process of
a batch, and each clip's record, whose `batch` tag names the item and settings that made it."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from pathlib import Path

from vidgen.promptfile import PromptItem

MANIFEST_NAME = "run.jsonl"
MANIFEST_SCHEMA = "vidgen.run/1"


class Manifest:
    """`run.jsonl`: append-only, one JSON line per finished item, safe across processes."""

    def __init__(self, path: Path):
        self.path = path
        self._entries: dict[str, dict] = {}
        self._offset = 0  # bytes of complete lines already read

    def append(self, entry: dict) -> None:
        line = json.dumps({"schema": MANIFEST_SCHEMA, **entry}, sort_keys=True) + "\n"
        with open(self.path, "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                # A line cut by a crash has no newline: end it first, or this entry would
                # be glued to it and lost with it.
                if handle.seek(0, os.SEEK_END) and _last_byte(handle) != b"\n":
                    line = "\n" + line
                handle.write(line.encode("utf-8"))
                handle.flush()
                os.fsync(handle.fileno())
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def latest(self) -> dict[str, dict]:
        """The last entry of each item id; a line cut by a crash is ignored.

        Reads only what was appended since the previous call (by any process), so a batch of
        thousands can look again before every item."""
        if not self.path.exists():
            return dict(self._entries)
        with open(self.path, "rb") as handle:
            handle.seek(self._offset)
            data = handle.read()
        complete = data.rfind(b"\n") + 1  # a line still being written waits for its newline
        for line in data[:complete].decode("utf-8", errors="replace").splitlines():
            with contextlib.suppress(ValueError):
                entry = json.loads(line)
                if isinstance(entry, dict) and "id" in entry:
                    self._entries[entry["id"]] = entry
        self._offset += complete
        return dict(self._entries)


def _last_byte(handle) -> bytes:
    handle.seek(-1, os.SEEK_END)
    last = handle.read(1)
    handle.seek(0, os.SEEK_END)
    return last


def read_batch_tag(clip: Path) -> dict | None:
    """The `batch` entry of a clip's record, or None when the clip has no readable record."""
    record_path = clip.with_suffix(".json")
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record.get("batch") if isinstance(record, dict) else None


def intact(clip: Path, item: PromptItem, fingerprint: str) -> bool:
    """A clip counts as made when it and its record exist and the record names this item."""
    if not clip.is_file() or clip.stat().st_size == 0:
        return False
    tag = read_batch_tag(clip)
    return bool(tag) and tag.get("id") == item.id and tag.get("settings") == fingerprint


def tag_id(path: Path) -> str | None:
    tag = read_batch_tag(path)  # a clip's sidecar, or the .json itself
    return tag.get("id") if isinstance(tag, dict) else None
