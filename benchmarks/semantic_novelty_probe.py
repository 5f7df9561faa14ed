"""Probe (session 14): does content that no motion explains, read in MobileNetV2 features,
separate the labeled failures of ../shared/gen-clips from its clean clips?

For each clip, frames sampled at 8 a second, short side 224: MobileNetV2's stride-16 features
(ImageNet weights, `features[:14]`, 96 channels, L2-normalized per cell). Novelty of a cell at
sample t: 1 - the best cosine similarity to any cell within 2 cells of where the camera
(checkers/perception/camera.py, chained homographies) puts it at sample t-1 ("appear"), and
the same for t-1's cells against t ("vanish"). Temporal contrast: novelty minus the larger
of the same cell's novelty at t-1 and t+1 (a step, not lasting motion). Motion gate: cells
whose 3x3 neighbourhood moved more than --motion px (224-px frame, camera removed; DIS flow)
over the steps t-1..t+2 are dropped; the one-cell border is dropped (entries and exits).
A clip's score is its largest remaining value; it is "localized" when that value's frame is
within 3 frames of a labeled failure.

    python benchmarks/semantic_novelty_probe.py dump /tmp/sem/dump ../shared/gen-clips/clips/*.mp4
    python benchmarks/semantic_novelty_probe.py score /tmp/sem/dump --motion 3
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import cv2
import numpy as np

from checkers.perception.camera import camera_step

SHORT, RATE, RADIUS, CELL = 224, 8.0, 2, 16
MANIFEST = Path(__file__).resolve().parents[2] / "shared" / "gen-clips" / "manifest.jsonl"


def _samples(path):
    cap = cv2.VideoCapture(str(path))
    fps = cap.get(cv2.CAP_PROP_FPS) or 8.0
    step, out, index = max(1, round(fps / RATE)), [], 0
    while True:
        ok, bgr = cap.read()
        if not ok:
            return out
        if index % step == 0:
            h, w = bgr.shape[:2]
            s = SHORT / min(h, w)
            size = (int(round(w * s / CELL)) * CELL, int(round(h * s / CELL)) * CELL)
            out.append((index, cv2.resize(bgr, size, interpolation=cv2.INTER_AREA)[:, :, ::-1]))
        index += 1


def _novelty(cur, ref, ref_to_cur):
    gh, gw, _ = cur.shape
    ys, xs = np.mgrid[0:gh, 0:gw]
    pts = np.stack([(xs + 0.5) * CELL, (ys + 0.5) * CELL, np.ones(xs.shape)], -1).reshape(-1, 3)
    back = pts @ np.linalg.inv(ref_to_cur).T
    bx = np.rint(back[:, 0] / back[:, 2] / CELL - 0.5).astype(int).reshape(gh, gw)
    by = np.rint(back[:, 1] / back[:, 2] / CELL - 0.5).astype(int).reshape(gh, gw)
    best = np.full((gh, gw), np.nan, np.float32)
    for dy in range(-RADIUS, RADIUS + 1):
        for dx in range(-RADIUS, RADIUS + 1):
            yy, xx = by + dy, bx + dx
            ok = (yy >= 0) & (yy < gh) & (xx >= 0) & (xx < gw)
            d = np.full((gh, gw), np.nan, np.float32)
            d[ok] = 1 - np.einsum("ij,ij->i", cur[ok], ref[yy[ok], xx[ok]])
            best = np.fmin(best, d)
    best[~((by >= 0) & (by < gh) & (bx >= 0) & (bx < gw))] = np.nan
    return best


def dump(out: Path, clips: list[str]) -> None:
    import torch
    import torchvision

    from checkers.features.mobilenet import find_weights

    torch.set_num_threads(1)
    net = torchvision.models.mobilenet_v2()
    net.load_state_dict(torch.load(find_weights(), weights_only=True))
    body = net.features[:14].eval()
    mean, std = np.array([0.485, 0.456, 0.406]), np.array([0.229, 0.224, 0.225])
    dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)
    out.mkdir(parents=True, exist_ok=True)
    for clip in clips:
        samples = _samples(clip)
        feats = []
        for _, rgb in samples:
            x = ((rgb / 255.0 - mean) / std).astype(np.float32).transpose(2, 0, 1)[None]
            with torch.no_grad():
                f = body(torch.from_numpy(np.ascontiguousarray(x)))[0].numpy().transpose(1, 2, 0)
            feats.append(f / (np.linalg.norm(f, axis=2, keepdims=True) + 1e-6))
        grays = [cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY) for _, rgb in samples]
        h, w = grays[0].shape
        ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
        empty = np.full(feats[0].shape[:2], np.nan, np.float32)
        appear, vanish, motion = [empty], [empty], [np.zeros_like(empty)]
        for k in range(1, len(samples)):
            hom = camera_step(grays[k - 1], grays[k]).homography
            appear.append(_novelty(feats[k], feats[k - 1], hom))
            vanish.append(_novelty(feats[k - 1], feats[k], np.linalg.inv(hom)))
            flow = dis.calc(grays[k - 1], grays[k], None)
            p = np.stack([xs, ys, np.ones_like(xs)], -1) @ hom.T
            own = np.hypot(flow[..., 0] - (p[..., 0] / p[..., 2] - xs),
                           flow[..., 1] - (p[..., 1] / p[..., 2] - ys))  # fmt: skip
            motion.append(own.reshape(h // CELL, CELL, w // CELL, CELL).max(axis=(1, 3)))
        np.savez_compressed(out / (Path(clip).stem + ".npz"), idx=[i for i, _ in samples],
                            A=np.array(appear), V=np.array(vanish), M=np.array(motion))  # fmt: skip
        print(Path(clip).name, len(samples), "samples", flush=True)


def score(folder: Path, motion_px: float) -> None:
    from scipy.ndimage import maximum_filter

    rows = [json.loads(line) for line in MANIFEST.read_text().splitlines()]
    found = {"fail": [], "clean": []}
    for m in rows:
        if m["label"] == "unsure":
            continue
        d = np.load(folder / (Path(m["clip"]).stem + ".npz"))
        near = maximum_filter(d["M"], size=(1, 3, 3))
        moved = np.fmax(np.fmax(near, np.roll(near, -1, 0)), np.roll(near, -2, 0))
        labels = [f["frames"] for f in m.get("failures") or []]
        best, where = -1.0, -1
        for key in "AV":
            x = d[key].copy()
            x[:, :1], x[:, -1:], x[:, :, :1], x[:, :, -1:] = np.nan, np.nan, np.nan, np.nan
            before, after = np.roll(x, 1, 0), np.roll(x, -1, 0)
            before[0], after[-1] = np.nan, np.nan
            step = x - np.fmax(before, after)
            step[moved > motion_px] = np.nan
            for t, cells in enumerate(step):
                if np.isfinite(cells).any() and np.nanmax(cells) > best:
                    best, where = float(np.nanmax(cells)), int(d["idx"][t])
        inside = any(a - 3 <= where <= b + 3 for a, b in labels)
        found["fail" if m["label"] == "fail" else "clean"].append((best, inside))
        print(
            f"{m['label']:10s} {m['clip'][:44]:44s} {best:.2f} at {where} {'IN' if inside else ''}"
        )
    for cut in (0.2, 0.25, 0.3, 0.35, 0.4):
        f, c = found["fail"], found["clean"]
        print(f"bar {cut}: fail clips over it {sum(b > cut for b, _ in f)}/{len(f)}, localized "
              f"{sum(b > cut and i for b, i in f)}, clean over it {sum(b > cut for b, _ in c)}/{len(c)}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump")
    d.add_argument("out", type=Path)
    d.add_argument("clips", nargs="+")
    s = sub.add_parser("score")
    s.add_argument("folder", type=Path)
    s.add_argument("--motion", type=float, default=3.0, help="px at 224 a sample step")
    args = parser.parse_args()
    dump(args.out, args.clips) if args.command == "dump" else score(args.folder, args.motion)


if __name__ == "__main__":
    main()
