"""The edits of the edited-real corpus (benchmarks/edited_real.py) and what they stand on.

Holds the KINDS table (edit -> check, expected event kind, tolerance) and EDITS (edit -> its
function); the source clips and their reading, fitting and writing; region helpers (soft
masks, pasting, contrast, picking and tracking a box, donor patches); the edit
functions; and plan, which deals the edit kinds out to a corpus's clips by seed. The face
corpus (face_edits.py) uses the clip writer and plan from here.
"""

from __future__ import annotations

import json
import math
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
    "hue_switch": ("identity_drift", None, 2),
    "morph": ("identity_drift", None, 3),
}
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
    return _hue_edit(rng, frames, f0, ctx, max(2, round(0.5 * ctx["fps"])))


def edit_hue_switch(rng, frames, f0, ctx):
    """The hue turned at once on one frame, and kept (an object whose color switches, as AI
    clips' colors often flicker from one frame to the next)."""
    return _hue_edit(rng, frames, f0, ctx, 1)


def _hue_edit(rng, frames, f0, ctx, n: int):
    def score(b):
        x, y, w, h = b
        sat = cv2.cvtColor(frames[f0, y : y + h, x : x + w], cv2.COLOR_BGR2HSV)[..., 1].mean()
        return sat + 0.5 * contrast(frames[f0], b)

    box = pick(rng, ctx["size"], ctx["w"], ctx["h"], score, tries=32)
    angle = rng.uniform(60, 120) * rng.choice([-1, 1])
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


# ---- plan ----------------------------------------------------------------------------------
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
