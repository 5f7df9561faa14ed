"""Train the embedded shapes model: a small stock-diffusers WanPipeline, on CPU, from scratch.

The recipe, top to bottom:
  1. VAE: reconstruction (L1 + MSE, object pixels weighted up) + a small KL, on single frames
     and 5- or 9-frame windows (the Wan VAE is causal: frame 0 alone, then chunks of 4), mostly on
     32x32 crops (convolutions do not care, and it is 4x cheaper); now and then a full frame.
  2. Latent statistics: per-channel mean/std of the VAE posterior over fresh clips, written into
     the VAE config as `latents_mean` / `latents_std`, which is where WanPipeline reads them.
  3. Transformer + text encoder, jointly: rectified flow, the objective that
     FlowMatchEulerDiscreteScheduler integrates (x_t = (1 - s) x0 + s noise, target noise - x0,
     timestep = 1000 s, s drawn logit-normal and shifted like the scheduler), captions dropped
     10% of the time to "" (the pipeline's default negative prompt) so CFG works. Latents come
     from a ring buffer of encoded clips, refreshed a few clips per step, since encoding a
     clip costs more than a transformer step. EMA weights are what ships.

Clips are drawn on the fly from the shapes world. Everything is checkpointed every few minutes
into `out_dir/ckpt` (a pipeline folder + optimizer state + state.json) and resumes from there;
losses go to `out_dir/log.tsv`; CPU seconds add up across resumes.

Run:  python -m vidgen.train --out /work/train-runs/shapes   (or `vidgen train-shapes`)
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import math
import shutil
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from vidgen.shapes_model import ModelSizes, latent_grid, latent_stats
from vidgen.train_objectives import (
    flow_matching_loss,
    object_crops,
    resampled_latents,
    vae_loss,
)


@dataclass
class TrainConfig:
    out_dir: str = "train-runs/shapes"
    init_from: str | None = None  # a pipeline folder to start from (e.g. the shipped model)
    # With init_from: only finetune the VAE decoder (encoder frozen, so latents, and a
    # transformer trained on them, stay valid). Runs beside the transformer stage.
    decoder_only: bool = False
    # With init_from: train the whole VAE again first (encoder included), then recompute the
    # latent statistics and go on with the transformer from init_from's weights, which adapt to
    # the shifted latents. For a VAE that caps quality (the first export's encoder was trained
    # only 1,700 steps).
    refit_vae: bool = False
    # With init_from: add this many blocks to its transformer before training it, each starting
    # as the identity (shapes_model.deepen_transformer), so training goes on from what it knew.
    grow_layers: int = 0
    # With init_from: keep its tokenizer and VAE (so the same latents), start from its text
    # encoder (trained on with the transformer), and train a new transformer of `sizes`
    # (e.g. a smaller patch).
    fresh_transformer: bool = False
    world: str = "vidgen.world"  # module with VOCABULARY, random_scene, render_clip
    # "staged", not "simple": the same scenes and captions with each path centred in the view.
    # A caption never says where the object is; on the simple layout the model must pick a
    # place from pure noise, which a model this small never learnt (it drew a faint average).
    profile: str = "staged"
    seed: int = 0  # training scenes come from default_rng([seed, stream, n]); see adherence.py
    threads: int = 2
    sizes: ModelSizes = field(default_factory=ModelSizes)
    width: int = 64
    height: int = 64
    frames: int = 17
    fps: int = 8
    # 1. VAE
    vae_steps: int = 1500
    vae_batch: int = 8
    vae_lr: float = 1e-3
    vae_crop: int = 32  # square crop side for most steps; 0 = always full frames
    vae_full_every: int = 4  # every n-th step uses full frames
    # On the per-element mean KL. It only keeps the latents bounded: at 1e-3 the posterior std
    # stayed ~0.8 against means spread ~0.3, i.e. the decoder saw mostly noise.
    vae_kl_weight: float = 1e-6
    vae_object_weight: float = 8.0  # extra loss weight on pixels that are not background
    # Weight of an L1 loss on horizontal and vertical pixel differences: L1/MSE alone let the
    # decoder round a small square's corners and a triangle's tips, so shapes read as balls.
    vae_edge_weight: float = 0.0
    # Decoder finetune only: decode latents plus noise of up to this std (in units of the
    # latents' std) into the clean clip, so the transformer's small errors do not show.
    vae_latent_noise: float = 0.0
    # Decoder finetune only: share of steps that decode the transformer's own denoising of the
    # clip (see train_objectives.resampled_latents) instead of the clip's noised encoding.
    # These steps decode whole clips at full size and cost a sampling run each (~4x a step).
    resample_fraction: float = 0.0
    resample_levels: tuple[float, float] = (0.2, 0.8)  # start noise level, drawn uniformly
    resample_steps: int = 20  # the schedule the pipeline samples with (the shapes preset's)
    resample_guidance: float = 3.0
    # 2. latent statistics
    stats_clips: int = 128
    # 3. transformer
    steps: int = 20000
    batch: int = 16  # small batches, more updates: the budget is a few thousand steps
    lr: float = 5e-4
    # Cosine decay from lr to lr_final over `steps` (None: constant lr after the warmup).
    lr_final: float | None = None
    warmup: int = 200
    caption_dropout: float = 0.1
    # Share of captions trained without their " on a <color> background" clause, so that a
    # prompt that leaves the background out ("a red ball falls and bounces") still works.
    short_caption_fraction: float = 0.0
    # Extra loss weight on latent pixels that differ from their frame's background (the
    # object: ~10% of them). Unweighted, the loss is mostly background, which the model gets
    # right early, and the object's color, shape and place come last.
    latent_object_weight: float = 0.0
    # Share of training samples whose noise level is drawn uniformly (then shifted) instead of
    # logit-normal: logit-normal leaves the noisiest levels, where sampling starts, untrained.
    uniform_time_fraction: float = 0.5
    ema_decay: float = 0.998
    cache_size: int = 512
    refresh_per_step: int = 1  # clips re-encoded into the cache per step
    # Text padding: the pipeline pads to 512; padding tokens are identical zero vectors, so
    # most steps use a short pad (cheaper) and some the full one, to be right at both.
    short_pad: int = 32
    full_pad_fraction: float = 0.25
    # bookkeeping
    checkpoint_minutes: float = 5.0
    max_minutes: float | None = None  # stop (after a checkpoint) when this run has used this long
    log_every: int = 10

    def __post_init__(self) -> None:
        from vidgen.errors import UsageError

        if self.profile not in ("simple", "staged"):
            raise UsageError(f"profile {self.profile!r}: the model trains on staged or simple")
        for name in (
            "uniform_time_fraction",
            "short_caption_fraction",
            "caption_dropout",
            "resample_fraction",
        ):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise UsageError(f"--{name.replace('_', '-')} must be in [0, 1]")
        if self.vae_latent_noise and not self.decoder_only:
            raise UsageError(
                "--vae-latent-noise needs --decoder-only (it trains the decoder alone)"
            )
        if self.resample_fraction and not self.decoder_only:
            raise UsageError(
                "--resample-fraction needs --decoder-only (it trains the decoder alone)"
            )
        if self.grow_layers < 0:
            raise UsageError("--grow-layers must be 0 or more")
        if self.grow_layers and (not self.init_from or self.decoder_only):
            raise UsageError(
                "--grow-layers needs --init-from FOLDER and trains its transformer "
                "(not with --decoder-only)"
            )
        if self.fresh_transformer and (not self.init_from or self.decoder_only):
            raise UsageError(
                "--fresh-transformer needs --init-from FOLDER (whose VAE it keeps and whose "
                "text encoder it starts from) and trains a transformer (not with --decoder-only)"
            )
        for other in ("grow_layers", "refit_vae"):
            if self.fresh_transformer and getattr(self, other):
                flag = "--" + other.replace("_", "-")
                raise UsageError(f"--fresh-transformer and {flag} exclude each other; pick one")
        # WanPipeline refuses frames whose sides are not multiples of 16; a model trained on
        # such frames could never be sampled.
        for side in (self.width, self.height):
            if side % 16:
                raise UsageError(f"--frame-size {side}: must be a multiple of 16 (WanPipeline's)")
        if self.vae_crop > min(self.width, self.height):
            raise UsageError(
                f"--frame-size {min(self.width, self.height)}: smaller than the VAE's crop "
                f"({self.vae_crop}); pick a larger frame"
            )
        grid = latent_grid(self.sizes, self.frames, self.height, self.width)
        if any(n % p for n, p in zip(grid, self.sizes.patch, strict=True)):
            raise UsageError(
                f"transformer patch {' '.join(map(str, self.sizes.patch))} (--transformer-patch "
                f"or the --init-from folder's): must divide the latent grid "
                f"{'x'.join(map(str, grid))} (T H W) of {self.width}x{self.height} "
                "frames; change the patch or --frame-size"
            )
        low, high = self.resample_levels
        if not 0.0 < low <= high <= 1.0:
            raise UsageError("--resample-levels must be LOW HIGH with 0 < LOW <= HIGH <= 1")
        if self.init_from and not (Path(self.init_from) / "model_index.json").is_file():
            raise UsageError(
                f"--init-from {self.init_from}: not a diffusers pipeline folder (no "
                "model_index.json); pass one, e.g. vidgen/assets/shapes-wan"
            )


# Settings that change what a run learns from: a resume that changes one goes on with a
# different recipe from then on, which is allowed (it is how a run is steered) but said.
RECIPE_FIELDS = (
    "profile",
    "width",
    "height",
    "uniform_time_fraction",
    "short_caption_fraction",
    "latent_object_weight",
    "vae_latent_noise",
    "vae_edge_weight",
    "resample_fraction",
    "resample_levels",
)


# --------------------------------------------------------------------------------------------
# data


class ClipSource:
    """Clips from the shapes world as (B, 3, T, H, W) float tensors in [-1, 1] plus captions."""

    def __init__(self, config: TrainConfig, stream: int):
        import numpy as np

        self.world = importlib.import_module(config.world)
        self.config = config
        self.rng = np.random.default_rng([config.seed, stream])

    def draw(self, n: int):
        import numpy as np
        import torch

        c = self.config
        clips = [
            self.world.render_clip(
                self.world.random_scene(self.rng, profile=c.profile),
                width=c.width,
                height=c.height,
                frames=c.frames,
                fps=c.fps,
            )
            for _ in range(n)
        ]
        video = np.stack([clip.frames for clip in clips])  # (B, T, H, W, 3) uint8
        x = torch.from_numpy(video).permute(0, 4, 1, 2, 3).float() / 127.5 - 1.0
        return x, [clip.caption for clip in clips]


# --------------------------------------------------------------------------------------------
# checkpoints


def _save_checkpoint(run: Path, components: dict, extra: dict, state: dict) -> None:
    """Write run/ckpt atomically: build ckpt.tmp, then swap it in."""
    import torch
    from safetensors.torch import save_file

    from vidgen.shapes_model import make_pipeline

    tmp, final, old = run / "ckpt.tmp", run / "ckpt", run / "ckpt.old"
    shutil.rmtree(tmp, ignore_errors=True)
    make_pipeline(components).save_pretrained(tmp, safe_serialization=True)
    if "ema" in extra:
        save_file({k: v.contiguous() for k, v in extra["ema"].items()}, tmp / "ema.safetensors")
    torch.save(extra.get("optim", {}), tmp / "optim.pt")
    (tmp / "state.json").write_text(json.dumps(state, indent=2))
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        final.rename(old)
    tmp.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def _load_checkpoint(run: Path):
    import torch
    from safetensors.torch import load_file

    from vidgen.shapes_model import load_components

    ckpt = run / "ckpt"
    components = load_components(ckpt)
    state = json.loads((ckpt / "state.json").read_text())
    optim = torch.load(ckpt / "optim.pt", weights_only=True)
    ema = load_file(ckpt / "ema.safetensors") if (ckpt / "ema.safetensors").exists() else None
    return components, state, optim, ema


class Clock:
    """CPU and wall seconds, carried across resumes in state.json."""

    def __init__(self, state: dict):
        self.cpu0, self.wall0 = state.get("cpu_seconds", 0.0), state.get("wall_seconds", 0.0)
        self.t_cpu, self.t_wall = time.process_time(), time.monotonic()

    def totals(self) -> tuple[float, float]:
        return (
            self.cpu0 + time.process_time() - self.t_cpu,
            self.wall0 + time.monotonic() - self.t_wall,
        )

    def run_minutes(self) -> float:
        return (time.monotonic() - self.t_wall) / 60


def _log(run: Path, stage: str, step: int, loss: float, lr: float, clock: Clock) -> None:
    cpu, wall = clock.totals()
    line = f"{stage}\t{step}\t{loss:.5f}\t{lr:.2e}\t{cpu:.0f}\t{wall:.0f}\n"
    with open(run / "log.tsv", "a") as f:
        f.write(line)
    print(line.rstrip(), file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
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
            _log(
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


# --------------------------------------------------------------------------------------------
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


# --------------------------------------------------------------------------------------------
# 3. transformer + text encoder


class LatentCache:
    """A ring buffer of encoded clips (posterior means, normalized like the pipeline).

    The posterior mean, not a sample: the decoder was trained on samples and copes with the
    transformer's small errors, and the transformer does not have to learn the VAE's noise.
    """

    def __init__(self, vae, config: TrainConfig):
        import torch

        self.vae, self.config = vae, config
        self.source = ClipSource(config, stream=3)
        self.mean, self.std = latent_stats(vae)
        self.mu: torch.Tensor | None = None
        self.captions: list[str] = []
        self.next = 0

    def _encode(self, n: int):
        import torch

        x, captions = self.source.draw(n)
        with torch.no_grad():
            dist = self.vae.encode(x).latent_dist
        return (dist.mean - self.mean) / self.std, captions

    def fill(self) -> None:
        import torch

        parts = [self._encode(16) for _ in range(math.ceil(self.config.cache_size / 16))]
        self.mu = torch.cat([p[0] for p in parts])[: self.config.cache_size]
        self.captions = [c for p in parts for c in p[1]][: self.config.cache_size]

    def refresh(self, n: int) -> None:
        if n <= 0:
            return
        mu, captions = self._encode(n)
        for k in range(n):
            i = (self.next + k) % len(self.captions)
            self.mu[i], self.captions[i] = mu[k], captions[k]
        self.next = (self.next + n) % len(self.captions)

    def sample(self, n: int, g):
        import torch

        idx = torch.randint(0, len(self.captions), (n,), generator=g)
        return self.mu[idx], [self.captions[i] for i in idx.tolist()]


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
            _log(run, "dit", state["step"], sum(losses) / len(losses), lr, clock)
            losses = []
        if time.monotonic() - last_save > config.checkpoint_minutes * 60:
            checkpoint()
            last_save = time.monotonic()
        if config.max_minutes and clock.run_minutes() > config.max_minutes:
            break
    checkpoint()
    return ema


# --------------------------------------------------------------------------------------------
# the whole recipe, and export


def train(config: TrainConfig) -> Path:
    """Run (or resume) the recipe; returns the checkpoint folder."""
    import torch

    from vidgen.shapes_model import (
        build_components,
        build_transformer,
        deepen_transformer,
        load_components,
        sizes_of,
    )

    torch.set_num_threads(config.threads)
    torch.manual_seed(config.seed)
    run = Path(config.out_dir)
    run.mkdir(parents=True, exist_ok=True)
    if (run / "ckpt" / "state.json").exists():
        components, state, optim_state, ema = _load_checkpoint(run)
        print(f"resuming from {run / 'ckpt'}: {state}", file=sys.stderr)
    else:
        if config.init_from:
            components = load_components(config.init_from)
            if config.fresh_transformer:  # on the folder's latents and text states
                sizes = dataclasses.replace(
                    config.sizes,
                    vae_z_dim=components["vae"].config.z_dim,
                    text_dim=components["text_encoder"].config.d_model,
                )
                components["transformer"] = build_transformer(sizes)
            if config.grow_layers:
                components["transformer"] = deepen_transformer(
                    components["transformer"], config.grow_layers
                )
            if config.decoder_only:
                stage = "decoder"
            else:
                stage = "vae" if config.refit_vae else "transformer"
            state = {"stage": stage, "vae_step": 0 if stage != "transformer" else config.vae_steps}
            state["step"] = 0
        else:
            vocabulary = importlib.import_module(config.world).VOCABULARY
            components = build_components(vocabulary, config.sizes)
            state = {"stage": "vae", "vae_step": 0, "step": 0}
        optim_state, ema = {}, None
    # Train (and record) the sizes actually loaded: a folder or checkpoint keeps its own,
    # which need not be the recipe's defaults (a patch-2 transformer, a deepened one).
    config = dataclasses.replace(config, sizes=sizes_of(components))
    config_now = json.loads(json.dumps(asdict(config)))
    for name in RECIPE_FIELDS:
        before = state.get("config", {}).get(name, config_now[name])
        if before != config_now[name]:
            print(
                f"warning: resuming with {name}={config_now[name]}; the checkpoint was trained "
                f"with {name}={before}",
                file=sys.stderr,
            )
    state["config"] = config_now
    clock = Clock(state)

    def save(optim: dict, ema_weights: dict | None = None) -> None:
        state["cpu_seconds"], state["wall_seconds"] = clock.totals()
        extra = {"optim": optim}
        if ema_weights is not None:
            extra["ema"] = ema_weights
        _save_checkpoint(run, components, extra, state)

    if state["stage"] == "decoder":
        train_vae(components, config, state, optim_state, run, clock, save, True)
        return run / "ckpt"
    if state["stage"] == "vae":
        done = train_vae(components, config, state, optim_state, run, clock, save)
        if not done:
            return run / "ckpt"
        set_latent_stats(components["vae"], config)
        state["stage"] = "transformer"
        save({})
        optim_state = {}
    train_transformer(components, config, state, optim_state, ema, run, clock, save)
    return run / "ckpt"


def export(checkpoint: str | Path, dest: str | Path, vae_from: str | Path | None = None) -> Path:
    """Write the checkpoint's pipeline, with its EMA weights, as a shippable folder.

    vae_from: a pipeline folder whose VAE replaces the checkpoint's (a decoder finetuned on the
    same frozen encoder, see `decoder_only`)."""
    from safetensors.torch import load_file

    from vidgen.shapes_model import load_components, make_pipeline

    checkpoint, dest = Path(checkpoint), Path(dest)
    components = load_components(checkpoint)
    if vae_from is not None:
        components["vae"] = load_components(vae_from)["vae"]
    ema_path = checkpoint / "ema.safetensors"
    if ema_path.exists():
        ema = load_file(ema_path)
        for name in ("transformer", "text_encoder"):
            prefix = f"{name}."
            weights = {k[len(prefix) :]: v for k, v in ema.items() if k.startswith(prefix)}
            components[name].load_state_dict(weights)
    tmp = dest.with_name(dest.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    make_pipeline(components).save_pretrained(tmp, safe_serialization=True)
    state = json.loads((checkpoint / "state.json").read_text())
    record = {k: state.get(k) for k in ("vae_step", "step", "cpu_seconds", "wall_seconds")}
    # The frame the model was trained on: the size its preset should sample at.
    trained_on = state.get("config", {})
    record.update({k: trained_on[k] for k in ("width", "height", "frames") if k in trained_on})
    (tmp / "training_state.json").write_text(json.dumps(record) + "\n")
    keep = [p for p in dest.glob("*") if p.suffix in (".md", ".png")] if dest.exists() else []
    for p in keep:  # the model card and contact sheet are written separately: keep them
        shutil.copy2(p, tmp / p.name)
    shutil.rmtree(dest, ignore_errors=True)
    tmp.rename(dest)
    return dest


if __name__ == "__main__":
    from vidgen.commands.train import train_shapes

    train_shapes(prog_name="python -m vidgen.train")
