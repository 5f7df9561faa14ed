"""`vidgen world`: the corpus on disk, byte-identical labels by seed, and bad input -> exit 2."""

from __future__ import annotations

import json

import imageio.v2 as iio
import numpy as np
import pytest
from click.testing import CliRunner

from vidgen.cli import cli
from vidgen.world import BACKGROUND_COLORS, OBJECT_COLORS, random_scene, render_clip
from vidgen.world.corpus import CorpusSpec, write_corpus, write_mp4

SMALL = ["--size", "64x48", "--frames", "9", "--fps", "8", "-q"]


def _run(*args):
    return CliRunner().invoke(cli, ["world", *args])


def test_corpus_is_written_and_labels_are_byte_identical_by_seed(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    for out, seed in ((a, "4"), (b, "4"), (c, "5")):
        result = _run("--n", "4", "--out", str(out), "--seed", seed, *SMALL)
        assert result.exit_code == 0, result.output
        assert result.output.strip() == str(out / "labels.jsonl")
    labels = (a / "labels.jsonl").read_bytes()
    assert labels == (b / "labels.jsonl").read_bytes()
    assert labels != (c / "labels.jsonl").read_bytes()
    records = [json.loads(line) for line in labels.decode().splitlines()]
    assert len(records) == 4
    for rec in records:
        assert {"clip", "caption", "objects", "violations"} <= rec.keys()
        assert rec["objects"][0]["track"]["x"] and len(rec["objects"][0]["track"]["x"]) == 9
        frames = iio.mimread(a / rec["clip"])
        assert len(frames) == 9 and frames[0].shape == (48, 64, 3)
    assert not list(a.glob(".*"))  # no temporary files left behind


def test_existing_corpus_needs_overwrite(tmp_path):
    assert _run("--n", "1", "--out", str(tmp_path), *SMALL).exit_code == 0
    again = _run("--n", "1", "--out", str(tmp_path), *SMALL)
    assert again.exit_code == 2 and "--overwrite" in again.output
    assert _run("--n", "1", "--out", str(tmp_path), "--overwrite", *SMALL).exit_code == 0
    (tmp_path / "labels.jsonl").unlink()  # an interrupted run leaves clips without labels
    assert _run("--n", "1", "--out", str(tmp_path), *SMALL).exit_code == 2


@pytest.mark.parametrize(
    "args, needle",
    [
        pytest.param(["--n", "-1"], None, id="negative-count"),
        pytest.param(["--size", "63x48"], None, id="odd-size"),
        pytest.param(["--size", "8x8"], None, id="tiny-size"),
        pytest.param(["--size", "big"], None, id="not-a-size"),
        pytest.param(["--frames", "0"], None, id="no-frames"),
        pytest.param(["--fps", "0"], None, id="zero-fps"),
        pytest.param(["--violation-rate", "1.5"], None, id="rate-above-one"),
        pytest.param(["--profile", "weird"], None, id="unknown-profile"),
        pytest.param(["--n", "many"], None, id="count-not-a-number"),
        pytest.param(["--size", "4096x16", "--frames", "3"], "--size", id="too-wide"),
        pytest.param(["--size", "64x320"], "--size", id="too-tall"),
        pytest.param(["--fps", "0.01"], "--fps", id="too-long"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, args, needle):
    base = ["--n", "1", "--out", str(tmp_path / "out"), "--size", "64x48", "--frames", "9"]
    result = _run(*base, *args)
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("Error")]
    assert len(lines) == 1
    if needle is not None:  # the error names the flag to change
        assert needle in lines[0], lines[0]
    assert not (tmp_path / "out").exists()  # refused before anything is written


def test_overwrite_with_fewer_clips_leaves_no_stale_clips(tmp_path):
    assert _run("--n", "3", "--out", str(tmp_path), *SMALL).exit_code == 0
    assert _run("--n", "1", "--out", str(tmp_path), "--overwrite", *SMALL).exit_code == 0
    records = (tmp_path / "labels.jsonl").read_text().splitlines()
    clips = sorted(p.name for p in tmp_path.glob("clip_*.mp4"))
    assert clips == [json.loads(line)["clip"] for line in records] == ["clip_00000.mp4"]


def test_api_and_cli_write_the_same_labels(tmp_path):
    cli_out, api_out = tmp_path / "cli", tmp_path / "api"
    assert _run("--n", "2", "--out", str(cli_out), "--profile", "simple", *SMALL).exit_code == 0
    spec = CorpusSpec(count=2, width=64, height=48, fps=8.0, frames=9, profile="simple")
    assert spec.violation_rate == 0.0 and spec.fps == 8 and isinstance(spec.fps, int)
    assert CorpusSpec(count=1).violation_rate == 0.5  # the full profile's default
    write_corpus(spec, api_out)
    assert (api_out / "labels.jsonl").read_bytes() == (cli_out / "labels.jsonl").read_bytes()
    assert '"fps":8,' in (api_out / "labels.jsonl").read_text()
    direct = render_clip(random_scene(np.random.default_rng(0), profile="simple"), fps=8.0)
    assert direct.labels["fps"] == 8 and isinstance(direct.labels["fps"], int)


def test_unwritable_folder_exits_2(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = _run("--n", "1", "--out", str(blocker / "sub"), *SMALL)
    assert result.exit_code == 2
    assert result.output.startswith("Error: --out") and len(result.output.splitlines()) == 1


def test_named_colors_stay_distinct_after_h264(tmp_path):
    """Every object color, 14 px across on every background, decodes nearest to itself."""
    names = list(OBJECT_COLORS)
    palette = np.array([OBJECT_COLORS[n] for n in names], np.float32)
    for bg in BACKGROUND_COLORS.values():
        frame = np.empty((32, 16 * len(names) + 8, 3), np.uint8)
        frame[:] = bg
        for i, n in enumerate(names):
            frame[9:23, 4 + 16 * i : 18 + 16 * i] = OBJECT_COLORS[n]
        path = tmp_path / "colors.mp4"
        write_mp4(path, np.stack([frame] * 3), fps=8)
        decoded = iio.mimread(path)[1].astype(np.float32)
        for i, n in enumerate(names):
            patch = decoded[12:20, 7 + 16 * i : 15 + 16 * i].reshape(-1, 3).mean(axis=0)
            nearest = names[int(np.argmin(((palette - patch) ** 2).sum(axis=1)))]
            assert nearest == n, (bg, n, patch)
