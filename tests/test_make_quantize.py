"""`vidgen make --quantize`: torchao int8 weight-only runs on the CPU and is recorded; what
this machine cannot do (bitsandbytes, float8 without an fp8 GPU) is refused before loading."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from vidgen.cli import cli

SMALL = ["--frames", "9", "--height", "32", "--width", "32", "--steps", "2"]

pytest.importorskip("torchao", reason="--quantize int8 needs torchao (a vidgen dependency)")


def test_int8_weight_only_runs_and_is_recorded(tiny_wan_dir, tmp_path):
    from vidgen.generate import Request
    from vidgen.loading import RuntimeOptions, load_pipeline, resolve_model
    from vidgen.make import make_clip

    request = Request("a red ball", seed=3, frames=9, height=32, width=32, steps=2)
    runtime = RuntimeOptions(quiet=True, quantize="int8")
    quantized = make_clip(request, str(tiny_wan_dir), runtime, out=tmp_path)
    plain = make_clip(request, str(tiny_wan_dir), RuntimeOptions(quiet=True), out=tmp_path)
    assert quantized.record["runtime"]["quantize"] == "int8"
    assert quantized.record["record_id"] != plain.record["record_id"]  # other frames
    loaded = load_pipeline(resolve_model(str(tiny_wan_dir)), runtime)
    weight = loaded.pipe.transformer.blocks[0].attn1.to_q.weight
    assert type(weight).__name__ == "Int8Tensor"  # torchao's, put there by diffusers
    assert "transformer weights quantized: int8" in loaded.notes
    # Weight-only int8 of a tiny random model: near the float frames, not equal to them.
    difference = np.abs(quantized.generation.frames.astype(int) - plain.generation.frames)
    assert difference.mean() < 2.0


def test_quantize_is_remade_from_the_record(tiny_wan_dir, tmp_path):
    made = CliRunner().invoke(
        cli, ["make", "-q", "--model", str(tiny_wan_dir), *SMALL, "--quantize", "int8",
              "--seed", "5", "-o", str(tmp_path / "a"), "a ball"],
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    sidecar = Path(made.stdout.strip()).with_suffix(".json")
    again = CliRunner().invoke(
        cli, ["make", "--from-record", str(sidecar), "-o", str(tmp_path / "b")]
    )
    assert again.exit_code == 0, again.output
    assert (
        json.loads(Path(again.stdout.strip()).with_suffix(".json").read_text())["runtime"][
            "quantize"
        ]
        == "int8"
    )
    assert "decoded frames are identical to the recorded clip's" in again.stderr


@pytest.mark.parametrize(
    ("choice", "message"),
    [
        ("bnb-4bit", "--quantize bnb-4bit: bitsandbytes runs on CUDA GPUs only"),
        ("bnb-8bit", "--quantize bnb-8bit: bitsandbytes runs on CUDA GPUs only"),
        ("float8", "--quantize float8: needs a GPU of compute capability 8.9"),
    ],
)
def test_what_the_cpu_cannot_do_is_refused_before_loading(
    choice, message, tiny_wan_dir, tmp_path, monkeypatch
):
    import vidgen.loading

    loads = []
    monkeypatch.setattr(vidgen.loading, "_load_cached", lambda *a: loads.append(a))
    result = CliRunner().invoke(
        cli, ["make", "-q", "--model", str(tiny_wan_dir), *SMALL, "--quantize", choice,
              "-o", str(tmp_path), "a ball"],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "--quantize int8" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not loads


def test_a_batch_with_quantize_is_another_batch(tiny_wan_dir, tmp_path):
    prompts = tmp_path / "p.txt"
    prompts.write_text("a red ball\n")
    out = str(tmp_path / "batch")
    first = CliRunner().invoke(
        cli, ["make", "-q", "--model", str(tiny_wan_dir), *SMALL, "-o", out, str(prompts)]
    )
    assert first.exit_code == 0, first.output
    quantized = CliRunner().invoke(
        cli, ["make", "-q", "--model", str(tiny_wan_dir), *SMALL, "--quantize", "int8", "-o", out, str(prompts)]
    )  # fmt: skip
    assert quantized.exit_code == 2 and "made with other settings" in quantized.stderr
