"""The training objectives of the shapes model's recipe (vidgen/train.py): the VAE's
reconstruction loss with its object and edge terms, crops around the object, and the
transformer's rectified-flow loss with caption dropout and its object weighting.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vidgen.train_config import TrainConfig


def vae_loss(vae, x, config: TrainConfig, frozen_encoder: bool = False, latents=None):
    """(loss, reconstruction) for a batch x of shape (B, 3, T, H, W) in [-1, 1].

    latents: decode these (un-normalized, e.g. from `resampled_latents`) instead of x's own
    encoding; only with a frozen encoder, whose KL term then has nothing to train."""
    import torch

    kl = 0.0
    if latents is None:
        with torch.set_grad_enabled(torch.is_grad_enabled() and not frozen_encoder):
            posterior = vae.encode(x).latent_dist
        z = posterior.sample()
        if frozen_encoder and config.vae_latent_noise:
            z = z + latent_noise(z, vae, config.vae_latent_noise)
        kl = 0.5 * (posterior.mean.pow(2) + posterior.var - 1.0 - posterior.logvar).mean()
    else:
        z = latents
    rec = vae.decode(z).sample
    # Background = the per-frame median color; the object is a few percent of the pixels, so
    # without a weight the VAE would learn backgrounds first and shapes last.
    bg = x.flatten(3).median(dim=3).values[..., None, None]  # (B, 3, T, 1, 1)
    obj = ((x - bg).abs().sum(dim=1, keepdim=True) > 0.15).float()
    weight = 1.0 + config.vae_object_weight * obj
    err = (rec - x).abs() + (rec - x).pow(2)
    loss = (weight * err).sum() / (weight.sum() * 3) + config.vae_kl_weight * kl
    if config.vae_edge_weight:
        loss = loss + config.vae_edge_weight * edge_loss(rec, x)
    return loss, rec


def latent_noise(z, vae, most: float):
    """Gaussian noise for latents z (B, z, t, h, w), per clip of a std drawn from [0, most]
    in units of the latents' own std (the ones the pipeline normalizes by).

    A generated latent is never exactly on the encoder's manifold, and a decoder trained only
    on encoded latents turns its small errors into colored speckles and ragged outlines; one
    trained to map noisy latents back to the clean clip does not."""
    import torch

    std = torch.tensor(vae.config.latents_std, dtype=z.dtype).view(1, -1, 1, 1, 1)
    level = torch.rand(z.shape[0], 1, 1, 1, 1, dtype=z.dtype) * most
    return torch.randn_like(z) * std * level


def resampled_latents(components: dict, x, captions: list[str], config: TrainConfig, g):
    """The transformer's own denoising of clips x (B, 3, T, H, W): x's latents noised to a
    level s0 drawn from `config.resample_levels`, then the pipeline's Euler steps from s0 down
    to 0 with classifier-free guidance, as `WanPipeline` samples. Un-normalized, for the decoder.

    A decoder trained on encoded (or noised) latents does not know how the transformer errs:
    its denoising rounds a square's corners and spreads the object, even from s0 = 0.3 (shape
    read right in 53% of validation clips against 77% for the encoding itself). Starting from
    the clip's own latents keeps the result in register with the clip, so the clip is the
    target; from pure noise it would not be."""
    import torch

    from vidgen.shapes_model import PIPELINE_MAX_SEQUENCE_LENGTH, encode_captions, latent_stats

    vae, transformer, scheduler = (components[k] for k in ("vae", "transformer", "scheduler"))
    text_encoder, tokenizer = components["text_encoder"], components["tokenizer"]
    mean, std = latent_stats(vae)
    low, high = config.resample_levels
    s0 = low + (high - low) * torch.rand(1, generator=g).item()
    scheduler.set_timesteps(config.resample_steps)
    sigmas = [s0] + [s for s in scheduler.sigmas.tolist() if s < s0]
    b = x.shape[0]
    with torch.no_grad():
        x0 = (vae.encode(x).latent_dist.mean - mean) / std
        text = encode_captions(
            tokenizer, text_encoder, captions + [""] * b, pad_to=PIPELINE_MAX_SEQUENCE_LENGTH
        )
        xt = (1 - s0) * x0 + s0 * torch.randn(x0.shape, generator=g)
        for s, s_next in zip(sigmas[:-1], sigmas[1:], strict=True):
            both = transformer(
                torch.cat([xt, xt]),
                torch.full((2 * b,), s * scheduler.config.num_train_timesteps),
                text,
                return_dict=False,
            )[0]
            cond, uncond = both[:b], both[b:]
            xt = xt + (s_next - s) * (uncond + config.resample_guidance * (cond - uncond))
    return xt * std + mean


def edge_loss(rec, x):
    """Mean L1 distance between the images' horizontal and vertical differences, scaled to the
    object: summed over edge pixels of the target, divided by their count (plus one)."""
    terms = []
    for dim in (-1, -2):
        d_rec, d_x = rec.diff(dim=dim), x.diff(dim=dim)
        edge = (d_x.abs().sum(dim=1, keepdim=True) > 0.15).float()
        near = edge + (d_rec.abs().sum(dim=1, keepdim=True) > 0.15).float()
        terms.append(((d_rec - d_x).abs() * near.clamp(max=1)).sum() / (3 * edge.sum() + 1))
    return sum(terms)


def object_crops(x, size: int, g):
    """Square crops of (B, 3, T, H, W) clips around each clip's object, jittered.

    Random crops mostly miss the object (a few percent of the frame), and the object is what
    the VAE has to get right."""
    import torch

    b, _, _, h, w = x.shape
    bg = x[:, :, :1].flatten(3).median(dim=3).values[..., None, None]  # (B, 3, 1, 1, 1)
    far = (x - bg).abs().sum(dim=1).amax(dim=1) > 0.15  # (B, H, W): the object, any frame
    crops = []
    for k in range(b):
        ys, xs = far[k].nonzero(as_tuple=True)
        cy, cx = (int(ys.float().mean()), int(xs.float().mean())) if len(ys) else (h // 2, w // 2)
        jy, jx = torch.randint(-size // 4, size // 4 + 1, (2,), generator=g).tolist()
        i = min(max(cy + jy - size // 2, 0), h - size)
        j = min(max(cx + jx - size // 2, 0), w - size)
        crops.append(x[k, :, :, i : i + size, j : j + size])
    return torch.stack(crops)


def without_background(caption: str) -> str:
    """The caption without its background clause: "a red ball falls on a gray background" ->
    "a red ball falls". Captions without one come back unchanged."""
    return re.sub(r" on an? (textured )?\w+ background\b", "", caption)


def flow_matching_loss(transformer, text_encoder, tokenizer, x0, captions, config, g):
    """Rectified-flow loss on clean normalized latents x0 (B, z, t, h, w)."""
    import torch

    from vidgen.shapes_model import PIPELINE_MAX_SEQUENCE_LENGTH, encode_captions

    b = x0.shape[0]
    drop = torch.rand(b, generator=g) < config.caption_dropout
    if config.short_caption_fraction > 0:  # no draw otherwise: earlier seeded runs reproduce
        short = (torch.rand(b, generator=g) < config.short_caption_fraction).tolist()
        captions = [without_background(c) if s else c for s, c in zip(short, captions, strict=True)]
    captions = ["" if d else c for d, c in zip(drop.tolist(), captions, strict=True)]
    full = torch.rand(1, generator=g).item() < config.full_pad_fraction
    pad = PIPELINE_MAX_SEQUENCE_LENGTH if full else config.short_pad
    text = encode_captions(tokenizer, text_encoder, captions, pad_to=pad)
    s = noise_levels(b, config, g)
    noise = torch.randn(x0.shape, generator=g)
    s5 = s.view(b, 1, 1, 1, 1)
    xt = (1 - s5) * x0 + s5 * noise
    pred = transformer(xt, s * 1000, text, return_dict=False)[0]
    err = (pred - (noise - x0)).pow(2)
    if not config.latent_object_weight:
        return err.mean()
    weight = 1.0 + config.latent_object_weight * latent_object_mask(x0)
    return (weight * err).sum() / (weight.sum() * x0.shape[1])


def noise_levels(b: int, config, g):
    """(b,) noise levels s in (0, 1) for one batch: logit-normal, then the scheduler's shift,
    so training sees the sigmas sampling visits.

    Logit-normal alone rarely draws s > 0.95 (1.2% of draws past the shift), yet the
    first steps of sampling, which decide where the object is and how it moves, start at
    s = 1: a share of the draws (`uniform_time_fraction`) is uniform before the shift, so
    those steps are trained too."""
    import torch

    u = torch.sigmoid(torch.randn(b, generator=g))
    if config.uniform_time_fraction > 0:  # no draw at 0: runs seeded before this reproduce
        uniform = torch.rand(b, generator=g) < config.uniform_time_fraction
        u = torch.where(uniform, torch.rand(b, generator=g), u)
    shift = config.sizes.shift
    return shift * u / (1 + (shift - 1) * u)


def latent_object_mask(x0):
    """(B, 1, t, h, w): 1 where a normalized latent pixel is more than one unit (L2 over
    channels) from its frame's background, taken as the frame's per-channel median."""
    bg = x0.flatten(3).median(dim=3).values[..., None, None]
    return ((x0 - bg).pow(2).sum(dim=1, keepdim=True).sqrt() > 1.0).float()
