"""`vidgen check` end to end: exit codes, JSON schema, CSV, bad inputs, real clips."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import av
import numpy as np
import pytest
from click.testing import CliRunner
from test_background_model import clip as panned_texture_clip
from test_check_checkers import synth

from vidgen.cli import cli

REAL = Path(__file__).resolve().parents[2] / "shared" / "real-clips"
KEYS = {
    "schema",
    "clip",
    "frames",
    "fps",
    "width",
    "height",
    "verdict",
    "error",
    "checks",
    "events",
    "timings",
    "picture_fps",
    "segmented_by",
}
EVENT_KEYS = {
    "check",
    "kind",
    "frame",
    "end_frame",
    "time",
    "object",
    "severity",
    "bbox",
    "message",
}


def write_mp4(path: Path, frames, fps=16, rotate: int | None = None) -> Path:
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.height, stream.width = frames[0].shape[:2]
        stream.pix_fmt = "yuv420p"
        stream.options = {"crf": "18", "preset": "ultrafast"}
        for image in frames:
            container.mux(stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")))
        container.mux(stream.encode())
    return path


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    root = tmp_path_factory.mktemp("clips")
    good = write_mp4(root / "good.mp4", synth(n=24))
    bad = write_mp4(root / "vanish.mp4", synth(n=24, violation="vanish", at=12))
    short = write_mp4(root / "short.mp4", synth(n=4))
    (root / "zero.mp4").write_bytes(b"")
    (root / "text.mp4").write_text("not a video\n")
    (root / "empty").mkdir()
    return {"good": good, "bad": bad, "short": short, "root": root}


def run(*args):
    return CliRunner().invoke(cli, ["check", *map(str, args)])


def test_pass_and_fail_exit_codes(clips):
    assert run(clips["good"]).exit_code == 0
    result = run(clips["bad"])
    assert result.exit_code == 1
    assert "FAIL" in result.output and "object_permanence/vanish" in result.output
    assert run("--exit-zero", clips["bad"]).exit_code == 0


def test_json_has_exactly_the_schema_keys(clips):
    result = run("--json", clips["good"], clips["bad"])
    lines = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert len(lines) == 2
    for obj in lines:
        assert set(obj) == KEYS
        assert obj["schema"] == "vidgen.check/1"
        assert set(obj["checks"]) == {"identity_drift", "object_permanence", "physics_sanity"}
        for value in obj["checks"].values():
            assert {"verdict", "score", "events"} <= set(value) and 0 <= value["score"] <= 1
        assert set(obj["timings"]) == {"decode_s", "total_s"}
        assert (obj["width"], obj["height"], obj["frames"], obj["fps"]) == (320, 192, 24, 16.0)
    assert lines[0]["verdict"] == "pass" and lines[0]["events"] == []
    event = lines[1]["events"][0]
    assert set(event) == EVENT_KEYS and event["check"] == "object_permanence"


def test_csv_columns_fixed(clips, tmp_path):
    result = run(
        "--csv", tmp_path / "m", "--checks", "physics_sanity,identity_drift", clips["good"]
    )
    assert result.exit_code == 0
    rows = list(csv.reader((tmp_path / "m" / "good.csv").open()))
    assert rows[0][:2] == ["frame", "time"]
    assert rows[0][2:] == [
        "frame_similarity_first",
        "frame_similarity_prev",
        "color_change_max",
        "size_change_max",
        "warp_error",
        "accel_max",
    ] or rows[0][2:] == [
        "warp_error",
        "accel_max",
        "frame_similarity_first",
        "frame_similarity_prev",
        "color_change_max",
        "size_change_max",
    ]
    assert len(rows) == 25 and rows[1][0] == "0"


@pytest.mark.parametrize(
    "name,needle",
    [
        pytest.param("zero.mp4", "empty file", id="zero-byte"),
        pytest.param("text.mp4", "not a readable video", id="text-as-mp4"),
        pytest.param("empty", "no video files", id="empty-folder"),
        pytest.param("short.mp4", "needs at least 8 frames", id="too-short"),
        pytest.param("missing.mp4", "no such file", id="missing"),
    ],
)
def test_bad_inputs_exit_2_with_one_line(clips, name, needle):
    result = run(clips["root"] / name)
    assert result.exit_code == 2
    assert needle in result.output.replace("the checks need", "needs")
    assert "Traceback" not in result.output


def test_one_bad_clip_does_not_stop_the_others(clips):
    result = run("-j", "2", clips["root"] / "zero.mp4", clips["good"], clips["bad"])
    assert result.exit_code == 2  # the worst of 2 (error), 0 and 1
    assert "PASS" in result.output and "FAIL" in result.output and "empty file" in result.output
    assert "3 clips: 1 pass, 1 fail, 1 error" in result.output


def test_folder_and_glob(clips):
    result = run("--checks", "object_permanence", str(clips["root"] / "g*.mp4"))
    assert result.exit_code == 0 and "good.mp4" in result.output


def test_lpips_without_weights_is_a_clear_usage_error(clips, monkeypatch, tmp_path):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "no-torch-home"))
    result = run("--perceptual", "lpips", clips["good"])
    assert result.exit_code == 2
    assert "alexnet-owt-7be5be79.pth" in result.output and "--perceptual classical" in result.output


def test_rotated_clip_reads_upright(tmp_path):
    clip = REAL / "video_90.mov"
    if not clip.exists():
        pytest.skip("../shared/real-clips is absent")
    from checkers.video import frames, probe

    info = probe(clip)
    assert (info.width, info.height) == (320, 568) and info.rotation == 270
    for backend in ("decord", "pyav"):
        first = next(frames(probe(clip), backend=backend))
        assert first.image.shape[0] > first.image.shape[1]  # portrait
    result = run(clip)
    assert result.exit_code == 2 and "too short to judge: 3 frames" in result.output


@pytest.mark.parametrize("name", ["cockatoo.mp4", "flipping_a_pancake.mkv", "realshort.mp4"])
def test_real_clips_pass(name):
    clip = REAL / name
    if not clip.exists():
        pytest.skip("../shared/real-clips is absent")
    result = run("--json", clip)
    obj = json.loads(result.stdout.splitlines()[0])  # stderr may carry progress lines
    assert obj["verdict"] == "pass", obj["events"][:5]
    assert result.exit_code == 0


def test_corrupted_clip_says_where_decoding_stopped():
    clip = REAL / "corrupted.mp4"
    if not clip.exists():
        pytest.skip("../shared/real-clips is absent")
    result = run("--json", clip)
    assert result.exit_code == 2
    obj = json.loads(result.stdout.splitlines()[0])  # stderr may carry progress lines
    assert obj["verdict"] == "error" and "decoding stopped at frame" in obj["error"]
    stopped = int(obj["error"].split("decoding stopped at frame ")[1].split()[0])
    assert 0 < stopped < 50 and obj["frames"] == stopped
    assert "Traceback" not in result.output


def test_decode_backends_agree(clips):
    from checkers.video import frames, probe

    a = [f for f in frames(probe(clips["good"]), backend="decord")]
    b = [f for f in frames(probe(clips["good"]), backend="pyav")]
    assert len(a) == len(b) == 24
    assert np.allclose([f.time for f in a], [f.time for f in b], atol=1e-3)
    assert abs(a[5].image.astype(int) - b[5].image.astype(int)).mean() < 6


def test_check_never_imports_torch(clips):
    import subprocess
    import sys

    code = (
        "import sys; from click.testing import CliRunner; from vidgen.cli import cli; "
        f"r = CliRunner().invoke(cli, ['check', '-q', {str(clips['good'])!r}]); "
        "print(r.exit_code, sorted(m for m in ('torch', 'diffusers', 'transformers', 'lpips') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0 []", out.stdout + out.stderr


GEN = Path(__file__).resolve().parents[2] / "shared" / "gen-clips" / "clips"


def _verdict(path, backend):
    from checkers.runner import check_clip

    report = check_clip(path, backend=backend, features="classical")
    events = [(e.check, e.kind, e.frame, e.object) for e in report.events]
    return report.verdict, events


def test_decode_backends_give_the_same_verdicts(clips):
    # One decoder path: whichever backend decodes a clip, the judgement is the same.
    for name in ("good", "bad"):
        assert _verdict(clips[name], "decord") == _verdict(clips[name], "pyav")


@pytest.mark.parametrize(
    "name,verdict",
    [
        ("fetv_text2videozero_quantity_272.mp4", "fail"),
        # Each picture shown three times: judged as its pictures (checkers/cadence.py).
        ("animatediff_realisticvision_02.mp4", "pass"),
    ],
)
def test_decode_backends_give_the_same_verdicts_on_generated_clips(name, verdict):
    if not (GEN / name).exists():
        pytest.skip("../shared/gen-clips is absent")
    decord, pyav = _verdict(GEN / name, "decord"), _verdict(GEN / name, "pyav")
    assert decord == pyav and decord[0] == verdict


def test_perception_chooses_what_segments_a_textured_clip(clips, tmp_path, monkeypatch):
    for name in ("VIDGEN_PERCEPTION", "VIDGEN_BGMODEL"):  # the defaults, whatever the shell says
        monkeypatch.delenv(name, raising=False)
    textured = write_mp4(
        tmp_path / "textured.mp4", panned_texture_clip(16, lambda t: (60 + 8 * t, 90))
    )

    def segmented_by(*args):
        result = run("--json", "--checks", "physics_sanity", *args)
        assert result.exit_code in (0, 1), result.output
        return json.loads(result.output.splitlines()[0])["segmented_by"]

    assert segmented_by(textured) == "background model"
    assert segmented_by("--perception", "plain", textured) == "plain backdrop"
    assert segmented_by("--perception", "auto", clips["good"]) == "plain backdrop"
    result = run("--perception", "model", textured)
    assert result.exit_code == 2 and "--perception" in result.output
