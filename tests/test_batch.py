"""Batches: mixed formats, resume after SIGKILL, torchrun sharding, best-of-K selection."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import imageio.v3 as iio
import pytest
from click.testing import CliRunner

from vidgen.cli import cli

SMALL = ["--frames", "9", "--height", "32", "--width", "32", "--steps", "2"]
BIN = Path(sys.executable).parent


def manifest_entries(folder: Path) -> list[dict]:
    return [json.loads(line) for line in (folder / "run.jsonl").read_text().splitlines()]


def clips_in(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.mp4"))


def leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if ".tmp" in p.name]


def invoke_make(model: Path, *args: str):
    """`vidgen make -q --model MODEL` at the tiny test size, in this process."""
    return CliRunner().invoke(cli, ["make", "-q", "--model", str(model), *SMALL, *args])


def vidgen_command() -> list[str]:
    script = BIN / "vidgen"
    return [str(script)] if script.exists() else [sys.executable, "-m", "vidgen"]


def subprocess_env() -> dict:
    return {**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"}


def test_ten_items_in_four_formats(tiny_wan_dir, tmp_path):
    files = {
        "a.txt": "# two prompts\na red ball falls\n\na blue square\n",
        "b.jsonl": '{"prompt": "a green ball", "seed": 11}\n{"prompt": "a ball", "frames": 13, "out": "named"}\n',
        "c.csv": "prompt,seed,size\na red cube,5,\na blue ball,,48x32\na ball,,\n",
        "d.yaml": "defaults:\n  steps: 1\nitems:\n  - a red ball\n  - prompt: a blue ball\n    seed: 2\n  - a cube\n",
    }
    made = 0
    for name, text in files.items():
        prompts = tmp_path / name
        prompts.write_text(text)
        out = tmp_path / f"out-{prompts.stem}"
        result = CliRunner().invoke(
            cli, ["make", "-q", "--model", str(tiny_wan_dir), *SMALL, "-o", str(out), str(prompts)]
        )
        assert result.exit_code == 0, result.output
        entries = manifest_entries(out)
        assert all(entry["status"] == "done" for entry in entries)
        made += len(clips_in(out))
    assert made == 10
    assert iio.imread(tmp_path / "out-b" / "named.mp4", plugin="pyav").shape == (13, 32, 32, 3)
    assert iio.imread(next((tmp_path / "out-c").glob("00003-*.mp4")), plugin="pyav").shape == (
        9,
        32,
        48,
        3,
    )
    assert next((tmp_path / "out-b").glob("00001-*.mp4")).name.endswith("-11.mp4")


def test_rerun_skips_and_a_failed_item_does_not_stop_the_rest(tiny_wan_dir, tmp_path):
    prompts = tmp_path / "p.jsonl"
    prompts.write_text(
        '{"prompt": "a ball"}\n{"prompt": "a cube", "out": "taken"}\n{"prompt": "a red ball"}\n'
    )
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "taken.mp4").write_bytes(b"someone else's")
    out = str(tmp_path / "out")
    args = ["make", "-q", "--model", str(tiny_wan_dir), *SMALL, "-o", out, str(prompts)]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 2  # the worst item: line 2 may not replace a file it did not make
    statuses = {e["line"]: e["status"] for e in manifest_entries(tmp_path / "out")}
    assert statuses == {1: "done", 2: "failed", 3: "done"}
    before = {p.name: p.stat().st_mtime_ns for p in clips_in(tmp_path / "out")}
    assert len(before) == 3  # two made, and the foreign file left alone
    again = CliRunner().invoke(cli, [*args, "--json"])
    outcomes = [json.loads(line) for line in again.stdout.splitlines()]
    assert [o["status"] for o in outcomes] == ["skipped", "failed", "skipped"]
    assert {p.name: p.stat().st_mtime_ns for p in clips_in(tmp_path / "out")} == before


def test_same_batch_seed_makes_the_same_clips(tiny_wan_dir, tmp_path):
    prompts = tmp_path / "p.txt"
    prompts.write_text("a ball\na cube\n")
    for name in ("one", "two"):
        CliRunner().invoke(
            cli,
            [
                "make",
                "-q",
                "--model",
                str(tiny_wan_dir),
                *SMALL,
                "-o",
                str(tmp_path / name),
                str(prompts),
            ],
        )
    names = [[p.name for p in clips_in(tmp_path / n)] for n in ("one", "two")]
    assert names[0] == names[1] and len(names[0]) == 2
    for a, b in zip(clips_in(tmp_path / "one"), clips_in(tmp_path / "two"), strict=True):
        assert (iio.imread(a, plugin="pyav") == iio.imread(b, plugin="pyav")).all()


def test_sigkill_midway_then_rerun_loses_and_duplicates_nothing(tiny_wan_dir, tmp_path):
    prompts = tmp_path / "p.txt"
    prompts.write_text("".join(f"prompt number {i}\n" for i in range(6)))
    out = tmp_path / "out"
    command = [
        *vidgen_command(),
        "make",
        "-q",
        "--model",
        str(tiny_wan_dir),
        *SMALL,
        "-o",
        str(out),
        str(prompts),
    ]
    process = subprocess.Popen(
        command, env=subprocess_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if (out / "run.jsonl").exists() and len((out / "run.jsonl").read_text().splitlines()) >= 2:
            break
        if process.poll() is not None:
            pytest.fail(f"batch ended before it could be killed: {process.stderr.read().decode()}")
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    killed_at = len(manifest_entries(out))
    assert 2 <= killed_at < 6
    done = subprocess.run(
        command, env=subprocess_env(), capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    latest = {e["id"]: e for e in manifest_entries(out)}
    assert len(latest) == 6 and all(e["status"] == "done" for e in latest.values())
    assert len(clips_in(out)) == 6 and len(list(out.glob("*.json"))) == 6
    assert not leftovers(out)
    made_twice = [
        e["id"]
        for e in manifest_entries(out)[killed_at:]
        if e["id"] in {x["id"] for x in manifest_entries(out)[:killed_at]}
    ]
    assert made_twice == []


def test_torchrun_two_processes_share_the_items(tiny_wan_dir, tmp_path):
    prompts = tmp_path / "six.txt"
    prompts.write_text("".join(f"a ball number {i}\n" for i in range(6)))
    out = tmp_path / "out"
    torchrun = BIN / "torchrun"
    launcher = (
        [str(torchrun)] if torchrun.exists() else [sys.executable, "-m", "torch.distributed.run"]
    )
    command = [
        *launcher, "--nproc-per-node", "2", "-m", "vidgen",
        "make", "--prompts", str(prompts), "-q", "--model", str(tiny_wan_dir), *SMALL, "-o", str(out),
    ]  # fmt: skip
    done = subprocess.run(
        command, env=subprocess_env(), capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    entries = manifest_entries(out)
    assert len(entries) == 6 and len({e["id"] for e in entries}) == 6
    by_pid: dict[int, set[int]] = {}
    for entry in entries:
        by_pid.setdefault(entry["pid"], set()).add(entry["line"])
    assert sorted(map(sorted, by_pid.values())) == [[1, 3, 5], [2, 4, 6]]
    assert len(clips_in(out)) == 6


def test_candidates_keep_the_best_scored_clip(tiny_wan_dir, tmp_path, monkeypatch):
    import vidgen.batch

    # Scores by seed, so the best is not the first candidate: the selection is what is tested.
    scores: dict[int, float] = {}

    def fake_judge(clip: Path) -> dict:
        seed = int(clip.stem.rsplit("-", 1)[1])
        scores[seed] = (seed % 97) / 97
        return {"verdict": "pass", "score": scores[seed], "events": 0, "error": None}

    monkeypatch.setattr(vidgen.batch, "judge", fake_judge)
    prompts = tmp_path / "p.jsonl"
    prompts.write_text('{"prompt": "a red ball"}\n{"prompt": "a cube", "out": "hero"}\n')
    out = tmp_path / "out"
    args = ["-o", str(out), "--candidates", "3", "--keep", "best", str(prompts)]
    result = CliRunner().invoke(cli, ["make", "-q", "--model", str(tiny_wan_dir), *SMALL, *args])
    assert result.exit_code == 0, result.output
    entries = manifest_entries(out)
    assert len(entries) == 2 and len(scores) == 6
    for entry in entries:
        seeds = [c["seed"] for c in entry["candidates"]]
        best_seed = max(seeds, key=lambda seed: (scores[seed], -seed))
        kept = Path(entry["path"])
        assert json.loads(kept.with_suffix(".json").read_text())["seed"] == best_seed
    assert sorted(p.name for p in clips_in(out))[-1] == "hero.mp4"
    assert len(clips_in(out)) == 2 and not list((out / ".candidates").glob("*.mp4"))


def test_check_records_a_real_verdict(tiny_wan_dir, tmp_path):
    prompts = tmp_path / "p.txt"
    prompts.write_text("a red ball\n")
    args = ["-o", str(tmp_path / "o"), "--check", "--json", str(prompts)]
    result = invoke_make(tiny_wan_dir, *args)
    (outcome,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert outcome["check"]["verdict"] in ("pass", "fail")  # a 9-frame clip is long enough to judge
    assert 0.0 <= outcome["check"]["score"] <= 1.0
    assert result.exit_code == {"pass": 0, "fail": 1}[outcome["check"]["verdict"]]
    again = invoke_make(tiny_wan_dir, *args)
    (skipped,) = [json.loads(line) for line in again.stdout.splitlines()]
    assert skipped["status"] == "skipped" and skipped["check"] == outcome["check"]
    assert again.exit_code == result.exit_code  # a re-run keeps the verdict and the exit code


def test_batch_never_replaces_a_file_it_did_not_make(tiny_wan_dir, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "hero.mp4").write_bytes(b"precious")
    prompts = tmp_path / "p.jsonl"
    prompts.write_text('{"prompt": "a ball", "out": "hero"}\n')
    args = ["make", "-q", "--model", str(tiny_wan_dir), *SMALL, "-o", str(out), str(prompts)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2 and (out / "hero.mp4").read_bytes() == b"precious"
    assert "--overwrite" in manifest_entries(out)[0]["error"]
    forced = CliRunner().invoke(cli, [*args, "--overwrite"])
    assert forced.exit_code == 0 and (out / "hero.mp4").read_bytes() != b"precious"


def test_rerun_with_other_settings_is_refused(tiny_wan_dir, tmp_path):
    prompts = tmp_path / "p.txt"
    prompts.write_text("a ball\n")
    base = [
        "make",
        "-q",
        "--model",
        str(tiny_wan_dir),
        "--height",
        "32",
        "--width",
        "32",
        "--steps",
        "2",
    ]
    first = CliRunner().invoke(
        cli, [*base, "--frames", "9", "-o", str(tmp_path / "o"), str(prompts)]
    )
    assert first.exit_code == 0
    other = CliRunner().invoke(
        cli, [*base, "--frames", "13", "-o", str(tmp_path / "o"), str(prompts)]
    )
    assert other.exit_code == 2 and "other settings" in other.stderr


def test_a_line_the_model_cannot_take_fails_before_any_clip(tiny_wan_dir, tmp_path):
    prompts = tmp_path / "p.jsonl"
    prompts.write_text('{"prompt": "a ball"}\n{"prompt": "a cube", "frames": 10}\n')
    out = tmp_path / "o"
    result = CliRunner().invoke(
        cli, ["make", "-q", "--model", str(tiny_wan_dir), *SMALL, "-o", str(out), str(prompts)]
    )
    assert result.exit_code == 2
    assert f"{prompts}:2: --frames 10" in result.stderr
    assert not out.exists()  # a refused batch leaves no empty folder behind


def test_an_item_another_process_is_making_is_left_to_it(tiny_wan_dir, tmp_path):
    """Two commands started independently over one folder split the items (per-item flock)."""
    import fcntl

    from vidgen.batch import CLAIMS_FOLDER
    from vidgen.promptfile import read_prompt_file

    prompts = tmp_path / "p.txt"
    prompts.write_text("a red ball\na blue ball\na green ball\n")
    out = tmp_path / "out"
    (out / CLAIMS_FOLDER).mkdir(parents=True)
    held = read_prompt_file(prompts)[1]
    with open(out / CLAIMS_FOLDER / f"{held.id}.lock", "a") as other_process:
        fcntl.flock(other_process, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = invoke_make(tiny_wan_dir, "-o", str(out), "--json", str(prompts))
    assert result.exit_code == 0, result.output
    outcomes = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["status"] for o in outcomes] == ["done", "busy", "done"]
    assert len(clips_in(out)) == 2
    # The holder is gone (its lock released): a re-run makes only the item it left.
    again = invoke_make(tiny_wan_dir, "-o", str(out), "--json", str(prompts))
    assert [json.loads(line)["status"] for line in again.stdout.splitlines()] == [
        "skipped",
        "done",
        "skipped",
    ]
    assert len(clips_in(out)) == 3


def test_manifest_reads_what_others_append_and_survives_a_cut_line(tmp_path):
    from vidgen.manifest import Manifest

    path = tmp_path / "run.jsonl"
    mine, other = Manifest(path), Manifest(path)
    other.append({"id": "a", "status": "done"})
    assert set(mine.latest()) == {"a"}
    other.append({"id": "b", "status": "done"})
    assert set(mine.latest()) == {"a", "b"}  # read incrementally, yet nothing missed
    with open(path, "a") as handle:  # a writer killed mid-line
        handle.write('{"id": "c", "sta')
    assert set(mine.latest()) == {"a", "b"}
    other.append({"id": "d", "status": "done"})  # must not be glued to the cut line
    assert set(mine.latest()) == {"a", "b", "d"}
    assert set(Manifest(path).latest()) == {"a", "b", "d"}
    assert path.read_text().count("\n") == 4


def test_an_item_finished_by_another_process_meanwhile_is_skipped(
    tiny_wan_dir, tmp_path, monkeypatch
):
    """The manifest is read again under the item's claim: an item another process finished
    after this run started is skipped, not made (or recovered) a second time."""
    import vidgen.batch

    prompts = tmp_path / "p.txt"
    prompts.write_text("a red ball\na blue ball\n")
    out = tmp_path / "out"
    first = invoke_make(tiny_wan_dir, "-o", str(out), str(prompts))
    assert first.exit_code == 0, first.output
    entries = (out / "run.jsonl").read_text().splitlines()
    (out / "run.jsonl").write_text(entries[0] + "\n")  # this run starts with line 1 done
    second_id = json.loads(entries[1])["id"]
    real_claim = vidgen.batch.claim

    def claim_after_the_other_process_finished(folder, item_id):
        if item_id == second_id:  # the other process records it just before we get here
            with open(out / "run.jsonl", "a") as handle:
                handle.write(entries[1] + "\n")
        return real_claim(folder, item_id)

    monkeypatch.setattr(vidgen.batch, "claim", claim_after_the_other_process_finished)
    again = invoke_make(tiny_wan_dir, "-o", str(out), "--json", str(prompts))
    statuses = [json.loads(line)["status"] for line in again.stdout.splitlines()]
    assert statuses == ["skipped", "skipped"]  # without the re-read: "done" (recovered)
    assert len((out / "run.jsonl").read_text().splitlines()) == 2
