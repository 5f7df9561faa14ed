"""Training smoke tests: a few steps at tiny size, in seconds. Full training never runs here."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import pytest

from vidgen.shapes_model import TINY_SIZES as TINY
from vidgen.shapes_model import latent_stats
from vidgen.train import (
    ClipSource,
    LatentCache,
    TrainConfig,
    export,
    set_latent_stats,
    train,
    transformer_lr,
)
from vidgen.train_objectives import (
    edge_loss,
    flow_matching_loss,
    latent_noise,
    latent_object_mask,
    noise_levels,
    resampled_latents,
    vae_loss,
    without_background,
)


@pytest.fixture(autouse=True)
def one_thread():
    """One torch thread: tiny ops gain nothing from two, and on a busy machine the second
    thread's spin-waiting makes them many times slower."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def tiny_config(tmp_path, **overrides) -> TrainConfig:
    base = dict(
        out_dir=str(tmp_path / "run"),
        sizes=TINY,
        width=32,
        height=32,
        frames=5,
        threads=1,
        vae_steps=2,
        vae_batch=2,
        vae_crop=16,
        stats_clips=16,
        steps=2,
        batch=4,
        cache_size=8,
        refresh_per_step=1,
        log_every=1,
        warmup=1,
    )
    base.update(overrides)
    return TrainConfig(**base)


def test_vae_and_flow_losses_go_down_on_a_fixed_batch(tmp_path):
    import torch

    from vidgen.shapes_model import build_components
    from vidgen.world import VOCABULARY

    torch.manual_seed(0)
    config = tiny_config(tmp_path, caption_dropout=0.0, full_pad_fraction=0.0)
    parts = build_components(VOCABULARY, TINY)
    x, captions = ClipSource(config, stream=9).draw(2)
    x = x[:, :, :, 8:24, 8:24]  # (2, 3, 5, 16, 16): the center, where the object mostly is

    vae = parts["vae"]
    opt = torch.optim.Adam(vae.parameters(), lr=3e-3)
    first = vae_loss(vae, x, config)[0].item()
    for _ in range(10):
        loss = vae_loss(vae, x, config)[0]
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert vae_loss(vae, x, config)[0].item() < 0.9 * first

    set_latent_stats(vae, config)
    with torch.no_grad():
        mean, std = latent_stats(vae)
        x0 = (vae.encode(x).latent_dist.mean - mean) / std
    nets = (parts["transformer"], parts["text_encoder"], parts["tokenizer"])
    params = list(nets[0].parameters()) + list(nets[1].parameters())
    opt = torch.optim.Adam(params, lr=3e-3)

    def fixed_loss():  # same noise and timesteps every time, so the numbers compare
        with torch.no_grad():
            return flow_matching_loss(*nets, x0, captions, config, torch.Generator().manual_seed(5))

    before = fixed_loss().item()
    for step in range(20):
        loss = flow_matching_loss(*nets, x0, captions, config, torch.Generator().manual_seed(step))
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert fixed_loss().item() < 0.9 * before


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


def test_transformer_lr_warms_up_then_decays_to_lr_final(tmp_path):
    config = tiny_config(tmp_path, lr=1e-3, lr_final=1e-4, warmup=10, steps=100)
    assert transformer_lr(config, 0) == pytest.approx(1e-4)  # warmup: 1/10 of the cosine start
    assert transformer_lr(config, 9) == pytest.approx(
        1e-4 + 9e-4 * 0.5 * (1 + math.cos(0.09 * math.pi))
    )
    assert transformer_lr(config, 50) == pytest.approx(5.5e-4)
    assert transformer_lr(config, 100) == pytest.approx(1e-4)
    constant = tiny_config(tmp_path, lr=1e-3, warmup=10, steps=100)
    assert transformer_lr(constant, 50) == transformer_lr(constant, 99) == 1e-3


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


@pytest.mark.parametrize("n", [3])
def test_latent_cache_refresh_replaces_entries(tmp_path, n):
    import torch

    from vidgen.shapes_model import build_vae

    torch.manual_seed(0)
    config = tiny_config(tmp_path, cache_size=4)
    cache = LatentCache(build_vae(TINY).eval(), config)
    cache.fill()
    before = cache.mu.clone()
    cache.refresh(n)
    changed = (cache.mu != before).flatten(1).any(dim=1)
    assert changed.sum().item() == n


