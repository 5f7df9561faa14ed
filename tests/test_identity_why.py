"""benchmarks/identity_why.py: the gates a background-model track met are read off the real
code's calls (nothing copied), and the code is left as it was."""

from __future__ import annotations

import numpy as np
from benchmark_scripts import load_benchmark
from test_resize_gates import FPS, SIGHTINGS, _side, _track

import checkers.identity_motion as identity_motion
import checkers.resize_gates as resize_gates
from checkers.identity_motion import MotionLooks


def _calls(track):
    why = load_benchmark("identity_why")
    looks = MotionLooks()
    image = np.full((160, 240, 3), (40, 160, 60), np.uint8)
    for p in track.points:
        looks.add(track.id, p.frame, image, p.det)
    calls: list = []
    originals = why.traced(calls)
    try:
        found = looks.change(track, dict.fromkeys(range(SIGHTINGS), True), FPS, 1.0)
    finally:
        why.restore(originals)
    return why, found, calls


def test_a_resize_found_is_traced_through_its_gates_and_the_code_is_restored():
    before = (identity_motion._fit, resize_gates.resize_stands, MotionLooks._size)
    why, found, calls = _calls(_track(1, {f: _side(f, 12, 8, 16.0, 30.0) for f in range(40)}))
    assert found is not None and found.key == "size"
    names = [name for _, name, _ in calls]
    assert "resize_gates.resize_stands" in names and "MotionLooks._size" in names
    assert (identity_motion._fit, resize_gates.resize_stands, MotionLooks._size) == before
    assert why.refusals(calls, "size_change", every=False) == []  # the size path found it


def test_a_growth_from_the_first_sightings_is_shown_refused_on_the_size_path():
    # Coming into view: the part grows from its second sighting (no old size to see).
    why, found, calls = _calls(_track(1, {f: _side(f, 1, 8, 16.0, 30.0) for f in range(40)}))
    assert found is None
    lines = why.refusals(calls, "size_change", every=False)
    assert "MotionLooks._size refused:" in lines
    # The fit it read: the growth from frame 1 (so no old size was seen before it).
    assert any(line.strip().startswith("identity_motion._fit: frames 1.0-") for line in lines)
