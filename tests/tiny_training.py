"""A tiny training recipe for tests: a few steps at 32x32 and 5 frames, in seconds."""

from __future__ import annotations

from vidgen.shapes_model import TINY_SIZES as TINY
from vidgen.train_config import TrainConfig
from vidgen.train_stages import set_latent_stats


def tiny_config(tmp_path, **overrides) -> TrainConfig:
    """The recipe at its smallest: two VAE steps, two transformer steps, a cache of 8 clips."""
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


def tiny_pipeline_components(tmp_path):
    """Random tiny components with latent statistics, as a trained folder has them."""
    from vidgen.shapes_model import build_components
    from vidgen.world import VOCABULARY

    components = build_components(VOCABULARY, TINY)
    for name in ("vae", "transformer", "text_encoder"):
        components[name].eval()
    set_latent_stats(components["vae"], tiny_config(tmp_path))
    return components
