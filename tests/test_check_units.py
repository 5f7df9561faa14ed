"""Physics thresholds in scene units: the frame rate and the analysis size are free.

The same world rendered at 30 fps instead of 16 moves half as far between frames and bends
its path by a quarter as much a frame; thresholds written in pixels per frame missed a
reversal of gravity there (checkers/units.py).
"""

from __future__ import annotations

import pytest
from test_check_world import GRAVITY_BESIDE_WALL, TELEPORT_UP

from checkers.runner import check_frames
from checkers.units import Units, frames_in


def render_at(spec: dict, fps: float) -> list:
    from vidgen.world.clip import iter_frames
    from vidgen.world.spec import scene_from_dict

    frames = round(spec["duration"] * fps) + 1
    scene = scene_from_dict(spec)
    return [f for f, _ in iter_frames(scene, width=312, height=180, frames=frames, fps=fps)]


def test_conversions_follow_size_and_rate():
    units = Units.of(180, 16)
    assert units.length(0.1) == pytest.approx(18.0)
    assert units.speed(1.0) == pytest.approx(180 / 16)
    assert units.accel(1.0) == pytest.approx(180 / 256)
    assert units.frames(0.19) == 3
    faster = Units.of(360, 32)
    assert faster.speed(1.0) == pytest.approx(units.speed(1.0))  # twice the px, half the time
    assert faster.accel(1.0) == pytest.approx(units.accel(1.0) / 2)
    assert faster.frames(0.19) == 6
    assert Units.of(180, float("nan")).fps == 16.0  # a stream without timing
    assert Units.of(64, 8).frames(0.05, least=2) == 2


def test_frames_in_is_units_frames_at_a_rate():
    # The identity finalize steps have the clip's rate, not its Units: the same rounding.
    for fps in (8, 10, 12, 16, 18, 24, 25, 30):
        for seconds in (0.1, 0.25, 0.3, 0.5):
            for least in (1, 2, 3):
                assert frames_in(seconds, fps, least) == Units.of(180, fps).frames(seconds, least)
    assert frames_in(0.25, 8, least=2) == 2  # the hold at 8 fps: two sightings
    assert frames_in(0.25, 30, least=2) == 8
    assert frames_in(0.25, 30, least=3) == 8


def test_gravity_reversal_found_at_30_fps():
    start = GRAVITY_BESIDE_WALL["violations"][0]["t_start"] * 30
    report = check_frames(render_at(GRAVITY_BESIDE_WALL, 30), fps=30)
    found = [e for e in report.events if e.kind == "gravity_reversal" and abs(e.frame - start) <= 4]
    assert found, [(e.check, e.kind, e.frame) for e in report.events]


@pytest.mark.parametrize("spec", [GRAVITY_BESIDE_WALL, TELEPORT_UP], ids=["thrown", "falling"])
def test_clean_flight_passes_at_30_fps(spec):
    report = check_frames(render_at({**spec, "violations": []}, 30), fps=30)
    assert report.verdict == "pass", [(e.check, e.kind, e.frame) for e in report.events]
