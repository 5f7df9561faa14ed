"""Fault injection (issue 20): each test is one item of the issue's list, and failed before it.

Nothing the user made is lost, every error comes before the wait, and verify trusts only
what it signed. Every test runs on the tiny pipelines of tiny_pipelines.py, offline.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from vidgen.cli import cli

SMALL = ["--frames", "9", "--height", "32", "--width", "32", "--steps", "2"]


def make(model: Path, *args: str):
    return CliRunner().invoke(cli, ["make", "--model", str(model), *SMALL, *args])


def error_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if "rror" in line]


# 1. Nothing the user made is ever lost.


def test_1_no_file_the_user_made_is_replaced(tiny_wan_dir, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    mine = out / "data.json"
    mine.write_text('{"mine": true}\n')
    shouting = out / "HERO.MP4"
    shouting.write_bytes(b"my own clip")
    prompts = tmp_path / "p.jsonl"
    prompts.write_text(
        '{"prompt": "a ball", "out": "data"}\n{"prompt": "a cube", "out": "hero.mp4"}\n'
    )
    result = make(tiny_wan_dir, "-o", str(out), str(prompts))
    assert result.exit_code == 2, result.output
    assert mine.read_text() == '{"mine": true}\n' and shouting.read_bytes() == b"my own clip"
    assert not (out / "hero.json").exists()  # it would be HERO.MP4's sidecar too
    failed = [line for line in result.stderr.splitlines() if ": failed: " in line]
    assert len(failed) == 2 and all("--overwrite" in line for line in failed)
    assert str(mine) in failed[0] and str(shouting) in failed[1]

    # Two items whose clips would share one sidecar are refused before any work.
    clash = tmp_path / "clash.jsonl"
    clash.write_text(
        '{"prompt": "a ball", "out": "clip.MP4"}\n{"prompt": "a cube", "out": "clip"}\n'
    )
    result = make(tiny_wan_dir, "-o", str(tmp_path / "o2"), str(clash))
    assert result.exit_code == 2 and "also used on line 1" in result.stderr
    assert not (tmp_path / "o2").exists()

    # A single clip takes the next free name, whatever the case of the file in the way.
    (tmp_path / "o3").mkdir()
    (tmp_path / "o3" / "Clip.JSON").write_text("notes")
    result = make(tiny_wan_dir, "-q", "-o", str(tmp_path / "o3" / "clip.mp4"), "a ball")
    assert result.exit_code == 0, result.output
    assert Path(result.stdout.strip()).name == "clip-1.mp4"
    assert (tmp_path / "o3" / "Clip.JSON").read_text() == "notes"


# 5. Leftovers: nothing a killed run leaves behind outlives the next run, or is taken for a clip.

_KILLED_MIDWAY = """
import os, signal, sys, time
from pathlib import Path
import vidgen.make
from vidgen.video import staged

def make_clip(request, model, runtime, out=None, **options):
    with staged(out) as temp:
        temp.write_bytes(b"half a clip")
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(60)

