"""Run one text-to-video request through a loaded diffusers pipeline and return uint8 frames.

Reads like a diffusers `__call__`: check the request against what the pipeline can take,
draw the noise from a seeded CPU generator, call the pipeline, convert the frames.
"""

from __future__ import annotations

import inspect
import logging
import math
import os
import re
import secrets
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace

import numpy as np

from vidgen.errors import UsageError
from vidgen.loading import LoadedPipeline, ModelSource
from vidgen.pipeline_geometry import check_shape, geometry_from_folder, geometry_of

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
    image: str | None = None  # first frame (image-to-video), a file path
    last_image: str | None = None  # last frame, where the pipeline takes one
    loras: tuple[tuple[str, float], ...] = ()  # (path or hub id, scale), applied in order

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Generation:
    frames: np.ndarray  # (T, H, W, 3) uint8
    request: Request  # with every default filled in, as actually run
    seconds: float  # wall time of the pipeline call
    warnings: list[str] = field(default_factory=list)
    pipeline_class: str | None = None  # the class that ran (an image-to-video sibling, say)


def new_seed() -> int:
    return secrets.randbelow(MAX_SEED + 1)


def known_defaults(source: ModelSource) -> dict:
    """The settings a model was made for, known before loading it: its preset's, else those
    its folder states (models.folder_defaults)."""
    preset = source.preset
    if preset is None:
        from vidgen.models import folder_defaults

        return folder_defaults(source.path)
    return {
        "frames": preset.frames,
        "height": preset.height,
        "width": preset.width,
        "fps": preset.fps,
        "steps": preset.steps,
        "guidance": preset.guidance,
    }


def with_defaults(request: Request, defaults: dict) -> Request:
    # `is None`, not falsiness: --width 0 must reach the checks and be refused, not replaced.
    filled = {k: v for k, v in defaults.items() if v is not None and getattr(request, k) is None}
    return replace(request, **filled)


def fill_defaults(request: Request, loaded: LoadedPipeline) -> Request:
    """Preset settings first, then the pipeline's own `__call__` defaults; flags win over both."""
    defaults = _call_defaults(loaded.pipe)
    request = with_defaults(request, known_defaults(loaded.source))
    return with_defaults(
        request,
        {
            "frames": defaults.get("num_frames"),
            "height": defaults.get("height"),
            "width": defaults.get("width"),
            "fps": 16,
            "steps": defaults.get("num_inference_steps"),
            "guidance": defaults.get("guidance_scale"),
            "seed": new_seed(),
        },
    )


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


def check_values(request: Request) -> None:
    """The guards that need no model: each names the flag, its value and a valid choice.

    Fields still None (to come from the model's defaults) are checked once filled in.
    """
    check_prompt(request.prompt)
    if request.seed is not None and not 0 <= request.seed <= MAX_SEED:
        raise UsageError(f"--seed {request.seed}: must be between 0 and {MAX_SEED}")
    for flag, value in (
        ("--frames", request.frames),
        ("--height", request.height),
        ("--width", request.width),
        ("--steps", request.steps),
        ("--fps", request.fps),
    ):
        if value is not None and value <= 0:
            raise UsageError(f"{flag} {value}: must be a positive whole number")
    if request.guidance is not None and not (
        math.isfinite(request.guidance) and request.guidance >= 0
    ):
        raise UsageError(f"--guidance {request.guidance}: must be 0 or more (1 turns CFG off)")


def check_request(request: Request, loaded: LoadedPipeline) -> None:
    """Every guard on a filled request, with what only the loaded pipeline knows."""
    check_values(request)
    if request.negative_prompt and "negative_prompt" not in _call_parameters(loaded.pipe):
        raise UsageError(
            f"--negative-prompt: {loaded.source.pipeline_class} takes no negative prompt; drop it"
        )
    check_shape(request, geometry_of(loaded.pipe, loaded.source.pipeline_class))
    check_memory(request)


def _call_parameters(pipe) -> set[str]:
    return set(inspect.signature(type(pipe).__call__).parameters)


# Bytes per output pixel a generation holds at once, at the least: the pipeline's float32
# frames (12), their uint8 copy (3) and the watermarked copy (3). The VAE's activations come
# on top, so a request over this is sure not to fit.
BYTES_PER_PIXEL = 18


