"""Provenance layers on a sealed clip: sign and verify, tamper detection, and the layers one can
turn off. Clips come from provenance_clips.py, and every test uses its own VIDGEN_HOME.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from provenance_clips import (
    ffmpeg,
    make_sealed,
    textured_frames,
)

from vidgen.provenance import (
    ProvenanceOptions,
    verify_clip,
)
from vidgen.provenance.metadata import C2PA_UUID, top_level_boxes


@pytest.fixture
def sealed(tmp_path, home):
    frames = textured_frames(17, 128, 192, seed=2)
    return make_sealed(tmp_path, frames, ProvenanceOptions())


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


# ---- layers turned off ----------------------------------------------------------------------


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
