"""Provenance layers: sign + verify, tamper detection, watermark robustness, keys.

Clips are made here (imageio + libx264 yuv420p, textured frames), not by `vidgen make`,
and every test uses its own VIDGEN_HOME.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import numpy as np
import pytest

from vidgen.errors import UsageError
from vidgen.provenance import (
    ProvenanceOptions,
    mark_frames,
    new_record_id,
    seal_clip,
    verify_clip,
    wmread,
)
from vidgen.provenance import watermark as wm
from vidgen.provenance.metadata import C2PA_UUID, top_level_boxes


def ffmpeg() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def textured_frames(
    count: int, height: int, width: int, seed: int = 0, contrast: float = 1.0
) -> np.ndarray:
    """A panning 1/f-like texture with a moving disc: busy enough to hide and test a mark."""
    import cv2

    rng = np.random.default_rng(seed)
    big_h, big_w = height + 2 * count, width + 3 * count
    canvas = np.zeros((big_h, big_w, 3), np.float32)
    for scale, amplitude in [(2, 5), (4, 8), (8, 10), (16, 14), (32, 16), (64, 18)]:
        noise = rng.normal(0, 1, (big_h // scale + 2, big_w // scale + 2, 3)).astype(np.float32)
        canvas += (
            contrast * amplitude * cv2.resize(noise, (big_w, big_h), interpolation=cv2.INTER_CUBIC)
        )
    canvas = np.clip(canvas + 128, 0, 255)
    frames = []
    for t in range(count):
        frame = canvas[2 * t : 2 * t + height, 3 * t : 3 * t + width].copy()
        center = (int(width * 0.2 + t * width * 0.02) % width, height // 2)
        cv2.circle(frame, center, max(4, height // 10), (230, 60, 40), -1)
        frames.append(frame.astype(np.uint8))
    return np.stack(frames)


def write_mp4(frames: np.ndarray, path: Path, fps: int = 16, crf: int = 18) -> Path:
    import imageio.v2 as iio

    writer = iio.get_writer(
        str(path),
        fps=fps,
        codec="libx264",
        pixelformat="yuv420p",
        macro_block_size=1,
        quality=None,
        ffmpeg_log_level="error",
        output_params=["-crf", str(crf)],
    )
    for frame in frames:
        writer.append_data(frame)
    writer.close()
    return path


def make_sealed(tmp_path: Path, frames: np.ndarray, opts: ProvenanceOptions, name="clip"):
    """Mark, encode, seal and write the sidecar the way `vidgen make` does."""
    rid = new_record_id()
    marked, payload = mark_frames(frames, rid, opts)
    clip = write_mp4(marked, tmp_path / f"{name}.mp4")
    record = {"record_id": rid, "prompt": "a red disc over texture", "seed": 7, "clip": clip.name}
    seal_clip(clip, record, opts)
    clip.with_suffix(".json").write_text(json.dumps(record))
    return clip, record, payload


def reencode(src: Path, dst: Path, crf: int, vf: str | None = None, skip: int = 0) -> Path:
    cmd = [ffmpeg(), "-y", "-loglevel", "error", "-i", str(src)]
    filters = []
    if skip:
        filters.append(f"select=gte(n\\,{skip}),setpts=N/FRAME_RATE/TB")
    if vf:
        filters.append(vf)
    if filters:
        cmd += ["-vf", ",".join(filters)]
    cmd += ["-c:v", "libx264", "-crf", str(crf), "-pix_fmt", "yuv420p", "-an", str(dst)]
    subprocess.run(cmd, check=True)
    return dst


@pytest.fixture(scope="module")
def big_frames() -> np.ndarray:
    return textured_frames(33, 480, 832, seed=1)


@pytest.fixture
def sealed(tmp_path, home):
    frames = textured_frames(17, 128, 192, seed=2)
    return make_sealed(tmp_path, frames, ProvenanceOptions())


# ---- sign and verify ------------------------------------------------------------------------


def test_sealed_clip_verifies_intact_with_every_layer(sealed, home):
    clip, record, payload = sealed
    result = verify_clip(clip)
    assert result["status"] == "intact", result
    assert result["exit_code"] == 0
    assert result["manifest"]["state"] == "trusted"  # the local CA is a trust anchor here
    assert result["watermark"] == {
        "state": "present",
        "payload": payload,
        "confidence": result["watermark"]["confidence"],
        "matches_record": True,
    }
    assert result["sidecar"]["state"] == "matches"
    assert result["metadata"]["tags"] == "present"
    assert result["metadata"]["xmp_digital_source_type"].endswith("trainedAlgorithmicMedia")
    assert record["provenance"]["decoded_frames_sha256"] == result["decoded_frames_sha256"]


def test_manifest_has_the_assertions_of_the_issue(sealed, home):
    import c2pa

    clip, record, payload = sealed
    with c2pa.Reader(str(clip)) as reader:
        active = reader.get_active_manifest()
    by_label = {a["label"]: a["data"] for a in active["assertions"]}
    actions = by_label["c2pa.actions.v2"]["actions"]
    created = next(a for a in actions if a["action"] == "c2pa.created")
    assert created["digitalSourceType"].endswith("/trainedAlgorithmicMedia")
    assert created["softwareAgent"]["name"] == "vidgen"
    assert any(a["action"] == "c2pa.watermarked" for a in actions)
    assert by_label["c2pa.soft-binding"]["blocks"][0]["value"] == payload
    assert by_label["cawg.training-mining"]["entries"]["cawg.ai_training"]["use"] == "notAllowed"
    assert by_label["org.vidgen.record"]["record_id"] == record["record_id"]


def test_unknown_signer_is_valid_untrusted_not_tampered(sealed, home, tmp_path):
    clip, _, _ = sealed
    other_home = tmp_path / "elsewhere"  # another machine: our CA is not its trust anchor
    result = verify_clip(clip, home=other_home)
    assert result["manifest"]["state"] == "valid-untrusted"
    assert result["status"] == "intact"
    assert any("trust" in p for p in result["problems"])


# ---- tampering ------------------------------------------------------------------------------


def _box(clip: Path, kind: bytes, uuid: bytes | None = None):
    return next(b for b in top_level_boxes(clip) if b[0] == kind and (uuid is None or b[3] == uuid))


def _flip(clip: Path, offset: int) -> None:
    data = bytearray(clip.read_bytes())
    data[offset] ^= 0x01
    clip.write_bytes(bytes(data))


def test_one_byte_flipped_in_video_data_is_tampered(sealed, home):
    clip, _, _ = sealed
    _, offset, size, _ = _box(clip, b"mdat")
    _flip(clip, offset + size // 2)
    result = verify_clip(clip)
    assert result["manifest"]["state"] == "tampered"
    assert any("bmffHash" in f for f in result["manifest"]["failures"])
    assert result["sidecar"]["state"] == "differs"  # the decoded frames changed too
    assert result["status"] == "tampered" and result["exit_code"] == 1


def test_one_byte_flipped_in_the_manifest_is_tampered(sealed, home):
    clip, record, _ = sealed
    _, offset, size, _ = _box(clip, b"uuid", C2PA_UUID)
    data = clip.read_bytes()
    # flip a byte of the embedded record's prompt: meaningful, and inside a hashed assertion
    where = data.index(record["prompt"].encode(), offset, offset + size)
    _flip(clip, where + 3)
    result = verify_clip(clip)
    assert result["manifest"]["state"] == "tampered", result["manifest"]
    assert result["status"] == "tampered" and result["exit_code"] == 1


def test_remux_strips_manifest_but_watermark_keeps_payload(sealed, home, tmp_path):
    clip, _, payload = sealed
    stripped = tmp_path / "stripped.mp4"
    subprocess.run(
        [ffmpeg(), "-y", "-loglevel", "error", "-i", str(clip), "-map", "0", "-c", "copy"]
        + ["-map_metadata", "-1", str(stripped)],
        check=True,
    )
    result = verify_clip(stripped, sidecar_path=clip.with_suffix(".json"))
    assert result["manifest"]["state"] == "absent"
    assert result["watermark"]["state"] == "present"
    assert result["watermark"]["payload"] == payload
    assert result["sidecar"]["state"] == "matches"  # same video stream, same decoded frames
    assert result["status"] == "missing" and result["exit_code"] == 1


# ---- watermark robustness -------------------------------------------------------------------


def test_watermark_survives_crf28_half_size_and_80_percent_crop(tmp_path, home):
    # 81 frames of moderate texture, as a generated 832x480 clip. Full-contrast texture is
    # borderline here: 1 of 3 clips with this crop (3 of 3 with the benchmark's; see
    # BENCHMARKS.md: provenance), so it is not what this test pins down.
    frames = textured_frames(81, 480, 832, seed=1, contrast=0.4)
    marked, payload = mark_frames(frames, "robustness-record", ProvenanceOptions(sign=False))
    source = write_mp4(marked, tmp_path / "marked.mp4")
    attacked = reencode(
        source, tmp_path / "attacked.mp4", crf=28, vf="scale=416:240,crop=332:192:29:23"
    )
    reading = _read(attacked)
    assert reading.present and reading.payload == payload  # all 64 bits, checksum verified
    assert reading.period == 64.0  # found at half the embedding scale


def test_watermark_survives_trimming_the_first_frames(big_frames, tmp_path, home):
    marked, payload = mark_frames(big_frames, "trim-record", ProvenanceOptions(sign=False))
    source = write_mp4(marked, tmp_path / "marked.mp4")
    reading = _read(reencode(source, tmp_path / "trimmed.mp4", crf=23, skip=12))
    assert reading.payload == payload


def test_real_unmarked_clips_read_as_absent(real_clips, home):
    for clip in sorted(real_clips.glob("*.mp4")):
        result = verify_clip(clip)
        if result["status"] == "unreadable":
            continue  # corrupted.mp4 is there to be unreadable
        assert result["watermark"] == {"state": "absent"}, clip
        assert result["manifest"]["state"] == "absent"


def test_unmarked_clips_read_as_absent(big_frames, tmp_path, home):
    for seed, frames in enumerate([big_frames, textured_frames(17, 64, 64, seed=5)]):
        clip = write_mp4(frames, tmp_path / f"plain{seed}.mp4")
        reading = _read(clip)
        assert not reading.present and reading.payload is None
        result = verify_clip(clip)
        assert result["watermark"] == {"state": "absent"}
        assert result["manifest"]["state"] == "absent"
        assert result["status"] == "missing"


def flat_scene_frames(count: int = 17, size: int = 64, background: int = 128) -> np.ndarray:
    """What the embedded shapes model makes: a flat background and one moving object."""
    import cv2

    frames = np.full((count, size, size, 3), background, np.uint8)
    for t, frame in enumerate(frames):
        center = (8 + (t * 40) // count, 12 + abs(t - count // 2) * 3)
        cv2.circle(frame, center, size // 8, (220, 50, 40), -1)
    return frames


@pytest.fixture(scope="module")
def small_marked(tmp_path_factory):
    frames = flat_scene_frames()
    marked, payload = mark_frames(frames, "small", ProvenanceOptions(sign=False))
    clip = write_mp4(marked, tmp_path_factory.mktemp("small") / "small.mp4")  # crf 18, as make
    return frames, marked, payload, clip


def test_default_model_size_reads_back_as_written(small_marked, home):
    frames, marked, payload, clip = small_marked
    assert 37.5 < _psnr(frames, marked) < 40.0  # the small-frame amplitude (about 38.5 dB)
    reading = _read(clip)
    assert reading.payload == payload and reading.scheme == "cycling"


@pytest.mark.parametrize("crf, skip", [(23, 0), (28, 0), (23, 3)], ids=["crf23", "crf28", "trim3"])
def test_default_model_size_survives_reencoding(small_marked, tmp_path, home, crf, skip):
    # a trim of 3 frames shifts which frame carries which quadrant of the tile
    _, _, payload, clip = small_marked
    reading = _read(reencode(clip, tmp_path / "attacked.mp4", crf=crf, skip=skip))
    assert reading.payload == payload


def busy_small_frames(seed: int = 1, amplitude: float = 40) -> np.ndarray:
    """Blotches that change every frame, as the shapes model often paints its backgrounds."""
    import cv2

    rng = np.random.default_rng(seed)
    frames = []
    for _ in range(17):
        noise = rng.normal(0, 1, (8, 8, 1)).astype(np.float32).repeat(3, axis=2)
        frames.append(150 + amplitude * cv2.resize(noise, (64, 64), interpolation=cv2.INTER_CUBIC))
    return np.clip(np.stack(frames), 0, 255).astype(np.uint8)


def test_busy_small_clip_stays_invisible_and_never_reads_a_wrong_payload(tmp_path, home):
    frames = busy_small_frames()
    payload = wm.payload_for("busy")
    fixed = wm.embed(frames, payload, target_rms=wm.SMALL_RMS)
    assert wm._own_margin(fixed, payload) < wm.SMALL_TARGET_Z  # the flat-clip strength is short
    adapted = wm.embed(frames, payload)
    # the self-check may raise the amplitude only up to SMALL_MAX_GAIN (visibility cap)
    floor = 20 * np.log10(255 / (wm.SMALL_RMS * wm.SMALL_MAX_GAIN)) - 1.0
    assert _psnr(frames, adapted) > max(floor, 37.5)
    # At that strength this busy clip may not carry the mark (then verify leans on the signed
    # manifest), but what it reads is the payload or nothing.
    assert _read(write_mp4(adapted, tmp_path / "busy.mp4")).payload in (payload, None)


def test_which_clips_get_a_mark():
    assert wm.can_mark(17, 64, 64) and wm.can_mark(8, 64, 96)  # the default model's size
    assert not wm.can_mark(7, 64, 64)  # the cycling scheme needs each quadrant twice
    assert wm.can_mark(2, 480, 832)  # the static scheme: every frame holds the whole tile
    assert not wm.can_mark(81, 32, 32)


def test_small_frames_cycle_the_quadrants_of_the_tile():
    a, b = (wm.pattern(wm.payload_for("p"), 64, 64, t) for t in (0, 1))
    assert not np.allclose(a, b)  # consecutive frames carry different chips...
    assert np.allclose(a, wm.pattern(wm.payload_for("p"), 64, 64, 4))  # ...with period 4
    big = [wm.pattern(wm.payload_for("p"), 480, 832, t) for t in (0, 1)]
    assert np.allclose(*big)  # large frames: the same mark in every frame


def test_convolutional_code_corrects_scattered_errors():
    from vidgen.provenance import wmcode

    rng = np.random.default_rng(0)
    bits = wmcode.bits_of(wm.payload_for("code"))
    soft = 2.0 * wmcode.encode(bits) - 1.0
    soft[rng.choice(wmcode.CODED_BITS, 20, replace=False)] *= -1  # 20 of 192 chips wrong
    assert (wmcode.decode(soft + rng.normal(0, 0.5, soft.shape)) == bits).all()


def test_noise_never_reads_as_a_payload():
    # the Viterbi decoder always finds some codeword; the gate and the CRC must reject it
    rng = np.random.default_rng(1)
    readings = [
        wmread._read_chips(rng.normal(0, 1, (16, 16)), 0.0, 64.0, "static") for _ in range(200)
    ]
    assert not any(r.present for r in readings)
    assert np.mean([r.code_z >= wmread.MIN_CODE_Z for r in readings]) < 0.1  # the gate alone


def test_mark_moves_luma_only_and_saturates_at_the_ends():
    frames = textured_frames(2, 240, 320, seed=4)
    frames[:, :40] = 0  # black and white bands: the mark must clip there, not wrap around
    frames[:, 40:80] = 255
    marked = wm.embed(frames, wm.payload_for("sat"))
    diff = marked.astype(int) - frames.astype(int)
    inside = (frames > 5).all(-1) & (frames < 250).all(-1)
    assert (diff[..., 0] == diff[..., 1])[inside].all() and (diff[..., 1] == diff[..., 2])[
        inside
    ].all()
    assert np.abs(diff).max() <= 12  # no wrap-around from uint8 overflow
    assert (marked[:, :40] <= 12).all() and (marked[:, 40:80] >= 243).all()


def _gray(frames: np.ndarray) -> list[np.ndarray]:
    import cv2

    return [cv2.cvtColor(f, cv2.COLOR_RGB2GRAY) for f in frames]


def test_reader_folds_one_period_once_it_reads_the_payload_surely(big_frames):
    marked = wm.embed(big_frames[:4], wm.payload_for("prune"))
    sure, unsure = wmread.Reader(), wmread.Reader()
    for index, (a, b) in enumerate(zip(_gray(marked), _gray(big_frames[:4]), strict=True)):
        sure.add(a, index)
        unsure.add(b, index)
    assert len(sure.folds) == 1 and sure.folds[0].period == 128.0
    assert len(unsure.folds) == 2  # nothing read yet: keep two candidate periods
    assert sure.read().payload == wm.payload_for("prune")


def test_reader_tries_only_the_schemes_a_frame_size_can_carry():
    # each candidate read is one more CRC trial on an unmarked clip: no needless ones
    small, large = wmread.Reader(), wmread.Reader()
    small.add(np.zeros((64, 64), np.float32), 0)
    large.add(np.zeros((480, 832), np.float32), 0)
    assert small.folds == [] and [c.period for c in small.cycles] == [64.0, 32.0]
    assert len(large.folds) == len(wmread.PERIODS) and large.cycles == []


def test_read_step_is_odd_so_every_frame_class_is_read():
    from vidgen.provenance.verify import read_step

    for total in (17, 81, 96, 200, 1000):
        step = read_step(total)
        assert step % 2 == 1
        assert {i % 4 for i in range(0, total, step)} == {0, 1, 2, 3}


def test_mark_is_invisible_at_about_42_db(big_frames):
    marked, _ = mark_frames(big_frames[:4], "psnr", ProvenanceOptions(sign=False))
    assert 41.0 < _psnr(big_frames[:4], marked) < 44.0


def test_payload_checksum_rejects_a_flipped_bit():
    payload = wm.payload_for("some-record")
    assert wm.payload_ok(payload)
    flipped = f"{int(payload, 16) ^ (1 << 20):016x}"
    assert not wm.payload_ok(flipped)


def _read(clip: Path) -> wmread.Reading:
    from vidgen.provenance.verify import read_watermark

    return read_watermark(clip)  # the frames verify reads, the way it reads them


def _psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 10 * np.log10(255.0**2 / mse)


# ---- keys -----------------------------------------------------------------------------------


def test_local_ca_is_created_once_with_private_keys_0600(home, caplog):
    from vidgen.provenance.keys import load_identity

    with caplog.at_level("WARNING", logger="vidgen"):
        first = load_identity()
        second = load_identity()
    announcements = [r for r in caplog.records if str(home) in r.getMessage()]
    assert len(announcements) == 1  # said where the keys went, once
    for name in ("c2pa-root-ca.key", "c2pa-signer.key"):
        assert stat.S_IMODE(os.stat(home / name).st_mode) == 0o600
    assert first.chain_pem == second.chain_pem and first.source == "local"


def _identity_in(home: str, queue) -> None:
    from vidgen.provenance.keys import load_identity

    identity = load_identity(home=home)
    queue.put((identity.chain_pem, identity.key_pem))


def test_ranks_starting_together_share_one_local_ca(tmp_path):
    import multiprocessing

    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    procs = [context.Process(target=_identity_in, args=(str(tmp_path / "h"), queue)) for _ in "ab"]
    for proc in procs:
        proc.start()
    results = [queue.get(timeout=60) for _ in procs]
    for proc in procs:
        proc.join()
    assert results[0] == results[1]  # same chain and key: no rank signs with a stale pair


def test_local_leaf_has_the_extensions_c2pa_requires(home):
    from cryptography import x509
    from cryptography.x509.oid import ExtendedKeyUsageOID

    from vidgen.provenance.keys import load_identity

    leaf, root = x509.load_pem_x509_certificates(load_identity().chain_pem)
    assert leaf.issuer == root.subject != leaf.subject
    basic = leaf.extensions.get_extension_for_class(x509.BasicConstraints)
    assert basic.value.ca is False
    usage = leaf.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical and usage.value.digital_signature
    eku = leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert ExtendedKeyUsageOID.EMAIL_PROTECTION in eku
    assert x509.ObjectIdentifier("1.3.6.1.5.5.7.3.36") in eku
    leaf.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
    leaf.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier)


def _user_chain(folder: Path) -> tuple[Path, Path, Path]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from vidgen.provenance.keys import make_chain

    root_key, leaf_key = (
        ec.generate_private_key(ec.SECP384R1()),
        ec.generate_private_key(ec.SECP384R1()),
    )
    root, leaf = make_chain(root_key, leaf_key, "Example Studio")
    pem = serialization.Encoding.PEM
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "chain.pem").write_bytes(leaf.public_bytes(pem) + root.public_bytes(pem))
    (folder / "root.pem").write_bytes(root.public_bytes(pem))
    (folder / "signer.key").write_bytes(
        leaf_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return folder / "chain.pem", folder / "signer.key", folder / "root.pem"


def test_user_supplied_chain_signs_and_verifies(tmp_path, home):
    cert, key, root = _user_chain(tmp_path / "user")
    opts = ProvenanceOptions(sign_cert=cert, sign_key=key)
    clip, _, _ = make_sealed(tmp_path, textured_frames(9, 64, 96), opts)
    assert not (home / "c2pa-signer.key").exists()  # no local CA made when the user signs
    untrusted = verify_clip(clip)
    assert untrusted["manifest"]["state"] == "valid-untrusted"
    trusted = verify_clip(clip, trust_anchors=[str(root)])
    assert trusted["manifest"]["state"] == "trusted"
    assert trusted["manifest"]["signer"] == "Example Studio signer"
    assert trusted["status"] == "intact"


@pytest.mark.parametrize(
    "break_it, message",
    [
        pytest.param(lambda c, k: c.write_text("not a cert"), "not a PEM certificate", id="cert"),
        pytest.param(lambda c, k: k.write_text("garbage"), "not an unencrypted PEM", id="key"),
        pytest.param(lambda c, k: c.unlink(), "cannot read the certificate", id="missing"),
    ],
)
def test_bad_key_or_certificate_gets_a_clear_error(tmp_path, home, break_it, message):
    from vidgen.provenance import prepare

    cert, key, _ = _user_chain(tmp_path / "user")
    break_it(cert, key)
    with pytest.raises(UsageError, match=message):
        prepare(ProvenanceOptions(sign_cert=cert, sign_key=key))


def test_key_of_another_certificate_is_refused(tmp_path, home):
    from vidgen.provenance import prepare

    cert, _, _ = _user_chain(tmp_path / "a")
    _, other_key, _ = _user_chain(tmp_path / "b")
    with pytest.raises(UsageError, match="does not belong"):
        prepare(ProvenanceOptions(sign_cert=cert, sign_key=other_key))


def test_no_sign_no_watermark_still_tags(tmp_path, home):
    opts = ProvenanceOptions(sign=False, watermark=False)
    clip, record, payload = make_sealed(tmp_path, textured_frames(9, 64, 64), opts)
    assert payload is None
    assert not any(b[3] == C2PA_UUID for b in top_level_boxes(clip))
    result = verify_clip(clip)
    assert result["manifest"]["state"] == "absent"
    assert result["metadata"]["tags"] == "present"
    # only a signed manifest vouches for a clip: unsigned is "missing", and says why
    assert result["status"] == "missing" and result["exit_code"] == 1
    assert result["problems"] == ["manifest absent (the record says it was made unsigned)"]


def test_watermark_off_but_signed_is_intact(tmp_path, home):
    opts = ProvenanceOptions(watermark=False)
    clip, _, _ = make_sealed(tmp_path, textured_frames(17, 64, 96), opts)
    result = verify_clip(clip)
    assert result["watermark"] == {"state": "absent"}
    assert result["status"] == "intact" and result["problems"] == []


@pytest.mark.parametrize("shape", [(2, 2), (2, 64), (64, 2), (1, 1)])
def test_a_sliver_of_a_clip_reads_as_unmarked_not_as_an_error(shape):
    frames = np.full((9, *shape), 128.0, dtype=np.float32)
    assert wmread.read_frames(list(frames)).payload is None


def test_payload_checksum_is_crc16_ccitt_false():
    from vidgen.provenance import wmcode

    assert wmcode.crc16(b"123456789") == 0x29B1  # the standard check value of CRC-16/CCITT-FALSE
