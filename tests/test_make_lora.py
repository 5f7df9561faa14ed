"""`vidgen make --lora`: a tiny peft LoRA on the tiny Wan transformer, through diffusers'
load_lora_weights/set_adapters; the record and the signed manifest name every LoRA."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from vidgen.cli import cli

SMALL = ["--frames", "9", "--height", "32", "--width", "32", "--steps", "2"]


def _frames(model: Path, loras=(), out: Path | None = None, seed: int = 3):
    from vidgen.generate import Request
    from vidgen.loading import RuntimeOptions
    from vidgen.make import make_clip

    request = Request(
        "a red ball", seed=seed, frames=9, height=32, width=32, steps=2, guidance=4.0,
        loras=tuple((str(path), scale) for path, scale in loras),
    )  # fmt: skip
    return make_clip(request, str(model), RuntimeOptions(quiet=True), out=out).generation.frames


def _plain_diffusers(model: Path, lora: Path, scale: float, seed: int = 3):
    import torch
    from diffusers import WanPipeline

    pipe = WanPipeline.from_pretrained(str(model), dtype=torch.float32)
    pipe.set_progress_bar_config(disable=True)
    pipe.load_lora_weights(str(lora.parent), weight_name=lora.name, adapter_name="style")
    pipe.set_adapters(["style"], [scale])
    video = pipe(
        prompt="a red ball", num_frames=9, height=32, width=32, num_inference_steps=2,
        guidance_scale=4.0, generator=torch.Generator("cpu").manual_seed(seed), output_type="np",
    ).frames[0]  # fmt: skip
    return (video * 255).astype(np.uint8)


def test_lora_changes_the_frames_and_scale_0_does_not(tiny_wan_dir, tiny_lora_file, tmp_path):
    base = _frames(tiny_wan_dir, out=tmp_path)
    styled = _frames(tiny_wan_dir, [(tiny_lora_file, 0.7)], out=tmp_path)
    assert not np.array_equal(base, styled)
    assert np.array_equal(styled, _plain_diffusers(tiny_wan_dir, tiny_lora_file, 0.7))
    assert np.array_equal(base, _frames(tiny_wan_dir, [(tiny_lora_file, 0.0)], out=tmp_path))
    # The adapter stays loaded in the cached pipeline, but a request without it is untouched.
    assert np.array_equal(base, _frames(tiny_wan_dir, out=tmp_path))


def test_two_loras_stack_and_each_is_recorded(tiny_wan_dir, tiny_lora_file, tmp_path):
    from tiny_pipelines import tiny_lora

    other = tiny_lora(tiny_wan_dir, tmp_path / "other", seed=1)
    result = CliRunner().invoke(
        cli, ["make", "-q", "--model", str(tiny_wan_dir), *SMALL, "--lora", f"{tiny_lora_file}:0.5",
              "--lora", str(other), "-o", str(tmp_path), "--seed", "1", "a ball"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    clip = Path(result.stdout.strip())
    record = json.loads(clip.with_suffix(".json").read_text())
    expected = [
        {"id": str(tiny_lora_file), "path": str(tiny_lora_file.resolve()), "scale": 0.5,
         "sha256": hashlib.sha256(tiny_lora_file.read_bytes()).hexdigest()},
        {"id": str(other), "path": str(other.resolve()), "scale": 1.0,
         "sha256": hashlib.sha256(other.read_bytes()).hexdigest()},
    ]  # fmt: skip
    assert record["loras"] == expected

    from vidgen.provenance.verify import signed_record

    assert signed_record(clip)["loras"] == expected  # in the C2PA manifest too

    again = CliRunner().invoke(
        cli, ["make", "--from-record", str(clip.with_suffix(".json")), "-o", str(tmp_path / "b")]
    )
    assert again.exit_code == 0, again.output
    assert "decoded frames are identical to the recorded clip's" in again.stderr
    other.write_bytes(tiny_lora(tiny_wan_dir, tmp_path / "third", seed=2).read_bytes())
    changed = CliRunner().invoke(
        cli, ["make", "-q", "--from-record", str(clip.with_suffix(".json")), "-o", str(tmp_path / "c")]
    )  # fmt: skip
    assert changed.exit_code == 2 and "LoRA files or scales differ" in changed.stderr


def test_prompt_file_lora_per_item(tiny_wan_dir, tiny_lora_file, tmp_path):
    prompts = tmp_path / "p.jsonl"
    prompts.write_text(
        json.dumps({"prompt": "a red ball", "seed": 3, "lora": f"{tiny_lora_file}:0.7"})
        + "\n"
        + json.dumps({"prompt": "a red ball", "seed": 3, "out": "plain"})
        + "\n"
    )
    result = CliRunner().invoke(
        cli, ["make", "-q", "--model", str(tiny_wan_dir), *SMALL, "-g", "4", "-o",
              str(tmp_path / "batch"), str(prompts)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    styled, plain = (
        json.loads(Path(p).with_suffix(".json").read_text()) for p in result.stdout.split()
    )
    assert [lora["scale"] for lora in styled["loras"]] == [0.7] and plain["loras"] == []
    assert styled["record_id"] != plain["record_id"]


def _pickled(tmp_path: Path, lora: Path) -> Path:
    path = tmp_path / "lora.bin"
    shutil.copy(lora, path)
    return path


BAD_LORAS = [
    pytest.param(lambda t, f: str(t / "gone.safetensors"), "no such file or folder", id="missing"),
    pytest.param(lambda t, f: str(_pickled(t, f)), "--allow-pickle", id="pickle"),
    pytest.param(lambda t, f: f"{f}:nan", "scale must be a finite number", id="scale-nan"),
    pytest.param(lambda t, f: "someone/no-such-lora", "HF_HUB_OFFLINE", id="hub-offline"),
    pytest.param(lambda t, f: str(t), "no .safetensors file", id="empty-folder"),
]


@pytest.mark.parametrize(("spec", "message"), BAD_LORAS)
def test_bad_lora_is_one_line_exit_2_before_loading(
    spec, message, tiny_wan_dir, tiny_lora_file, tmp_path, monkeypatch
):
    import vidgen.loading

    loads = []
    monkeypatch.setattr(vidgen.loading, "_load_cached", lambda *a: loads.append(a))
    folder = tmp_path / "empty"
    folder.mkdir()
    result = CliRunner().invoke(
        cli, ["make", "-q", "--model", str(tiny_wan_dir), *SMALL, "--lora",
              spec(folder, tiny_lora_file), "-o", str(tmp_path / "o"), "a ball"],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "--lora" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not loads


def test_a_lora_for_another_model_is_refused(tiny_ltx_dir, tiny_lora_file, tmp_path):
    result = CliRunner().invoke(
        cli, ["make", "-q", "--model", str(tiny_ltx_dir), *SMALL, "--lora", str(tiny_lora_file),
              "-o", str(tmp_path), "a ball"],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "--lora" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "the layers it adapts are not in this model's transformer" in result.stderr
    assert not list(tmp_path.glob("*.mp4"))


def test_allow_pickle_loads_a_pickled_lora(tiny_wan_dir, tiny_lora_file, tmp_path):
    import torch
    from safetensors.torch import load_file

    from vidgen.generate import Request
    from vidgen.loading import RuntimeOptions
    from vidgen.make import make_clip

    pickled = tmp_path / "lora.bin"
    torch.save(load_file(tiny_lora_file), pickled)
    request = Request(
        "a red ball", seed=3, frames=9, height=32, width=32, steps=2, guidance=4.0,
        loras=((str(pickled), 0.7),),
    )  # fmt: skip
    runtime = RuntimeOptions(quiet=True, allow_pickle=True)
    made = make_clip(request, str(tiny_wan_dir), runtime, out=tmp_path)
    styled = _frames(tiny_wan_dir, [(tiny_lora_file, 0.7)], out=tmp_path)
    assert np.array_equal(made.generation.frames, styled)


def test_manifest_says_what_the_clip_was_made_from():
    from vidgen.provenance.manifest import build_manifest

    def described(record: dict) -> str:
        actions = build_manifest(record, None, "t")["assertions"][0]["data"]["actions"]
        return actions[0]["description"]

    assert described({}) == "generated from a text prompt by a diffusion video model"
    both = described({"image": {"sha256": "a"}, "last_image": {"sha256": "b"}, "loras": [{}, {}]})
    assert "input image (first and last frames" in both and "with 2 LoRA adapters" in both


def test_wan22_a14b_gets_the_lora_on_both_experts(tmp_path):
    import torch
    from diffusers import WanPipeline
    from tiny_pipelines import tiny_lora, tiny_wan

    model = tiny_wan(tmp_path / "a14b", two_experts=True)
    lora = tiny_lora(model, tmp_path / "lora")
    ours = _frames(model, [(lora, 0.7)], out=tmp_path)
    assert not np.array_equal(ours, _frames(model, out=tmp_path))

    # As the diffusers docs load a LoRA into Wan 2.2 A14B: once per expert.
    pipe = WanPipeline.from_pretrained(str(model), dtype=torch.float32)
    pipe.set_progress_bar_config(disable=True)
    for second in (False, True):
        pipe.load_lora_weights(str(lora.parent), weight_name=lora.name, adapter_name="style",
                               load_into_transformer_2=second)  # fmt: skip
    pipe.set_adapters(["style"], [0.7])
    video = pipe(
        prompt="a red ball", num_frames=9, height=32, width=32, num_inference_steps=2,
        guidance_scale=4.0, generator=torch.Generator("cpu").manual_seed(3), output_type="np",
    ).frames[0]  # fmt: skip
    assert np.array_equal(ours, (video * 255).astype(np.uint8))
