"""The training recipe end to end at tiny size, in seconds: train, resume, export, and each
way to start from a shipped folder. Full training never runs here."""

from __future__ import annotations

import dataclasses
import json

import pytest
from tiny_training import tiny_config

from vidgen.shapes_model import TINY_SIZES as TINY
from vidgen.train import export, train
from vidgen.train_objectives import (
    resampled_latents,
)

# Tiny torch ops gain nothing from a second thread (conftest.py, one_torch_thread).
pytestmark = pytest.mark.usefixtures("one_torch_thread")


def test_train_resumes_from_its_checkpoint_and_exports_a_pipeline(tmp_path, capsys):
    import numpy as np
    import torch
    from diffusers import WanPipeline

    config = tiny_config(tmp_path)
    ckpt = train(config)
    state = json.loads((ckpt / "state.json").read_text())
    assert state["stage"] == "transformer" and state["step"] == 2 and state["vae_step"] == 2
    assert state["cpu_seconds"] > 0

    # The same run, asked for one more step: it resumes, not restarts. A recipe setting
    # changed on the way is taken, and said.
    config = tiny_config(tmp_path, steps=3, profile="simple")
    ckpt = train(config)
    state = json.loads((ckpt / "state.json").read_text())
    assert state["step"] == 3 and state["config"]["profile"] == "simple"
    assert "resuming with profile=simple; the checkpoint was trained with profile=staged" in (
        capsys.readouterr().err
    )
    log = (tmp_path / "run" / "log.tsv").read_text().splitlines()
    assert [line.split("\t")[0] for line in log].count("dit") == 3

    folder = export(ckpt, tmp_path / "shapes-wan")
    assert not list(folder.rglob("*.bin"))
    record = json.loads((folder / "training_state.json").read_text())
    assert (record["step"], record["width"], record["height"], record["frames"]) == (3, 32, 32, 5)
    pipe = WanPipeline.from_pretrained(str(folder), local_files_only=True)
    pipe.set_progress_bar_config(disable=True)
    frames = pipe(
        "a blue square moves up on a gray background",
        height=32,
        width=32,
        num_frames=5,
        num_inference_steps=2,
        generator=torch.Generator().manual_seed(0),
        output_type="np",
    ).frames[0]
    assert frames.shape == (5, 32, 32, 3) and np.isfinite(frames).all()


def test_init_from_a_pipeline_folder_starts_at_the_transformer(tmp_path):
    config = tiny_config(tmp_path)
    folder = export(train(config), tmp_path / "first")
    second = tiny_config(tmp_path, out_dir=str(tmp_path / "second"), init_from=str(folder))
    state = json.loads((train(second) / "state.json").read_text())
    assert state["step"] == 2 and "vae" not in (tmp_path / "second" / "log.tsv").read_text()


def test_refit_vae_retrains_the_encoder_then_goes_on_from_the_folders_transformer(tmp_path):
    import torch
    from safetensors.torch import load_file

    folder = export(train(tiny_config(tmp_path)), tmp_path / "first")
    refit = train(
        tiny_config(
            tmp_path, out_dir=str(tmp_path / "refit"), init_from=str(folder), refit_vae=True
        )
    )
    stages = [
        line.split("\t")[0]
        for line in (tmp_path / "refit" / "log.tsv").read_text().split("\n")
        if line
    ]
    assert stages == ["vae", "vae", "dit", "dit"]
    name = "vae/diffusion_pytorch_model.safetensors"
    before, after = load_file(folder / name), load_file(refit / name)
    assert any(not torch.equal(before[k], after[k]) for k in before if k.startswith("encoder."))
    old_stats = json.loads((folder / "vae" / "config.json").read_text())["latents_mean"]
    new_stats = json.loads((refit / "vae" / "config.json").read_text())["latents_mean"]
    assert old_stats != new_stats  # the latent statistics were measured again


