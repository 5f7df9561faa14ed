"""Image conditioning: which pipeline class an image goes through, and the image files themselves.

`--image` (first frame) and `--last-image` run through the pipeline's own image-to-video class
(WanImageToVideoPipeline, LTXImageToVideoPipeline, CogVideoXImageToVideoPipeline). A folder
that declares a text-to-video class sharing its components with one (LTX-Video, Wan 2.2 TI2V)
gets that class with `from_pipe`, so one load serves text and image items alike.

The route is decided from model_index.json alone, before torch or diffusers is imported.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from vidgen.errors import UsageError

# Classes that need an image: a request without one is refused (vidgen.compat).
IMAGE_CLASSES = (
    "WanImageToVideoPipeline",
    "LTXImageToVideoPipeline",
    "CogVideoXImageToVideoPipeline",
)
# Text-to-video classes whose weights also run image-to-video through another class.
TEXT_TO_IMAGE_CLASS = {"LTXPipeline": "LTXImageToVideoPipeline"}
# Presets to name when a text-only model is given an image.
IMAGE_PRESET_HINT = "--model wan2.1-i2v-14b-480p (or wan2.2-ti2v-5b, ltx-video)"


@dataclass(frozen=True)
class ImageRoute:
    """How a model takes an image: through which class, and whether it takes a last frame."""

    pipeline_class: str | None  # None: the model makes video from text only
    required: bool  # the declared class cannot run without an image
    last_image: bool  # the class conditions on a last frame too
    last_required: bool = False  # Wan FLF2V: its transformer reads two images' embeddings


def image_route(pipeline_class: str, folder: Path) -> ImageRoute:
    """The route for a folder declaring `pipeline_class` (model_index.json read for Wan 2.2)."""
    if pipeline_class == "WanImageToVideoPipeline":
        config = _json_file(Path(folder) / "transformer", "config.json")
        flf2v = config.get("image_dim") is not None and config.get("pos_embed_seq_len") is not None
        return ImageRoute(pipeline_class, True, _wan_takes_last_image(folder), flf2v)
    if pipeline_class in IMAGE_CLASSES:
        return ImageRoute(pipeline_class, True, False)
    if pipeline_class in TEXT_TO_IMAGE_CLASS:
        return ImageRoute(TEXT_TO_IMAGE_CLASS[pipeline_class], False, False)
    if pipeline_class == "WanPipeline" and _json_file(folder).get("expand_timesteps"):
        return ImageRoute("WanImageToVideoPipeline", False, False)  # Wan 2.2 TI2V
    return ImageRoute(None, False, False)


def _wan_takes_last_image(folder: Path) -> bool:
    """Wan 2.2's expand_timesteps conditions on the first frame's latents only; a Wan 2.1
    transformer that reads CLIP embeddings takes two images only in the FLF2V layout
    (pos_embed_seq_len set); Wan 2.2 A14B I2V (no image encoder) takes a last frame."""
    if _json_file(folder).get("expand_timesteps"):
        return False
    config = _json_file(Path(folder) / "transformer", "config.json")
    return config.get("image_dim") is None or config.get("pos_embed_seq_len") is not None


def _json_file(folder: Path, name: str = "model_index.json") -> dict:
    try:
        value = json.loads((Path(folder) / name).read_text())
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class InputImage:
    flag: str  # --image or --last-image, for messages
    path: Path
    sha256: str
    width: int
    height: int

    def as_record(self) -> dict:
        return {
            "path": str(self.path),
            "sha256": self.sha256,
            "width": self.width,
            "height": self.height,
        }


def read_input_image(path: str | Path, flag: str = "--image") -> InputImage:
    """Check an image file opens and decodes; its sha256 and size. Errors name the flag."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    path = Path(path).expanduser()
    if path.is_dir():
        raise UsageError(f"{flag} {path}: is a folder; pass an image file (PNG or JPEG)")
    if not path.is_file():
        raise UsageError(f"{flag} {path}: no such file; pass an existing PNG or JPEG")
    try:
        data = path.read_bytes()
        with Image.open(path) as image:
            image.load()  # decode it all: a truncated file fails here, not mid-generation
            # Upright as the pipeline will see it (a phone photo's EXIF rotation applied).
            width, height = ImageOps.exif_transpose(image).size
    except Image.DecompressionBombError:
        raise UsageError(
            f"{flag} {path}: too large to open safely; pass an image of at most "
            f"{Image.MAX_IMAGE_PIXELS // 1_000_000} megapixels"
        ) from None
    except (OSError, UnidentifiedImageError, ValueError) as error:
        raise UsageError(
            f"{flag} {path}: not a readable image ({type(error).__name__}); pass a PNG or JPEG"
        ) from None
    return InputImage(flag, path.resolve(), hashlib.sha256(data).hexdigest(), width, height)


def load_image(path: str | Path):
    """The image as the PIL RGB picture the pipelines take."""
    from PIL import Image, ImageOps

    # As diffusers.utils.load_image does: the EXIF rotation applied, then RGB.
    with Image.open(Path(path).expanduser()) as picture:
        return ImageOps.exif_transpose(picture).convert("RGB")


# An aspect off by more than this is stretched visibly by the pipeline's resize.
ASPECT_TOLERANCE = 0.02


def aspect_warning(image: InputImage, width: int, height: int) -> str | None:
    """Pipelines resize the image to the clip's size without keeping its aspect: say so."""
    ratio = (image.width / image.height) / (width / height)
    if abs(ratio - 1) <= ASPECT_TOLERANCE and (image.width, image.height) == (width, height):
        return None
    if abs(ratio - 1) <= ASPECT_TOLERANCE:
        return (
            f"{image.flag} {image.path.name} is {image.width}x{image.height}; it is resized to "
            f"the clip's {width}x{height}"
        )
    return (
        f"{image.flag} {image.path.name} is {image.width}x{image.height} and the clip "
        f"{width}x{height}: the pipeline stretches it to a different aspect; pass --width/--height "
        "of the image's aspect (multiples the model takes) to keep its shape"
    )


def pipeline_for(loaded, request):
    """The pipeline a request runs through: the loaded one, or its image-to-video sibling.

    The sibling shares every component (weights, LoRA adapters, cache hooks) with the loaded
    pipeline, so it costs no memory; it is made once per loaded pipeline.
    """
    if not request.image:
        return loaded.pipe
    route = image_route(loaded.source.pipeline_class, loaded.source.path)
    if route.pipeline_class is None or type(loaded.pipe).__name__ == route.pipeline_class:
        return loaded.pipe
    sibling = loaded.variants.get(route.pipeline_class)
    if sibling is None:
        import diffusers

        cls = getattr(diffusers, route.pipeline_class)
        sibling = cls.from_pipe(loaded.pipe)
        loaded.variants[route.pipeline_class] = sibling
    return sibling


def input_digests(request) -> dict:
    """The bytes of a request's --image, --last-image and --lora files, for a batch's
    fingerprint: a re-run after one of them changed is another batch (the paths alone
    would keep the clips made from the old files). Empty when the request has none."""
    from vidgen.lora import local_digests
    from vidgen.provenance.record import file_sha256

    out = {}
    for key in ("image", "last_image"):
        path = getattr(request, key)
        if path and Path(path).expanduser().is_file():
            out[f"{key}_sha256"] = file_sha256(Path(path).expanduser())
    if request.loras:
        out["lora_sha256"] = local_digests(request.loras)
    return out
