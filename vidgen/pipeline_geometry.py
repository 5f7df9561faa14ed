"""The shapes a diffusers video pipeline can take (frames k*t+1, sides in whole latent patches,
no more positions than its transformer's rotary embedding), read from the loaded pipeline or,
for Wan, from a folder's config files before any weight loads; and the one-line refusals."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from vidgen.errors import UsageError

if TYPE_CHECKING:
    from vidgen.generate import Request
    from vidgen.loading import ModelSource


@dataclass(frozen=True)
class Geometry:
    """The shapes a pipeline can take, from its VAE and transformer."""

    pipeline_class: str
    temporal: int  # frames must be k * temporal + 1
    multiple: int  # height and width must be multiples of this
    pixels_per_position: tuple[int, int]  # (latent frames, pixels) per transformer position
    max_positions: int | None  # positions per axis of the transformer's rotary embedding


def geometry_of(pipe, pipeline_class: str) -> Geometry:
    transformer = getattr(pipe, "transformer", None)
    config = getattr(transformer, "config", None)
    patch = getattr(config, "patch_size", None)
    return _geometry(
        pipeline_class,
        temporal_factor(pipe),
        _spatial_factor(pipe),
        patch,
        getattr(config, "rope_max_seq_len", None),
    )


def geometry_from_folder(source: ModelSource) -> Geometry | None:
    """The same, read from a Wan folder's config files before any weight loads (else None)."""
    if not source.pipeline_class.startswith("Wan"):
        return None
    try:
        vae = json.loads((source.path / "vae" / "config.json").read_text())
        transformer = json.loads((source.path / "transformer" / "config.json").read_text())
    except (OSError, ValueError):
        return None  # the loader will say what is wrong with the folder
    return _geometry(
        source.pipeline_class,
        int(vae.get("scale_factor_temporal", 4)),
        int(vae.get("scale_factor_spatial", 8)),
        transformer.get("patch_size"),
        transformer.get("rope_max_seq_len"),
    )


def _geometry(pipeline_class: str, temporal: int, spatial: int, patch, rope) -> Geometry:
    patch = list(patch) if isinstance(patch, (list, tuple)) else [1, patch or 1, patch or 1]
    multiple = spatial * int(patch[-1])
    if pipeline_class.startswith("Wan"):
        multiple = int(np.lcm(multiple, 16))  # WanPipeline.check_inputs demands multiples of 16
    positions = (int(patch[0]), spatial * int(patch[-1]))
    return Geometry(pipeline_class, temporal, multiple, positions, rope if rope else None)


def temporal_factor(pipe) -> int:
    """Frames must be k * factor + 1: the VAE keeps the first frame and compresses the rest."""
    for attribute in ("vae_scale_factor_temporal", "vae_temporal_compression_ratio"):
        value = getattr(pipe, attribute, None)
        if isinstance(value, int) and value > 0:
            return value
    return 1


def _spatial_factor(pipe) -> int:
    for attribute in ("vae_scale_factor_spatial", "vae_spatial_compression_ratio"):
        value = getattr(pipe, attribute, None)
        if isinstance(value, int) and value > 0:
            return value
    return 1


def spatial_multiple(pipe) -> int:
    """Height and width must divide into whole latent patches."""
    return geometry_of(pipe, type(pipe).__name__).multiple


def check_shape(request: Request, geometry: Geometry) -> None:
    """Frames k*t+1, sides in whole patches, and no more positions than the transformer has."""
    if request.frames is not None:
        _check_frames(request.frames, geometry)
    for flag, value in (("--height", request.height), ("--width", request.width)):
        if value is not None:
            _check_side(flag, value, geometry)


def _check_frames(frames: int, geometry: Geometry) -> None:
    if frames <= 0:
        raise UsageError(f"--frames {frames}: must be a positive whole number")
    factor = geometry.temporal
    if (frames - 1) % factor != 0:
        lower = (frames - 1) // factor * factor + 1
        raise UsageError(
            f"--frames {frames}: {geometry.pipeline_class} needs {factor}k+1 frames; "
            f"nearest valid: {lower} or {lower + factor}"
        )
    limit = geometry.max_positions
    per_position = geometry.pixels_per_position[0]
    if limit and ((frames - 1) // factor + 1) // per_position > limit:
        most = (limit * per_position - 1) * factor + 1
        raise UsageError(
            f"--frames {frames}: {geometry.pipeline_class}'s transformer places at most {limit} "
            f"latent frames, {most} frames; use --frames {most} or fewer"
        )


def _check_side(flag: str, value: int, geometry: Geometry) -> None:
    multiple = geometry.multiple
    if value <= 0 or value % multiple != 0:
        lower = max(multiple, value // multiple * multiple)
        raise UsageError(
            f"{flag} {value}: {geometry.pipeline_class} needs a multiple of {multiple}; "
            f"nearest valid: {lower} or {lower + multiple}"
        )
    limit = geometry.max_positions
    if limit and value // geometry.pixels_per_position[1] > limit:
        most = limit * geometry.pixels_per_position[1] // multiple * multiple
        raise UsageError(
            f"{flag} {value}: {geometry.pipeline_class}'s transformer places at most {limit} "
            f"positions a side, {most} pixels; use {flag} {most} or less"
        )