def test_decoder_only_keeps_the_encoder_and_export_takes_its_vae(tmp_path):
    import torch
    from safetensors.torch import load_file

    first = train(tiny_config(tmp_path))
    decoder = train(
        tiny_config(
            tmp_path,
            out_dir=str(tmp_path / "dec"),
            init_from=str(first),
            decoder_only=True,
            vae_latent_noise=0.3,
        )
    )
    assert json.loads((decoder / "state.json").read_text())["stage"] == "decoder"
    folder = export(first, tmp_path / "merged", vae_from=decoder)
    name = "vae/diffusion_pytorch_model.safetensors"
    a, d, m = (load_file(p / name) for p in (first, decoder, folder))
    assert all(torch.equal(a[k], d[k]) for k in a if k.startswith("encoder."))
    assert any(not torch.equal(a[k], d[k]) for k in a if k.startswith("decoder."))
    assert all(torch.equal(d[k], m[k]) for k in d)


def test_decoder_finetune_decodes_resampled_latents_when_asked(tmp_path, monkeypatch):
    import vidgen.train_stages as stages

    calls = []

    def spy(components, x, captions, config, g):
        calls.append((x.shape, len(captions)))
        return resampled_latents(components, x, captions, config, g)

    monkeypatch.setattr(stages, "resampled_latents", spy)
    first = train(tiny_config(tmp_path))
    dec = tiny_config(tmp_path, out_dir=str(tmp_path / "dec"), init_from=str(first))
    train(dataclasses.replace(dec, decoder_only=True, resample_fraction=1.0))
    # Every step, on whole clips at full size (what vae_loss does with them:
    # test_vae_loss_decodes_the_latents_it_is_given).
    assert calls == [((2, 3, 5, 32, 32), 2)] * 2


def test_deepen_transformer_adds_blocks_that_start_as_the_identity():
    import torch

    from vidgen.shapes_model import build_transformer, deepen_transformer

    torch.manual_seed(0)
    trained = build_transformer(TINY).eval()
    deeper = deepen_transformer(trained, 2).eval()
    assert deeper.config.num_layers == TINY.layers + 2
    x, t, text = torch.randn(2, 4, 2, 8, 8), torch.tensor([100.0, 900.0]), torch.randn(2, 7, 16)
    with torch.no_grad():
        assert torch.equal(trained(x, t, text)[0], deeper(x, t, text)[0])
    deeper.train()
    deeper(x, t, text)[0].pow(2).mean().backward()
    new = deeper.blocks[-1]
    assert new.attn1.to_out[0].weight.grad.abs().sum() > 0  # the new blocks learn


def test_grow_layers_trains_a_deeper_transformer_from_the_folder(tmp_path):
    first = train(tiny_config(tmp_path))
    grown = train(
        tiny_config(tmp_path, out_dir=str(tmp_path / "grown"), init_from=str(first), grow_layers=1)
    )
    config = json.loads((grown / "transformer" / "config.json").read_text())
    assert config["num_layers"] == TINY.layers + 1
    # the run's record names the sizes it trained, not the ones it was configured with
    recorded = json.loads((grown / "state.json").read_text())["config"]["sizes"]
    assert recorded["layers"] == TINY.layers + 1


def test_fresh_transformer_keeps_the_folders_vae(tmp_path):
    import torch
    from safetensors.torch import load_file

    first = train(tiny_config(tmp_path))
    sizes = dataclasses.replace(TINY, patch=(1, 1, 1))
    fresh = train(
        tiny_config(
            tmp_path,
            out_dir=str(tmp_path / "fresh"),
            init_from=str(first),
            fresh_transformer=True,
            sizes=sizes,
            steps=1,
        )
    )
    config = json.loads((fresh / "transformer" / "config.json").read_text())
    assert config["patch_size"] == [1, 1, 1]
    name = "vae/diffusion_pytorch_model.safetensors"
    before, after = load_file(first / name), load_file(fresh / name)
    assert all(torch.equal(before[k], after[k]) for k in before)
