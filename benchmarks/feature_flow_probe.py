"""A probe, not a checker: do MobileNetV2 feature maps, carried along the optical flow, change
more where generated clips fail than anywhere in clean clips? (BENCHMARKS.md, session 9: no.)

For each labeled clip of a gen-clips-style set (clips/ and manifest.jsonl), every frame's
stride-16 MobileNetV2 map (96 channels, 224 px short side) is compared with the previous
frame's (k=1) and with the one half a second earlier (k=K), carried along DIS flow composed
over the frames between; cells the flow cannot follow back (forward-backward mismatch) are
masked. A frame's score is the mean of its top N cell distances; a clip's score is its peak
frame. Prints, per scoring, the AUC of fail against clean clips, how many fail clips peak
inside their labeled frames (+-3), and what is detected and localized with at most 3 clean
clips over the bar. Per-frame maps are cached in CACHE (about 40 ms a frame to build).

    python benchmarks/feature_flow_probe.py ../shared/gen-clips --cache /tmp/feature-flow
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import cv2
import numpy as np

SHORT = 224


def build_cache(set_dir: Path, name: str, dst: Path) -> None:
    import imageio.v3 as iio
    import torch
    import torchvision

    from checkers.features.mobilenet import find_weights

    net = torchvision.models.mobilenet_v2()
    net.load_state_dict(torch.load(find_weights(), weights_only=True))
    body = net.eval().features[:14]  # stride 16, 96 channels
    mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1) * 255
    std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1) * 255
    frames = iio.imread(set_dir / "clips" / name, plugin="pyav")
    _, h0, w0, _ = frames.shape
    s = SHORT / min(h0, w0)
    w, h = int(round(w0 * s / 16)) * 16, int(round(h0 * s / 16)) * 16
    small = np.stack([cv2.resize(f, (w, h), interpolation=cv2.INTER_AREA) for f in frames])
    maps = []
    with torch.no_grad():
        for i in range(0, len(small), 16):
            x = torch.from_numpy(small[i : i + 16]).permute(0, 3, 1, 2).float()
            maps.append(torch.nn.functional.normalize(body((x - mean) / std), dim=1).numpy())
    grey = [cv2.cvtColor(cv2.resize(f, (w // 2, h // 2)), cv2.COLOR_RGB2GRAY) for f in small]
    dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)
    fw = [dis.calc(a, b, None) for a, b in zip(grey[:-1], grey[1:], strict=True)]
    bw = [dis.calc(b, a, None) for a, b in zip(grey[:-1], grey[1:], strict=True)]
    np.savez_compressed(dst, feats=np.concatenate(maps).astype(np.float16),
                        fw=np.array(fw, np.float16), bw=np.array(bw, np.float16))  # fmt: skip


def _remap(a, px, py):
    return cv2.remap(a, px, py, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def distances(cache: Path, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(T, gh, gw) feature distance to k frames back along the flow, and the masked share."""
    z = np.load(cache)
    feats, fw, bw = z["feats"].astype(np.float32), z["fw"].astype(np.float32), z["bw"]
    bw = bw.astype(np.float32)
    t_count, channels, gh, gw = feats.shape
    h, w = bw.shape[1:3]
    scale = w / gw
    gx, gy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    d = np.full((t_count, gh, gw), np.nan, np.float32)
    masked = np.zeros((t_count, gh, gw), np.float32)
    for t in range(k, t_count):
        px, py, bad = gx.copy(), gy.copy(), np.zeros((h, w), bool)
        for j in range(t, t - k, -1):  # bw[j-1] carries frame j back to j-1
            dx, dy = _remap(bw[j - 1][..., 0], px, py), _remap(bw[j - 1][..., 1], px, py)
            fx = _remap(fw[j - 1][..., 0], px + dx, py + dy)
            fy = _remap(fw[j - 1][..., 1], px + dx, py + dy)
            bad |= np.hypot(fx + dx, fy + dy) > 0.01 * min(h, w) + 0.5
            px, py = px + dx, py + dy
        bad |= (px < 0) | (py < 0) | (px > w - 1) | (py > h - 1)
        cx = cv2.resize(px, (gw, gh), interpolation=cv2.INTER_AREA) / scale - 0.5
        cy = cv2.resize(py, (gw, gh), interpolation=cv2.INTER_AREA) / scale - 0.5
        carried = np.stack([_remap(feats[t - k][c], cx, cy) for c in range(channels)])
        carried /= np.linalg.norm(carried, axis=0, keepdims=True) + 1e-6
        d[t] = 1 - (carried * feats[t]).sum(0)
        masked[t] = cv2.resize(bad.astype(np.float32), (gw, gh), interpolation=cv2.INTER_AREA)
    return d, masked


def frame_scores(d, masked, top: int, cell_norm: bool) -> np.ndarray:
    d = np.where(masked < 0.3, d, np.nan)
    if cell_norm:
        d = d - np.nanmedian(d, axis=0, keepdims=True)
    out = np.full(len(d), np.nan)
    for t in range(len(d)):
        v = d[t][np.isfinite(d[t])]
        if v.size >= top:
            out[t] = np.sort(v)[-top:].mean()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("set_dir", type=Path)
    ap.add_argument("--cache", type=Path, required=True)
    ap.add_argument("--tol", type=int, default=3)
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    lines = (args.set_dir / "manifest.jsonl").read_text().splitlines()
    rows = [json.loads(x) for x in lines if x.strip()]
    rows = [r for r in rows if r["label"] in ("fail", "clean", "real_clean")]
    signals = {}
    for r in rows:
        cache = args.cache / (r["clip"] + ".npz")
        if not cache.exists():
            build_cache(args.set_dir, r["clip"], cache)
        far = int(np.clip(round(0.5 * r["fps"]), 2, 8))
        signals[r["clip"]] = {k: distances(cache, k) for k in (1, far)}
    for back in ("1 frame", "0.5 s"):
        for cell_norm in (False, True):
            for top in (1, 3, 10, 30):
                peaks = {}
                for r in rows:
                    d, masked = signals[r["clip"]][
                        1 if back == "1 frame" else max(signals[r["clip"]])
                    ]
                    s = frame_scores(d, masked, top, cell_norm)
                    t = int(np.nanargmax(s)) if np.isfinite(s).any() else -1
                    peaks[r["clip"]] = (float(s[t]) if t >= 0 else 0.0, t)
                report(rows, peaks, args.tol, f"{back:7s} top {top:2d} cell-normalized {cell_norm}")


def report(rows, peaks, tol, label) -> None:
    clean = sorted(peaks[r["clip"]][0] for r in rows if r["label"] != "fail")
    fails = [r for r in rows if r["label"] == "fail"]
    bar = clean[-4] if len(clean) >= 4 else max(clean)
    inside = [any(a - tol <= peaks[r["clip"]][1] <= b + tol for a, b in (f["frames"] for f in r["failures"])) for r in fails]  # fmt: skip
    over = [peaks[r["clip"]][0] > bar for r in fails]
    auc = np.mean([[(peaks[r["clip"]][0] > c) + 0.5 * (peaks[r["clip"]][0] == c) for c in clean] for r in fails])  # fmt: skip
    print(f"{label}: AUC {auc:.2f}, peak in labeled frames {sum(inside)}/{len(fails)}, "
          f"with <=3 clean over the bar: detected {sum(over)}, localized "
          f"{sum(o and i for o, i in zip(over, inside, strict=True))}")  # fmt: skip


if __name__ == "__main__":
    main()
