"""`vidgen make`: text to MP4 through a diffusers video pipeline."""

from __future__ import annotations

import json
from pathlib import Path

import click

from vidgen.errors import UsageError
from vidgen.models import EMBEDDED_PRESET
from vidgen.quantize import CHOICES as QUANTIZE_CHOICES

EXAMPLES = """
\b
Examples:
  vidgen make "a red ball falls and bounces on a white background"
  vidgen make --seed 7 -o clips/ "a blue square moves to the left"
  vidgen make --model wan2.1-t2v-1.3b --offload model "a cat walks past a vase"
  vidgen make --model ./my-pipeline --frames 33 --steps 30 --json "a paper boat"
  vidgen make --model wan2.1-i2v-14b-480p --image cat.png "the cat turns its head"
  vidgen make --model wan2.1-t2v-1.3b --lora ./style.safetensors:0.8 "a paper boat"
  vidgen make --model wan2.2-ti2v-5b --quantize int8 "a paper boat drifts"
  vidgen make --model wan2.1-t2v-1.3b --gguf ./wan-1.3b-Q8_0.gguf "a paper boat drifts"
  torchrun --nproc-per-node 4 -m vidgen make --context-parallel ulysses "a long take"
  vidgen make --prompts prompts/shapes.txt -o outputs/shapes     # a batch; re-run to resume
  vidgen make prompts/shapes.txt --check --candidates 3 --keep best
  torchrun --nproc-per-node 8 -m vidgen make --prompts prompts/physics.txt --model wan2.1-t2v-1.3b
"""


@click.command("make", epilog=EXAMPLES)
@click.argument("prompt", required=False)
@click.option(
    "--prompts",
    "prompts_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="A prompt file (.txt, .jsonl, .csv, .yaml): run a resumable batch.",
)
@click.option(
    "--model",
    "-m",
    envvar="VIDGEN_MODEL",
    default=None,
    help=f"Preset (see `vidgen models`), hub id, or local diffusers folder. "
    f"[default: {EMBEDDED_PRESET}, the embedded model]",
)
@click.option("--negative-prompt", "-n", default=None, help="What the clip should not show.")
@click.option(
    "--image",
    "-i",
    default=None,
    help="First frame: image-to-video through the model's image pipeline (PNG, JPEG).",
)
@click.option(
    "--last-image", default=None, help="Last frame too, where the pipeline takes one (Wan I2V)."
)
@click.option(
    "--lora",
    "loras",
    multiple=True,
    metavar="PATH_OR_HUB_ID[:SCALE]",
    help="A LoRA (.safetensors file, folder or hub id) at SCALE [default: 1]; repeatable.",
)
@click.option(
    "--seed",
    "-s",
    type=int,
    default=None,
    help="Noise seed [default: random]; for a batch, the seed items derive theirs from [default: 0].",
)
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
@click.option(
    "--quantize",
    type=click.Choice(QUANTIZE_CHOICES),
    default="none",
    show_default=True,
    help="Quantize the transformer's weights as they load: int8/float8 (torchao), "
    "bnb-8bit/bnb-4bit (bitsandbytes, CUDA).",
)
@click.option(
    "--gguf",
    default=None,
    metavar="FILE",
    help="Load the transformer from a GGUF file (Q8_0, Q4_K, ...); the rest from --model.",
)
@click.option(
    "--context-parallel",
    type=click.Choice(["ulysses", "ring"]),
    default=None,
    help="One clip over the GPUs of a torchrun launch (Wan, LTX-Video).",
)
@click.option("--allow-pickle", is_flag=True, help="Allow .bin/.pt pickle weights (runs code).")
@click.option(
    "--check", is_flag=True, help="Run `vidgen check` on each clip and record the verdict."
)
@click.option(
    "--report",
    "report_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="With --check: write an HTML report of the batch into this folder (a page per clip "
    "and DIR/index.html, kept up to date as clips finish).",
)
@click.option(
    "--candidates",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Make K clips (seeds) per prompt; with --keep best, keep the best-checked one.",
)
@click.option(
    "--keep",
    type=click.Choice(["best"]),
    default="best",
    show_default=True,
    help="Which candidate to keep: the one with the best check score.",
)
@click.option(
    "--continue-on-error/--stop-on-error",
    default=True,
    show_default=True,
    help="Batches: record a failed item and go on, or stop at the first failure.",
)
@click.option(
    "--from-record",
    "from_record",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Make the clip a CLIP.json record describes again (same model, seed, settings); "
    "flags given here override it.",
)
@click.option("--no-sign", is_flag=True, help="Do not sign a C2PA manifest into the clip.")
@click.option("--no-watermark", is_flag=True, help="Do not watermark the frames.")
@click.option(
    "--sign-cert",
    envvar="VIDGEN_SIGN_CERT",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="PEM certificate chain (signer first) for the C2PA manifest. "
    "[default: a local CA in $VIDGEN_HOME, created on first use]",
)
@click.option(
    "--sign-key",
    envvar="VIDGEN_SIGN_KEY",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="PEM private key of --sign-cert.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress or logs on stderr.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object instead of the path.")
def make(prompt, prompts_file, model, quiet, as_json, out, overwrite, **settings) -> None:
    """Make an MP4 clip from a text PROMPT (and an --image), or a batch from a prompt file.

    Prints the path of the clip (or JSON with --json); a sidecar CLIP.json records how it
    was made. Nothing is overwritten unless --overwrite.

    A batch (--prompts FILE, or a PROMPT that is an existing .txt/.jsonl/.csv/.yaml file)
    loads the model once, writes clips and a run.jsonl manifest into -o (default
    outputs/FILE-STEM/), and resumes where it stopped when run again. Under torchrun or
    accelerate launch, the items are shared out over the processes.
    """
    from vidgen.generate import Request
    from vidgen.loading import RuntimeOptions
    from vidgen.lora import parse_lora
    from vidgen.promptfile import is_prompt_file

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
        image=settings["image"],
        last_image=settings["last_image"],
        loras=tuple(parse_lora(spec) for spec in settings["loras"]),
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
        quantize=settings["quantize"],
        context_parallel=settings["context_parallel"],
        gguf=settings["gguf"],
    )

    from vidgen.provenance import ProvenanceOptions

    provenance = ProvenanceOptions(
        sign=not settings["no_sign"],
        watermark=not settings["no_watermark"],
        sign_cert=settings["sign_cert"],
        sign_key=settings["sign_key"],
    )

    from vidgen.cli import set_quiet

    set_quiet(quiet)

    def notify(message: str) -> None:
        if not quiet:
            click.echo(message, err=True)

    if settings["from_record"] is not None:
        from vidgen.make import make_from_record

        made = make_from_record(
            settings["from_record"],
            request,
            model,
            runtime,
            out=out,
            overwrite=overwrite,
            notify=notify,
            provenance=provenance,
        )
        click.echo(str(made.path))
        return
    if prompts_file is None and prompt is not None and is_prompt_file(prompt):
        prompts_file, prompt = Path(prompt), None
    if prompts_file is not None:
        if prompt is not None:
            raise UsageError(
                f"both a PROMPT ({prompt!r}) and --prompts {prompts_file} given; "
                "pass one, or add the prompt to the file"
            )
        _batch(
            prompts_file,
            request,
            model,
            runtime,
            out,
            overwrite,
            settings,
            provenance,
            as_json,
            notify,
        )
        return
    if prompt is None:
        raise UsageError(
            'no prompt given; pass one, e.g. vidgen make "a red ball", or --prompts FILE'
        )
    if settings["check"] or settings["candidates"] > 1 or settings["report_dir"] is not None:
        raise UsageError(
            "--check, --report and --candidates work on batches; put the prompt in a .txt file and pass it"
        )
    from vidgen.make import make_clip

    made = make_clip(
        request,
        model,
        runtime,
        out=out,
        overwrite=overwrite,
        notify=notify,
        provenance=provenance,
    )
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


