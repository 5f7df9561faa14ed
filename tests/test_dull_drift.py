"""A hue drift from a dull color (identity_motion.DULL_CHROMA): read as the whole distance in
chroma, since a dull color's hue line says little (TUNE dev1515 77, fresh4711 189: missed on
main, where only the distance off the old hue line counted)."""

from __future__ import annotations

import numpy as np

from checkers.identity_motion import hue_change
from checkers.segment import Detection
from checkers.tracking import Point

FPS = 30.0


def _points(frames) -> list[Point]:
    points = []
    for f in frames:
        det = Detection(100.0, 75.0, (90, 65, 20, 20), 400.0, np.zeros(3), 1.0, np.zeros(64),
                        np.array([0.78, 0.98, 1.0]), False, "motion")  # fmt: skip
        points.append(Point(f, f / FPS, 100.0, 75.0, det, "motion", False))
    return points


def _drift(frames, old, new, start=25, length=18) -> list[np.ndarray]:
    old, new = np.asarray(old, float), np.asarray(new, float)
    ramp = np.clip((np.asarray(frames, float) - start) / length, 0.0, 1.0)
    return [old + r * (new - old) for r in ramp]


def test_a_dull_color_turning_saturated_along_its_hue_line_is_a_drift():
    # dev1515 77: chroma 15 to 91, only 20 off the old hue line; a change on this branch.
    frames = list(range(80))
    change = hue_change(_points(frames), _drift(frames, (-7, 13), (-58, 70)), FPS, 1.0)
    assert change is not None and change.key == "color", change
    assert 24 <= change.start.frame <= 28


def test_a_saturated_color_brightening_along_its_hue_line_is_no_drift():
    # Shading scales a color along its line: from chroma 46 to 92 is no change.
    frames = list(range(80))
    assert hue_change(_points(frames), _drift(frames, (-23, 40), (-46, 80)), FPS, 1.0) is None


def test_a_dull_color_read_across_a_long_gap_is_no_drift():
    # Clean fresh4711 35: a track seen once at a dull color, lost for a second, found again on
    # a saturated part; the whole distance counts only where the track was followed through.
    frames = [0, 1, 2, 3, 4, *range(40, 80)]
    values = [np.array([3.0, -12.0])] * 5 + [np.array([40.0, -42.0])] * 40
    assert hue_change(_points(frames), values, FPS, 1.0) is None
