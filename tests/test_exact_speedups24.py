"""Session 24's exact speed-ups of `vidgen check`: each gives what the work it replaced gave,
bit for bit (benchmarks/verdict_parity.py holds whole clips to the same verdicts and events).
Each test fails on main 86572e7, where the faster form does not exist."""

from __future__ import annotations

import pickle
import random

import cv2
import numpy as np
from test_face_tracks import FPS, H, ScriptedFaces, W

from checkers.physics.point_speed import point_step, point_steps
from checkers.segment import Detection
from checkers.tracking import Point, Track
from checkers.tracking import tracks as tracks_module
from checkers.tracking.boxes import covered
from checkers.units import Units


def _textured(seed: int, shift: tuple[int, int] = (0, 0)) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    g0 = cv2.GaussianBlur((rng.random((180, 320)) * 255).astype(np.uint8), (5, 5), 1.5)
    g1 = np.roll(g0, shift, axis=(0, 1))
    return g0, g1


def test_point_steps_follow_every_box_as_one_call_a_box_does():
    # LK follows each point on its own: all the boxes' corners in one call give each box
    # the step it gets alone (None included: a box off the frame, one too small).
    g0, g1 = _textured(3, (1, 2))
    boxes = [(10, 10, 60, 40), (100, 50, 30, 30), (200, 90, 80, 70), (-2, 170, 20, 20),
             (150, 20, 4, 4), (240, 10, 70, 50)]  # fmt: skip
    together = point_steps(g0, g1, boxes, 180.0)
    alone = [point_step(g0, g1, box, 180.0) for box in boxes]
    assert sum(a is not None for a in alone) >= 3
    for a, b in zip(alone, together, strict=True):
        assert (a is None and b is None) or np.array_equal(a, b)


def _det(x: float, y: float, side: int = 12, spread: float = 0.5) -> Detection:
    box = (int(x - side / 2), int(y - side / 2), side, side)
    return Detection(x, y, box, float(side * side), np.array([50.0, 20.0, 0.0], np.float32),
                     spread, np.ones(64) / 64, np.array([0.9, 1.0, 0.8], np.float32), False,
                     "motion")  # fmt: skip


def _track(seed: int, n: int = 40) -> Track:
    rng = random.Random(seed)
    track = Track(seed, units=Units.of(180, 16.0))
    x, y, vx, vy = 50.0, 60.0, rng.uniform(-3, 3), rng.uniform(-3, 3)
    for i in range(n):
        x, y = x + vx + rng.uniform(-0.5, 0.5), y + vy + rng.uniform(-0.5, 0.5)
        det = _det(x, y) if rng.random() > 0.3 else None
        point = Point(i, i / 16.0, x, y, det, "motion" if det else "missing", rng.random() < 0.1)
        if rng.random() < 0.2:
            point.near.append(99)
        track.points.append(point)
    return track


def test_a_frozen_track_keeps_its_solidity_and_confidence(monkeypatch):
    calls = []
    real = tracks_module.track_confidence

    def counted(points, units):
        calls.append(len(points))
        return real(points, units)

    monkeypatch.setattr(tracks_module, "track_confidence", counted)
    track = _track(1)
    before = (track.solid, track.confidence())
    assert len(calls) == 2  # unfrozen: computed every time, as before
    track.freeze()
    assert (track.solid, track.confidence()) == before
    assert (track.solid, track.confidence()) == before
    assert len(calls) == 3  # frozen: each computed once
    # Pickled (the replays' caches) or copied, a track is not frozen any more.
    again = pickle.loads(pickle.dumps(track))
    assert not again._frozen and (again.solid, again.confidence()) == before


def _sightings(points) -> list[Point]:
    return [p for p in points if p.det is not None]


def test_the_kept_sightings_follow_the_points_appended_and_a_list_replaced():
    track = _track(2, n=0)
    model = _track(2)
    for point in model.points:
        track.points.append(point)
        seen = _sightings(track.points)
        if seen:
            assert track.last_seen() is seen[-1]
            assert track.recent() == seen[-12:] and track.recent(3) == seen[-3:]
        assert track.seen == seen
    track.points = track.points[:17]  # a list replaced (tests build tracks by hand)
    assert track.seen == _sightings(track.points[:17])
    track.seen.append(None)  # callers get a copy
    assert None not in track.seen


