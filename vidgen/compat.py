"""Flag combinations a pipeline or backend cannot do, refused before any weight loads.

Everything lives in one table, REFUSALS: a row has an id, a test on the `Plan` (what the
model's config files, the request and the run options say before loading) and the one-line
message, which names the flag to drop or change. To add a refusal, append a row here and a
case to tests/test_compat.py: every row has a test there, found by its id.

Rows run in table order and the first that applies is the error: put a combination of flags
before a row about the machine, so the user hears about the flags they can change.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

from vidgen.conditioning import IMAGE_PRESET_HINT, ImageRoute, image_route
from vidgen.errors import UsageError
from vidgen.quantize import missing_package

# Transformers whose blocks diffusers' cache hooks (FirstBlockCache) know; others are refused
# rather than left to fail after the load. tests/test_compat.py checks this against diffusers.
CACHE_TRANSFORMERS = (
    "WanTransformer3DModel",
    "LTXVideoTransformer3DModel",
    "CogVideoXTransformer3DModel",
    "HunyuanVideoTransformer3DModel",
    "MochiTransformer3DModel",
)
# Transformers with a context-parallel plan (`_cp_plan`) in diffusers, and their pipelines.
CONTEXT_PARALLEL_TRANSFORMERS = ("WanTransformer3DModel", "LTXVideoTransformer3DModel")
CONTEXT_PARALLEL_PIPELINES = "Wan (wan2.1-*, wan2.2-*) and LTX-Video (ltx-video)"
BITSANDBYTES = ("bnb-8bit", "bnb-4bit")
FLOAT8_CAPABILITY = (8, 9)  # Ada and Hopper: float8 matmuls


@dataclass(frozen=True)
class Plan:
    """What is known before any weight loads."""

    pipeline_class: str  # model_index.json's _class_name
    transformer_class: str | None  # model_index.json's transformer entry
    transformer_config: dict  # transformer/config.json (heads, patch size)
    image: ImageRoute
    request: object  # vidgen.generate.Request, defaults known so far filled in
    runtime: object  # vidgen.loading.RuntimeOptions
    device: str  # cpu, cuda, cuda:1, mps
    cuda_capability: tuple[int, int] | None  # of the device, None when not CUDA
    world_size: int  # processes of a torchrun launch (1 alone)
    batch: bool = False  # the request is one item of a prompt file
    two_transformers: bool = False  # Wan 2.2 A14B: transformer and transformer_2


@dataclass(frozen=True)
class Refusal:
    id: str
    applies: Callable[[Plan], bool]
    message: Callable[[Plan], str]


def _sequence_split(plan: Plan) -> str | None:
    """Why the transformer's tokens (or heads, for Ulysses) do not split over the processes."""
    request, degree = plan.request, plan.world_size
    config = plan.transformer_config
    patch = config.get("patch_size") or (1, 2, 2)
    patch = list(patch) if isinstance(patch, (list, tuple)) else [1, patch, patch]
    if None in (request.frames, request.height, request.width):
        return None
    spatial, temporal = _vae_factors(plan)
    tokens = (
        ((request.frames - 1) // temporal + 1)
        // int(patch[0])
        * (request.height // spatial // int(patch[-2]))
        * (request.width // spatial // int(patch[-1]))
    )
    if tokens % degree:
        counts = [n for n in range(2, 17) if tokens % n == 0]
        fits = f"use --nproc-per-node {_choices(counts)}" if counts else "use another size"
        return (
            f"--frames {request.frames} --height {request.height} --width {request.width} give "
            f"{tokens} transformer tokens, which do not split over {degree} processes; {fits}"
        )
    heads = config.get("num_attention_heads")
    if plan.runtime.context_parallel == "ulysses" and heads and heads % degree:
        return (
            f"--context-parallel ulysses: the transformer's {heads} attention heads do not split "
            f"over {degree} processes; use --context-parallel ring or {_divisors(heads)} processes"
        )
    return None


def _vae_factors(plan: Plan) -> tuple[int, int]:
    # Wan 8x spatial (16x for Wan 2.2's VAE), LTX 32x; 4x (Wan) or 8x (LTX) in time.
    config = plan.transformer_config
    spatial = int(config.get("_vae_spatial", 32 if "LTX" in plan.pipeline_class else 8))
    temporal = int(config.get("_vae_temporal", 8 if "LTX" in plan.pipeline_class else 4))
    return spatial, temporal


def _divisors(n: int) -> str:
    return _choices([d for d in range(2, n + 1) if n % d == 0]) or "1"


def _choices(numbers: list[int]) -> str:
    words = [str(n) for n in numbers[:6]]
    return ", ".join(words[:-1]) + f" or {words[-1]}" if len(words) > 1 else "".join(words)


REFUSALS: tuple[Refusal, ...] = (
    # Inputs the model cannot take.
    Refusal(
        "image-on-text-only-model",
        lambda p: bool(p.request.image) and p.image.pipeline_class is None,
        lambda p: (
            f"--image: {p.pipeline_class} makes video from text only; drop --image or "
            f"use an image-to-video model, e.g. {IMAGE_PRESET_HINT}"
        ),
    ),
    Refusal(
        "image-model-without-image",
        lambda p: p.image.required and not p.request.image,
        lambda p: (
            f"--model: {p.pipeline_class} makes video from an image; pass --image PATH "
            "(or an `image` column in the prompt file)"
        ),
    ),
    Refusal(
        "last-image-without-image",
        lambda p: bool(p.request.last_image) and not p.request.image,
        lambda p: (
            "--last-image needs --image (the first frame); add --image PATH or drop --last-image"
        ),
    ),
    Refusal(
        "last-image-unsupported",
        lambda p: bool(p.request.last_image and p.request.image) and not p.image.last_image,
        lambda p: (
            f"--last-image: {p.image.pipeline_class or p.pipeline_class} of this model "
            "conditions on the first frame only; drop --last-image (first-last-frame models "
            "take one: wan2.1-flf2v-14b-720p, wan2.2-i2v-a14b)"
        ),
    ),
    Refusal(
        "last-image-required",
        lambda p: p.image.last_required and bool(p.request.image) and not p.request.last_image,
        lambda p: (
            f"--model: this {p.pipeline_class} (first-last-frame) needs both ends; add "
            "--last-image PATH, or use a first-frame model such as wan2.1-i2v-14b-480p"
        ),
    ),
    # Flags that do not combine.
    Refusal(
        "cache-unknown-blocks",
        lambda p: p.runtime.cache != "none" and p.transformer_class not in CACHE_TRANSFORMERS,
        lambda p: (
            f"--cache {p.runtime.cache}: diffusers' cache does not know the blocks of "
            f"{p.transformer_class or p.pipeline_class}; drop --cache"
        ),
    ),
    Refusal(
        "context-parallel-with-offload",
        lambda p: bool(p.runtime.context_parallel and p.runtime.offload),
        lambda p: (
            f"--context-parallel with --offload {p.runtime.offload}: each process must "
            "hold the whole transformer on its GPU; drop --offload (or quantize with --quantize)"
        ),
    ),
    Refusal(
        "group-offload-with-lora",
        lambda p: p.runtime.offload == "group" and bool(p.request.loras),
        lambda p: (
            "--offload group with --lora: LoRA layers cannot be added to group-offloaded "
            "modules; drop --offload group (use --offload model)"
        ),
    ),
    Refusal(
        "context-parallel-unsupported-model",
        lambda p: (
            bool(p.runtime.context_parallel)
            and p.transformer_class not in CONTEXT_PARALLEL_TRANSFORMERS
        ),
        lambda p: (
            f"--context-parallel: {p.pipeline_class} has no context-parallel plan in "
            f"diffusers (only {CONTEXT_PARALLEL_PIPELINES}); drop --context-parallel and share "
            "clips over the GPUs with a prompt file instead"
        ),
    ),
    Refusal(
        "context-parallel-with-prompt-file",
        lambda p: bool(p.runtime.context_parallel) and p.batch,
        lambda p: (
            "--context-parallel with a prompt file: under torchrun a batch shares its "
            "clips over the processes (data parallelism); drop --context-parallel, or make one clip"
        ),
    ),
    Refusal(
        "context-parallel-without-launcher",
        lambda p: bool(p.runtime.context_parallel) and p.world_size < 2,
        lambda p: (
            f"--context-parallel {p.runtime.context_parallel}: runs one clip over several "
            "GPUs and needs a launch with 2 or more processes; run under torchrun --nproc-per-node N "
            "or drop --context-parallel"
        ),
    ),
    Refusal(
        "context-parallel-size",
        lambda p: bool(p.runtime.context_parallel) and p.world_size > 1 and _sequence_split(p),
        lambda p: str(_sequence_split(p)),
    ),
    Refusal(
        "gguf-with-quantize",
        lambda p: bool(p.runtime.gguf) and p.runtime.quantize != "none",
        lambda p: (
            f"--gguf with --quantize {p.runtime.quantize}: a GGUF transformer is "
            "quantized already; drop --quantize"
        ),
    ),
    Refusal(
        "gguf-two-transformers",
        lambda p: bool(p.runtime.gguf) and p.two_transformers,
        lambda p: (
            f"--gguf: {p.pipeline_class} of this model has two transformers (Wan 2.2 "
            "A14B's experts) and --gguf replaces one; drop --gguf (or use --quantize)"
        ),
    ),
    # What this machine cannot do.
    Refusal(
        "offload-needs-gpu",
        lambda p: bool(p.runtime.offload) and p.device == "cpu",
        lambda p: (
            f"--offload {p.runtime.offload}: offloading moves weights between CPU and a "
            "GPU, and this run is on the CPU; drop --offload or use --device cuda"
        ),
    ),
    Refusal(
        "context-parallel-needs-gpus",
        lambda p: bool(p.runtime.context_parallel) and not p.device.startswith("cuda"),
        lambda p: (
            f"--context-parallel on {p.device}: diffusers' context parallelism places "
            "each process on its own GPU (NCCL); drop --context-parallel here"
        ),
    ),
    Refusal(
        "bitsandbytes-needs-cuda",
        lambda p: p.runtime.quantize in BITSANDBYTES and not p.device.startswith("cuda"),
        lambda p: (
            f"--quantize {p.runtime.quantize}: bitsandbytes runs on CUDA GPUs only and "
            f"this run is on {p.device}; use --quantize int8 (torchao) or drop --quantize"
        ),
    ),
    Refusal(
        "float8-needs-fp8-gpu",
        lambda p: (
            p.runtime.quantize == "float8"
            and (p.cuda_capability is None or p.cuda_capability < FLOAT8_CAPABILITY)
        ),
        lambda p: (
            f"--quantize float8: needs a GPU of compute capability 8.9 or newer (Ada, "
            f"Hopper) and this run is on {_device_text(p)}; use --quantize int8"
        ),
    ),
    Refusal(
        "gguf-package-missing",
        lambda p: bool(p.runtime.gguf) and find_spec("gguf") is None,
        lambda p: (
            "--gguf needs the gguf package to read the file; pip install gguf, or drop --gguf"
        ),
    ),
    Refusal(
        "quantize-package-missing",
        lambda p: missing_package(p.runtime.quantize) is not None,
        lambda p: (
            f"--quantize {p.runtime.quantize} needs the {missing_package(p.runtime.quantize)} "
            f"package; pip install {missing_package(p.runtime.quantize)}, or drop --quantize"
        ),
    ),
)


def _device_text(plan: Plan) -> str:
    if plan.cuda_capability is None:
        return plan.device
    return f"{plan.device} (capability {plan.cuda_capability[0]}.{plan.cuda_capability[1]})"


def refusal_for(plan: Plan) -> Refusal | None:
    """The first row of the table that applies to `plan`, or None."""
    return next((row for row in REFUSALS if row.applies(plan)), None)


def check_combination(plan: Plan) -> None:
    refusal = refusal_for(plan)
    if refusal is not None:
        raise UsageError(refusal.message(plan))


def plan_for(source, request, runtime, batch: bool = False) -> Plan:
    """Read the plan from the model folder's config files and this machine (imports torch)."""
    import os

    from vidgen.loading import pick_device

    device = pick_device(runtime.device)
    return Plan(
        pipeline_class=source.pipeline_class,
        transformer_class=transformer_class(source.path),
        transformer_config=_transformer_config(source.path),
        image=image_route(source.pipeline_class, source.path),
        request=request,
        runtime=runtime,
        device=device,
        cuda_capability=_capability(device),
        world_size=int(os.environ.get("WORLD_SIZE", "1")),
        batch=batch,
        two_transformers=_has_second_transformer(source.path),
    )


def _has_second_transformer(folder: Path) -> bool:
    try:
        entry = json.loads((Path(folder) / "model_index.json").read_text()).get("transformer_2")
    except (OSError, ValueError, AttributeError):
        return False
    return isinstance(entry, list) and None not in entry


def transformer_class(folder: Path) -> str | None:
    try:
        entry = json.loads((Path(folder) / "model_index.json").read_text()).get("transformer")
    except (OSError, ValueError, AttributeError):
        return None
    return entry[1] if isinstance(entry, list) and len(entry) == 2 else None


def _transformer_config(folder: Path) -> dict:
    config: dict = {}
    for name, keys in (("transformer", None), ("vae", ("scale_factor_spatial",))):
        try:
            values = json.loads((Path(folder) / name / "config.json").read_text())
        except (OSError, ValueError):
            continue
        if keys is None:
            config.update(values)
        elif "scale_factor_spatial" in values:
            config["_vae_spatial"] = values["scale_factor_spatial"]
            config["_vae_temporal"] = values.get("scale_factor_temporal", 4)
    return config


def _capability(device: str) -> tuple[int, int] | None:
    if not device.startswith("cuda"):
        return None
    import torch

    return tuple(torch.cuda.get_device_capability(torch.device(device)))
