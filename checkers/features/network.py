"""What the network backends (MobileNet, DINOv2) share: square crops in, batched forward
passes without gradients, ImageNet normalization, unit vectors out. Each backend says only
how its network turns a normalized batch into vectors (`_forward`).

torch is imported by the backends when they are built, never by this module.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence

import numpy as np

from checkers.features.base import (
    IMAGENET_MEAN,
    IMAGENET_STD,
    Box,
    Embedder,
    l2_normalize,
    masks_or_none,
    square_crop,
)


class NetworkEmbedder(Embedder):
    """An Embedder whose vectors come from a torch network on `size`-pixel square crops."""

    size: int
    batch: int = 16  # crops a forward pass: bounds memory on clips with many objects

    def _setup_normalization(self, torch) -> None:
        self._torch = torch
        self._mean = torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1) * 255
        self._std = torch.tensor(IMAGENET_STD).view(1, 3, 1, 1) * 255

    @abstractmethod
    def _forward(self, x):
        """(B, 3, size, size) normalized float tensor -> (B, dim) tensor."""

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
        """(n, dim) unit vectors for square RGB uint8 crops of side `size`."""
        torch = self._torch
        out = np.empty((len(crops), self.dim), np.float32)
        with torch.no_grad():
            for start in range(0, len(crops), self.batch):
                batch = np.stack(crops[start : start + self.batch])  # (B, H, W, 3) uint8
                x = torch.from_numpy(batch).permute(0, 3, 1, 2).float()  # (B, 3, H, W)
                x = (x - self._mean) / self._std
                out[start : start + len(batch)] = self._forward(x).float().numpy()
        return l2_normalize(out)
