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

This file runs the stages in order and resumes between them; the parts live beside it:
train_config.py (TrainConfig), train_data.py (clips and the latent cache), train_stages.py
(the three stages), train_objectives.py (the losses), train_checkpoint.py (checkpoints, the
clock and log, export).
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import sys
from dataclasses import asdict
from pathlib import Path

from vidgen.train_checkpoint import Clock, export, load_checkpoint, save_checkpoint
from vidgen.train_config import RECIPE_FIELDS, TrainConfig
from vidgen.train_stages import set_latent_stats, train_transformer, train_vae

# `vidgen train-shapes` and the benchmarks import the recipe's config and export from here.
__all__ = ["TrainConfig", "export", "train"]


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
        components, state, optim_state, ema = load_checkpoint(run)
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
        save_checkpoint(run, components, extra, state)

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


if __name__ == "__main__":
    from vidgen.commands.train import train_shapes

    train_shapes(prog_name="python -m vidgen.train")
