"""The reproducibility record: everything needed to make a clip again, kept beside it as JSON."""

from __future__ import annotations

import datetime as dt
import json
import platform
from importlib import metadata
from pathlib import Path

from vidgen import __version__

RECORD_SCHEMA = "vidgen.record/1"


def library_versions() -> dict[str, str | None]:
    versions = {"python": platform.python_version(), "vidgen": __version__}
    for name in ("torch", "diffusers", "transformers", "accelerate"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def scheduler_description(pipe) -> dict:
    scheduler = getattr(pipe, "scheduler", None)
    if scheduler is None:
        return {"class": None, "config": {}}
    config = {k: v for k, v in dict(scheduler.config).items() if not k.startswith("_")}
    return {"class": type(scheduler).__name__, "config": _jsonable(config)}


def _jsonable(value):
    return json.loads(json.dumps(value, default=str))


def build_record(generation, loaded, clip_path: Path, timings: dict, encoder: dict) -> dict:
    """The sidecar record of one generated clip."""
    request, source, options = generation.request, loaded.source, loaded.options
    return {
        "schema": RECORD_SCHEMA,
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "clip": clip_path.name,
        "prompt": request.prompt,
        "negative_prompt": request.negative_prompt,
        "seed": request.seed,
        "generator_device": "cpu",
        "model": {
            "requested": source.requested,
            "preset": source.preset.name if source.preset else None,
            "hub_id": source.hub_id,
            "path": str(source.path),
            "revision": source.revision,
            "pipeline_class": type(loaded.pipe).__name__,
        },
        "scheduler": scheduler_description(loaded.pipe),
        "steps": request.steps,
        "guidance": request.guidance,
        "frames": request.frames,
        "height": request.height,
        "width": request.width,
        "fps": request.fps,
        "dtype": loaded.dtype,
        "device": loaded.device,
        "runtime": {
            "offload": options.offload,
            "vae_tiling": options.vae_tiling,
            "cache": options.cache,
            "compile": options.compile,
        },
        "versions": library_versions(),
        "encoder": encoder,
        "timings": {k: round(v, 4) for k, v in timings.items()},
        "warnings": list(generation.warnings),
    }


def record_path_for(clip: Path) -> Path:
    return clip.with_suffix(".json")


def dump_record(record: dict) -> str:
    return json.dumps(record, indent=2, sort_keys=False, ensure_ascii=False) + "\n"
