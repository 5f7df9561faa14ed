"""Photographic backgrounds for the wild profile: one still frame of a real clip per clip.

A still, never the moving clip: motion in a real clip would be motion no label describes.
The default sources sit beside the repository, as in the project's shared workspace:
../shared/real-clips (every clip and image) and ../shared/gen-clips (only the clips its
manifest.jsonl labels real_clean). A fresh clone has neither: the profile then draws procedural
backgrounds only, without a word. A clip that cannot be decoded is skipped the same way, so the
backgrounds depend only on the files found, never on the order they were found in.
"""

from __future__ import annotations

import functools
import json
import logging
from pathlib import Path

import cv2
import numpy as np

from vidgen.errors import UsageError

log = logging.getLogger(__name__)

VIDEO_EXTS = (".mp4", ".mkv", ".mov", ".webm", ".avi")
IMAGE_EXTS = (".png", ".jpg", ".jpeg")
MAX_STILL_INDEX = 60  # stills come from the first seconds: decoding stays cheap
MIN_SIDE = 64  # smaller stills (or clips) make no background worth the name
MIN_FRAMES = 10
MAX_PURE_SHARE = 0.3


def repo_root() -> Path:
    return Path(__file__).resolve().parents[2]


def default_sources(root: Path | None = None) -> list[Path]:
    """The real clips beside the repository, or [] where there are none."""
    shared = (root or repo_root()).parent / "shared"
    found = _media_in(shared / "real-clips")
    manifest = shared / "gen-clips" / "manifest.jsonl"
    if manifest.is_file():
        try:
            lines = manifest.read_text(encoding="utf-8").splitlines()
            records = [json.loads(line) for line in lines if line.strip()]
        except (OSError, ValueError):
            records = []
        for rec in records:
            if isinstance(rec, dict) and rec.get("label") == "real_clean" and "clip" in rec:
                path = shared / "gen-clips" / "clips" / str(rec["clip"])
                if path.is_file():
                    found.append(path)
    return sorted(found)


def _media_in(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    exts = VIDEO_EXTS + IMAGE_EXTS
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in exts)


def sources_in(folder: Path) -> list[Path]:
    """Clips and images in a folder the user named, or a UsageError that says what to pass."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(
            f"--backgrounds {folder}: no such folder; pass a folder of clips or images "
            "(mp4, mkv, mov, webm, avi, png, jpg), or 'none' for procedural backgrounds only"
        )
    found = _media_in(folder)
    if not found:
        raise UsageError(
            f"--backgrounds {folder}: holds no clips or images (mp4, mkv, mov, webm, avi, "
            "png, jpg); pass another folder, or 'none' for procedural backgrounds only"
        )
    return found


@functools.lru_cache(maxsize=16)
def read_still(path: str, index: int) -> np.ndarray | None:
    """Frame `index` of a clip (or the image itself), RGB uint8; None if it cannot be read, is
    too small or has under MIN_FRAMES frames. A clip shorter than `index` gives its last frame."""
    if Path(path).suffix.lower() in IMAGE_EXTS:
        img = cv2.imread(path, cv2.IMREAD_COLOR)
        still = None if img is None else cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
    else:
        still = _decode(path, index)
    if still is None or min(still.shape[:2]) < MIN_SIDE or _graphic(still):
        return None
    return still


def _graphic(still: np.ndarray) -> bool:
    """A test card or a graphic, not a photograph: mostly pure, saturated colors."""
    hsv = cv2.cvtColor(cv2.resize(still, (64, 36), interpolation=cv2.INTER_AREA), cv2.COLOR_RGB2HSV)
    pure = (hsv[:, :, 1] > 216) & (hsv[:, :, 2] > 128)
    return float(pure.mean()) > MAX_PURE_SHARE


def _decode(path: str, index: int) -> np.ndarray | None:
    import av

    chosen, count = None, 0
    try:
        with av.open(path) as container:
            for i, frame in enumerate(container.decode(video=0)):
                chosen, count = (frame if i <= index else chosen), i + 1
                if count >= max(index + 1, MIN_FRAMES):
                    break
            if count < MIN_FRAMES:
                return None  # a few frames (a test card, a stub) are no footage
            return chosen.to_ndarray(format="rgb24")
    except Exception as error:  # a broken clip is skipped, as if absent
        log.debug("no still from %s: %s", path, error)
        return None
