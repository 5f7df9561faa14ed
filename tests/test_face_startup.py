"""The face backend's start-up (checkers/features/faces.py): dlib's frontal detector is built
once and read from checkers' cache folder after that (vidgen's, when vidgen runs it); a cache that cannot be written or read only
costs the build; the identity models are read on the first face to embed."""

from __future__ import annotations

import numpy as np
import pytest

from checkers import cache
from checkers.features import faces

dlib = pytest.importorskip("dlib")
if faces.find_models() is None:
    pytest.skip(f"the face models are not installed ({faces.INSTALL})", allow_module_level=True)
BUILD = dlib.get_frontal_face_detector  # before any test counts its calls


@pytest.fixture
def builds(monkeypatch):
    """Counts the calls to dlib.get_frontal_face_detector (the slow build)."""
    calls = []

    def counted():
        calls.append(1)
        return BUILD()

    monkeypatch.setattr(dlib, "get_frontal_face_detector", counted)
    return calls


def saved_bytes(detector, path) -> bytes:
    detector.save(str(path))
    return path.read_bytes()


def candidates(detector) -> list:
    """Weak candidates on a fixed noise image: positions and scores to compare detectors."""
    image = np.random.default_rng(0).integers(0, 256, (160, 200, 3), dtype=np.uint8)
    rects, scores, kinds = detector.run(image, 0, -1.5)
    return [
        (r.left(), r.top(), r.right(), r.bottom(), s, k)
        for r, s, k in zip(rects, scores, kinds, strict=True)
    ]


def test_the_detector_is_built_once_then_read_from_the_cache(monkeypatch, tmp_path, builds):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    first = faces.FaceEmbedder()
    cached = tmp_path / "cache" / f"dlib-{dlib.__version__}" / faces.DETECTOR_FILE
    assert cached.is_file() and len(builds) == 1
    second = faces.FaceEmbedder()
    assert len(builds) == 1  # read from the file, not built again
    # The same detector: the same weights, byte for byte, and the same candidates.
    reference = BUILD()
    assert saved_bytes(second._detector, tmp_path / "b") == saved_bytes(reference, tmp_path / "a")
    assert candidates(second._detector) == candidates(reference) == candidates(first._detector)
    assert len(candidates(reference)) > 0  # the comparison compares something
    assert [p.name for p in cached.parent.iterdir()] == [faces.DETECTOR_FILE]  # no temp file


def test_an_unwritable_cache_still_gives_a_detector(monkeypatch, tmp_path, builds):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(cache.CACHE_ENV, str(blocker / "cache"))
    for _ in range(2):
        embedder = faces.FaceEmbedder()
        assert candidates(embedder._detector) == candidates(BUILD())
    assert len(builds) == 2  # built each time, as without a cache


def test_a_damaged_cache_file_is_rebuilt(monkeypatch, tmp_path, builds):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path))
    cached = tmp_path / f"dlib-{dlib.__version__}" / faces.DETECTOR_FILE
    cached.parent.mkdir(parents=True)
    whole = saved_bytes(BUILD(), tmp_path / "whole")
    cached.write_bytes(whole[: len(whole) // 2])  # a truncated copy
    embedder = faces.FaceEmbedder()
    assert len(builds) == 1 and cached.read_bytes() == whole
    assert candidates(embedder._detector) == candidates(BUILD())


def test_identity_models_are_read_on_the_first_face_only(monkeypatch, tmp_path):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path))
    reads = []
    predictor = dlib.shape_predictor
    monkeypatch.setattr(dlib, "shape_predictor", lambda path: reads.append(path) or predictor(path))
    embedder = faces.FaceEmbedder()
    frame = np.full((120, 160, 3), 128, np.uint8)
    assert embedder.detect(frame) == [] and embedder.embed(frame, []).shape == (0, 128)
    assert reads == []  # a clip with no face never reads them
    for _ in range(2):
        assert embedder.embed(frame, [(20, 20, 90, 90)]).shape == (1, 128)
    assert len(reads) == 1


def test_a_detector_cached_by_earlier_vidgen_versions_is_still_found(monkeypatch, tmp_path, builds):
    # Before checkers named its own folder, the detector went to $VIDGEN_CACHE (default
    # ~/.cache/vidgen). Run by vidgen, checkers is handed that folder and reads the file there.
    from vidgen.cache import lend_cache_to_checkers

    old = tmp_path / "vidgen-cache"
    cached = old / f"dlib-{dlib.__version__}" / faces.DETECTOR_FILE
    cached.parent.mkdir(parents=True)
    BUILD().save(str(cached))
    monkeypatch.setenv("VIDGEN_CACHE", str(old))
    monkeypatch.delenv(cache.CACHE_ENV)
    lend_cache_to_checkers()
    embedder = faces.FaceEmbedder()
    assert builds == []  # read, not built
    assert candidates(embedder._detector) == candidates(BUILD())
