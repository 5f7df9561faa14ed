"""`vidgen train-shapes`: train (or resume, or export) the embedded shapes model."""

from __future__ import annotations

import dataclasses

import click

from vidgen.errors import UsageError


@click.command("train-shapes")
@click.option(
    "--out",
    "out_dir",
    default="train-runs/shapes",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Run folder: checkpoints (ckpt/), log.tsv. An existing ckpt/ is resumed.",
)
@click.option(
    "--init-from",
    type=click.Path(exists=True, file_okay=False),
    help="Start the transformer stage from a pipeline folder (e.g. vidgen/assets/shapes-wan).",
)
@click.option(
    "--decoder-only",
    is_flag=True,
    help="With --init-from: finetune only the VAE decoder (frozen encoder), e.g. beside a "
    "transformer run on the same VAE.",
)
@click.option(
    "--refit-vae",
    is_flag=True,
    help="With --init-from: retrain the whole VAE first (then new latent statistics), then go "
    "on with the transformer from the folder's weights.",
)
@click.option(
    "--grow-layers",
    type=click.IntRange(min=0),
    help="With --init-from: add this many transformer blocks (starting as the identity) "
    "before training the transformer on.",
)
@click.option(
    "--fresh-transformer",
    is_flag=True,
    help="With --init-from: keep its VAE, start from its text encoder, train a new transformer "
    "(sizes from --transformer-patch, --transformer-width, --transformer-layers).",
)
@click.option(
    "--transformer-patch",
    type=(click.IntRange(min=1), click.IntRange(min=1), click.IntRange(min=1)),
    help="Transformer patch T H W in latent pixels (the recipe's: 1 4 4).",
)
@click.option(
    "--transformer-width",
    type=click.IntRange(min=32),
    help="Transformer width, a multiple of 32 (heads of 32; FFN 4x).",
)
@click.option("--transformer-layers", type=click.IntRange(min=1), help="Transformer blocks.")
@click.option(
    "--frame-size",
    type=click.IntRange(min=16),
    help="Train on square frames of this many pixels (the recipe's: 64); the world draws its "
    "objects in proportion, so a larger frame gives an object more latent pixels.",
)
@click.option(
    "--vae-full-every", type=click.IntRange(min=1), help="Every n-th VAE step sees full frames."
)
@click.option(
    "--vae-edge-weight",
    type=click.FloatRange(min=0),
    help="Weight of the VAE's edge (pixel-difference) loss.",
)
@click.option(
    "--vae-latent-noise",
    type=click.FloatRange(min=0),
    help="With --decoder-only: train the decoder on latents plus noise of up to this std "
    "(in latent stds), so generated latents decode clean.",
)
@click.option(
    "--resample-fraction",
    type=click.FloatRange(0, 1),
    help="With --decoder-only: share of steps that decode the transformer's own denoising of "
    "the clip, so the decoder learns how the transformer errs.",
)
@click.option(
    "--resample-levels",
    type=(float, float),
    help="With --resample-fraction: the range of noise levels LOW HIGH that denoising starts from.",
)
@click.option("--vae-lr", type=float, help="VAE learning rate.")
@click.option("--vae-steps", type=int, help="VAE steps in total (default: the recipe's).")
@click.option("--steps", type=int, help="Transformer steps in total (default: the recipe's).")
@click.option("--batch", type=int, help="Transformer batch size.")
@click.option("--lr", type=float, help="Transformer learning rate.")
@click.option(
    "--lr-final", type=float, help="Cosine-decay the transformer learning rate to this by --steps."
)
@click.option(
    "--latent-object-weight",
    type=click.FloatRange(min=0),
    help="Extra flow-matching loss weight on latent pixels away from the background.",
)
@click.option(
    "--short-caption-fraction",
    type=click.FloatRange(0, 1),
    help="Share of training captions without their background clause.",
)
@click.option(
    "--profile",
    type=click.Choice(["staged", "simple"]),
    help="Scenes to train on (default staged: simple's scenes laid out canonically).",
)
@click.option(
    "--uniform-time-fraction",
    type=click.FloatRange(0, 1),
    help="Share of training samples whose noise level is uniform (then shifted), not logit-normal.",
)
@click.option("--max-minutes", type=float, help="Stop this run after about this long.")
@click.option("--checkpoint-minutes", type=float, help="Minutes between checkpoints.")
@click.option(
    "--threads",
    type=int,
    help="torch threads (default 2; 1 is much faster when other work shares the cores).",
)
@click.option(
    "--export",
    "export_to",
    type=click.Path(file_okay=False),
    help="After training, write the EMA pipeline folder here.",
)
@click.option(
    "--vae-from",
    type=click.Path(exists=True, file_okay=False),
    help="On export, take the VAE from this pipeline folder (a --decoder-only run's ckpt).",
)
@click.option(
    "--export-only",
    is_flag=True,
    help="Do not train: export the run's latest checkpoint to --export and stop.",
)
def train_shapes(
    out_dir, init_from, export_to, export_only, vae_from, decoder_only, **overrides
) -> None:
    """Train the embedded shapes model (a small WanPipeline) on clips of the shapes world.

    Resumable: run the same command again and it goes on from OUT/ckpt. Losses go to
    OUT/log.tsv (stage, step, loss, lr, CPU s, wall s). The printed line is the checkpoint
    (or exported) folder.

    \b
    Examples:
      vidgen train-shapes --out /work/train-runs/shapes
      vidgen train-shapes --out /work/train-runs/shapes --export-only --export vidgen/assets/shapes-wan
      vidgen train-shapes --out runs/more --init-from vidgen/assets/shapes-wan --steps 4000
      vidgen train-shapes --out runs/p2 --init-from DIR --fresh-transformer --transformer-patch 1 2 2
    """
    from pathlib import Path

    from vidgen.train import TrainConfig, export, train

    if decoder_only and not init_from:
        raise UsageError("--decoder-only needs --init-from FOLDER (the VAE whose encoder stays)")
    if overrides.get("refit_vae") and decoder_only:
        raise UsageError("--refit-vae and --decoder-only exclude each other; pick one")
    if overrides.get("refit_vae") and not init_from:
        raise UsageError("--refit-vae needs --init-from FOLDER (the model whose VAE is refitted)")
    if export_only:
        if not export_to:
            raise UsageError("--export-only needs --export FOLDER (where to write the pipeline)")
        ckpt = Path(out_dir) / "ckpt"
        if not (ckpt / "state.json").exists():
            raise UsageError(f"{ckpt}: no checkpoint to export; train first or fix --out")
        click.echo(str(export(ckpt, export_to, vae_from)))
        return
    from vidgen.shapes_model import transformer_sizes

    fields = {f.name for f in dataclasses.fields(TrainConfig)}
    overrides["sizes"] = transformer_sizes(
        overrides.pop("transformer_patch"),
        overrides.pop("transformer_width"),
        overrides.pop("transformer_layers"),
    )
    if overrides["sizes"] and init_from and not overrides.get("fresh_transformer"):
        raise UsageError(
            "--transformer-patch/-width/-layers with --init-from need --fresh-transformer "
            "(the folder's transformer keeps its own sizes)"
        )
    frame_size = overrides.pop("frame_size")
    if frame_size:
        overrides["width"] = overrides["height"] = frame_size
    config = TrainConfig(
        out_dir=out_dir,
        init_from=init_from,
        decoder_only=decoder_only,
        **{k: v for k, v in overrides.items() if v is not None and k in fields},
    )
    ckpt = train(config)
    click.echo(str(export(ckpt, export_to, vae_from)) if export_to else str(ckpt))