vidgen.make.make_clip = make_clip
sys.argv = ["vidgen", "make", "-q", "-o", sys.argv[1], "a ball"]
from vidgen.cli import main
main()
"""


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], check=True,
                          capture_output=True, text=True)  # fmt: skip
    return int(done.stdout)


def test_5_sigterm_and_kill_leave_nothing_and_temps_are_not_clips(tiny_wan_dir, tmp_path):
    # SIGTERM mid-write: handled like Ctrl-C, the temp file goes.
    killed = tmp_path / "killed"
    killed.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", _KILLED_MIDWAY, str(killed / "x.mp4")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 130 and "Interrupted." in done.stderr, done.stderr
    assert list(killed.iterdir()) == []

    # kill -9 skips every handler: the next single `make` in that folder cleans up.
    host = socket.gethostname().replace(".", "_")
    stale = tmp_path / f".old-clip.{host}-{_dead_pid()}.tmp.mp4"
    stale.write_bytes(b"left by kill -9")
    made = make(tiny_wan_dir, "-o", str(tmp_path), "--seed", "1", "a ball")
    assert made.exit_code == 0, made.output
    assert not stale.exists() and "removed .old-clip" in made.stderr
    clip = Path(made.stdout.strip())

    # check and verify read the same clips from a folder: every video suffix, no temp file.
    shutil.copy(clip, tmp_path / "copy.mkv")
    shutil.copy(clip, tmp_path / f".busy.{host}-{os.getpid()}.tmp.mp4")  # a live run's
    expected = [str(clip), str(tmp_path / "copy.mkv")]
    verified = CliRunner().invoke(cli, ["verify", "--json", str(tmp_path)])
    assert sorted(c["path"] for c in json.loads(verified.stdout)["clips"]) == sorted(expected)
    checked = CliRunner().invoke(cli, ["check", "--json", "-q", str(tmp_path)])
    lines = [json.loads(line) for line in checked.stdout.splitlines()]
    assert sorted(line["clip"] for line in lines) == sorted(expected)


# 2. verify trusts nothing it did not sign.


def test_2_every_edited_sidecar_field_is_named_and_from_record_refuses_it(tiny_wan_dir, tmp_path):
    made = make(tiny_wan_dir, "-q", "-o", str(tmp_path), "--seed", "4", "a ball")
    assert made.exit_code == 0, made.output
    clip = Path(made.stdout.strip())
    sidecar = clip.with_suffix(".json")
    record = json.loads(sidecar.read_text())
    record.update(steps=30, guidance=9.0, frames=81)
    record["model"]["hub_id"] = "Wan-AI/Wan2.1-T2V-1.3B-Diffusers"
    weights = record["model"]["weights_sha256"]
    first = sorted(weights)[0]
    weights[first] = "0" * 64
    sidecar.write_text(json.dumps(record))

    verified = CliRunner().invoke(cli, ["verify", "--json", str(clip)])
    assert verified.exit_code == 1, verified.output
    side = json.loads(verified.stdout)["clips"][0]["sidecar"]
    assert side["state"] == "differs"
    edited = ["frames", "guidance", "model.hub_id", f"model.weights_sha256.{first}", "steps"]
    assert sorted(side["fields"]) == edited
    assert "steps" in CliRunner().invoke(cli, ["verify", str(clip)]).stdout

    again = CliRunner().invoke(cli, ["make", "-q", "--from-record", str(sidecar), "-o", str(tmp_path / "again.mp4")])  # fmt: skip
    assert again.exit_code == 2, again.output
    assert len(error_lines(again)) == 1 and "steps" in again.stderr and "flags" in again.stderr
    assert not (tmp_path / "again.mp4").exists()


# 3 and 4. Every error that needs no weights comes before the wait, as one line with the fix.


def _file(tmp_path: Path) -> Path:
    path = tmp_path / "a-file"
    path.write_text("not a folder")
    return path


PRE_LOAD_FAULTS = [
    pytest.param(lambda t: ["--seed", "-1"], "--seed -1: must be between", id="seed"),
    pytest.param(lambda t: ["--frames", "0"], "--frames 0: must be a positive", id="frames-0"),
    pytest.param(lambda t: ["--height", "7"], "--height 7: WanPipeline needs a multiple of 16", id="height-7"),
    pytest.param(lambda t: ["--frames", "10001"], "use --frames 125 or fewer", id="frames-10001"),
    pytest.param(lambda t: ["--height", "100000"], "use --height 512 or less", id="height-100000"),
    pytest.param(lambda t: ["-o", str(t / "out" / "x.mkv")], "name the file x.mp4", id="mkv"),
    pytest.param(lambda t: ["-o", "/proc/x.mp4"], "--out /proc: cannot write files", id="proc"),
    pytest.param(lambda t: ["--device", "gpu"], "--device gpu: not a device name", id="device"),
    pytest.param(lambda t: ["--home", str(_file(t))], "VIDGEN_HOME", id="home-is-a-file"),
    pytest.param(lambda t: ["--home", "/proc/vidgen"], "or pass --no-sign", id="home-unwritable"),
    pytest.param(lambda t: ["--cwd", str(_file(t).parent)], "cannot create", id="default-out"),
    pytest.param(lambda t: ["--height", "256", "--width", "256"], "need at least", id="memory"),
]  # fmt: skip


@pytest.mark.parametrize(("fault", "message"), PRE_LOAD_FAULTS)
def test_3_4_errors_come_before_any_model_loads(
    fault, message, tiny_wan_dir, tmp_path, monkeypatch
):
    import vidgen.generate
    import vidgen.loading

    loads = []
    monkeypatch.setattr(vidgen.loading, "_load_cached", lambda *args: loads.append(args))
    monkeypatch.setattr(vidgen.generate, "memory_bytes", lambda: 2**20)  # a 1 MiB machine
    args = fault(tmp_path)
    if args[0] == "--home":
        monkeypatch.setenv("VIDGEN_HOME", args[1])
        args = []
    elif args[0] == "--cwd":
        monkeypatch.chdir(args[1])
        (Path(args[1]) / "outputs").write_text("a file where the default folder goes")
        args = []
    result = make(tiny_wan_dir, "-q", *args, "a ball")
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert len(error_lines(result)) == 1 and result.stderr.startswith("Error: ")
    assert "Traceback" not in result.output and not loads


def test_3_4_a_batch_checks_every_line_before_loading(tiny_wan_dir, tmp_path, monkeypatch):
    import vidgen.loading

    loads = []
    monkeypatch.setattr(vidgen.loading, "_load_cached", lambda *args: loads.append(args))
    prompts = tmp_path / "p.jsonl"
    prompts.write_text('{"prompt": "a ball"}\n{"prompt": "a cube", "frames": 10001}\n')
    batch = make(tiny_wan_dir, "-q", "-o", str(tmp_path / "b"), str(prompts))
    assert batch.exit_code == 2 and f"{prompts}:2: --frames 10001" in batch.stderr
    assert not loads
    negative = make(tiny_wan_dir, "-q", "--seed", "-1", "-o", str(tmp_path / "b"), str(prompts))
    assert negative.exit_code == 2 and "--seed -1" in negative.stderr and not loads


# 7. No silence: a loading line at once, plain progress lines in logs, [i/N] in batches.


def test_7_status_lines_without_carriage_returns(tiny_wan_dir, tmp_path):
    result = make(tiny_wan_dir, "-o", str(tmp_path), "a ball")  # stderr is not a terminal here
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert lines[0] == f"loading {tiny_wan_dir} (WanPipeline) ..."
    assert "\r" not in result.stderr and "denoising: step 2/2" in result.stderr

    prompts = tmp_path / "p.txt"
    prompts.write_text("a ball\na cube\n")
    batch = make(tiny_wan_dir, "-o", str(tmp_path / "batch"), str(prompts))
    assert batch.exit_code == 0, batch.output
    assert "[1/2] line 1: a ball" in batch.stderr and "[2/2] line 2: a cube" in batch.stderr
    assert batch.stderr.index("loading ") < batch.stderr.index("[1/2]")


def test_7_a_long_check_says_how_far_it_is(tmp_path, monkeypatch):
    import numpy as np

    from vidgen.commands.check import ClipProgress
    from vidgen.video import encode_mp4

    clip = tmp_path / "long.mp4"
    frames = np.zeros((40, 64, 96, 3), np.uint8)
    frames[:, 20:40, :, 0] = np.arange(40)[:, None, None] * 5  # something that changes
    encode_mp4(frames, 8, clip)
    # Stand-ins for a long clip: a check that says something at once and every frame.
    monkeypatch.setattr(ClipProgress, "QUIET_S", 0.0)
    monkeypatch.setattr(ClipProgress, "EVERY_S", 0.0)
    result = CliRunner().invoke(cli, ["check", "--features", "classical", str(clip)])
    assert f"checking {clip}: frame 40/40" in result.stderr, result.stderr
    assert "\r" not in result.stderr


# 6. A local model folder brings the defaults it was made for.


def test_6_a_copied_model_folder_keeps_its_own_defaults(tiny_wan_dir, tmp_path):
    folder = tmp_path / "my-model"
    shutil.copytree(tiny_wan_dir, folder)
    # What `vidgen train-shapes` writes: the frame it trained on, no sampling settings.
    (folder / "training_state.json").write_text(
        '{"step": 100, "width": 32, "height": 48, "frames": 5}'
    )
    result = CliRunner().invoke(cli, ["make", "-q", "--model", str(folder), "--json", "-o", str(tmp_path), "a ball"])  # fmt: skip
    assert result.exit_code == 0, result.output
    record = json.loads(Path(json.loads(result.stdout)["record"]).read_text())
    assert (record["width"], record["height"], record["frames"]) == (32, 48, 5)
    assert (record["fps"], record["steps"], record["guidance"]) == (8, 20, 3.0)  # the recipe's

    # A defaults file names them outright; flags still win.
    (folder / "vidgen.json").write_text('{"steps": 2, "guidance": 1.0, "fps": 12}')
    result = CliRunner().invoke(cli, ["make", "-q", "--model", str(folder), "--json", "--frames", "9", "-o", str(tmp_path), "a ball"])  # fmt: skip
    record = json.loads(Path(json.loads(result.stdout)["record"]).read_text())
    assert (record["steps"], record["guidance"], record["fps"], record["frames"]) == (2, 1.0, 12, 9)


# 4. Nothing quietly wrong: what used to pass unnoticed is refused or said.


def test_4_prompt_files_that_would_merge_prompts_are_refused(tmp_path):
    from vidgen.errors import UsageError
    from vidgen.promptfile import read_prompt_file

    unterminated = tmp_path / "p.csv"
    unterminated.write_text('prompt,seed\n"a red ball,1\na cube,2\n')
    with pytest.raises(UsageError, match=r"p\.csv:2: not valid CSV .* quote"):
        read_prompt_file(unterminated)
    indented = tmp_path / "p.yaml"
    indented.write_text("items:\n  - a red ball falls\n   - a blue square moves left\n")
    with pytest.raises(UsageError, match=r"p\.yaml:3: this '- ' item is indented deeper"):
        read_prompt_file(indented)
    quoted = tmp_path / "q.yaml"  # a prompt that really holds ' - ' still reads
    quoted.write_text("items:\n  - 'a ball - then\n    - a cube'\n")
    assert read_prompt_file(quoted)[0].prompt == "a ball - then - a cube"


def test_4_a_prompt_past_the_token_limit_is_said(tiny_wan_dir, tmp_path):
    result = make(tiny_wan_dir, "-o", str(tmp_path), "a red ball " * 200)
    assert result.exit_code == 0, result.output
    assert re.search(
        r"the prompt is 60\d tokens and WanPipeline reads the first 512", result.stderr
    )


def test_4_allow_pickle_loads_a_folder_that_mixes_formats(tiny_wan_dir, tmp_path):
    import torch
    from safetensors.torch import load_file

    folder = tmp_path / "mixed"
    shutil.copytree(tiny_wan_dir, folder)
    (weights,) = (folder / "transformer").glob("*.safetensors")
    torch.save(load_file(weights), folder / "transformer" / "diffusion_pytorch_model.bin")
    weights.unlink()
    result = make(folder, "-q", "--allow-pickle", "-o", str(tmp_path), "a ball")
    assert result.exit_code == 0, result.output


def test_4_weights_edited_in_place_are_hashed_again(tmp_path):
    from vidgen.provenance import record

    weights = tmp_path / "model" / "w.safetensors"
    weights.parent.mkdir()
    weights.write_bytes(b"original")
    before = record.weight_hashes(tmp_path / "model")
    stat = weights.stat()
    weights.write_bytes(b"tampered")  # same size
    os.utime(weights, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same mtime
    assert record.weight_hashes(tmp_path / "model") != before


def test_4_signing_keys_others_can_read_are_named(home, caplog):
    from vidgen.provenance.keys import LEAF_KEY, load_identity

    load_identity()  # creates the local CA, keys 0600
    (home / LEAF_KEY).chmod(0o644)
    with caplog.at_level("WARNING", logger="vidgen"):
        load_identity()
    assert f"{home / LEAF_KEY} is readable by other users (mode 0644)" in caplog.text