def memory_bytes() -> int | None:
    """Physical memory of this machine (None where the OS does not say)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def check_memory(request: Request) -> None:
    """Refuse a clip whose frames alone would not fit in this machine's memory."""
    if None in (request.frames, request.height, request.width):
        return
    if min(request.frames, request.height, request.width) <= 0:
        return
    need = request.frames * request.height * request.width * BYTES_PER_PIXEL
    have = memory_bytes()
    if have and need > have:
        raise UsageError(
            f"--frames {request.frames} --height {request.height} --width {request.width}: "
            f"the frames alone need at least {_human(need)} and this machine has "
            f"{_human(have)}; make fewer or smaller frames"
        )


def _human(size: int) -> str:
    return f"{size / 2**30:.1f} GiB" if size >= 2**30 else f"{size / 2**20:.1f} MiB"


def check_before_loading(request: Request, source: ModelSource) -> Request:
    """Every guard that needs no weights, on the request with the defaults known so far."""
    planned = with_defaults(request, known_defaults(source))
    check_values(planned)
    geometry = geometry_from_folder(source)
    if geometry is not None:
        check_shape(planned, geometry)
    check_memory(planned)
    return planned


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


def token_count(prompt: str, loaded: LoadedPipeline) -> tuple[int, int] | None:
    """(tokens in the prompt, tokens the pipeline reads) when the prompt is too long, else None.

    Pipelines cut the prompt at `max_sequence_length` without a word; vidgen says so.
    """
    tokenizer = getattr(loaded.pipe, "tokenizer", None)
    limit = _call_defaults(loaded.pipe).get("max_sequence_length")
    if tokenizer is None or not isinstance(limit, int):
        return None
    count = len(tokenizer(prompt, add_special_tokens=True)["input_ids"])
    return (count, limit) if count > limit else None


def run(
    request: Request, loaded: LoadedPipeline, notify: Callable[[str], None] | None = None
) -> Generation:
    """Generate the frames of one filled, checked request.

    Progress: diffusers' bar on a terminal; elsewhere (a log, a pipe) plain lines through
    `notify`, so no carriage return ever lands in a log file.
    """
    import torch

    from vidgen.conditioning import load_image, pipeline_for

    pipe = pipeline_for(loaded, request)  # the image-to-video class when there is an image
    parameters = _call_parameters(pipe)
    bar = not loaded.options.quiet and sys.stderr.isatty()
    if hasattr(pipe, "set_progress_bar_config"):
        pipe.set_progress_bar_config(disable=not bar, leave=False)
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
    if request.image:
        arguments["image"] = load_image(request.image)
    if request.last_image:
        arguments["last_image"] = load_image(request.last_image)
    if "frame_rate" in parameters:  # LTX-Video conditions on the frame rate
        arguments["frame_rate"] = request.fps
    if not bar and notify is not None and "callback_on_step_end" in parameters:
        arguments["callback_on_step_end"] = StepLines(request.steps, notify)
    started = time.perf_counter()
    with torch.inference_mode():
        output = pipe(**arguments)
    seconds = time.perf_counter() - started
    return Generation(
        to_uint8(output.frames[0]), request, seconds, pipeline_class=type(pipe).__name__
    )


class StepLines:
    """A diffusers step callback that says `step i/N` now and then: first, last, every 10 s."""

    EVERY_S = 10.0

    def __init__(self, steps: int, notify: Callable[[str], None]):
        self.steps, self.notify = steps, notify
        self.started = self.last = time.perf_counter()

    def __call__(self, pipe, step: int, timestep, tensors: dict) -> dict:
        now = time.perf_counter()
        done = step + 1
        if done in (1, self.steps) or now - self.last >= self.EVERY_S:
            self.notify(f"denoising: step {done}/{self.steps} ({now - self.started:.1f} s)")
            self.last = now
        return tensors


def to_uint8(video) -> np.ndarray:
    """(T, H, W, 3) floats in [0, 1] -> uint8, converted exactly as diffusers' export_to_video."""
    video = np.asarray(video)
    if video.dtype != np.uint8:
        video = (video * 255).astype(np.uint8)
    return video
