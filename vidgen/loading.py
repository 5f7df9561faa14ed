"""Find a model (preset, local folder or hub id), check it is a safe text-to-video pipeline, load it.

Everything a user can get wrong about a model is caught here, before the slow import of
diffusers where possible, and reported as a ModelError that names the model and the fix.
"""

from __future__ import annotations

import inspect
import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from vidgen.errors import ModelError
from vidgen.models import EMBEDDED_MODEL_DIR, EMBEDDED_PRESET, Preset, find_preset

# Weight files that unpickle arbitrary code when loaded.
PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl")

# Arguments that mean a pipeline needs an image or video as input, not only text.
CONDITIONING_ARGUMENTS = ("image", "video", "control_video", "last_image", "mask")


@dataclass(frozen=True)
class ModelSource:
    """Where a model comes from, resolved from what the user typed after --model."""

    requested: str  # what the user typed (or the embedded preset name)
    path: Path  # local folder in diffusers format (a hub cache snapshot for hub ids)
    hub_id: str | None  # set when the folder came from the hub cache
    revision: str | None  # hub commit hash of the snapshot, when known
    preset: Preset | None
    pipeline_class: str  # `_class_name` of model_index.json


@dataclass(frozen=True)
class RuntimeOptions:
    """How to run a pipeline; nothing here changes what a seed generates on a given device."""

    device: str = "auto"
    dtype: str = "auto"
    offload: str | None = None  # model | sequential | group
    vae_tiling: bool = False
    cache: str = "none"  # none | fbc
    compile: bool = False
    allow_pickle: bool = False
    quiet: bool = False
    quantize: str = "none"  # none | int8 | float8 | bnb-8bit | bnb-4bit (vidgen.quantize)
    context_parallel: str | None = None  # ulysses | ring, under torchrun (vidgen.compat)
    gguf: str | None = None  # the transformer from this GGUF file (vidgen.gguf)


@dataclass
class LoadedPipeline:
    pipe: object
    source: ModelSource
    device: str
    dtype: str
    options: RuntimeOptions
    notes: list[str] = field(default_factory=list)
    adapters: set[str] = field(default_factory=set)  # LoRA adapters loaded (vidgen.lora)
    variants: dict = field(default_factory=dict)  # image-to-video siblings (vidgen.conditioning)


def resolve_model(model: str | None) -> ModelSource:
    """Turn a preset name, hub id or folder into a local pipeline folder, or explain why not."""
    requested = model or EMBEDDED_PRESET
    preset = find_preset(requested)
    if preset is not None and preset.name == EMBEDDED_PRESET:
        if not (EMBEDDED_MODEL_DIR / "model_index.json").is_file():
            raise ModelError(
                "the embedded shapes model is not installed in this copy of vidgen "
                f"({EMBEDDED_MODEL_DIR} has no model_index.json); pass --model with a diffusers "
                "folder or a preset from `vidgen models`, e.g. --model wan2.1-t2v-1.3b"
            )
        return _local_source(requested, EMBEDDED_MODEL_DIR, preset)
    target = preset.source if preset is not None else requested
    path = Path(target).expanduser()
    if path.exists() or _looks_like_path(target):
        if not path.is_dir():
            raise ModelError(
                f"--model {requested}: folder {path} does not exist; pass an existing diffusers "
                "pipeline folder, a hub id or a preset from `vidgen models`"
            )
        return _local_source(requested, path, preset)
    return _hub_source(requested, target, preset)


def _looks_like_path(text: str) -> bool:
    """Hub ids are `owner/name`; anything else that names no preset is taken as a folder."""
    return text.startswith((".", "/", "~")) or text.count("/") != 1 or "\\" in text


def _local_source(requested: str, path: Path, preset: Preset | None) -> ModelSource:
    index = path / "model_index.json"
    if not index.is_file():
        raise ModelError(
            f"--model {requested}: {path} is not a diffusers pipeline folder (no model_index.json); "
            "save one with `pipeline.save_pretrained(folder)` or pass a hub id"
        )
    try:
        class_name = json.loads(index.read_text())["_class_name"]
    except (ValueError, KeyError) as error:
        raise ModelError(
            f"--model {requested}: {index} is not a valid model_index.json ({error}); "
            "re-save the pipeline with save_pretrained"
        ) from error
    revision = path.name if path.parent.name == "snapshots" else None
    return ModelSource(requested, path, None, revision, preset, class_name)


