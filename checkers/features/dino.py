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

from pathlib import Path

from checkers.features.base import (
    FeaturesUnavailable,
)
from checkers.features.network import NetworkEmbedder

REPO = "facebook/dinov2-small"
INSTALL = f"hf download {REPO}  (once, on a machine with network access)"
SIZE = 224  # px, a multiple of the 14 px patch; DINOv2's own processor crops to 224 too


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


class DinoEmbedder(NetworkEmbedder):
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
        self.name = name
        self.dim = model.config.hidden_size
        self.size = size
        self._setup_normalization(torch)

    def _forward(self, x):
        # pooler_output is the layer-normed CLS token.
        return self._model(pixel_values=x).pooler_output  # (B, hidden)
