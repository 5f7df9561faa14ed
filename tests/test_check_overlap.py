"""The stages run beside the tracker (checkers/overlap.py) decide exactly as run in turn."""

import math

import numpy as np
import pytest
from test_check_world import SPLIT_INTO_WALL
from world_scenes import as_mp4

from checkers.base import Checker, CheckResult
from checkers.overlap import FrameStages
from checkers.runner import check_clip
from checkers.video import Frame


def _same_rows(a: list[dict], b: list[dict]) -> bool:
    return len(a) == len(b) and all(
        x.keys() == y.keys()
        and all(x[k] == y[k] or (math.isnan(x[k]) and math.isnan(y[k])) for k in x)
        for x, y in zip(a, b, strict=True)
    )


@pytest.mark.parametrize("features", ["classical", "auto"])
def test_overlapped_stages_decide_as_in_turn(tmp_path, features):
    clip = as_mp4(SPLIT_INTO_WALL, tmp_path / "split.mp4", 832, 480)
    together = check_clip(clip, features=features, overlap=True)
    in_turn = check_clip(clip, features=features, overlap=False)
    assert together.verdict == in_turn.verdict == "fail"
    assert [e.as_dict() for e in together.events] == [e.as_dict() for e in in_turn.events]
    assert _same_rows(together.rows, in_turn.rows)


class _Broken(Checker):
    name = "broken"
    metrics = ()

    def watch(self, index, frame) -> None:
        if index == 2:
            raise RuntimeError("watcher failed")

    def process(self, index, frame, tracks) -> dict[str, float]:
        return {}

    def finalize(self) -> CheckResult:
        return CheckResult(self.name, "pass", 1.0)


class _Scene:
    def update(self, index, time, image):
        return index


@pytest.mark.parametrize("threads", [True, False])
def test_a_watchers_error_reaches_the_caller(threads):
    image = np.zeros((8, 8, 3), np.uint8)
    stages = FrameStages(_Scene(), [_Broken()], threads=threads)
    with pytest.raises(RuntimeError, match="watcher failed"), stages:
        for i in range(4):
            assert stages.start(Frame(i, i / 16, image)).result() == i
        stages.finish()


def test_next_scene_step_is_queued_before_the_checkers_judge_a_frame(tmp_path, monkeypatch):
    """The runner keeps one frame in hand: frame i + 1 goes to the scene before the checkers
    judge frame i (so the scene thread never waits on them), and the tracker takes frame
    i + 1 only after they have judged frame i (they read its tracks as of frame i)."""
    from checkers.perception.scene import ScenePerception
    from checkers.physics import PhysicsChecker
    from checkers.tracking import Tracker

    log: list[tuple[str, int]] = []

    def logged(cls, name, what, index_of):
        original = getattr(cls, name)

        def wrapper(self, *args):
            log.append((what, index_of(args)))
            return original(self, *args)

        monkeypatch.setattr(cls, name, wrapper)

    logged(ScenePerception, "update", "scene", lambda a: a[0])
    logged(Tracker, "update", "tracker", lambda a: a[0].index)
    logged(PhysicsChecker, "process", "judge", lambda a: a[0])
    clip = as_mp4(SPLIT_INTO_WALL, tmp_path / "split.mp4", 208, 120)
    report = check_clip(clip, checks=("physics_sanity",), overlap=False)
    assert report.frames == 49 and log.count(("judge", 48)) == 1
    at = {entry: n for n, entry in enumerate(log)}
    for i in range(48):
        assert at[("scene", i + 1)] < at[("judge", i)] < at[("tracker", i + 1)], i
