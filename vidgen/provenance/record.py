"""The reproducibility record: everything needed to make a clip again, kept beside it as JSON.

`vidgen make --from-record CLIP.json` reads it back (see request_from_record); provenance
(record id, decoded-frame hash, watermark payload, signing) is added by vidgen.provenance.seal.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import platform
import re
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


WEIGHT_SUFFIXES = {".safetensors", ".bin", ".pt", ".pth", ".ckpt", ".gguf", ".onnx"}


def weight_hashes(folder: Path) -> dict[str, str]:
    """sha256 of every weight file under a pipeline folder, by relative path."""
    folder = Path(folder)
    if not folder.is_dir():
        return {}
    files = sorted(p for p in folder.rglob("*") if p.suffix in WEIGHT_SUFFIXES and p.is_file())
    out = {}
    for path in files:
        stat = path.resolve().stat()
        # ctime too: a file rewritten in place can keep its size and have its mtime set
        # back (touch -d, rsync -t), but no user can set ctime.
        out[path.relative_to(folder).as_posix()] = _sha256(
            str(path.resolve()), stat.st_size, f"{stat.st_mtime_ns}-{stat.st_ctime_ns}"
        )
    return out


def file_sha256(path: Path) -> str:
    """sha256 of one file, remembered as weight_hashes remembers them."""
    resolved = Path(path).resolve()
    stat = resolved.stat()
    return _sha256(str(resolved), stat.st_size, f"{stat.st_mtime_ns}-{stat.st_ctime_ns}")


@functools.lru_cache(maxsize=256)
def _sha256(path: str, size: int, stamp: str) -> str:
    # The Hugging Face cache stores LFS weights as blobs/<sha256>: the name is the hash.
    resolved = Path(path)
    if resolved.parent.name == "blobs" and re.fullmatch(r"[0-9a-f]{64}", resolved.name):
        return resolved.name
    # Elsewhere, remember hashes on disk by (path, size, mtime and ctime): a single `vidgen make` on a
    # multi-GB local model should not re-read every weight file each time.
    key = f"{path}|{size}|{stamp}"
    cache = _hash_cache()
    if key not in cache:
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 22), b""):
                digest.update(chunk)
        cache[key] = digest.hexdigest()
        _save_hash_cache(cache)
    return cache[key]


def _hash_cache_path() -> Path:
    home = os.environ.get("VIDGEN_HOME") or Path.home() / ".config" / "vidgen"
    return Path(home) / "weight-hashes.json"


@functools.lru_cache(maxsize=1)
def _hash_cache() -> dict[str, str]:
    try:
        cache = json.loads(_hash_cache_path().read_text())
        return cache if isinstance(cache, dict) else {}
    except (OSError, ValueError):
        return {}


def _save_hash_cache(cache: dict[str, str]) -> None:
    path = _hash_cache_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temp.write_text(json.dumps(cache, sort_keys=True))
        os.replace(temp, path)
    except OSError:
        pass  # a cache that cannot be written only costs time


def attention_description(pipe) -> dict:
    """Which attention code ran: diffusers' active dispatch backend and the processor classes."""
    out: dict = {"backend": None, "processors": []}
    try:
        from diffusers.models.attention_dispatch import _AttentionBackendRegistry

        backend = _AttentionBackendRegistry.get_active_backend()[0]
        out["backend"] = getattr(backend, "value", str(backend))
    except Exception:  # older/newer diffusers: the record says unknown rather than failing
        pass
    for name in ("transformer", "unet"):
        model = getattr(pipe, name, None)
        processors = getattr(model, "attn_processors", None) if model is not None else None
        if processors:
            out["processors"] = sorted({type(p).__name__ for p in processors.values()})
            break
    return out


