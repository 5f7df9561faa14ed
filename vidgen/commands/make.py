"""`vidgen make`: text to MP4 through a diffusers video pipeline."""

from __future__ import annotations

import json
from pathlib import Path

import click

from vidgen.models import EMBEDDED_PRESET

EXAMPLES = """
\b
Examples:
  vidgen make "a red ball falls and bounces on a white background"
  vidgen make --seed 7 -o clips/ "a blue square moves to the left"
  vidgen make --model wan2.1-t2v-1.3b --offload model "a cat walks past a vase"
  vidgen make --model ./my-pipeline --frames 33 --steps 30 --json "a paper boat"
"""


@click.command("make", epilog=EXAMPLES)
@click.argument("prompt")
@click.option(
    "--model",
    "-m",
    envvar="VIDGEN_MODEL",
    default=None,
    help=f"Preset (see `vidgen models`), hub id, or local diffusers folder. "
    f"[default: {EMBEDDED_PRESET}, the embedded model]",
)
@click.option("--negative-prompt", "-n", default=None, help="What the clip should not show.")
@click.option("--seed", "-s", type=int, default=None, help="Noise seed. [default: random]")
@click.option("--frames", "-f", type=int, default=None, help="Number of frames.")
@click.option("--height", "-H", type=int, default=None, help="Height in pixels.")
@click.option("--width", "-W", type=int, default=None, help="Width in pixels.")
@click.option("--fps", type=int, default=None, help="Frames per second of the MP4.")
@click.option("--steps", type=int, default=None, help="Denoising steps.")
@click.option("--guidance", "-g", type=float, default=None, help="Classifier-free guidance scale.")
@click.option(
    "--out",
    "-o",
    type=click.Path(path_type=Path),
    default=None,
    help="A .mp4 file, or a folder. [default: outputs/DATE/]",
)
@click.option(
    "--overwrite", is_flag=True, help="Replace an existing clip instead of adding -1, -2."
)
@click.option(
    "--device", default="auto", show_default=True, help="auto (cuda > mps > cpu), cpu, cuda, ..."
)
@click.option(
    "--dtype",
    type=click.Choice(["auto", "float32", "bfloat16", "float16"]),
    default="auto",
    show_default=True,
    help="auto: bfloat16 on CUDA, float32 elsewhere.",
)
@click.option(
    "--offload",
    type=click.Choice(["model", "sequential", "group"]),
    default=None,
    help="Keep weights on the CPU and move them to the GPU when needed.",
)
@click.option("--vae-tiling", is_flag=True, help="Decode in tiles to save GPU memory.")
@click.option(
    "--cache",
    type=click.Choice(["none", "fbc"]),
    default="none",
    show_default=True,
    help="fbc: diffusers' first-block cache (faster, slightly different frames).",
)
@click.option("--compile", "compile_", is_flag=True, help="torch.compile the repeated blocks.")
@click.option("--allow-pickle", is_flag=True, help="Allow .bin/.pt pickle weights (runs code).")
@click.option("--quiet", "-q", is_flag=True, help="No progress or logs on stderr.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object instead of the path.")
def make(prompt, model, quiet, as_json, out, overwrite, **settings) -> None:
    """Make an MP4 clip from a text PROMPT.

    Prints the path of the clip (or JSON with --json); a sidecar CLIP.json records how it
    was made. Nothing is overwritten unless --overwrite.
    """
    from vidgen.generate import Request
    from vidgen.loading import RuntimeOptions
    from vidgen.make import make_clip

    request = Request(
        prompt=prompt,
        negative_prompt=settings["negative_prompt"],
        seed=settings["seed"],
        frames=settings["frames"],
        height=settings["height"],
        width=settings["width"],
        fps=settings["fps"],
        steps=settings["steps"],
        guidance=settings["guidance"],
    )
    runtime = RuntimeOptions(
        device=settings["device"],
        dtype=settings["dtype"],
        offload=settings["offload"],
        vae_tiling=settings["vae_tiling"],
        cache=settings["cache"],
        compile=settings["compile_"],
        allow_pickle=settings["allow_pickle"],
        quiet=quiet,
    )

    def notify(message: str) -> None:
        if not quiet:
            click.echo(message, err=True)

    made = make_clip(request, model, runtime, out=out, overwrite=overwrite, notify=notify)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "schema": "vidgen.make/1",
                    "path": str(made.path),
                    "record": str(made.record_path),
                    "seed": made.record["seed"],
                    "model": made.record["model"]["requested"],
                    "timings": made.record["timings"],
                }
            )
        )
    else:
        click.echo(str(made.path))
