"""Run one text-to-video request through a loaded diffusers pipeline and return uint8 frames.

Reads like a diffusers `__call__`: check the request against what the pipeline can take,
draw the noise from a seeded CPU generator, call the pipeline, convert the frames.
"""

from __future__ import annotations

import inspect
import logging
import math
import re
import secrets
import time
from dataclasses import asdict, dataclass, field, replace

import numpy as np

from vidgen.errors import UsageError
from vidgen.loading import LoadedPipeline

log = logging.getLogger("vidgen")

MAX_SEED = 2**32 - 1


@dataclass(frozen=True)
class Request:
    """Everything that decides what a clip shows (with the model and the seed's device)."""

    prompt: str
    negative_prompt: str | None = None
    seed: int | None = None
    frames: int | None = None
    height: int | None = None
    width: int | None = None
    fps: int | None = None
    steps: int | None = None
    guidance: float | None = None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Generation:
    frames: np.ndarray  # (T, H, W, 3) uint8
    request: Request  # with every default filled in, as actually run
    seconds: float  # wall time of the pipeline call
    warnings: list[str] = field(default_factory=list)


def new_seed() -> int:
    return secrets.randbelow(MAX_SEED + 1)


def fill_defaults(request: Request, loaded: LoadedPipeline) -> Request:
    """Preset settings first, then the pipeline's own `__call__` defaults; flags win over both."""
    preset = loaded.source.preset
    defaults = _call_defaults(loaded.pipe)
    fallbacks = {
        "frames": preset.frames if preset else defaults.get("num_frames"),
        "height": preset.height if preset else defaults.get("height"),
        "width": preset.width if preset else defaults.get("width"),
        "fps": preset.fps if preset else 16,
        "steps": preset.steps if preset else defaults.get("num_inference_steps"),
        "guidance": preset.guidance if preset else defaults.get("guidance_scale"),
        "seed": new_seed(),
    }
    # `is None`, not falsiness: --width 0 must reach the checks and be refused, not replaced.
    filled = {k: v for k, v in fallbacks.items() if getattr(request, k) is None}
    return replace(request, **filled)


def _call_defaults(pipe) -> dict:
    parameters = inspect.signature(type(pipe).__call__).parameters
    return {
        name: p.default
        for name, p in parameters.items()
        if p.default is not inspect.Parameter.empty
    }


def check_prompt(prompt: str | None) -> None:
    if not prompt or not prompt.strip():
        raise UsageError('the prompt is empty; pass a description, e.g. vidgen make "a red ball"')


def check_request(request: Request, loaded: LoadedPipeline) -> None:
    """A flat list of guards; each message names the flag, its value and a valid choice."""
    check_prompt(request.prompt)
    if request.seed is not None and not 0 <= request.seed <= MAX_SEED:
        raise UsageError(f"--seed {request.seed}: must be between 0 and {MAX_SEED}")
    for flag, value in (("--steps", request.steps), ("--fps", request.fps)):
        if value is not None and value <= 0:
            raise UsageError(f"{flag} {value}: must be a positive whole number")
    if request.guidance is not None and not (
        math.isfinite(request.guidance) and request.guidance >= 0
    ):
        raise UsageError(f"--guidance {request.guidance}: must be 0 or more (1 turns CFG off)")
    if request.negative_prompt and "negative_prompt" not in _call_parameters(loaded.pipe):
        raise UsageError(
            f"--negative-prompt: {loaded.source.pipeline_class} takes no negative prompt; drop it"
        )
    _check_frames(request.frames, loaded)
    _check_size(request.height, request.width, loaded)


def _call_parameters(pipe) -> set[str]:
    return set(inspect.signature(type(pipe).__call__).parameters)


def temporal_factor(pipe) -> int:
    """Frames must be k * factor + 1: the VAE keeps the first frame and compresses the rest."""
    for attribute in ("vae_scale_factor_temporal", "vae_temporal_compression_ratio"):
        value = getattr(pipe, attribute, None)
        if isinstance(value, int) and value > 0:
            return value
    return 1


def spatial_multiple(pipe) -> int:
    """Height and width must divide into whole latent patches."""
    factor = 1
    for attribute in ("vae_scale_factor_spatial", "vae_spatial_compression_ratio"):
        value = getattr(pipe, attribute, None)
        if isinstance(value, int) and value > 0:
            factor = value
            break
    transformer = getattr(pipe, "transformer", None)
    patch = getattr(getattr(transformer, "config", None), "patch_size", None)
    patch_hw = patch[-1] if isinstance(patch, (list, tuple)) else (patch or 1)
    multiple = factor * int(patch_hw)
    if type(pipe).__name__.startswith("Wan"):
        multiple = int(np.lcm(multiple, 16))  # WanPipeline.check_inputs demands multiples of 16
    return multiple


def _check_frames(frames: int, loaded: LoadedPipeline) -> None:
    if frames <= 0:
        raise UsageError(f"--frames {frames}: must be a positive whole number")
    factor = temporal_factor(loaded.pipe)
    if (frames - 1) % factor != 0:
        lower = (frames - 1) // factor * factor + 1
        raise UsageError(
            f"--frames {frames}: {loaded.source.pipeline_class} needs {factor}k+1 frames; "
            f"nearest valid: {lower} or {lower + factor}"
        )


def _check_size(height: int, width: int, loaded: LoadedPipeline) -> None:
    multiple = spatial_multiple(loaded.pipe)
    for flag, value in (("--height", height), ("--width", width)):
        if value <= 0 or value % multiple != 0:
            lower = max(multiple, value // multiple * multiple)
            raise UsageError(
                f"{flag} {value}: {loaded.source.pipeline_class} needs a multiple of {multiple}; "
                f"nearest valid: {lower} or {lower + multiple}"
            )


def unknown_words(prompt: str, loaded: LoadedPipeline) -> list[str]:
    """Words a word-level tokenizer maps to <unk>: the model never saw them and ignores them.

    Subword tokenizers (T5, Llama, ...) can spell any word, so they never report any.
    """
    tokenizer = getattr(loaded.pipe, "tokenizer", None)
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is None or type(backend.model).__name__ != "WordLevel":
        return []
    vocabulary = tokenizer.get_vocab()
    words = re.findall(r"[a-z0-9]+", prompt.lower())
    return sorted({word for word in words if word not in vocabulary}, key=words.index)


def run(request: Request, loaded: LoadedPipeline) -> Generation:
    """Generate the frames of one filled, checked request."""
    import torch

    pipe = loaded.pipe
    parameters = _call_parameters(pipe)
    # A CPU generator gives the same starting noise for a seed on any device.
    generator = torch.Generator("cpu").manual_seed(request.seed)
    arguments = {
        "prompt": request.prompt,
        "num_frames": request.frames,
        "height": request.height,
        "width": request.width,
        "num_inference_steps": request.steps,
        "guidance_scale": request.guidance,
        "generator": generator,
        "output_type": "np",
    }
    if request.negative_prompt:
        arguments["negative_prompt"] = request.negative_prompt
    if "frame_rate" in parameters:  # LTX-Video conditions on the frame rate
        arguments["frame_rate"] = request.fps
    started = time.perf_counter()
    with torch.inference_mode():
        output = pipe(**arguments)
    seconds = time.perf_counter() - started
    return Generation(to_uint8(output.frames[0]), request, seconds)


def to_uint8(video) -> np.ndarray:
    """(T, H, W, 3) floats in [0, 1] -> uint8, converted exactly as diffusers' export_to_video."""
    video = np.asarray(video)
    if video.dtype != np.uint8:
        video = (video * 255).astype(np.uint8)
    return video
