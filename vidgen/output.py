"""Where a clip goes: a safe name from the prompt, a dated default folder, no overwrites."""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

from vidgen.errors import UsageError

DEFAULT_ROOT = Path("outputs")
MAX_SLUG = 60


def slugify(prompt: str) -> str:
    """A file-name-safe slug: ASCII letters, digits and dashes only, at most 60 characters.

    No path separators, no `..`, no control characters can survive this.
    """
    text = unicodedata.normalize("NFKD", prompt).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    text = text[:MAX_SLUG].rstrip("-")
    return text or "clip"


def is_folder_target(out: Path) -> bool:
    return out.is_dir() or out.suffix.lower() != ".mp4"


# Containers a user may mean as a file name; vidgen writes MP4 only.
OTHER_VIDEO_SUFFIXES = (".mkv", ".mov", ".webm", ".avi", ".m4v", ".gif")


def target_folder(out: Path | None) -> Path:
    """The folder a clip goes to, checked: it exists or can be made, and takes files.

    Called before any model loads, so a bad -o (or an unwritable default folder) is the
    first thing a user hears, not the last. Nothing is created here: a request refused later
    (a bad image, a missing model) must not leave an empty folder behind; `make_folder`
    creates it when the clip is about to be written.
    """
    if out is not None and out.suffix.lower() in OTHER_VIDEO_SUFFIXES and not out.is_dir():
        raise UsageError(
            f"--out {out}: vidgen writes MP4 clips; name the file "
            f"{out.with_suffix('.mp4').name}, or pass a folder"
        )
    if out is None:
        folder = DEFAULT_ROOT / dt.date.today().isoformat()
    else:
        folder = out if is_folder_target(out) else out.parent
    check_writable_folder(folder)
    return folder


def plan_path(out: Path | None, prompt: str, seed: int, overwrite: bool) -> Path:
    """The final path of a clip: `out` itself if it is a .mp4 file, else a name inside it."""
    folder = target_folder(out)
    wanted = out if out is not None and not is_folder_target(out) else None
    wanted = wanted or folder / f"{slugify(prompt)}-{seed}.mp4"
    return wanted if overwrite else first_free(wanted)


def check_writable_folder(folder: Path) -> None:
    """Raise the one-line error `make_folder` would raise, without creating anything.

    A folder that does not exist yet is judged by its nearest existing parent, where it
    would be made; a file anywhere on the way is refused at once.
    """
    existing = folder.absolute()
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    if not existing.is_dir():
        raise UsageError(
            f"--out {folder}: cannot create the folder ({existing} is a file); "
            "pick a writable place"
        )
    _probe(existing, folder, "create the folder" if existing != folder.absolute() else None)


def make_folder(folder: Path) -> None:
    """Create `folder` (and its parents) and make sure it takes files."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(
            f"--out {folder}: cannot create the folder ({error.strerror}); pick a writable place"
        ) from None
    _probe(folder, folder, None)


def _probe(place: Path, folder: Path, creating: str | None) -> None:
    # Try a file rather than ask os.access: root passes access() on /proc and read-only mounts.
    probe = place / f".vidgen-probe-{os.getpid()}"
    try:
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        probe.unlink()
    except FileExistsError:
        pass  # this process is probing it right now from another thread
    except OSError as error:
        what = creating or "write files there"
        raise UsageError(
            f"--out {folder}: cannot {what} ({error.strerror}); pick a writable place"
        ) from None


def first_free(path: Path) -> Path:
    """`path`, or `name-1.mp4`, `name-2.mp4`, ... whichever is free (with its sidecar).

    A name is taken when any file in the folder has it, ignoring case (see `clashes`).
    """
    candidate, number = path, 0
    while clashes(candidate) or clashes(candidate.with_suffix(".json")):
        number += 1
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
    return candidate


def clashes(path: Path) -> list[Path]:
    """Files in `path`'s folder whose name is `path`'s, ignoring case.

    Case-insensitive on every file system: `clip.MP4` and `clip.mp4` share `clip.json`, and
    a folder copied to macOS or Windows would merge them.
    """
    wanted = path.name.casefold()
    try:
        names = os.listdir(path.parent)
    except (FileNotFoundError, NotADirectoryError):
        return []
    return [path.parent / name for name in sorted(names) if name.casefold() == wanted]


def refuse_to_replace(clip: Path, ours: Callable[[Path], bool]) -> None:
    """The one rule for every file vidgen writes next to a clip (the MP4 and its .json).

    A file already there, under any case of its name, may be replaced only when `ours(file)`
    says vidgen made it for this very clip; anything else is the user's and stays.
    """
    for wanted in (clip, clip.with_suffix(".json")):
        for existing in clashes(wanted):
            if existing.name != wanted.name or not ours(existing):
                raise UsageError(
                    f"{existing} exists and was not made by vidgen for this clip; remove it, "
                    "pick another name, or pass --overwrite to replace it"
                )
