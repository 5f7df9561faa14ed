"""`vidgen models`: the presets and their default settings."""

from __future__ import annotations

import json

import click

from vidgen.models import EMBEDDED_PRESET, PRESETS
from vidgen.quantize import vram_guide


@click.command("models")
@click.option("--json", "as_json", is_flag=True, help="Print the presets as JSON.")
def models(as_json: bool) -> None:
    """List model presets: hub id, default size/frames/fps/steps/guidance, VRAM and license.

    The VRAM guide is the transformer's weights alone at bf16, int8 (--quantize int8) and
    4-bit (--quantize bnb-4bit); activations, the VAE and the text encoder come on top.

    A preset's settings are defaults; `vidgen make` flags override them.

    \b
    Examples:
      vidgen models
      vidgen make --model wan2.1-t2v-1.3b "a cat walks past a vase"
    """
    if as_json:
        payload = {
            "schema": "vidgen.models/1",
            "models": [
                {**preset.as_dict(), "vram_guide_gb": vram_guide(preset.parameters_b)}
                for preset in PRESETS.values()
            ],
        }
        click.echo(json.dumps(payload, indent=2))
        return
    header = f"{'name':<22} {'size':>9} {'frames':>6} {'fps':>3} {'steps':>5} {'cfg':>4}  source"
    click.echo(header)
    for p in PRESETS.values():
        size = f"{p.width}x{p.height}"
        click.echo(
            f"{p.name:<22} {size:>9} {p.frames:>6} {p.fps:>3} {p.steps:>5} {p.guidance:>4g}  "
            f"{p.source if p.name != EMBEDDED_PRESET else '(embedded)'}"
        )
        note = f"; {p.note}" if p.note else ""
        click.echo(f"{'':<22} VRAM: {p.vram}; license: {p.license}{note}")
        if p.parameters_b:
            guide = vram_guide(p.parameters_b)
            image = {"optional": "; --image optional", "required": "; needs --image"}
            click.echo(
                f"{'':<22} transformer weights ({p.parameters_b:g}B): bf16 {guide['bf16']:g} GB, "
                f"int8 {guide['int8']:g} GB, 4-bit {guide['4-bit']:g} GB{image.get(p.image, '')}"
            )