def test_latent_object_mask_marks_the_object_not_the_background():
    import torch

    x0 = torch.zeros(2, 4, 3, 8, 8)
    x0[:, :, 1] += 5.0  # a whole frame shifted: a background change, not an object
    x0[0, :, 2, 2:4, 5:7] = 3.0  # a 2x2 object in clip 0, frame 2
    mask = latent_object_mask(x0)
    assert mask.shape == (2, 1, 3, 8, 8)
    assert mask[0, 0, 2, 2:4, 5:7].all() and mask.sum() == 4


def test_object_weight_changes_the_flow_loss_and_backpropagates(tmp_path):
    import torch

    from vidgen.shapes_model import build_components
    from vidgen.world import VOCABULARY

    torch.manual_seed(0)
    parts = build_components(VOCABULARY, TINY)
    x0 = torch.randn(2, TINY.vae_z_dim, 2, 4, 4) * 0.1
    x0[:, :, :, 1, 1] = 4.0
    captions = ["a red ball falls and bounces on a gray background"] * 2
    losses = {}
    for w in (0.0, 8.0):
        config = tiny_config(tmp_path, latent_object_weight=w)
        g = torch.Generator().manual_seed(1)
        loss = flow_matching_loss(
            parts["transformer"], parts["text_encoder"], parts["tokenizer"], x0, captions, config, g
        )
        losses[w] = loss.item()
        parts["transformer"].zero_grad()
        loss.backward()
        grads = [p.grad for p in parts["transformer"].parameters() if p.grad is not None]
        assert grads and any(grad.abs().sum() > 0 for grad in grads)
    assert losses[0.0] != pytest.approx(losses[8.0])


def test_without_background_drops_only_the_background_clause():
    assert without_background("a red ball falls and bounces on a gray background") == (
        "a red ball falls and bounces"
    )
    assert without_background("an orange square moves up on an orange background") == (
        "an orange square moves up"
    )
    assert without_background("a blue ball moves left") == "a blue ball moves left"


def test_edge_loss_prefers_a_sharp_square_to_a_blurred_one():
    import torch

    x = -torch.ones(1, 3, 1, 16, 16)
    x[..., 4:12, 4:12] = 1.0
    blurred = torch.nn.functional.avg_pool3d(x, (1, 3, 3), stride=1, padding=(0, 1, 1))
    assert edge_loss(x, x) == 0
    assert edge_loss(blurred, x) > edge_loss(0.9 * x, x) > 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--refit-vae"], "--refit-vae needs --init-from"),
        (["--init-from", ".", "--refit-vae", "--decoder-only"], "exclude each other"),
        (["--vae-full-every", "0"], "--vae-full-every"),
        (["--short-caption-fraction", "1.5"], "--short-caption-fraction"),
        (["--latent-object-weight", "-1"], "--latent-object-weight"),
        (["--uniform-time-fraction", "2"], "--uniform-time-fraction"),
        (["--vae-latent-noise", "0.3"], "--vae-latent-noise needs --decoder-only"),
        (["--resample-fraction", "0.5"], "--resample-fraction needs --decoder-only"),
        (["--resample-fraction", "2"], "--resample-fraction"),
        (["--init-from", ".", "--transformer-width", "64"], "need --fresh-transformer"),
        (["--transformer-width", "100"], "--transformer-width 100"),
        (["--frame-size", "88"], "--frame-size 88: must be a multiple of 16"),
        (["--frame-size", "16"], "--frame-size 16: smaller than the VAE's crop (32)"),
        (
            ["--init-from", ".", "--fresh-transformer", "--transformer-patch", "1", "5", "5"]
            + ["--frame-size", "96"],
            "transformer patch 1 5 5 (--transformer-patch or the --init-from folder's): must "
            "divide the latent grid 5x24x24 (T H W) of 96x96 frames",
        ),
        (
            ["--init-from", str(Path(__file__).parent)],
            "not a diffusers pipeline folder (no model_index.json)",
        ),
    ],
)
def test_train_shapes_refuses_bad_options_in_one_line(tmp_path, args, message):
    from click.testing import CliRunner

    from vidgen.cli import cli

    result = CliRunner().invoke(cli, ["train-shapes", "--out", str(tmp_path / "run"), *args])
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "run").exists()


