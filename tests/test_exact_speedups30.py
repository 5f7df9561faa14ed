"""Session 30's exact speed-ups of `vidgen check`: each gives what the work it replaced gave,
bit for bit. The source crops' own test is in test_check_video.py. The old forms are
written out here; `crop_look` fails on main 9fc5e16 (it does not exist there), the others
guard rewrites whose contract is unchanged (they pass on main)."""

from __future__ import annotations

import cv2
import numpy as np

from checkers import segment, source_outline
from checkers.source_outline import crop_box, crop_look, source_look


def _lab(seed: int, shape=(60, 80)) -> np.ndarray:
    rng = np.random.default_rng(seed)
    rgb = cv2.GaussianBlur(rng.integers(0, 256, (*shape, 3), dtype=np.uint8), (5, 5), 1.0)
    return cv2.cvtColor(rgb.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)


def test_distances_channel_by_channel_are_einsums():
    rng = np.random.default_rng(1)
    for seed in range(6):
        lab = _lab(seed)
        centers = lab.reshape(-1, 3)[rng.integers(0, lab.shape[0] * lab.shape[1], 3)]
        centers = centers + rng.normal(0, 2, centers.shape).astype(np.float32)
        old = None
        for center in centers:
            diff = lab - center
            d2 = np.einsum("ijk,ijk->ij", diff, diff)
            old = d2 if old is None else np.minimum(old, d2)
        assert np.array_equal(source_outline._distance(lab, centers), old)


def _old_coverage(i, labels, box, lab, field, color):
    x, y, w, h = box
    H, W = labels.shape
    pad = segment.PAD
    x0, y0, x1, y1 = max(0, x - pad), max(0, y - pad), min(W, x + w + pad), min(H, y + h + pad)
    sub, bg = labels[y0:y1, x0:x1], field[y0:y1, x0:x1]
    toward = color[None, None, :] - bg
    norm = np.maximum((toward * toward).sum(axis=2), 1.0)
    share = np.clip(((lab[y0:y1, x0:x1] - bg) * toward).sum(axis=2) / norm, 0.0, 1.0)
    share[(sub != i) & (sub != 0)] = 0.0
    share[sub == i] = 1.0
    total = float(share.sum())
    ys, xs = np.arange(y0, y1)[:, None], np.arange(x0, x1)[None, :]
    return float((xs * share).sum() / total), float((ys * share).sum() / total), total


def test_coverage_channel_by_channel_is_the_summed_projection():
    for seed in range(6):
        lab, field = _lab(seed), _lab(seed + 10)
        labels = np.zeros(lab.shape[:2], np.int32)
        labels[10:30, 20:45] = 1
        labels[25:50, 50:75] = 2  # another part beside it
        for i, box in ((1, (20, 10, 25, 20)), (2, (50, 25, 25, 25))):
            color = lab[labels == i].mean(axis=0)
            new = segment._coverage(i, labels, box, lab, field, color)
            assert new == _old_coverage(i, labels, box, lab, field, color)


def test_a_crop_reads_as_the_whole_frame():
    # The source reads cut the crop out themselves (video.source_crops): read on it, a part
    # looks as it does read on the whole frame.
    rng = np.random.default_rng(4)
    frame = cv2.GaussianBlur(rng.integers(0, 256, (240, 320, 3), dtype=np.uint8), (7, 7), 2)
    cv2.circle(frame, (100, 80), 14, (230, 40, 40), -1)
    cv2.rectangle(frame, (200, 150), (230, 190), (40, 200, 60), -1)
    read = 0
    for bbox, scale in (((28, 22, 10, 10), 3.0), ((66, 50, 11, 14), 3.0), ((0, 0, 6, 6), 3.0)):
        box = crop_box(bbox, scale, 320, 240)
        whole = source_look(frame, bbox, scale)
        if box is None:
            assert whole is None
            continue
        x0, y0, x1, y1 = box
        cut = crop_look(frame[y0:y1, x0:x1].copy(), box, bbox, scale)
        assert (whole is None and cut is None) or np.array_equal(whole, cut)
        read += whole is not None
    assert read >= 2
