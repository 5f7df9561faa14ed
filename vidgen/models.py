"""Model presets: a short name -> a hub id or local folder, plus the settings it was made for.

A preset's settings are defaults; every `vidgen make` flag overrides them. Figures for real
checkpoints (VRAM, license) come from their model cards on the Hugging Face hub; the VRAM
guide is the card's own figure for the listed settings, not one measured here (no GPU).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

# The embedded default model ships inside the package (see issue 4 and its model card).
EMBEDDED_MODEL_DIR = Path(__file__).parent / "assets" / "shapes-wan"
EMBEDDED_PRESET = "shapes"


@dataclass(frozen=True)
class Preset:
    name: str
    source: str  # hub id, or a local folder for the embedded model
    pipeline: str  # the diffusers pipeline class the folder declares
    height: int
    width: int
    frames: int
    fps: int
    steps: int
    guidance: float
    vram: str
    license: str
    note: str = ""
    parameters_b: float = 0.0  # transformer parameters, billions (both experts of an A14B)
    image: str = "no"  # no | optional (--image takes the I2V class) | required

    def as_dict(self) -> dict:
        return asdict(self)


def _presets() -> dict[str, Preset]:
    presets = [
        Preset(
            name=EMBEDDED_PRESET,
            source=str(EMBEDDED_MODEL_DIR),
            pipeline="WanPipeline",
            height=64,
            width=64,
            frames=17,
            fps=8,
            steps=20,
            guidance=3.0,
            vram="CPU, < 1 GB RAM",
            license="Apache-2.0",
            note="embedded; knows only the shapes world's vocabulary",
        ),
        Preset(
            name="wan2.1-t2v-1.3b",
            source="Wan-AI/Wan2.1-T2V-1.3B-Diffusers",
            pipeline="WanPipeline",
            height=480,
            width=832,
            frames=81,
            fps=16,
            steps=50,
            guidance=5.0,
            vram="~8 GB (model offload)",
            license="Apache-2.0",
            parameters_b=1.3,
            image="no",
        ),
        Preset(
            name="wan2.2-ti2v-5b",
            source="Wan-AI/Wan2.2-TI2V-5B-Diffusers",
            pipeline="WanPipeline",
            height=704,
            width=1280,
            frames=121,
            fps=24,
            steps=50,
            guidance=5.0,
            vram="~24 GB (model offload)",
            license="Apache-2.0",
            parameters_b=5.0,
            image="optional",
        ),
        Preset(
            name="wan2.2-t2v-a14b",
            source="Wan-AI/Wan2.2-T2V-A14B-Diffusers",
            pipeline="WanPipeline",
            height=720,
            width=1280,
            frames=81,
            fps=16,
            steps=40,
            guidance=4.0,
            vram="~80 GB; 24 GB with sequential offload",
            license="Apache-2.0",
            parameters_b=28.0,
            image="no",
        ),
        Preset(
            name="ltx-video",
            source="Lightricks/LTX-Video",
            pipeline="LTXPipeline",
            height=480,
            width=704,
            frames=161,
            fps=24,
            steps=50,
            guidance=3.0,
            vram="~12 GB",
            license="LTX-Video open weights license",
            parameters_b=1.9,
            image="optional",
        ),
        Preset(
            name="cogvideox-2b",
            source="THUDM/CogVideoX-2b",
            pipeline="CogVideoXPipeline",
            height=480,
            width=720,
            frames=49,
            fps=8,
            steps=50,
            guidance=6.0,
            vram="~4 GB with model offload and VAE tiling",
            license="Apache-2.0",
            parameters_b=1.7,
            image="no",
        ),
        Preset(
            name="hunyuanvideo",
            source="hunyuanvideo-community/HunyuanVideo",
            pipeline="HunyuanVideoPipeline",
            height=320,
            width=512,
            frames=61,
            fps=15,
            steps=30,
            guidance=6.0,
            vram="~60 GB; ~24 GB with offload and VAE tiling",
            license="Tencent Hunyuan Community License",
            parameters_b=13.0,
            image="no",
        ),
        *_image_presets(),
    ]
    return {preset.name: preset for preset in presets}


def _image_presets() -> list[Preset]:
    """Checkpoints made for image-to-video (settings from their model cards)."""
    return [
        Preset(
            name="wan2.1-i2v-14b-480p",
            source="Wan-AI/Wan2.1-I2V-14B-480P-Diffusers",
            pipeline="WanImageToVideoPipeline",
            height=480,
            width=832,
            frames=81,
            fps=16,
            steps=40,
            guidance=5.0,
            vram="~40 GB; ~24 GB with model offload",
            license="Apache-2.0",
            parameters_b=14.0,
            image="required",
        ),
        Preset(
            name="wan2.1-flf2v-14b-720p",
            source="Wan-AI/Wan2.1-FLF2V-14B-720P-diffusers",
            pipeline="WanImageToVideoPipeline",
            height=720,
            width=1280,
            frames=81,
            fps=16,
            steps=40,
            guidance=5.5,
            vram="~60 GB; ~24 GB with model offload",
            license="Apache-2.0",
            note="first and last frame: --image and --last-image",
            parameters_b=14.0,
            image="required",
        ),
        Preset(
            name="wan2.2-i2v-a14b",
            source="Wan-AI/Wan2.2-I2V-A14B-Diffusers",
            pipeline="WanImageToVideoPipeline",
            height=480,
            width=832,
            frames=81,
            fps=16,
            steps=40,
            guidance=3.5,
            vram="~80 GB; 24 GB with sequential offload",
            license="Apache-2.0",
            note="two experts (high and low noise); takes --last-image",
            parameters_b=28.0,
            image="required",
        ),
        Preset(
            name="cogvideox-5b-i2v",
            source="THUDM/CogVideoX-5b-I2V",
            pipeline="CogVideoXImageToVideoPipeline",
            height=480,
            width=720,
            frames=49,
            fps=8,
            steps=50,
            guidance=6.0,
            vram="~5 GB with model offload and VAE tiling",
            license="CogVideoX License",
            parameters_b=5.0,
            image="required",
        ),
    ]


PRESETS: dict[str, Preset] = _presets()


def find_preset(name: str) -> Preset | None:
    """The preset called `name`, or the preset whose hub id is `name`, or None."""
    if name in PRESETS:
        return PRESETS[name]
    for preset in PRESETS.values():
        if preset.source == name:
            return preset
    return None


SETTING_KEYS = ("frames", "height", "width", "fps", "steps", "guidance")
DEFAULTS_FILE = "vidgen.json"  # a folder's own defaults: {"height": 64, "steps": 20, ...}
TRAINING_STATE = "training_state.json"  # written by `vidgen train-shapes` (train.export)


def folder_defaults(folder: Path) -> dict:
    """The settings a local model folder was made for, from its own files.

    `vidgen.json` names them outright. A folder `vidgen train-shapes` made has
    training_state.json with the frame it was trained on (width, height, frames); the rest
    (fps, steps, guidance) is the sampling recipe of that trainer, the shapes preset's.
    Either wins over diffusers' generic call defaults (832x480, 81 frames, 50 steps).
    """
    defaults: dict = {}
    state = _json_object(folder / TRAINING_STATE)
    if state is not None:
        shapes = PRESETS[EMBEDDED_PRESET]
        defaults = {"fps": shapes.fps, "steps": shapes.steps, "guidance": shapes.guidance}
        defaults.update(_settings(state))
    defaults.update(_settings(_json_object(folder / DEFAULTS_FILE) or {}))
    return defaults


def _json_object(path: Path) -> dict | None:
    try:
        value = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _settings(values: dict) -> dict:
    out = {}
    for key in SETTING_KEYS:
        value = values.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
            out[key] = float(value) if key == "guidance" else int(value)
    return out
