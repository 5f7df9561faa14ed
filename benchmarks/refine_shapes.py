"""Where does the embedded model lose the object's shape? (issue 4 diagnostic)

Renders of the world's staged profile are encoded, noised to a level s0 and denoised by the
model's transformer with the pipeline's own Euler steps and guidance (SDEdit), then decoded
and read by the adherence reader (benchmarks/adherence.py). s0 = 0 is the VAE alone; s0 = 1 is
generation from pure noise, with the clip's caption. If shape reads drop already at small s0,
the transformer blurs shapes even when it only has to refine them, and no decoder can give
them back.

Run:
  python benchmarks/refine_shapes.py --model vidgen/assets/shapes-wan --levels 0,0.3,0.5,0.7,1
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from adherence import fill_ratio, object_blobs, read_clip  # noqa: E402

from vidgen.world import parse_caption, random_scene, render_clip  # noqa: E402


def fill_by_shape(clips, want: list[str]) -> dict[str, float]:
    """Mean fill ratio (the reader's shape measure) of the clips of each wanted shape."""
    ratios = [fill_ratio(object_blobs(f)) for f in clips]
    return {
        shape: round(
            float(np.mean([r for r, w in zip(ratios, want, strict=True) if w == shape and r])), 3
        )
        for shape in ("ball", "square", "triangle")
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default=str(REPO / "vidgen" / "assets" / "shapes-wan"))
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--scene-seed", type=int, default=7, help="training uses seed 0")
    parser.add_argument("--levels", default="0,0.3,0.5,0.7,0.85,1")
    parser.add_argument("--guidance", type=float, default=3.0)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    import torch

    from vidgen.shapes_model import load_components
    from vidgen.train import TrainConfig
    from vidgen.train_objectives import resampled_latents

    torch.set_num_threads(args.threads)
    components = load_components(args.model)
    vae = components["vae"]
    rng = np.random.default_rng([args.scene_seed, 4])
    clips = [
        render_clip(random_scene(rng, profile="staged"), width=64, height=64, frames=17, fps=8)
        for _ in range(args.n)
    ]
    x = torch.from_numpy(np.stack([c.frames for c in clips])).permute(0, 4, 1, 2, 3)
    x = x.float() / 127.5 - 1.0
    captions = [c.caption for c in clips]
    want = [parse_caption(c)["objects"][0]["shape"].replace("circle", "ball") for c in captions]
    rows = []
    for level in (float(v) for v in args.levels.split(",")):
        with torch.no_grad():
            if level == 0:
                latents = vae.encode(x).latent_dist.mean
            else:
                config = TrainConfig(
                    decoder_only=True,
                    resample_levels=(level, level),
                    resample_guidance=args.guidance,
                )
                g = torch.Generator().manual_seed(0)
                latents = resampled_latents(components, x, captions, config, g)
            video = vae.decode(latents).sample
        frames = ((video.clamp(-1, 1) + 1) * 127.5).round().byte().permute(0, 2, 3, 4, 1).numpy()
        read = [read_clip(f)["shape"] for f in frames]
        area = [
            np.median([b[0].sum() for b in object_blobs(f) if b is not None] or [0]) for f in frames
        ]
        row = {
            "s0": level,
            "shape_right": round(
                sum(r == w for r, w in zip(read, want, strict=True)) / len(want), 3
            ),
            "fill_ratio": fill_by_shape(frames, want),
            "object_area_px": round(float(np.mean(area))),
        }
        rows.append(row)
        print(json.dumps(row), flush=True)
    print(json.dumps({"renders_fill_ratio": fill_by_shape([c.frames for c in clips], want)}))


if __name__ == "__main__":
    main()
