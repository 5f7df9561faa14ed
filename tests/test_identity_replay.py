"""benchmarks/identity_replay.py: the identity events replayed from a cached state are the
ones the checker gave when the clip was checked (a drift out of a box, as in
test_check_world.py), so a rule change can be scored without running perception again."""

from __future__ import annotations

import pickle

from benchmark_scripts import load_benchmark
from test_check_world import COLOR_AFTER_BOX
from world_scenes import as_mp4

from checkers.runner import check_clip


def test_replayed_identity_events_are_the_checked_ones(tmp_path):
    replay = load_benchmark("identity_replay")
    clip = as_mp4(COLOR_AFTER_BOX, tmp_path / "drift.mp4")
    assert replay._cache_one((clip, str(tmp_path / "drift.pkl"))) == "ok"
    held = pickle.loads((tmp_path / "drift.pkl").read_bytes())
    checked = [e.as_dict() for e in check_clip(clip, threads=1).events]
    replayed = [e.as_dict() for e in replay.replayed(held).events]
    assert replayed, "the drift is an identity event"
    assert replayed == [e for e in checked if e["check"] == "identity_drift"]
