"""The training objectives and their inputs, one at a time: the losses, the noise levels, the
learning-rate schedule, the latent cache, and the transformer's own resampled latents."""

from __future__ import annotations

import math

import pytest
from tiny_training import tiny_config, tiny_pipeline_components

from vidgen.shapes_model import TINY_SIZES as TINY
from vidgen.shapes_model import latent_stats
from vidgen.train_config import TrainConfig
from vidgen.train_data import ClipSource, LatentCache
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
from vidgen.train_stages import set_latent_stats, transformer_lr

# Tiny torch ops gain nothing from a second thread (conftest.py, one_torch_thread).
pytestmark = pytest.mark.usefixtures("one_torch_thread")


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


def test_uniform_time_fraction_trains_the_noisiest_levels_sampling_starts_from():
    import torch

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


def test_resampled_latents_start_from_the_clips_own_latents_and_use_the_transformer(tmp_path):
    import torch

    torch.manual_seed(0)
    components = tiny_pipeline_components(tmp_path)
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


def test_resampled_latents_from_pure_noise_are_what_wan_pipeline_samples(tmp_path):
    import torch

    from vidgen.shapes_model import make_pipeline

    torch.manual_seed(0)
    components = tiny_pipeline_components(tmp_path)
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