def _batch(
    prompts_file, request, model, runtime, out, overwrite, settings, provenance, as_json, notify
) -> None:
    from dataclasses import replace

    from vidgen.batch import BatchOptions, run_batch
    from vidgen.promptfile import read_prompt_file

    items = read_prompt_file(prompts_file)  # every line checked before any work
    report = settings["report_dir"]
    if report is not None:
        if not settings["check"]:
            raise UsageError("--report shows the checks of a batch; add --check")
        from vidgen.report import open_report

        report = open_report(report).root  # a bad folder fails before the model loads
    options = BatchOptions(
        out=out or Path("outputs") / prompts_file.stem,
        source=str(prompts_file),
        overwrite=overwrite,
        provenance=provenance,
        batch_seed=request.seed if request.seed is not None else 0,
        check=settings["check"],
        report=report,
        candidates=settings["candidates"],
        continue_on_error=settings["continue_on_error"],
    )

    def show(outcome) -> None:
        if as_json:
            click.echo(
                json.dumps(
                    {
                        "schema": "vidgen.make.item/1",
                        "line": outcome.item.line,
                        "id": outcome.item.id,
                        "status": outcome.status,
                        "path": str(outcome.path) if outcome.path else None,
                        "seed": outcome.seed,
                        "error": outcome.error,
                        "check": outcome.check,
                    }
                )
            )
        elif outcome.path is not None:
            click.echo(str(outcome.path))

    summary = run_batch(
        items, replace(request, seed=None), model, runtime, options, notify=notify, on_outcome=show
    )
    notify(
        f"batch rank {summary.shard.rank}/{summary.shard.world}: {summary.count('done')} done, "
        f"{summary.count('skipped')} skipped, {summary.count('busy')} made by another process, "
        f"{summary.count('failed')} failed; "
        f"manifest {summary.manifest}"
    )
    click.get_current_context().exit(summary.exit_code)