def _old_predict(track: Track, frame: int, hidden: bool) -> tuple[float, float]:
    """Track.predict as it was on main (one call a variant)."""
    last = _sightings(track.points)[-1]
    recent = _sightings(track.points)[-12:]
    clean = [p for p in recent if not p.near and not p.at_edge][-3:]
    basis = clean if len(clean) >= 2 else recent[-3:]
    if len(basis) < 2:
        return last.x, last.y
    a, b = basis[-2], basis[-1]
    step = max(1, b.frame - a.frame)
    vx, vy = (b.x - a.x) / step, (b.y - a.y) / step
    ax = ay = 0.0
    if len(basis) == 3 and basis[1].frame - basis[0].frame == step:
        ay = (b.y - 2 * a.y + basis[0].y) / step**2
        limit = tracks_module.accel_limit(track.clip_units())
        ay = float(np.clip(ay, -limit, limit)) if abs(ay) >= tracks_module.MIN_ACCEL else 0.0
    dt_b = last.frame - b.frame
    vx, vy = vx + ax * (dt_b + 0.5 * step), vy + ay * (dt_b + 0.5 * step)
    x0 = b.x + (b.x - a.x) / step * dt_b + 0.5 * ax * dt_b * dt_b
    y0 = b.y + (b.y - a.y) / step * dt_b + 0.5 * ay * dt_b * dt_b
    if last is not b and not hidden:
        x0, y0 = last.x, last.y
    dt = frame - last.frame
    return x0 + vx * dt + 0.5 * ax * dt * dt, y0 + vy * dt + 0.5 * ay * dt * dt


def test_both_predictions_at_once_are_each_as_asked_alone():
    differ = 0
    for seed in range(40):
        track = _track(seed)
        for cut in range(3, len(track.points)):
            part = Track(seed, points=track.points[:cut], units=track.units)
            if not _sightings(part.points):
                continue
            hidden, plain = part.predictions(cut)
            assert hidden == _old_predict(part, cut, True) == part.predict(cut, hidden=True)
            assert plain == _old_predict(part, cut, False) == part.predict(cut)
            differ += hidden != plain
    assert differ > 0  # the two variants do differ on some of these tracks


def _old_covered(box, cover, grow: int = 3) -> float:
    x0, y0 = max(box[0], cover[0] - grow), max(box[1], cover[1] - grow)
    x1 = min(box[0] + box[2], cover[0] + cover[2] + grow)
    y1 = min(box[1] + box[3], cover[1] + cover[3] + grow)
    inside = max(0, x1 - x0) * max(0, y1 - y0)
    return inside / max(1, box[2] * box[3])


def test_covered_is_the_old_formula():
    rng = random.Random(5)
    for _ in range(20000):
        box = (rng.randint(-20, 200), rng.randint(-20, 200), rng.randint(0, 60), rng.randint(0, 60))
        cover = (
            rng.randint(-20, 200),
            rng.randint(-20, 200),
            rng.randint(0, 80),
            rng.randint(0, 80),
        )
        grow = rng.choice([0, 3, 5])
        assert covered(box, cover, grow) == _old_covered(box, cover, grow)


class _Chipped(ScriptedFaces):
    """With aligned chips, so a rising identity distance dates itself on buffered frames
    (which asks the detector about frames already sampled)."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self.detected: list[int] = []

    def detect(self, rgb, min_size, upsample, threshold=0.0):
        self.detected.append(int(rgb[0, 0, 0]))
        return super().detect(rgb, min_size, upsample, threshold)

    def chips(self, rgb, boxes, size):
        return np.zeros((len(boxes), size, size, 3), np.uint8)


def test_face_tracks_ask_the_detector_once_a_frame():
    from checkers.perception.faces import FaceTracks

    morph = _Chipped(blend=lambda i: float(np.clip((i - 39) / 24, 0, 1)), jitter=0.002)
    tracks = FaceTracks(morph, FPS, scale=1.0)
    for i in range(96):
        tracks.update(i, i / FPS, np.full((H, W, 3), i, np.uint8))
    changes = tracks.changes()
    assert len(changes) == 1 and changes[0].frame < 50
    assert len(morph.detected) == len(set(morph.detected)) > 0