def test_uniform_time_fraction_trains_the_noisiest_levels_sampling_starts_from():
    import torch

    from vidgen.train import TrainConfig

    def share_above(level: float, fraction: float) -> float:
        config = TrainConfig(uniform_time_fraction=fraction)
        s = noise_levels(20000, config, torch.Generator().manual_seed(0))
        assert float(s.min()) > 0 and float(s.max()) < 1
        return float((s > level).float().mean())

    # Logit-normal alone: about 1.2% of draws past s = 0.95. Half uniform: about 5.4%.
    assert share_above(0.95, 0.0) < 0.02
    assert share_above(0.95, 0.5) > 0.04


def test_latent_noise_is_per_clip_and_scaled_by_the_latents_std():
    from types import SimpleNamespace

    import torch

    torch.manual_seed(0)
    vae = SimpleNamespace(config=SimpleNamespace(latents_std=[2.0, 0.5]))
    z = torch.zeros(64, 2, 3, 8, 8)
    noise = latent_noise(z, vae, 0.4)
    per_clip = noise.std(dim=(2, 3, 4)) / torch.tensor([2.0, 0.5])  # (64, 2), in latent stds
    assert float(per_clip.max()) < 0.4 * 1.15  # at most `most` (sampling error aside)
    assert float(per_clip.min()) < 0.1  # some clips nearly clean ...
    assert float(per_clip[:, 0].std()) > 0.05  # ... levels differ from clip to clip
    assert torch.allclose(per_clip[:, 0], per_clip[:, 1], atol=0.08)  # one level per clip


def test_latent_noise_reaches_the_decoder_only_when_the_encoder_is_frozen(tmp_path):
    import torch

    from vidgen.shapes_model import build_components
    from vidgen.world import VOCABULARY

    vae = build_components(VOCABULARY, TINY)["vae"].eval()
    x = torch.rand(1, 3, 5, 32, 32) * 2 - 1
    config = tiny_config(tmp_path, vae_kl_weight=0.0)
    noisy = tiny_config(tmp_path, decoder_only=True, vae_latent_noise=5.0, vae_kl_weight=0.0)

    def rec(config, frozen):
        torch.manual_seed(0)
        with torch.no_grad():
            return vae_loss(vae, x, config, frozen)[1]

    assert torch.equal(rec(noisy, False), rec(config, False))  # the whole VAE: no noise
    assert not torch.allclose(rec(noisy, True), rec(config, True), atol=1e-3)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"profile": "full"}, "staged or simple"),
        ({"uniform_time_fraction": 1.5}, "--uniform-time-fraction"),
        ({"vae_latent_noise": 0.3}, "--vae-latent-noise needs --decoder-only"),
        ({"resample_fraction": 0.5}, "--resample-fraction needs --decoder-only"),
        ({"decoder_only": True, "resample_levels": (0.8, 0.2)}, "--resample-levels"),
        ({"decoder_only": True, "resample_levels": (0.0, 0.5)}, "--resample-levels"),
        ({"grow_layers": 2}, "--grow-layers needs --init-from"),
        ({"grow_layers": -1}, "--grow-layers must be 0 or more"),
        ({"fresh_transformer": True}, "--fresh-transformer needs --init-from"),
        ({"fresh_transformer": True, "grow_layers": 1, "init_from": "."}, "exclude each other"),
        ({"fresh_transformer": True, "refit_vae": True, "init_from": "."}, "exclude each other"),
        ({"sizes": dataclasses.replace(TINY, patch=(1, 3, 3))}, "latent grid 2x8x8"),
    ],
)
def test_train_config_refuses_bad_settings(tmp_path, overrides, message):
    from vidgen.errors import UsageError

    with pytest.raises(UsageError, match=message):
        tiny_config(tmp_path, **overrides)


def _tiny_pipeline_components(tmp_path):
    """Random tiny components with latent statistics, as a trained folder has them."""
    from vidgen.shapes_model import build_components
    from vidgen.world import VOCABULARY

    components = build_components(VOCABULARY, TINY)
    for name in ("vae", "transformer", "text_encoder"):
        components[name].eval()
    set_latent_stats(components["vae"], tiny_config(tmp_path))
    return components


