"""LoRA adapters: `--lora PATH_OR_HUB_ID[:SCALE]`, resolved to one weights file, hashed, and
applied through diffusers' own `load_lora_weights` / `set_adapters` (peft underneath).

A loaded pipeline keeps every adapter it has loaded, named by the file's hash; each request
turns on its own (with its scales) and the rest off, so a batch whose lines name different
LoRAs loads each file once. Wan 2.2 A14B's second transformer gets the adapter too, as the
diffusers docs load it (`load_into_transformer_2=True`).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

from vidgen.errors import UsageError

PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl")


def parse_lora(spec: str, where: str = "--lora") -> tuple[str, float]:
    """`id[:scale]` -> (id, scale); a colon not followed by a number is part of the id."""
    text = spec.strip()
    source, scale = text, 1.0
    head, sep, tail = text.rpartition(":")
    if sep and head:
        try:
            scale = float(tail)
        except ValueError:
            if Path(head).expanduser().exists():
                raise UsageError(
                    f"{where} {spec!r}: scale {tail!r} is not a number; write {head}:0.8"
                ) from None
            # otherwise C:\\path or an id with a colon: no scale given
        else:
            source = head
    if not source:
        raise UsageError(f"{where} {spec!r}: empty; pass a .safetensors file, folder or hub id")
    if not math.isfinite(scale):
        raise UsageError(f"{where} {spec!r}: scale must be a finite number, e.g. {source}:0.8")
    return source, scale


@dataclass(frozen=True)
class LoraFile:
    source: str  # what the user typed (path or hub id)
    path: Path  # the weights file
    scale: float
    sha256: str

    @property
    def adapter(self) -> str:
        return f"vidgen_{self.sha256[:16]}"

    def as_record(self) -> dict:
        return {
            "id": self.source,
            "path": str(self.path),
            "scale": self.scale,
            "sha256": self.sha256,
        }


def resolve_loras(loras, allow_pickle: bool) -> list[LoraFile]:
    """Each (source, scale) as a local, hashed weights file; every error names the --lora."""
    from importlib.util import find_spec

    from vidgen.provenance.record import file_sha256

    if loras and find_spec("peft") is None:
        raise UsageError(
            "--lora needs the peft package, which diffusers loads LoRA with; pip install peft"
        )
    files = []
    for source, scale in loras:
        path = _weights_file(source, allow_pickle)
        files.append(LoraFile(source, path.resolve(), float(scale), file_sha256(path)))
    seen: dict[str, str] = {}
    for lora in files:
        if lora.sha256 in seen:
            raise UsageError(
                f"--lora {lora.source}: the same weights as --lora {seen[lora.sha256]}; pass it "
                "once with the summed scale"
            )
        seen[lora.sha256] = lora.source
    return files


def _weights_file(source: str, allow_pickle: bool) -> Path:
    path = Path(source).expanduser()
    if path.is_file():
        return _checked_file(source, path, allow_pickle)
    if path.is_dir():
        return _file_in_folder(source, path, allow_pickle)
    if path.suffix or source.startswith((".", "/", "~")) or source.count("/") != 1:
        raise UsageError(
            f"--lora {source}: no such file or folder; pass a .safetensors file, a folder "
            "holding one, or a hub id (owner/name)"
        )
    return _file_in_folder(source, _hub_folder(source, allow_pickle), allow_pickle)


def _checked_file(source: str, path: Path, allow_pickle: bool) -> Path:
    if path.suffix == ".safetensors":
        return path
    if path.suffix in PICKLE_SUFFIXES:
        if allow_pickle:
            return path
        raise UsageError(
            f"--lora {source}: pickle weights can run code when loaded; convert to "
            ".safetensors or pass --allow-pickle if you trust the source"
        )
    raise UsageError(f"--lora {source}: not a LoRA weights file; pass a .safetensors file")


def _file_in_folder(source: str, folder: Path, allow_pickle: bool) -> Path:
    files = sorted(folder.glob("*.safetensors"))
    if not files and allow_pickle:
        files = sorted(p for p in folder.iterdir() if p.suffix in PICKLE_SUFFIXES)
    if len(files) == 1:
        return files[0]
    if not files:
        pickles = [p.name for p in folder.iterdir() if p.suffix in PICKLE_SUFFIXES]
        fix = " or pass --allow-pickle if you trust the source" if pickles else ""
        raise UsageError(f"--lora {source}: no .safetensors file in {folder}; pass the file{fix}")
    names = ", ".join(p.name for p in files[:3])
    raise UsageError(f"--lora {source}: {folder} holds several weight files ({names}); pass one")


def _hub_folder(source: str, allow_pickle: bool) -> Path:
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    patterns = ["*.safetensors", "*.json"] + (["*.bin", "*.pt"] if allow_pickle else [])
    offline = os.environ.get("HF_HUB_OFFLINE", "") not in ("", "0")
    try:
        return Path(snapshot_download(source, allow_patterns=patterns, local_files_only=offline))
    except LocalEntryNotFoundError:
        raise UsageError(
            f"--lora {source}: not in the local Hugging Face cache and HF_HUB_OFFLINE=1 forbids "
            f"downloading; run `huggingface-cli download {source}` with network, or pass a file"
        ) from None
    except Exception as error:
        raise UsageError(
            f"--lora {source}: could not fetch it from the hub ({type(error).__name__}); check "
            "the id and the network, or pass a local .safetensors file"
        ) from None


def apply_loras(loaded, loras: list[LoraFile]) -> None:
    """Turn on exactly `loras` (at their scales) on the loaded pipeline; load any new one."""
    pipe = loaded.pipe
    if not loras and not loaded.adapters:
        return
    if loras and not hasattr(pipe, "load_lora_weights"):
        raise UsageError(
            f"--lora: {type(pipe).__name__} cannot load LoRA weights in diffusers; drop --lora"
        )
    for lora in loras:
        if lora.adapter not in loaded.adapters:
            _load(pipe, lora)
            loaded.adapters.add(lora.adapter)
    if not loras:
        pipe.disable_lora()
        return
    pipe.enable_lora()
    pipe.set_adapters([lora.adapter for lora in loras], [lora.scale for lora in loras])


def _load(pipe, lora: LoraFile) -> None:
    import logging

    options = {"adapter_name": lora.adapter, "use_safetensors": lora.path.suffix == ".safetensors"}
    # diffusers logs a failed load as an error of many lines before raising; vidgen's own
    # one-line error below says what went wrong.
    peft_log = logging.getLogger("diffusers.loaders.peft")
    level = peft_log.level
    peft_log.setLevel(logging.CRITICAL)
    try:
        pipe.load_lora_weights(str(lora.path.parent), weight_name=lora.path.name, **options)
        if getattr(pipe, "transformer_2", None) is not None:  # Wan 2.2 A14B: both experts
            pipe.load_lora_weights(
                str(lora.path.parent),
                weight_name=lora.path.name,
                load_into_transformer_2=True,
                **options,
            )
    except (ValueError, KeyError, RuntimeError, OSError) as error:
        first = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
        if "not found in the base model" in str(error):  # peft lists every missing module
            first = "the layers it adapts are not in this model's transformer"
        raise UsageError(
            f"--lora {lora.source}: diffusers could not apply it to {type(pipe).__name__} "
            f"({first}); pass a LoRA trained for this model"
        ) from None
    finally:
        peft_log.setLevel(level)


def local_digests(loras) -> list[str]:
    """The sha256 of each (source, scale)'s local weights, the source itself for a hub id:
    what a re-run must find unchanged to keep the clips made with them."""
    from vidgen.provenance.record import file_sha256

    out = []
    for source, _ in loras:
        path = Path(source).expanduser()
        files = sorted(path.glob("*.safetensors")) if path.is_dir() else [path]
        if files and all(f.is_file() for f in files):
            out.append(",".join(file_sha256(f) for f in files))
        else:
            out.append(source)
    return out
