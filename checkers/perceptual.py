"""Optional LPIPS distance on object crops, for identity drift.

LPIPS needs torchvision's AlexNet weights, which torchvision downloads on first use; this
module never downloads. It uses them only when they are already in the torch hub cache,
and imports torch only then, so the classical path stays torch-free and fast to start.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import numpy as np

from checkers.base import PerceptualUnavailable

ALEXNET_FILE = "alexnet-owt-7be5be79.pth"
ALEXNET_URL = "https://download.pytorch.org/models/" + ALEXNET_FILE
MODES = ("classical", "lpips")
CROP = 64  # LPIPS input side, pixels


def hub_checkpoints() -> Path:
    """torch.hub's checkpoint folder, found the way torch finds it, without importing torch."""
    if os.environ.get("TORCH_HOME"):
        root = Path(os.environ["TORCH_HOME"])
    else:
        cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        root = Path(cache) / "torch"
    return root / "hub" / "checkpoints"


def lpips_available() -> bool:
    return (
        importlib.util.find_spec("lpips") is not None
        and (hub_checkpoints() / ALEXNET_FILE).is_file()
    )


def load_perceptual(mode: str):
    """None for the classical descriptors, or an object with `.distance(crop_a, crop_b)`."""
    if mode not in MODES:
        raise PerceptualUnavailable(f"--perceptual {mode!r}: choose one of {', '.join(MODES)}")
    if mode == "classical":
        return None
    if importlib.util.find_spec("lpips") is None:
        raise PerceptualUnavailable(
            "--perceptual lpips needs the `lpips` package: pip install lpips "
            "(or use --perceptual classical)"
        )
    target = hub_checkpoints() / ALEXNET_FILE
    if not target.is_file():
        raise PerceptualUnavailable(
            f"--perceptual lpips needs LPIPS's AlexNet weights at {target}, which are not "
            f"there and are never downloaded by vidgen; fetch {ALEXNET_URL} into "
            f'{target.parent} on a machine with network access (or run `python -c "import '
            "torchvision; torchvision.models.alexnet(weights='IMAGENET1K_V1')\"` once), "
            "or use --perceptual classical"
        )
    return LpipsDistance()


class LpipsDistance:
    """LPIPS (AlexNet) between two RGB uint8 crops, resized to 64x64."""

    def __init__(self):
        import lpips
        import torch

        torch.set_grad_enabled(False)
        self._torch = torch
        self._model = lpips.LPIPS(net="alex", verbose=False).eval()

    def distance(self, a: np.ndarray, b: np.ndarray) -> float:
        return float(self._model(self._tensor(a), self._tensor(b)).item())

    def _tensor(self, crop: np.ndarray):
        import cv2

        crop = cv2.resize(crop, (CROP, CROP), interpolation=cv2.INTER_AREA)
        t = self._torch.from_numpy(crop).permute(2, 0, 1)[None].float()  # (1, 3, 64, 64)
        return t / 127.5 - 1.0
