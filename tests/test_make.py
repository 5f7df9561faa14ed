"""`vidgen make` on tiny random pipelines: files, determinism, and every bad input."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest
from click.testing import CliRunner

from vidgen.cli import cli

SMALL = ["--frames", "9", "--height", "32", "--width", "32", "--steps", "2"]


def run_make(*args: str, env: dict | None = None):
    return CliRunner().invoke(cli, ["make", "-q", *args], env=env)


def decode(path: Path) -> np.ndarray:
    return iio.imread(path, plugin="pyav")  # (T, H, W, 3)


@pytest.mark.parametrize(
    "fixture_name",
    ["tiny_wan_dir", "tiny_wan22_dir", "tiny_ltx_dir"],
    ids=["wan2.1", "wan2.2-ti2v", "ltx"],
)
def test_make_writes_playable_clip_and_record(fixture_name, request, tmp_path):
    model = request.getfixturevalue(fixture_name)
    result = run_make(
        "--model", str(model), *SMALL, "--seed", "3", "-o", str(tmp_path), "a red ball falls"
    )
    assert result.exit_code == 0, result.output
    clip = Path(result.stdout.strip())
    assert clip.parent == tmp_path and clip.name == "a-red-ball-falls-3.mp4"
    frames = decode(clip)
    assert frames.shape == (9, 32, 32, 3)
    record = json.loads(clip.with_suffix(".json").read_text())
    assert record["seed"] == 3 and record["prompt"] == "a red ball falls"
    assert record["frames"] == 9 and (record["height"], record["width"]) == (32, 32)
    assert record["model"]["pipeline_class"] in ("WanPipeline", "LTXPipeline")
    assert record["versions"]["diffusers"] and record["dtype"] == "float32"
    assert not list(tmp_path.glob(".*tmp*")), "temp files left behind"


def _make(model: Path, seed: int):
    from vidgen.generate import Request
    from vidgen.loading import RuntimeOptions
    from vidgen.make import make_clip

    request = Request("a blue square moves left", seed=seed, frames=9, height=32, width=32, steps=2)
    return make_clip(request, str(model), RuntimeOptions(quiet=True), out=None)


def test_same_seed_same_clip_and_other_seed_differs(tiny_wan_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    first, again, other = (_make(tiny_wan_dir, s) for s in (5, 5, 6))
    assert np.array_equal(first.generation.frames, again.generation.frames)
    assert not np.array_equal(first.generation.frames, other.generation.frames)
    # What a user gets, the decoded MP4 with its watermark, is identical too.
    assert np.array_equal(decode(first.path), decode(again.path))
    assert first.path != again.path  # the second clip did not overwrite the first
    # The default folder is outputs/DATE/ under the working directory.
    assert len(list((tmp_path / "outputs").glob("*/*.mp4"))) == 3


def test_existing_clip_is_never_overwritten(tiny_wan_dir, tmp_path):
    target = tmp_path / "clip.mp4"
    target.write_bytes(b"precious")
    result = run_make(
        "--model", str(tiny_wan_dir), *SMALL, "--seed", "1", "-o", str(target), "a ball"
    )
    assert result.exit_code == 0, result.output
    assert target.read_bytes() == b"precious"
    assert Path(result.stdout.strip()) == tmp_path / "clip-1.mp4"
    again = run_make(
        "--model",
        str(tiny_wan_dir),
        *SMALL,
        "--seed",
        "1",
        "-o",
        str(target),
        "--overwrite",
        "a ball",
    )
    assert again.exit_code == 0 and Path(again.stdout.strip()) == target
    assert decode(target).shape == (9, 32, 32, 3)


def test_json_output(tiny_wan_dir, tmp_path):
    result = run_make(
        "--model", str(tiny_wan_dir), *SMALL, "--seed", "9", "-o", str(tmp_path), "--json", "a ball"
    )
    payload = json.loads(result.stdout)
    assert payload["schema"] == "vidgen.make/1" and payload["seed"] == 9
    assert Path(payload["path"]).is_file() and payload["timings"]["generate_s"] > 0


def test_random_seed_is_recorded(tiny_wan_dir, tmp_path):
    result = run_make("--model", str(tiny_wan_dir), *SMALL, "-o", str(tmp_path), "--json", "a ball")
    payload = json.loads(result.stdout)
    assert isinstance(payload["seed"], int)
    assert Path(payload["path"]).name == f"a-ball-{payload['seed']}.mp4"


def test_unknown_words_are_named(tiny_wan_dir, tmp_path):
    result = CliRunner().invoke(
        cli,
        ["make", "--model", str(tiny_wan_dir), *SMALL, "-o", str(tmp_path), "a red zeppelin ball"],
    )
    assert result.exit_code == 0, result.output
    assert "zeppelin" in result.stderr and "wan2.1-t2v-1.3b" in result.stderr


def _declaring(tmp_path: Path, class_name: str) -> Path:
    folder = tmp_path / class_name
    folder.mkdir()
    (folder / "model_index.json").write_text(json.dumps({"_class_name": class_name}))
    return folder


def _pickled_copy(model: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "pickled"
    shutil.copytree(model, folder)
    for weights in (folder / "transformer").glob("*.safetensors"):
        weights.unlink()  # pickles beside safetensors are never loaded; alone they would be
    (folder / "transformer" / "diffusion_pytorch_model.bin").write_bytes(b"not really")
    return folder


def _blocked_out(tmp_path: Path) -> Path:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    return blocker / "sub"


BAD_INPUTS = [
    pytest.param(lambda m, t: [str(m), ""], "prompt is empty", id="empty-prompt"),
    pytest.param(lambda m, t: [str(t / "nope"), "x"], "does not exist", id="missing-folder"),
    pytest.param(
        lambda m, t: [str(t), "x"], "not a diffusers pipeline folder", id="not-a-pipeline"
    ),
    pytest.param(
        lambda m, t: ["someone/not-cached-model", "x"], "HF_HUB_OFFLINE", id="hub-offline"
    ),
    pytest.param(
        lambda m, t: [str(_declaring(t, "WanVideoToVideoPipeline")), "x"],
        "not a text-to-video",
        id="video-to-video",
    ),
    pytest.param(
        lambda m, t: [str(_declaring(t, "WanImageToVideoPipeline")), "x"],
        "pass --image PATH",
        id="image-to-video-without-image",
    ),
    pytest.param(lambda m, t: [str(_pickled_copy(m, t)), "x"], "--allow-pickle", id="pickle"),
    pytest.param(
        lambda m, t: [str(m), "--frames", "10", "x"], "nearest valid: 9 or 13", id="frames"
    ),
    pytest.param(lambda m, t: [str(m), "--height", "40", "x"], "--height 40", id="height"),
    pytest.param(lambda m, t: [str(m), "--width", "0", "x"], "--width 0", id="width"),
    pytest.param(lambda m, t: [str(m), "--steps", "-1", "x"], "--steps -1", id="steps"),
    pytest.param(lambda m, t: [str(m), "--guidance", "-2", "x"], "--guidance -2", id="guidance"),
    pytest.param(
        lambda m, t: [str(m), "--guidance", "nan", "x"], "--guidance nan", id="guidance-nan"
    ),
    pytest.param(lambda m, t: [str(m), "--device", "gpu", "x"], "--device gpu", id="device"),
    pytest.param(lambda m, t: [str(m), "--seed", "-4", "x"], "--seed -4", id="seed"),
    pytest.param(
        lambda m, t: [str(m), "-o", str(_blocked_out(t)), "x"], "cannot create", id="unwritable-out"
    ),
    pytest.param(
        lambda m, t: [str(m), "--offload", "model", "x"], "--offload model", id="offload-on-cpu"
    ),
]


@pytest.mark.parametrize(("make_args", "message"), BAD_INPUTS)
def test_bad_input_is_one_line_and_exit_2(make_args, message, tiny_wan_dir, tmp_path):
    args = make_args(tiny_wan_dir, tmp_path)
    model, rest = args[0], args[1:]
    result = CliRunner().invoke(
        cli,
        ["make", "-q", "--model", model, "--frames", "9", "--height", "32", "--width", "32", *rest],
    )
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    error_lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(error_lines) == 1 and error_lines[0].startswith("Error: ")
    assert "Traceback" not in result.output


def test_debug_shows_traceback(tmp_path):
    result = CliRunner().invoke(
        cli, ["make", "--model", str(tmp_path / "missing"), "x"], env={"VIDGEN_DEBUG": "1"}
    )
    assert result.exit_code != 0 and result.exception is not None
    assert type(result.exception).__name__ == "ModelError"


def test_default_model_missing_says_which_flag(monkeypatch, tmp_path):
    import vidgen.loading

    monkeypatch.setattr(vidgen.loading, "EMBEDDED_MODEL_DIR", tmp_path / "absent")
    result = run_make("a red ball")
    assert result.exit_code == 2 and "--model" in result.stderr


def test_installed_command_runs_in_a_subprocess(tiny_wan_dir, tmp_path):
    script = Path(sys.executable).parent / "vidgen"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "vidgen"]
    done = subprocess.run(
        [
            *command,
            "make",
            "-q",
            "--model",
            str(tiny_wan_dir),
            *SMALL,
            "-o",
            str(tmp_path),
            "a ball",
        ],
        capture_output=True,
        text=True,
        env={
            "HF_HUB_OFFLINE": "1",
            "PATH": "/usr/bin:/bin",
            "VIDGEN_HOME": os.environ["VIDGEN_HOME"],
        },
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert decode(Path(done.stdout.strip())).shape == (9, 32, 32, 3)


def test_first_block_cache_runs_and_is_recorded(tiny_wan_dir, tmp_path):
    args = [
        "--model",
        str(tiny_wan_dir),
        *SMALL,
        "--seed",
        "2",
        "-o",
        str(tmp_path),
        "--cache",
        "fbc",
    ]
    result = run_make(*args, "a red ball")
    assert result.exit_code == 0, result.output
    record = json.loads(Path(result.stdout.strip()).with_suffix(".json").read_text())
    assert record["runtime"]["cache"] == "fbc"
    assert decode(Path(result.stdout.strip())).shape == (9, 32, 32, 3)


def test_quiet_leaves_stderr_empty(tiny_wan_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("VIDGEN_HOME", str(tmp_path / "fresh-home"))  # first use creates keys
    result = run_make("--model", str(tiny_wan_dir), *SMALL, "-o", str(tmp_path), "a red zeppelin")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


@pytest.mark.parametrize(
    "args",
    [["--model", "{tmp}/nope"], ["--model", "{model}", "--frames", "10"]],
    ids=["missing-model", "frames-refused-after-loading"],
)
def test_a_refused_request_leaves_no_folder(args, tiny_wan_dir, tmp_path):
    args = [a.format(tmp=tmp_path, model=tiny_wan_dir) for a in args]
    out = tmp_path / "new" / "clips"
    result = CliRunner().invoke(cli, ["make", "-q", *args, "-o", str(out), "x"])
    assert result.exit_code == 2, result.output
    assert not (tmp_path / "new").exists()
