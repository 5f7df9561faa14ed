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
