"""`vidgen verify` on the command line, and provenance on clips `vidgen make` writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from provenance_clips import make_sealed, textured_frames, write_mp4

from vidgen.cli import cli
from vidgen.provenance import ProvenanceOptions

SMALL = ["--frames", "9", "--height", "32", "--width", "32", "--steps", "2"]
MARKABLE = ["--frames", "17", "--height", "64", "--width", "64", "--steps", "2"]  # the default size


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_verify_exit_codes_and_one_line_per_clip(tmp_path, home):
    good, _, payload = make_sealed(tmp_path, textured_frames(17, 128, 192), ProvenanceOptions())
    plain = write_mp4(textured_frames(17, 128, 192, seed=4), tmp_path / "plain.mp4")
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\x00\x00\x00\x18ftypisom" + b"garbage" * 10)

    result = run("verify", str(good))
    assert result.exit_code == 0, result.output
    assert result.stdout.count("\n") == 1
    assert "intact" in result.stdout and payload in result.stdout

    assert run("verify", str(plain)).exit_code == 1
    assert run("verify", str(broken)).exit_code == 2
    mixed = run("verify", str(good), str(plain), str(broken))
    assert mixed.exit_code == 2  # the worst of the clips
    assert mixed.stdout.count("\n") == 3


def test_verify_json_schema(tmp_path, home):
    good, record, payload = make_sealed(
        tmp_path, textured_frames(17, 128, 192), ProvenanceOptions()
    )
    result = run("verify", "--json", str(tmp_path))  # a folder: every clip in it
    report = json.loads(result.stdout)
    assert report["schema"] == "vidgen.verify/1"
    assert report["counts"]["intact"] == 1 and report["exit_code"] == 0
    clip = report["clips"][0]
    assert clip["manifest"]["state"] == "trusted"
    assert clip["watermark"]["payload"] == payload
    assert clip["sidecar"]["state"] == "matches"


def test_verify_trust_flag_and_bad_trust_file(tmp_path, home):
    good, _, _ = make_sealed(tmp_path, textured_frames(17, 128, 192), ProvenanceOptions())
    not_pem = tmp_path / "nope.pem"
    not_pem.write_text("hello")
    result = run("verify", "--trust", str(not_pem), str(good))
    assert result.exit_code == 2
    assert "not a PEM certificate" in result.output
    assert "Traceback" not in result.output


def test_sidecar_edited_after_the_fact_differs(tmp_path, home):
    good, record, _ = make_sealed(tmp_path, textured_frames(17, 128, 192), ProvenanceOptions())
    record["seed"] = 8
    good.with_suffix(".json").write_text(json.dumps(record))
    result = run("verify", "--json", str(good))
    clip = json.loads(result.stdout)["clips"][0]
    assert clip["sidecar"]["state"] == "differs"
    assert "seed" in clip["sidecar"]["reason"]
    assert result.exit_code == 1


def test_make_bad_signing_key_fails_before_generating(tmp_path, home, tiny_wan_dir):
    key = tmp_path / "bad.key"
    key.write_text("not a key")
    cert = tmp_path / "cert.pem"
    cert.write_text("not a cert")
    result = run(
        "make", "-q", "--model", str(tiny_wan_dir), *SMALL, "-o", str(tmp_path / "out"),
        "--sign-cert", str(cert), "--sign-key", str(key), "a red ball",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "not a PEM certificate" in result.output
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.mp4"))


def test_made_clip_verifies_and_from_record_reproduces_it(tmp_path, home, tiny_wan_dir):
    made = run(
        "make", "-q", "--model", str(tiny_wan_dir), *MARKABLE, "--seed", "5",
        "-o", str(tmp_path), "a red ball falls",
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    clip = Path(made.stdout.strip())
    record = json.loads(clip.with_suffix(".json").read_text())
    prov = record["provenance"]
    assert prov["watermark"]["payload"] and prov["c2pa"]["signed"]
    assert record["model"]["weights_sha256"]
    assert record["attention"]["backend"]

    verified = run("verify", "--json", str(clip))
    assert verified.exit_code == 0, verified.output
    report = json.loads(verified.stdout)["clips"][0]
    assert report["watermark"]["payload"] == prov["watermark"]["payload"]
    assert report["manifest"]["state"] == "trusted"

    again = run("make", "-q", "--from-record", str(clip.with_suffix(".json")), "-o", str(tmp_path / "again.mp4"))  # fmt: skip
    assert again.exit_code == 0, again.output
    second = json.loads((tmp_path / "again.json").read_text())
    assert second["provenance"]["decoded_frames_sha256"] == prov["decoded_frames_sha256"]
    assert second["seed"] == 5 and second["prompt"] == "a red ball falls"


def test_clip_too_small_to_mark_is_signed_and_says_so(tmp_path, home, tiny_wan_dir):
    made = run("make", "-q", "--model", str(tiny_wan_dir), *SMALL, "-o", str(tmp_path), "a ball")
    assert made.exit_code == 0, made.output
    clip = Path(made.stdout.strip())
    assert json.loads(clip.with_suffix(".json").read_text())["provenance"]["watermark"] is None
    result = json.loads(run("verify", "--json", str(clip)).stdout)["clips"][0]
    assert result["manifest"]["state"] == "trusted"
    assert result["status"] == "intact"


def test_make_no_sign_no_watermark(tmp_path, home, tiny_wan_dir):
    made = run(
        "make", "-q", "--model", str(tiny_wan_dir), *SMALL, "--seed", "2", "-o", str(tmp_path),
        "--no-sign", "--no-watermark", "a ball",
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    clip = Path(made.stdout.strip())
    assert not (home / "c2pa-signer.key").exists()
    result = json.loads(run("verify", "--json", str(clip)).stdout)["clips"][0]
    assert result["manifest"]["state"] == "absent" and result["watermark"]["state"] == "absent"
    assert result["metadata"]["tags"] == "present"
    assert result["status"] == "missing"  # nothing signed vouches for it
    assert "made unsigned" in result["problems"][0]


@pytest.mark.parametrize(
    ("algorithm", "expected"),
    [("vidgen-ss-luma/1", "marked with vidgen-ss-luma/1"), (None, "too weak to read")],
)
def test_an_unread_mark_of_an_older_algorithm_is_named(algorithm, expected):
    from vidgen.provenance.seal import WATERMARK_ALG
    from vidgen.provenance.verify import _verdict

    mark = {"algorithm": algorithm or WATERMARK_ALG, "payload": "00" * 8}
    record = {"provenance": {"watermark": mark}}
    man = {"state": "trusted", "watermarked": True}
    verdict, reasons = _verdict(man, {"state": "absent"}, {"state": "matches"}, record)
    assert verdict == "intact"
    assert any(expected in reason for reason in reasons)
