"""`vidgen world` interrupted part-way keeps its clips, and the same command finishes the corpus."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from vidgen.cli import cli
from vidgen.world.corpus import CorpusSpec, write_corpus

SPEC = CorpusSpec(count=4, width=64, height=48, fps=8, frames=9, seed=3, profile="full")


class Stop(Exception):
    pass


def _stop_after(n: int):
    def progress(done: int, total: int) -> None:
        if done == n:
            raise Stop

    return progress


def test_an_interrupted_corpus_is_finished_by_the_same_call(tmp_path):
    whole, cut = tmp_path / "whole", tmp_path / "cut"
    write_corpus(SPEC, whole)
    with pytest.raises(Stop):
        write_corpus(SPEC, cut, progress=_stop_after(2))
    assert not (cut / "labels.jsonl").exists()  # never half a labels file
    assert sorted(p.name for p in cut.glob("clip_*.mp4")) == ["clip_00000.mp4", "clip_00001.mp4"]
    made = []
    write_corpus(SPEC, cut, progress=lambda done, total: made.append(done))
    assert made == [3, 4]  # the two kept clips were not made again
    assert (cut / "labels.jsonl").read_bytes() == (whole / "labels.jsonl").read_bytes()
    assert not list(cut.glob(".*"))  # no settings or partial labels left behind


def test_a_line_cut_mid_write_is_made_again(tmp_path):
    with pytest.raises(Stop):
        write_corpus(SPEC, tmp_path, progress=_stop_after(3))
    partial = tmp_path / ".labels.jsonl.partial"
    lines = partial.read_text().splitlines()
    partial.write_text(lines[0] + "\n" + lines[1] + "\n" + lines[2][:40])
    made = []
    write_corpus(SPEC, tmp_path, progress=lambda done, total: made.append(done))
    assert made == [3, 4]
    assert len((tmp_path / "labels.jsonl").read_text().splitlines()) == 4


def test_other_settings_do_not_continue_an_unfinished_corpus(tmp_path):
    with pytest.raises(Stop):
        write_corpus(SPEC, tmp_path, progress=_stop_after(1))
    small = ["--size", "64x48", "--frames", "9", "--fps", "8", "-q", "--n", "4"]
    result = CliRunner().invoke(cli, ["world", "--out", str(tmp_path), "--seed", "9", *small])
    assert result.exit_code == 2
    assert "unfinished corpus made with other settings (seed)" in result.output
    assert "--overwrite" in result.output
    again = CliRunner().invoke(cli, ["world", "--out", str(tmp_path), "--seed", "3", *small])
    assert again.exit_code == 0, again.output
    assert len((tmp_path / "labels.jsonl").read_text().splitlines()) == 4


def test_bad_input_leaves_nothing_to_continue(tmp_path):
    out = tmp_path / "out"
    args = ["world", "--out", str(out), "--n", "2", "--profile", "wild", "-q"]
    result = CliRunner().invoke(cli, [*args, "--backgrounds", str(tmp_path / "missing")])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert not (out / ".corpus-settings.json").exists()
