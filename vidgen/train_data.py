"""What the shapes model trains on: clips drawn from the shapes world on the fly, and for the
transformer a ring buffer of their VAE latents (encoding a clip costs more than a step).
"""

from __future__ import annotations

import importlib
import math

from vidgen.shapes_model import latent_stats
from vidgen.train_config import TrainConfig


class ClipSource:
    """Clips from the shapes world as (B, 3, T, H, W) float tensors in [-1, 1] plus captions."""

    def __init__(self, config: TrainConfig, stream: int):
        import numpy as np

        self.world = importlib.import_module(config.world)
        self.config = config
        self.rng = np.random.default_rng([config.seed, stream])

    def draw(self, n: int):
        import numpy as np
        import torch

        c = self.config
        clips = [
            self.world.render_clip(
                self.world.random_scene(self.rng, profile=c.profile),
                width=c.width,
                height=c.height,
                frames=c.frames,
                fps=c.fps,
            )
            for _ in range(n)
        ]
        video = np.stack([clip.frames for clip in clips])  # (B, T, H, W, 3) uint8
        x = torch.from_numpy(video).permute(0, 4, 1, 2, 3).float() / 127.5 - 1.0
        return x, [clip.caption for clip in clips]


class LatentCache:
    """A ring buffer of encoded clips (posterior means, normalized like the pipeline).

    The posterior mean, not a sample: the decoder was trained on samples and copes with the
    transformer's small errors, and the transformer does not have to learn the VAE's noise.
    """

    def __init__(self, vae, config: TrainConfig):
        import torch

        self.vae, self.config = vae, config
        self.source = ClipSource(config, stream=3)
        self.mean, self.std = latent_stats(vae)
        self.mu: torch.Tensor | None = None
        self.captions: list[str] = []
        self.next = 0

    def _encode(self, n: int):
        import torch

        x, captions = self.source.draw(n)
        with torch.no_grad():
            dist = self.vae.encode(x).latent_dist
        return (dist.mean - self.mean) / self.std, captions

    def fill(self) -> None:
        import torch

        parts = [self._encode(16) for _ in range(math.ceil(self.config.cache_size / 16))]
        self.mu = torch.cat([p[0] for p in parts])[: self.config.cache_size]
        self.captions = [c for p in parts for c in p[1]][: self.config.cache_size]

    def refresh(self, n: int) -> None:
        if n <= 0:
            return
        mu, captions = self._encode(n)
        for k in range(n):
            i = (self.next + k) % len(self.captions)
            self.mu[i], self.captions[i] = mu[k], captions[k]
        self.next = (self.next + n) % len(self.captions)

    def sample(self, n: int, g):
        import torch

        idx = torch.randint(0, len(self.captions), (n,), generator=g)
        return self.mu[idx], [self.captions[i] for i in idx.tolist()]
