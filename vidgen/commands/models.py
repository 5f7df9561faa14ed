"""`vidgen models`: the presets and their default settings."""

from __future__ import annotations

import json

import click

from vidgen.models import EMBEDDED_PRESET, PRESETS


@click.command("models")
@click.option("--json", "as_json", is_flag=True, help="Print the presets as JSON.")
def models(as_json: bool) -> None:
    """List model presets: hub id, default size/frames/fps/steps/guidance, VRAM and license.

    A preset's settings are defaults; `vidgen make` flags override them.

    \b
    Examples:
      vidgen models
      vidgen make --model wan2.1-t2v-1.3b "a cat walks past a vase"
    """
    if as_json:
        payload = {
            "schema": "vidgen.models/1",
            "models": [preset.as_dict() for preset in PRESETS.values()],
        }
        click.echo(json.dumps(payload, indent=2))
        return
    header = f"{'name':<17} {'size':>9} {'frames':>6} {'fps':>3} {'steps':>5} {'cfg':>4}  source"
    click.echo(header)
    for p in PRESETS.values():
        size = f"{p.width}x{p.height}"
        click.echo(
            f"{p.name:<17} {size:>9} {p.frames:>6} {p.fps:>3} {p.steps:>5} {p.guidance:>4g}  "
            f"{p.source if p.name != EMBEDDED_PRESET else '(embedded)'}"
        )
        note = f"; {p.note}" if p.note else ""
        click.echo(f"{'':<17} VRAM: {p.vram}; license: {p.license}{note}")
