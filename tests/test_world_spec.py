"""Scene specs: JSON round trips, re-rendering a corpus from its labels, bad specs -> exit 2."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from vidgen.cli import cli
from vidgen.errors import UsageError
from vidgen.world import VIOLATION_KINDS, random_scene, render_clip
from vidgen.world.spec import scene_from_dict, scene_to_dict
from vidgen.world.violations import applicable_kinds


def test_scenes_round_trip_through_json():
    rng = np.random.default_rng(2)
    for kind in VIOLATION_KINDS:
        profile = "full" if kind in applicable_kinds("full") else "wild"
        scene = random_scene(rng, profile=profile, violation=kind)
        again = scene_from_dict(json.loads(json.dumps(scene_to_dict(scene))))
        assert again == scene, kind


def test_a_corpus_re_renders_from_its_labels(tmp_path):
    small = ["--size", "64x48", "--frames", "9", "--fps", "8", "-q", "--seed", "3"]
    first = CliRunner().invoke(cli, ["world", "--n", "3", "--out", str(tmp_path / "a"), *small])
    assert first.exit_code == 0, first.output
    labels = tmp_path / "a" / "labels.jsonl"
    again = CliRunner().invoke(
        cli, ["world", "--scene", str(labels), "--out", str(tmp_path / "b"), *small]
    )
    assert again.exit_code == 0, again.output
    assert (tmp_path / "b" / "labels.jsonl").read_bytes() == labels.read_bytes()


def _spec(**change):
    obj = {"color": "red", "shape": "ball", "size": 0.1, "x": 0.5, "y": 0.5}
    obj.update(change.pop("obj", {}))
    spec = {"background": "white", "objects": [obj]}
    spec.update(change)
    return spec


def test_a_hand_written_spec_renders():
    clip = render_clip(scene_from_dict(_spec(obj={"shape": "circle"})))
    assert clip.caption == "a red ball stays still on a white background"


@pytest.mark.parametrize(
    "spec, needle",
    [
        pytest.param(_spec(obj={"color": "pink"}), "pink", id="color"),
        pytest.param(_spec(obj={"shape": "blob"}), "blob", id="shape"),
        pytest.param(_spec(obj={"wobble": 1}), "wobble", id="object-field"),
        pytest.param(_spec(obj={"size": "big"}), "size", id="not-a-number"),
        pytest.param(_spec(sky="blue"), "sky", id="scene-field"),
        pytest.param(_spec(background="plaid"), "plaid", id="background"),
        pytest.param(
            _spec(violations=[{"kind": "teleport", "object": 0, "t_start": 1.0}]),
            "dx",
            id="violation-params",
        ),
        pytest.param(
            _spec(violations=[{"kind": "vanish", "object": 4, "t_start": 1.0}]),
            "object 4",
            id="violation-object",
        ),
        pytest.param(_spec(noise="high"), "noise", id="noise-not-a-number"),
        pytest.param(_spec(pan=None), "pan", id="pan-null"),
        pytest.param(_spec(floor_y="low"), "floor_y", id="floor-not-a-number"),
        pytest.param(_spec(floor_visible="yes"), "floor_visible", id="floor-visible-not-a-flag"),
        pytest.param(_spec(obj={"gravity": "yes"}), "gravity", id="gravity-not-a-flag"),
        pytest.param(_spec(obj={"color": ["red"]}), "color", id="color-not-a-name"),
        pytest.param(_spec(obj={"x": float("nan")}), "x", id="nan"),
        pytest.param(_spec(seed=-1), "seed", id="negative-seed"),
        pytest.param(
            _spec(occluder={"kind": "wall", "color": "gray", "x0": "a", "y0": 0, "x1": 1, "y1": 1}),
            "x0",
            id="occluder-not-a-number",
        ),
        pytest.param(
            _spec(violations=[{"kind": "vanish", "object": 0, "t_start": "soon"}]),
            "t_start",
            id="t-start-not-a-number",
        ),
        pytest.param(
            _spec(
                violations=[
                    {"kind": "teleport", "object": 0, "t_start": 1, "params": {"dx": "a", "dy": 0}}
                ]
            ),
            "dx",
            id="param-not-a-number",
        ),
    ],
)
def test_bad_specs_name_the_field(tmp_path, spec, needle):
    with pytest.raises(UsageError, match=needle):
        scene_from_dict(spec)
    path = tmp_path / "scene.json"
    path.write_text(json.dumps(spec))
    result = CliRunner().invoke(cli, ["world", "--scene", str(path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert len(result.output.splitlines()) == 1 and needle in result.output


def test_unreadable_spec_exits_2(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    for path in (bad, tmp_path / "missing.json"):
        result = CliRunner().invoke(cli, ["world", "--scene", str(path), "--out", str(tmp_path)])
        assert result.exit_code == 2 and result.output.startswith("Error: --scene")
