"""DINOv2 appearance vectors (the CLS token) through transformers, from the local cache only.

Self-supervised ViT features separate instances of one class (two dogs, two people in pink)
better than an ImageNet classifier's, so this is the first choice when its weights are
there: `facebook/dinov2-small` (22M parameters, Apache-2.0) in the Hugging Face cache, put
there by anyone who ran `hf download facebook/dinov2-small` on a machine with
network access. It is looked up with `local_files_only=True` and safetensors only: nothing
downloads at run time, no pickle is read.

transformers and torch are imported only when this backend is built.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from checkers.features.base import (
    IMAGENET_MEAN,
    IMAGENET_STD,
    Box,
    Embedder,
    FeaturesUnavailable,
    l2_normalize,
    masks_or_none,
    square_crop,
)

REPO = "facebook/dinov2-small"
INSTALL = f"hf download {REPO}  (once, on a machine with network access)"
SIZE = 224  # px, a multiple of the 14 px patch; DINOv2's own processor crops to 224 too
BATCH = 16


def find_snapshot(repo: str = REPO, cache: Path | None = None) -> Path | None:
    """The cached snapshot folder holding the repo's config and safetensors, or None.

    Read from the cache's layout (refs/main names the snapshot) rather than through
    huggingface_hub's file API, whose import pulls in an HTTP client: 10 ms instead of 200
    on every `vidgen check` start-up.
    """
    if cache is None:
        from huggingface_hub.constants import HF_HUB_CACHE

        cache = Path(HF_HUB_CACHE)
    root = cache / ("models--" + repo.replace("/", "--"))
    ref = root / "refs" / "main"
    names = [ref.read_text().strip()] if ref.is_file() else []
    if (root / "snapshots").is_dir():
        names += sorted(p.name for p in (root / "snapshots").iterdir())
    for name in names:
        folder = root / "snapshots" / name
        if (folder / "config.json").is_file() and (folder / "model.safetensors").is_file():
            return folder
    return None


class DinoEmbedder(Embedder):
    """CLS token of a Dinov2Model: from a model given in code, a snapshot folder, or the cache."""

    # Not measured: this machine has no DINOv2 weights; MobileNet's floor until someone with
    # them runs benchmarks/features_speed.py. About 130 ms a 224 px crop on one core.
    noise_floor = 0.015

    def __init__(
        self, model=None, snapshot: Path | None = None, size: int = SIZE, name: str = "dinov2-small"
    ):
        import torch

        if model is None:
            from transformers import Dinov2Model

            snapshot = snapshot or find_snapshot()
            if snapshot is None:
                raise FeaturesUnavailable(
                    f"--features dino needs {REPO} in the Hugging Face cache, which vidgen "
                    f"never downloads: {INSTALL}"
                )
            model = Dinov2Model.from_pretrained(
                snapshot, local_files_only=True, use_safetensors=True
            )
        patch = model.config.patch_size
        if size % patch:
            raise ValueError(f"size={size} is not a multiple of the {patch} px patch")
        self._model = model.eval()
        self._torch = torch
        self.name = name
        self.dim = model.config.hidden_size
        self.size = size
        self._mean = torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1) * 255
        self._std = torch.tensor(IMAGENET_STD).view(1, 3, 1, 1) * 255

    def embed(
        self,
        frame: np.ndarray,
        boxes: Sequence[Box],
        masks: Sequence[np.ndarray | None] | None = None,
    ) -> np.ndarray:
        masks = masks_or_none(masks, len(boxes))
        crops = [square_crop(frame, b, m, self.size) for b, m in zip(boxes, masks, strict=True)]
        return self.embed_crops(crops)

    def embed_crops(self, crops: Sequence[np.ndarray]) -> np.ndarray:
        """(n, hidden) for square RGB uint8 crops of side `size`."""
        torch = self._torch
        out = np.empty((len(crops), self.dim), np.float32)
        with torch.no_grad():
            for start in range(0, len(crops), BATCH):
                batch = np.stack(crops[start : start + BATCH])  # (B, H, W, 3) uint8
                x = torch.from_numpy(batch).permute(0, 3, 1, 2).float()  # (B, 3, H, W)
                x = (x - self._mean) / self._std
                # pooler_output is the layer-normed CLS token.
                cls = self._model(pixel_values=x).pooler_output  # (B, hidden)
                out[start : start + len(batch)] = cls.float().numpy()
        return l2_normalize(out)
