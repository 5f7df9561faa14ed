"""`vidgen world --kinds`: a corpus whose violated clips carry only the named kinds.

A rule change aimed at one kind is judged on the dozen labels of it a 300-clip wild corpus
holds, where one clip more or less decides; a corpus of that kind alone gives it ten times
as many. Without --kinds a corpus is byte for byte what it was before the option existed.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest
from click.testing import CliRunner

from vidgen.cli import cli
from vidgen.world import random_scene
from vidgen.world.corpus import CorpusSpec, write_corpus
from vidgen.world.corpus_resume import settings_record
from vidgen.world.spec import scene_to_dict
from vidgen.world.violations import applicable_kinds

SMALL = ["--size", "64x48", "--frames", "9", "--fps", "8", "-q"]


def _run(*args):
    return CliRunner().invoke(cli, ["world", *args])


def test_every_violated_clip_carries_one_of_the_named_kinds(tmp_path):
    result = _run("--n", "8", "--out", str(tmp_path), "--seed", "2", "--violation-rate", "1",
                  "--kinds", "teleport, color_drift", *SMALL)  # fmt: skip
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in (tmp_path / "labels.jsonl").read_text().splitlines()]
    drawn = [v["kind"] for r in records for v in r["violations"]]
    assert len(drawn) == 8 and set(drawn) <= {"teleport", "color_drift"}
    assert set(drawn) == {"teleport", "color_drift"}  # both drawn, not just the first named


def test_a_wild_corpus_without_kinds_is_what_main_made_before_the_option(tmp_path):
    # sha256 of labels.jsonl computed at main 7f256f5, before --kinds (photos off, so the
    # corpus does not depend on ../shared); the full and simple profiles' draws are pinned
    # the same way in test_world_wild_motions.py.
    result = _run("--n", "3", "--out", str(tmp_path), "--seed", "2579", "--profile", "wild",
                  "--backgrounds", "none", *SMALL)  # fmt: skip
    assert result.exit_code == 0, result.output
    digest = hashlib.sha256((tmp_path / "labels.jsonl").read_bytes()).hexdigest()
    assert digest[:16] == "1b0c49890b551925"


def test_naming_every_kind_draws_the_same_scenes_as_naming_none():
    for index in range(6):
        rng_a, rng_b = np.random.default_rng([7, index]), np.random.default_rng([7, index])
        plain = random_scene(rng_a, profile="full", violation_rate=0.5)
        named = random_scene(rng_b, profile="full", violation_rate=0.5,
                             kinds=applicable_kinds("full"))  # fmt: skip
        assert scene_to_dict(plain) == scene_to_dict(named)


def test_a_corpus_without_kinds_keeps_its_settings_record():
    # An unfinished corpus started before --kinds existed is finished by the same command.
    record = settings_record(CorpusSpec(count=4, seed=3), None)
    assert "kinds" not in record
    assert settings_record(CorpusSpec(count=4, kinds=("split",)), None)["kinds"] == ["split"]


def test_a_kind_the_profile_lacks_is_a_one_line_error(tmp_path):
    out = tmp_path / "out"
    result = _run("--n", "2", "--out", str(out), "--profile", "simple",
                  "--violation-rate", "0.5", "--kinds", "through_floor", *SMALL)  # fmt: skip
    assert result.exit_code == 2
    assert "--kinds: 'through_floor' is no violation of --profile simple (--profile full or " in (
        result.output
    )
    result = _run("--n", "2", "--out", str(out), "--kinds", "color_switch", *SMALL)
    assert result.exit_code == 2 and "(--profile wild has it)" in result.output
    result = _run("--n", "2", "--out", str(out), "--kinds", "morph", *SMALL)
    assert result.exit_code == 2 and "'morph'" in result.output and "shape_morph" in result.output
    result = _run("--n", "2", "--out", str(out), "--kinds", ",", *SMALL)
    assert result.exit_code == 2 and "--kinds names no kind" in result.output
    assert not out.exists()  # refused before anything was written


def test_a_kind_named_twice_or_no_violated_clip_is_a_one_line_error(tmp_path):
    out = tmp_path / "out"
    result = _run("--n", "2", "--out", str(out), "--kinds", "teleport,teleport", *SMALL)
    assert result.exit_code == 2 and "names a kind twice" in result.output
    # The simple profile's clips carry no violation unless asked: --kinds would draw nothing.
    result = _run("--n", "2", "--out", str(out), "--profile", "simple", "--kinds", "teleport",
                  *SMALL)  # fmt: skip
    assert result.exit_code == 2 and "--violation-rate is 0" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not out.exists()


def test_kinds_the_clips_cannot_show_stop_with_a_one_line_error(tmp_path):
    # A vanish needs time to be gone and seen gone: a 1 s clip never lays one out.
    result = _run("--n", "1", "--out", str(tmp_path), "--violation-rate", "1",
                  "--kinds", "vanish", *SMALL)  # fmt: skip
    assert result.exit_code == 2
    assert "--kinds vanish: a 1 s scene" in result.output
    assert "name more kinds, or make the clips longer (--frames)" in result.output
    assert "internal error" not in result.output


class Stop(Exception):
    pass


def test_an_unfinished_corpus_is_not_finished_with_other_kinds(tmp_path):
    spec = CorpusSpec(count=3, width=64, height=48, fps=8, frames=9, seed=3, kinds=("teleport",))

    def stop(done: int, total: int) -> None:
        raise Stop

    with pytest.raises(Stop):
        write_corpus(spec, tmp_path, progress=stop)
    result = _run("--n", "3", "--out", str(tmp_path), "--seed", "3", *SMALL)
    assert result.exit_code == 2
    assert "unfinished corpus made with other settings (kinds)" in result.output
    assert "stopped with" not in result.output  # nothing made by the refused run
    again = _run("--n", "3", "--out", str(tmp_path), "--seed", "3", "--kinds", "teleport", *SMALL)
    assert again.exit_code == 0, again.output