def _hub_source(requested: str, hub_id: str, preset: Preset | None) -> ModelSource:
    """Use the local hub cache; download only when online, and say how when offline."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    offline = os.environ.get("HF_HUB_OFFLINE", "") not in ("", "0")
    try:
        folder = snapshot_download(hub_id, local_files_only=True)
    except LocalEntryNotFoundError:
        if offline:
            raise ModelError(
                f"--model {requested}: {hub_id} is not in the local Hugging Face cache and "
                "HF_HUB_OFFLINE=1 forbids downloading; run `huggingface-cli download "
                f"{hub_id}` on a machine with network (or unset HF_HUB_OFFLINE), or pass a "
                "local folder"
            ) from None
        folder = _download(requested, hub_id)
    except Exception as error:  # malformed ids are rejected by the hub client
        raise ModelError(
            f"--model {requested}: not a preset, an existing folder or a valid hub id ({error}); "
            "see `vidgen models`"
        ) from None
    source = _local_source(requested, Path(folder), preset)
    return ModelSource(
        requested, source.path, hub_id, source.revision, preset, source.pipeline_class
    )


def _download(requested: str, hub_id: str, allow_pickle: bool = False) -> str:
    # DiffusionPipeline.download fetches only the components model_index.json names, in
    # safetensors, not every single-file checkpoint a hub repository also carries.
    from diffusers import DiffusionPipeline

    try:
        return DiffusionPipeline.download(hub_id, use_safetensors=not allow_pickle)
    except Exception as error:
        raise ModelError(
            f"--model {requested}: could not download {hub_id} ({type(error).__name__}); check "
            "the network and the id, or pass a local diffusers folder"
        ) from None


def check_weights_are_safe(source: ModelSource, allow_pickle: bool) -> None:
    """Refuse pickle weights unless asked: unpickling a checkpoint can run arbitrary code.

    A component folder that also has safetensors is fine: vidgen loads with
    use_safetensors=True and never touches its pickles.
    """
    if allow_pickle:
        return
    pickled = sorted(
        str(p.relative_to(source.path))
        for p in source.path.rglob("*")
        if p.suffix in PICKLE_SUFFIXES and p.is_file() and not any(p.parent.glob("*.safetensors"))
    )
    if pickled:
        more = f" (and {len(pickled) - 1} more)" if len(pickled) > 1 else ""
        raise ModelError(
            f"--model {source.requested}: {pickled[0]}{more} is pickle weights with no "
            "safetensors beside it, which can run code when loaded; convert to safetensors or "
            "pass --allow-pickle if you trust the source"
        )


def pipeline_class(source: ModelSource):
    """The diffusers class the folder declares, checked to be text-to-video."""
    import diffusers

    cls = getattr(diffusers, source.pipeline_class, None)
    if cls is None:
        raise ModelError(
            f"--model {source.requested}: pipeline class {source.pipeline_class} is not part of "
            f"diffusers {diffusers.__version__}; upgrade diffusers or pick another model "
            "(vidgen never runs remote code)"
        )
    from vidgen.conditioning import IMAGE_CLASSES

    parameters = inspect.signature(cls.__call__).parameters
    needs_input = [
        name
        for name in CONDITIONING_ARGUMENTS
        if name in parameters and parameters[name].default is inspect.Parameter.empty
    ]
    if source.pipeline_class in IMAGE_CLASSES:  # the image comes from --image
        needs_input = [name for name in needs_input if name != "image"]
    if "num_frames" not in parameters or "prompt" not in parameters or needs_input:
        raise ModelError(
            f"--model {source.requested}: {source.pipeline_class} is not a text-to-video "
            "or image-to-video pipeline; pass a model such as a preset from `vidgen models`"
        )
    return cls


def pick_device(requested: str) -> str:
    import torch

    if requested != "auto":
        try:
            torch.device(requested)
        except RuntimeError:
            raise ModelError(
                f"--device {requested}: not a device name; use auto, cpu, cuda, cuda:N or mps"
            ) from None
        if requested.startswith("cuda") and not torch.cuda.is_available():
            raise ModelError(f"--device {requested}: CUDA is not available here; use --device cpu")
        if requested == "mps" and not torch.backends.mps.is_available():
            raise ModelError("--device mps: MPS is not available here; use --device cpu")
        return requested
    if torch.cuda.is_available():
        return "cuda"
    if torch.backends.mps.is_available():
        return "mps"
    return "cpu"


def check_runtime(options: RuntimeOptions) -> None:
    """The device exists here; what the options cannot combine is vidgen.compat's table."""
    pick_device(options.device)


def pick_dtype(requested: str, device: str) -> str:
    if requested != "auto":
        return requested
    # bf16 halves memory on GPUs that support it; CPUs run fp32 fastest and exactly.
    return "bfloat16" if device.startswith("cuda") else "float32"


def load_pipeline(source: ModelSource, options: RuntimeOptions) -> LoadedPipeline:
    """Load once per process: a batch of thousands of prompts pays the load cost once."""
    return _load_cached(source, options)


