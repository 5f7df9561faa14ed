"""`vidgen world --kinds`: a corpus whose violated clips carry only the named kinds.

A rule change aimed at one kind is judged on the dozen labels of it a 300-clip wild corpus
holds, where one clip more or less decides; a corpus of that kind alone gives it ten times
as many. Without --kinds a corpus is byte for byte what it was before the option existed.
"""

from __future__ import annotations

import json

import numpy as np
from click.testing import CliRunner

from vidgen.cli import cli
from vidgen.world import random_scene
from vidgen.world.corpus import CorpusSpec
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
    result = _run("--n", "2", "--out", str(tmp_path), "--profile", "simple",
                  "--kinds", "through_floor", *SMALL)  # fmt: skip
    assert result.exit_code == 2
    assert "--kinds: 'through_floor' is no violation of --profile simple; use any of" in (
        result.output
    )
    result = _run("--n", "2", "--out", str(tmp_path), "--kinds", "morph", *SMALL)
    assert result.exit_code == 2 and "'morph'" in result.output and "shape_morph" in result.output
    result = _run("--n", "2", "--out", str(tmp_path), "--kinds", ",", *SMALL)
    assert result.exit_code == 2 and "(none)" in result.output
    assert not (tmp_path / "labels.jsonl").exists()
