"""The recipe's three stages (vidgen/train.py runs them in order): 1. the VAE (or its decoder
alone on a frozen encoder), 2. the latent statistics, 3. the transformer and text encoder with
rectified flow and EMA weights. Each stage steps until its budget, logs, and checkpoints
through the `save` it is given.
"""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path

from vidgen.train_checkpoint import log_step
from vidgen.train_config import TrainConfig
from vidgen.train_data import ClipSource, LatentCache
from vidgen.train_objectives import (
    flow_matching_loss,
    object_crops,
    resampled_latents,
    vae_loss,
)

# 1. VAE


def train_vae(
    components, config, state, optim_state, run: Path, clock, save, frozen_encoder: bool = False
):
    """Stage 1 (whole VAE), or the decoder finetune on a frozen encoder (frozen_encoder=True)."""
    import torch

    vae = components["vae"]
    source = ClipSource(config, stream=4 if frozen_encoder else 1)
    if frozen_encoder:
        vae.encoder.requires_grad_(False)
        vae.quant_conv.requires_grad_(False)
    trainable = [p for p in vae.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(trainable, lr=config.vae_lr, weight_decay=0.0)
    if optim_state.get("vae"):
        opt.load_state_dict(optim_state["vae"])
    g = torch.Generator().manual_seed(config.seed * 1000 + state["vae_step"])
    last_save, losses = time.monotonic(), []
    vae.train()
    while state["vae_step"] < config.vae_steps:
        step = state["vae_step"]
        x, captions = source.draw(config.vae_batch)
        latents = None
        # No draw when resampling is off: earlier seeded decoder runs reproduce.
        resample = frozen_encoder and config.resample_fraction > 0
        if resample and torch.rand(1, generator=g).item() < config.resample_fraction:
            # Whole clips at full size: the transformer samples whole clips.
            latents = resampled_latents(components, x, captions, config, g)
        else:
            # A single frame; the first chunk; two chunks; or the whole clip, so the causal
            # caches that carry each chunk into the next are trained the way generation uses
            # them.
            length = min((1, 5, 9, 17)[step % 4], config.frames)
            start = int(torch.randint(0, config.frames - length + 1, (1,), generator=g))
            x = x[:, :, start : start + length]
            if config.vae_crop and step % config.vae_full_every != 0:
                x = object_crops(x, config.vae_crop, g)
        lr = config.vae_lr * min(1.0, (step + 1) / 100)
        for group in opt.param_groups:
            group["lr"] = lr
        loss, _ = vae_loss(vae, x, config, frozen_encoder, latents)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trainable, 1.0)
        opt.step()
        state["vae_step"] += 1
        losses.append(loss.item())
        if state["vae_step"] % config.log_every == 0:
            log_step(
                run,
                "dec" if frozen_encoder else "vae",
                state["vae_step"],
                sum(losses) / len(losses),
                lr,
                clock,
            )
            losses = []
        if time.monotonic() - last_save > config.checkpoint_minutes * 60:
            save({"vae": opt.state_dict()})
            last_save = time.monotonic()
        if config.max_minutes and clock.run_minutes() > config.max_minutes:
            save({"vae": opt.state_dict()})
            return False
    if frozen_encoder:  # the decoder run ends here: keep its optimizer for a resume
        save({"vae": opt.state_dict()})
    vae.eval()
    return True


# 2. latent statistics


def set_latent_stats(vae, config: TrainConfig) -> None:
    import torch

    source = ClipSource(config, stream=2)
    means = []
    with torch.no_grad():
        for _ in range(max(1, config.stats_clips // 16)):
            x, _ = source.draw(16)
            means.append(vae.encode(x).latent_dist.mean)  # (16, z, t, h, w)
    z = torch.cat(means).transpose(0, 1).flatten(1)  # (z, N)
    vae.register_to_config(
        latents_mean=[round(v, 5) for v in z.mean(1).tolist()],
        latents_std=[round(v, 5) for v in z.std(1).clamp(min=1e-3).tolist()],
    )


# 3. transformer + text encoder


def _ema_params(transformer, text_encoder) -> dict:
    named = {f"transformer.{k}": v for k, v in transformer.state_dict().items()}
    named.update({f"text_encoder.{k}": v for k, v in text_encoder.state_dict().items()})
    return {k: v.detach().clone().float() for k, v in named.items()}


def transformer_lr(config: TrainConfig, step: int) -> float:
    """Linear warmup, then constant or (with lr_final) a cosine decay that ends at `steps`."""
    warm = min(1.0, (step + 1) / config.warmup)
    if config.lr_final is None:
        return config.lr * warm
    done = min(1.0, step / max(1, config.steps))
    cosine = 0.5 * (1 + math.cos(math.pi * done))
    return warm * (config.lr_final + (config.lr - config.lr_final) * cosine)


def train_transformer(components, config, state, optim_state, ema, run: Path, clock, save):
    import torch

    transformer, text_encoder = components["transformer"], components["text_encoder"]
    tokenizer, vae = components["tokenizer"], components["vae"]
    params = list(transformer.parameters()) + list(text_encoder.parameters())
    opt = torch.optim.AdamW(params, lr=config.lr, weight_decay=0.01, betas=(0.9, 0.99))
    if optim_state.get("transformer"):
        opt.load_state_dict(optim_state["transformer"])
    ema = ema or _ema_params(transformer, text_encoder)
    cache = LatentCache(vae, config)
    t0 = time.monotonic()
    cache.fill()
    print(
        f"latent cache: {config.cache_size} clips in {time.monotonic() - t0:.0f}s", file=sys.stderr
    )
    g = torch.Generator().manual_seed(config.seed * 1000 + 7 + state["step"])
    last_save, losses = time.monotonic(), []
    transformer.train()
    text_encoder.train()

    def checkpoint():
        save({"transformer": opt.state_dict()}, ema)

    while state["step"] < config.steps:
        step = state["step"]
        lr = transformer_lr(config, step)
        for group in opt.param_groups:
            group["lr"] = lr
        x0, captions = cache.sample(config.batch, g)
        loss = flow_matching_loss(transformer, text_encoder, tokenizer, x0, captions, config, g)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        with torch.no_grad():
            decay = min(config.ema_decay, (1 + step) / (10 + step))
            live = _ema_params(transformer, text_encoder)
            for k, v in live.items():
                ema[k].mul_(decay).add_(v, alpha=1 - decay)
        cache.refresh(config.refresh_per_step)
        state["step"] += 1
        losses.append(loss.item())
        if state["step"] % config.log_every == 0:
            log_step(run, "dit", state["step"], sum(losses) / len(losses), lr, clock)
            losses = []
        if time.monotonic() - last_save > config.checkpoint_minutes * 60:
            checkpoint()
            last_save = time.monotonic()
        if config.max_minutes and clock.run_minutes() > config.max_minutes:
            break
    checkpoint()
    return ema