@lru_cache(maxsize=2)
def _load_cached(source: ModelSource, options: RuntimeOptions) -> LoadedPipeline:
    import torch

    check_weights_are_safe(source, options.allow_pickle)
    _quiet_library_logs()  # before the pipeline classes import (and with them torchao)
    cls = pipeline_class(source)
    check_runtime(options)
    device = pick_device(options.device)
    dtype = pick_dtype(options.dtype, device)
    extra = {}
    if options.quantize != "none":
        from vidgen.quantize import quantization_config, quiet_repeated_logs

        components = list(json.loads((source.path / "model_index.json").read_text()))
        extra["quantization_config"] = quantization_config(options.quantize, components)
        quiet_repeated_logs(options.quantize)
    if options.gguf:
        from vidgen.gguf import load_transformer

        extra["transformer"] = load_transformer(source, options.gguf, getattr(torch, dtype))
    try:
        pipe = cls.from_pretrained(
            str(source.path),
            **{_dtype_argument(): getattr(torch, dtype)},
            **extra,
            # --allow-pickle: safetensors where a component has them, pickles where not
            # (False would refuse the safetensors of a folder that mixes both).
            use_safetensors=None if options.allow_pickle else True,
            local_files_only=True,
        )
    except Exception as error:
        raise ModelError(
            f"--model {source.requested}: could not load {source.pipeline_class} from "
            f"{source.path} ({type(error).__name__}: {str(error).splitlines()[0][:200]}); check "
            "that the folder is a complete diffusers pipeline"
        ) from error
    loaded = LoadedPipeline(pipe, source, device, dtype, options)
    _place(loaded)
    _accelerate(loaded)
    if options.quantize != "none":
        loaded.notes.append(f"transformer weights quantized: {options.quantize}")
    if options.gguf:
        loaded.notes.append(f"transformer from {Path(options.gguf).name} (GGUF)")
    if options.context_parallel:
        from vidgen.parallel import enable_context_parallel

        enable_context_parallel(loaded)
    # generate.run sets the denoising progress per call: a bar on a terminal, lines elsewhere.
    return loaded


def _dtype_argument() -> str:
    """diffusers 0.36 renamed `torch_dtype` to `dtype`; the old name warns on every load."""
    import diffusers
    from packaging.version import Version

    return "dtype" if Version(diffusers.__version__) >= Version("0.36") else "torch_dtype"


def _quiet_library_logs() -> None:
    # diffusers/transformers log config mismatches at warning level on every load; a user of
    # vidgen cannot act on them, and our own messages say what matters.
    import logging

    import diffusers
    import transformers

    # diffusers imports torchao when it is installed, and torchao's import makes torch log
    # pytree deprecations and diffusers a warning about torchao checkpoints vidgen never loads.
    logging.getLogger("torch.utils._pytree").setLevel(logging.ERROR)
    diffusers.utils.logging.set_verbosity_error()
    diffusers.utils.logging.disable_progress_bar()  # per-component loading bars
    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()


def _place(loaded: LoadedPipeline) -> None:
    pipe, options, device = loaded.pipe, loaded.options, loaded.device
    if options.offload == "model":
        pipe.enable_model_cpu_offload(device=device)
    elif options.offload == "sequential":
        pipe.enable_sequential_cpu_offload(device=device)
    elif options.offload == "group":
        pipe.transformer.enable_group_offload(**group_offload_arguments(device))
        for name, component in pipe.components.items():
            if name != "transformer" and hasattr(component, "to"):
                component.to(device)
    else:
        pipe.to(device)
    if options.vae_tiling:
        if not hasattr(pipe.vae, "enable_tiling"):
            raise ModelError(
                f"--vae-tiling: the VAE of {loaded.source.pipeline_class} has no tiling; drop it"
            )
        pipe.vae.enable_tiling()


def group_offload_arguments(device: str) -> dict:
    """Leaf-level group offload; on CUDA the next leaf's weights copy on a side stream while
    this one computes. Without the stream each leaf waits for its copy: 3.27 s a step, against
    0.47 s with it and 0.37 s without offload (Wan 1.3B, 832x480, 33 frames, H200; BENCHMARKS.md)."""
    return {
        "onload_device": device,
        "offload_device": "cpu",
        "offload_type": "leaf_level",
        "use_stream": device.startswith("cuda"),  # diffusers' streams are CUDA (or XPU) only
    }


def _accelerate(loaded: LoadedPipeline) -> None:
    pipe, options = loaded.pipe, loaded.options
    transformer = getattr(pipe, "transformer", None)
    if options.cache == "fbc":
        from diffusers import FirstBlockCacheConfig

        if transformer is None or not hasattr(transformer, "enable_cache"):
            raise ModelError(
                f"--cache fbc: {loaded.source.pipeline_class} has no cacheable transformer; "
                "use --cache none"
            )
        # 0.2 is the relative-change threshold diffusers documents as a good speed/quality trade.
        transformer.enable_cache(FirstBlockCacheConfig(threshold=0.2))
        loaded.notes.append("first-block cache on (threshold 0.2)")
    if options.compile:
        if transformer is None or not hasattr(transformer, "compile_repeated_blocks"):
            raise ModelError(
                f"--compile: {loaded.source.pipeline_class} has no repeated transformer blocks "
                "to compile; drop --compile"
            )
        transformer.compile_repeated_blocks(fullgraph=True)
        loaded.notes.append("repeated transformer blocks compiled")
