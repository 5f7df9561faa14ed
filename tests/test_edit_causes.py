"""benchmarks/edit_causes.py: each missed edit is named by the first stage at which the
scene stage's evidence over its box ended (no clip is checked: the ledger is built here)."""

from __future__ import annotations

import numpy as np
import pytest
from benchmark_scripts import load_benchmark

from checkers.perception.bursts import GRID, Burst


@pytest.fixture(scope="module")
def causes():
    return load_benchmark("edit_causes")


# A 320x180 clip, analysed at 320x180: one grid cell is 10 x 10 pixels. The edit's box at
# frame 20 covers cells (rows 4-5, cols 10-11).
REC = {"edit": "vanish", "check": "object_permanence", "start_frame": 20, "tolerance": 2,
       "width": 320, "height": 180, "box": [100, 40, 20, 20]}  # fmt: skip


def window(causes, removed_by: int | None, lo=18, t=22) -> dict:
    """A window with excess on the box's cells, all of it removed at stage `removed_by`."""
    stages = []
    for i in range(len(causes.STAGES)):
        m = np.zeros((GRID[1], GRID[0]), np.float32)
        if removed_by is None or i < removed_by:
            m[4:6, 10:12] = 1.0
        stages.append(m)
    return {"lo": lo, "t": t, "stages": stages, "score": float(stages[-1].sum())}


def judge(causes, windows, confirmed=(), clean=False, events=()):
    causes._reset()
    causes.LEDGER.windows, causes.LEDGER.size = list(windows), (320, 180)
    causes.LEDGER.confirmed, causes.LEDGER.clean = list(confirmed), clean
    return causes.cause(REC, {"events": list(events)}, (320, 180))


def test_a_miss_is_named_by_the_gate_that_removed_the_last_of_its_evidence(causes):
    assert judge(causes, [])["cause"] == "no_evidence"
    assert judge(causes, [window(causes, 0)])["cause"] == "no_evidence"
    assert judge(causes, [window(causes, 1)])["cause"] == "lasting"
    assert judge(causes, [window(causes, 2)])["cause"] == "motion"
    assert judge(causes, [window(causes, 3)])["cause"] == "movers"
    # evidence far from the edit's frame is not its evidence
    assert judge(causes, [window(causes, None, lo=40, t=44)])["cause"] == "no_evidence"


def test_evidence_past_the_gates_is_followed_to_the_burst_and_the_clean_gate(causes):
    w = window(causes, None)
    on_box = Burst(20, 1.0, 22, (100, 40, 20, 20), 4.0, "vanish", 0.01)
    off_box = Burst(20, 1.0, 22, (250, 150, 20, 20), 4.0, "vanish", 0.01)
    assert judge(causes, [w], [(off_box, 2.0)])["cause"] == "elsewhere"
    assert judge(causes, [w], [(on_box, 0.5)])["cause"] == "embedder"
    assert judge(causes, [w], [(on_box, 2.0)], clean=True)["cause"] == "clean"
    changed = Burst(20, 1.0, 22, (100, 40, 20, 20), 4.0, "change", 0.01)
    assert judge(causes, [w], [(changed, 2.0)])["cause"] == "wrong_kind"
    hit = {"frame": 21, "check": "object_permanence", "kind": "vanish_in_place"}
    assert judge(causes, [w], events=[hit])["cause"] == "found"
