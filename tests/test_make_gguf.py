"""`vidgen make --gguf FILE`: the tiny Wan transformer as a Q8_0 GGUF file, read by diffusers'
single-file loader; the record holds the file's hash, and bad files are refused before loading."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from vidgen.cli import cli

SMALL = ["--frames", "9", "--height", "32", "--width", "32", "--steps", "2"]

pytest.importorskip("gguf", reason="--gguf needs the gguf package (a vidgen dependency)")


@pytest.fixture(scope="module")
def tiny_gguf(tiny_wan_dir, tmp_path_factory) -> Path:
    from tiny_pipelines import tiny_wan_gguf

    return tiny_wan_gguf(tiny_wan_dir, tmp_path_factory.mktemp("gguf") / "tiny-q8_0.gguf")


def _plain_diffusers(model: Path, gguf_file: Path) -> np.ndarray:
    import torch
    from diffusers import GGUFQuantizationConfig, WanPipeline, WanTransformer3DModel

    transformer = WanTransformer3DModel.from_single_file(
        str(gguf_file), quantization_config=GGUFQuantizationConfig(compute_dtype=torch.float32),
        config=str(model), subfolder="transformer", torch_dtype=torch.float32,
    )  # fmt: skip
    pipe = WanPipeline.from_pretrained(str(model), transformer=transformer, dtype=torch.float32)
    pipe.set_progress_bar_config(disable=True)
    video = pipe(
        prompt="a red ball", num_frames=9, height=32, width=32, num_inference_steps=2,
        guidance_scale=4.0, generator=torch.Generator("cpu").manual_seed(3), output_type="np",
    ).frames[0]  # fmt: skip
    return (video * 255).astype(np.uint8)


def test_gguf_transformer_matches_diffusers_and_is_recorded(tiny_wan_dir, tiny_gguf, tmp_path):
    import hashlib

    from vidgen.generate import Request
    from vidgen.loading import RuntimeOptions, load_pipeline, resolve_model
    from vidgen.make import make_clip

    request = Request("a red ball", seed=3, frames=9, height=32, width=32, steps=2, guidance=4.0)
    runtime = RuntimeOptions(quiet=True, gguf=str(tiny_gguf))
    made = make_clip(request, str(tiny_wan_dir), runtime, out=tmp_path)
    assert np.array_equal(made.generation.frames, _plain_diffusers(tiny_wan_dir, tiny_gguf))
    digest = hashlib.sha256(tiny_gguf.read_bytes()).hexdigest()
    assert made.record["gguf"] == {"path": str(tiny_gguf.resolve()), "sha256": digest}
    loaded = load_pipeline(resolve_model(str(tiny_wan_dir)), runtime)
    kinds = {type(p).__name__ for p in loaded.pipe.transformer.parameters()}
    assert "GGUFParameter" in kinds  # the Q8_0 tensors stay quantized

    again = CliRunner().invoke(
        cli, ["make", "--from-record", str(made.record_path), "-o", str(tmp_path / "b")]
    )
    assert again.exit_code == 0, again.output
    assert "decoded frames are identical to the recorded clip's" in again.stderr


def _not_gguf(tmp_path: Path) -> Path:
    path = tmp_path / "fake.gguf"
    path.write_bytes(b"PK\x03\x04 not gguf")
    return path


BAD = [
    pytest.param(lambda t, g: ["--gguf", str(t / "gone.gguf")], "no such file", id="missing"),
    pytest.param(lambda t, g: ["--gguf", str(_not_gguf(t))], "not a GGUF file", id="not-gguf"),
    pytest.param(lambda t, g: ["--gguf", str(g), "--quantize", "int8"], "drop --quantize",
                 id="with-quantize"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "message"), BAD)
def test_bad_gguf_is_one_line_exit_2_before_loading(
    args, message, tiny_wan_dir, tiny_gguf, tmp_path, monkeypatch
):
    import vidgen.loading

    loads = []
    monkeypatch.setattr(vidgen.loading, "_load_cached", lambda *a: loads.append(a))
    result = CliRunner().invoke(
        cli, ["make", "-q", "--model", str(tiny_wan_dir), *SMALL, *args(tmp_path, tiny_gguf),
              "-o", str(tmp_path / "o"), "a ball"],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "--gguf" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not loads


def test_a_gguf_of_another_model_is_refused(tiny_ltx_dir, tiny_gguf, tmp_path):
    result = CliRunner().invoke(
        cli, ["make", "-q", "--model", str(tiny_ltx_dir), *SMALL, "--gguf", str(tiny_gguf),
              "-o", str(tmp_path), "a ball"],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "--gguf" in result.stderr and len(result.stderr.strip().splitlines()) == 1