def build_record(
    generation, loaded, clip_path: Path, timings: dict, encoder: dict, inputs: dict | None = None
) -> dict:
    """The sidecar record of one generated clip; `inputs`: image, last_image and loras, hashed."""
    request, source, options = generation.request, loaded.source, loaded.options
    inputs = inputs or {}
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
            "pipeline_class": generation.pipeline_class or type(loaded.pipe).__name__,
            "weights_sha256": weight_hashes(source.path),
        },
        "scheduler": scheduler_description(loaded.pipe),
        "steps": request.steps,
        "guidance": request.guidance,
        "frames": request.frames,
        "height": request.height,
        "width": request.width,
        "fps": request.fps,
        "image": inputs.get("image"),
        "last_image": inputs.get("last_image"),
        "loras": inputs.get("loras", []),
        "gguf": inputs.get("gguf"),
        "dtype": loaded.dtype,
        "device": loaded.device,
        "attention": attention_description(loaded.pipe),
        "runtime": {
            "offload": options.offload,
            "vae_tiling": options.vae_tiling,
            "cache": options.cache,
            "compile": options.compile,
            "quantize": options.quantize,
            "context_parallel": options.context_parallel,
        },
        "versions": library_versions(),
        "encoder": encoder,
        "timings": {k: round(v, 4) for k, v in timings.items()},
        "warnings": list(generation.warnings),
    }


# Written into the sidecar after the clip is sealed, so no signed copy can hold them.
WRITTEN_AFTER_SIGNING = ("timings",)


def differing_fields(signed: dict, other: dict, skip: tuple[str, ...] = ()) -> list[str]:
    """Dotted names of the fields whose values differ between two records, in record order.

    A field only one of them has differs too; `skip` names top-level fields to leave out.
    """
    missing = object()
    names = []
    for key in [*signed, *(k for k in other if k not in signed)]:
        if key in skip:
            continue
        mine, theirs = signed.get(key, missing), other.get(key, missing)
        if isinstance(mine, dict) and isinstance(theirs, dict):
            names.extend(f"{key}.{name}" for name in differing_fields(mine, theirs))
        elif mine != theirs:
            names.append(key)
    return names


def record_path_for(clip: Path) -> Path:
    return clip.with_suffix(".json")


def dump_record(record: dict) -> str:
    return json.dumps(record, indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def read_record(path: Path) -> dict:
    from vidgen.errors import UsageError

    try:
        record = json.loads(Path(path).read_text())
    except OSError as error:
        raise UsageError(f"{path}: cannot read the record ({error.strerror})") from None
    except ValueError:
        raise UsageError(f"{path}: not a JSON record; pass the CLIP.json written by make") from None
    if not isinstance(record, dict) or not str(record.get("schema", "")).startswith(
        "vidgen.record/"
    ):
        raise UsageError(f"{path}: not a vidgen record (no schema vidgen.record/N)")
    return record


def request_from_record(record: dict) -> dict:
    """The make settings a record was made with: request fields, model and runtime."""
    model = record.get("model") or {}
    runtime = record.get("runtime") or {}
    return {
        "request": {
            key: record.get(key)
            for key in (
                "prompt",
                "negative_prompt",
                "seed",
                "frames",
                "height",
                "width",
                "fps",
                "steps",
                "guidance",
            )
        }
        | _recorded_inputs(record),
        "model": model.get("path")
        if model.get("path") and Path(model["path"]).is_dir()
        else (model.get("hub_id") or model.get("requested")),
        "runtime": {
            "device": record.get("device") or "auto",
            "dtype": record.get("dtype") or "auto",
            "offload": runtime.get("offload"),
            "vae_tiling": bool(runtime.get("vae_tiling")),
            "cache": runtime.get("cache") or "none",
            "compile": bool(runtime.get("compile")),
            "quantize": runtime.get("quantize") or "none",
            "context_parallel": runtime.get("context_parallel"),
            "gguf": (record.get("gguf") or {}).get("path"),
        },
        "record_id": record.get("record_id"),
    }


def _recorded_inputs(record: dict) -> dict:
    """The request's image, last image and LoRAs as a record names them (paths, scales)."""
    loras = [
        (
            lora["path"] if Path(lora.get("path") or "").is_file() else lora["id"],
            float(lora["scale"]),
        )
        for lora in record.get("loras") or []
    ]
    return {
        "image": (record.get("image") or {}).get("path"),
        "last_image": (record.get("last_image") or {}).get("path"),
        "loras": tuple(loras),
    }
