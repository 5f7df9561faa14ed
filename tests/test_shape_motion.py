"""Shape change of a background-model part (checkers/shape_motion.py).

A flat-colored object slides across a panned, zooming textured backdrop with the model on.
Its outline turning from a hexagon into a square inside the same box (as the shapes world
morphs; the area grows by less than a resize) is an identity event dated where the morph
began; the same hexagon unchanged, or turning on itself, is none.
"""

from __future__ import annotations

import cv2
import numpy as np
from test_background_model import FPS, H, W, camera, texture

from checkers.runner import check_frames

FRAMES = 48
START, SPAN = 20, 10  # the morph begins at frame 20 and takes 10 frames (0.6 s at 16 fps)
RADIUS = 15.0
RAYS = 48
_ANGLES = -np.pi / 2 + 2 * np.pi * np.arange(RAYS) / RAYS


def _on_rays(vertices: np.ndarray) -> np.ndarray:
    """Where rays from the center at _ANGLES leave the convex or star polygon `vertices`."""
    out = np.zeros((RAYS, 2))
    edges = list(zip(vertices, np.roll(vertices, -1, axis=0), strict=True))
    for k, a in enumerate(_ANGLES):
        d = np.array([np.cos(a), np.sin(a)])
        best = np.inf
        for p, q in edges:
            e = q - p
            den = d[0] * e[1] - d[1] * e[0]
            if abs(den) < 1e-12:
                continue
            s = (p[0] * e[1] - p[1] * e[0]) / den
            u = (p[0] * d[1] - p[1] * d[0]) / den
            if s > 0 and -1e-9 <= u <= 1 + 1e-9:
                best = min(best, s)
        out[k] = d * best
    return out


_HEXAGON = _on_rays(
    np.array(
        [(np.cos(np.radians(-90 + 60 * i)), np.sin(np.radians(-90 + 60 * i))) for i in range(6)]
    )
)
_SQUARE = _on_rays(np.array([(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)]))


def morph(t: int) -> float:
    return float(np.clip((t - START) / SPAN, 0.0, 1.0))


def scene(amount=lambda t: 0.0, turn=lambda t: 0.0) -> list[np.ndarray]:
    backdrop = texture(7)
    frames = []
    for t in range(FRAMES):
        view = cv2.warpPerspective(backdrop, camera(t), (W, H), flags=cv2.INTER_LINEAR)
        w = amount(t)
        outline = (1.0 - w) * _HEXAGON + w * _SQUARE
        c, s = np.cos(turn(t)), np.sin(turn(t))
        outline = outline @ np.array([[c, s], [-s, c]])
        center = np.array([50 + 4.5 * t, 95 + 0.3 * t])
        pts = np.round((center + RADIUS * outline) * 16).astype(np.int32)
        cv2.fillPoly(view, [pts], (40, 90, 220), lineType=cv2.LINE_AA, shift=4)
        frames.append(view)
    return frames


def identity_events(frames, monkeypatch):
    monkeypatch.setenv("VIDGEN_BGMODEL", "1")
    report = check_frames(frames, fps=FPS, checks=("identity_drift",))
    assert report.verdict != "error", report.error
    return [(e.kind, e.frame) for e in report.checks["identity_drift"].events]


def test_a_hexagon_morphing_into_a_square_is_an_identity_event_where_it_began(monkeypatch):
    events = identity_events(scene(amount=morph), monkeypatch)
    assert [kind for kind, _ in events] == ["shape_change"], events
    assert abs(events[0][1] - START) <= 2, events


def test_the_same_hexagon_unchanged_or_turning_is_no_event(monkeypatch):
    assert identity_events(scene(), monkeypatch) == []
    # Turning by half a side over the clip: its box changes, its shape does not.
    assert identity_events(scene(turn=lambda t: np.radians(30) * t / FRAMES), monkeypatch) == []
