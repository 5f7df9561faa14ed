"""A training run's files: its checkpoint (a pipeline folder + optimizer state + EMA weights +
state.json, swapped in atomically), the clock that adds CPU seconds up across resumes, the
loss log, and the export of a checkpoint as a shippable pipeline folder.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path


def save_checkpoint(run: Path, components: dict, extra: dict, state: dict) -> None:
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


def load_checkpoint(run: Path):
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


def log_step(run: Path, stage: str, step: int, loss: float, lr: float, clock: Clock) -> None:
    cpu, wall = clock.totals()
    line = f"{stage}\t{step}\t{loss:.5f}\t{lr:.2e}\t{cpu:.0f}\t{wall:.0f}\n"
    with open(run / "log.tsv", "a") as f:
        f.write(line)
    print(line.rstrip(), file=sys.stderr, flush=True)


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