def test_resampled_latents_start_from_the_clips_own_latents_and_use_the_transformer(tmp_path):
    import torch

    torch.manual_seed(0)
    components = _tiny_pipeline_components(tmp_path)
    x, captions = ClipSource(tiny_config(tmp_path), stream=9).draw(2)
    with torch.no_grad():
        encoded = components["vae"].encode(x).latent_dist.mean

    def resample(levels, seed=0):
        config = tiny_config(tmp_path, decoder_only=True, resample_levels=levels)
        return resampled_latents(
            components, x, captions, config, torch.Generator().manual_seed(seed)
        )

    nearly_clean = resample((1e-4, 1e-4))
    assert nearly_clean.shape == encoded.shape
    assert torch.allclose(nearly_clean, encoded, atol=1e-2)  # same latent space, un-normalized
    noisy = resample((0.8, 0.8))
    assert torch.equal(noisy, resample((0.8, 0.8)))  # the generator decides everything
    assert not torch.allclose(noisy, encoded, atol=1e-2)
    with torch.no_grad():
        for p in components["transformer"].proj_out.parameters():
            p.add_(0.5)
    assert not torch.allclose(resample((0.8, 0.8)), noisy, atol=1e-4)  # the transformer denoised


def test_decoder_finetune_decodes_resampled_latents_when_asked(tmp_path, monkeypatch):

    import vidgen.train as train_module

    calls = []

    def spy(components, x, captions, config, g):
        calls.append((x.shape, len(captions)))
        return resampled_latents(components, x, captions, config, g)

    monkeypatch.setattr(train_module, "resampled_latents", spy)
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


def test_transformer_sizes_from_the_command_line():
    from vidgen.errors import UsageError
    from vidgen.shapes_model import ModelSizes, transformer_sizes

    assert transformer_sizes(None, None, None) is None  # the recipe's own sizes
    sizes = transformer_sizes((1, 2, 2), 96, 4)
    assert (sizes.patch, sizes.dim, sizes.heads, sizes.ffn_dim, sizes.layers) == (
        (1, 2, 2),
        96,
        3,
        384,
        4,
    )
    assert sizes.vae_z_dim == ModelSizes().vae_z_dim  # the VAE's sizes stay
    with pytest.raises(UsageError, match="--transformer-width 100"):
        transformer_sizes(None, 100, None)


def test_frame_size_sets_the_training_frames_width_and_height(tmp_path, monkeypatch):
    from click.testing import CliRunner

    import vidgen.train
    from vidgen.cli import cli

    seen = []
    monkeypatch.setattr(vidgen.train, "train", lambda config: seen.append(config) or "ckpt")
    out = str(tmp_path / "run")
    result = CliRunner().invoke(cli, ["train-shapes", "--out", out, "--frame-size", "96"])
    assert result.exit_code == 0, result.output
    assert (seen[0].width, seen[0].height) == (96, 96)
    CliRunner().invoke(cli, ["train-shapes", "--out", out])
    assert (seen[1].width, seen[1].height) == (64, 64)  # the recipe's own


def test_vae_loss_decodes_the_latents_it_is_given(tmp_path):
    import torch

    from vidgen.shapes_model import build_components
    from vidgen.world import VOCABULARY

    vae = build_components(VOCABULARY, TINY)["vae"].eval()
    x = torch.rand(1, 3, 5, 32, 32) * 2 - 1
    given = torch.randn(1, TINY.vae_z_dim, 2, 8, 8)
    config = tiny_config(tmp_path, decoder_only=True)
    with torch.no_grad():
        rec = vae_loss(vae, x, config, True, latents=given)[1]
        assert torch.equal(rec, vae.decode(given).sample)


def test_resampled_latents_from_pure_noise_are_what_wan_pipeline_samples(tmp_path):
    import torch

    from vidgen.shapes_model import make_pipeline

    torch.manual_seed(0)
    components = _tiny_pipeline_components(tmp_path)
    x, captions = ClipSource(tiny_config(tmp_path), stream=9).draw(2)
    config = tiny_config(tmp_path, decoder_only=True, resample_levels=(1.0, 1.0), resample_steps=4)
    ours = resampled_latents(components, x, captions, config, torch.Generator().manual_seed(3))
    # The same noise: resampled_latents draws the level first, then the noise.
    g = torch.Generator().manual_seed(3)
    torch.rand(1, generator=g)
    noise = torch.randn(ours.shape, generator=g)
    pipe = make_pipeline(components)
    pipe.set_progress_bar_config(disable=True)
    theirs = pipe(
        captions,
        num_frames=5,
        height=32,
        width=32,
        num_inference_steps=4,
        guidance_scale=config.resample_guidance,
        latents=noise,
        output_type="latent",
    ).frames
    mean, std = latent_stats(components["vae"])
    assert torch.allclose((ours - mean) / std, theirs, atol=1e-4)
