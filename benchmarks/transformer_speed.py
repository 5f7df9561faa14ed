"""What a transformer shape would cost at sampling time, before spending hours training it.

Times the embedded pipeline's call (20 steps, CFG, 17 frames) with its transformer replaced
by a randomly initialised one of another patch, width or depth, built by the recipe's own
`build_transformer` (FFN 4x the width, heads of 32). The weights do not change the cost, so
this is the time a trained model of that shape would take.

    python benchmarks/transformer_speed.py --patch 1 2 2 --width 96 --size 64 96 --threads 2

The machine may be shared: say what ran beside it when reporting a figure.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patch", type=int, nargs=3, default=[1, 4, 4], metavar=("T", "H", "W"))
    parser.add_argument("--width", type=int, default=128, help="a multiple of 32")
    parser.add_argument("--layers", type=int, default=5)
    parser.add_argument("--size", type=int, nargs="+", default=[64], help="square frame sides")
    parser.add_argument("--frames", type=int, default=17)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--guidance", type=float, default=3.0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=4)
    args = parser.parse_args()
    if args.width % 32:
        parser.error(f"--width {args.width}: use a multiple of 32 (heads of 32)")
    from vidgen.shapes_model import build_transformer, latent_grid, sizes_of, transformer_sizes

    # the recipe's own sizing: heads of 32, FFN 4x the width
    shape = transformer_sizes(tuple(args.patch), args.width, args.layers)
    for side in args.size:
        if side % 16:
            parser.error(f"--size {side}: use a multiple of 16 (WanPipeline's frame sides)")

    from vidgen.cpu import prefer_passive_openmp_wait

    prefer_passive_openmp_wait()  # as `vidgen make` runs: set before torch loads
    import torch
    from diffusers import WanPipeline

    from vidgen.models import EMBEDDED_MODEL_DIR

    torch.set_num_threads(args.threads)
    pipe = WanPipeline.from_pretrained(str(EMBEDDED_MODEL_DIR), local_files_only=True)
    pipe.set_progress_bar_config(disable=True)
    sizes = dataclasses.replace(  # fed by the shipped VAE and text encoder
        shape, vae_z_dim=pipe.vae.config.z_dim, text_dim=pipe.text_encoder.config.d_model
    )
    # Refuse what the pipeline would crash on (or silently round) before timing anything.
    temporal = pipe.vae_scale_factor_temporal
    if (args.frames - 1) % temporal:
        parser.error(f"--frames {args.frames}: use 1 more than a multiple of {temporal}, e.g. 17")
    loaded = sizes_of(dict(pipe.components))  # the shipped VAE's compression
    grids = {side: latent_grid(loaded, args.frames, side, side) for side in args.size}
    for side, grid in grids.items():
        if any(n % p for n, p in zip(grid, args.patch, strict=True)):
            parser.error(
                f"--patch {' '.join(map(str, args.patch))}: does not divide the latent grid "
                f"{'x'.join(map(str, grid))} of --size {side}; change the patch or the size"
            )
    pipe.transformer = build_transformer(sizes).eval()
    for side, grid in grids.items():
        seconds = []
        for seed in range(args.repeat):
            start = time.perf_counter()
            pipe(
                "a red ball falls and bounces",
                height=side,
                width=side,
                num_frames=args.frames,
                num_inference_steps=args.steps,
                guidance_scale=args.guidance,
                generator=torch.Generator().manual_seed(seed),
                output_type="np",
            )
            seconds.append(time.perf_counter() - start)
        tokens = math.prod(n // p for n, p in zip(grid, args.patch, strict=True))
        row = {
            "size": side,
            "patch": args.patch,
            "width": args.width,
            "layers": args.layers,
            "tokens": tokens,
            "threads": args.threads,
            "pipeline_seconds_median": round(statistics.median(seconds), 3),
            "pipeline_seconds_max": round(max(seconds), 3),
        }
        print(json.dumps(row))


if __name__ == "__main__":
    main()
