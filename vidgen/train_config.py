"""The shapes model's training recipe as one dataclass: every setting of vidgen/train.py, with
the guards that refuse a recipe that cannot run (each naming its command-line flag), and the
settings a resume warns about when they change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from vidgen.shapes_model import ModelSizes, latent_grid


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
