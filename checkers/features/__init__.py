"""Appearance embeddings for identity drift and re-identification: one backend a module.

    from checkers.features import load_embedder, load_face_embedder, Calibration
    embedder = load_embedder("auto")               # dino > mobilenet > classical
    vectors = embedder.embed(frame, [(x, y, w, h)])  # (n, d) float32, unit rows
    calibration = Calibration.from_early(first_looks, embedder.noise_floor)
    z = calibration.z(later_looks)                  # robust z against the object's own spread

Importing this package imports neither torch nor transformers nor dlib: each backend
imports its own when it is built.
"""

from checkers.features.base import (
    Box,
    Calibration,
    Embedder,
    FeaturesUnavailable,
    cosine_distance,
    pairwise_distance,
    robust_z,
)
from checkers.features.select import (
    BACKENDS,
    available_backends,
    load_embedder,
    load_face_embedder,
)

__all__ = [
    "BACKENDS",
    "Box",
    "Calibration",
    "Embedder",
    "FeaturesUnavailable",
    "available_backends",
    "cosine_distance",
    "load_embedder",
    "load_face_embedder",
    "pairwise_distance",
    "robust_z",
]
