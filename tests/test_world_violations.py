"""Each violation kind changes exactly its labeled frames, visibly, and nothing before them."""

from __future__ import annotations

import numpy as np
import pytest

from vidgen.world import VIOLATION_CHECKS, VIOLATION_KINDS, random_scene, render_clip
from vidgen.world.vocab import COLORS, hue_distance

W, H, FRAMES, FPS = 208, 120, 49, 16  # the corpus's 832x480 at a quarter size


def _pair(kind: str, seed: int):
    rng = np.random.default_rng([seed, VIOLATION_KINDS.index(kind)])
    scene = random_scene(rng, profile="full", violation=kind, aspect=W / H, duration=3.0)
    bad = render_clip(scene, width=W, height=H, frames=FRAMES, fps=FPS)
    clean = render_clip(scene.clean(), width=W, height=H, frames=FRAMES, fps=FPS)
    return scene, bad, clean


@pytest.mark.parametrize("kind", VIOLATION_KINDS)
def test_violation_changes_exactly_the_labeled_frames(kind):
    scene, bad, clean = _pair(kind, seed=0)
    assert bad.caption == clean.caption  # the caption tells the clean story
    assert clean.labels["violations"] == []
    (label,) = bad.labels["violations"]
    assert label["kind"] == kind and label["check"] == VIOLATION_CHECKS[kind]
    start, end = label["start_frame"], label["end_frame"]
    assert 1 <= start <= end < FRAMES
    assert start <= 0.8 * FRAMES  # early enough to be watched
    for i in range(FRAMES):
        same = np.array_equal(bad.frames[i], clean.frames[i])
        if i < start or i > end:
            assert same, f"frame {i} differs outside {start}..{end}"
    assert not np.array_equal(bad.frames[start], clean.frames[start])
    # at least most labeled frames differ in pixels (a change can hide behind the occluder)
    differing = sum(
        not np.array_equal(bad.frames[i], clean.frames[i]) for i in range(start, end + 1)
    )
    assert differing >= 0.5 * (end - start + 1)


def _track(clip, oid):
    return clip.labels["objects"][oid]["track"]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_violations_are_big_enough_to_see(seed):
    _, bad, clean = _pair("teleport", seed)
    (label,) = bad.labels["violations"]
    k, oid = label["start_frame"], label["object"]
    jump = abs(_track(bad, oid)["x"][k] - _track(clean, oid)["x"][k])
    assert jump >= 0.15 * W

    scene, bad, clean = _pair("color_drift", seed)
    (label,) = bad.labels["violations"]
    assert label["to"] != scene.objects[label["object"]].color
    assert hue_distance(label["to"], scene.objects[label["object"]].color) >= 60
    assert label["to"] in COLORS
    k, oid = label["complete_frame"], label["object"]
    assert label["start_frame"] < k <= label["end_frame"]
    x, y = round(_track(bad, oid)["x"][k]), round(_track(bad, oid)["y"][k])
    patch = bad.frames[k][y - 1 : y + 2, x - 1 : x + 2].reshape(-1, 3).mean(axis=0)
    assert np.abs(patch - np.array(COLORS[label["to"]])).max() < 20  # fully drifted by then

    _, bad, clean = _pair("vanish", seed)
    (label,) = bad.labels["violations"]
    oid, start, end = label["object"], label["start_frame"], label["end_frame"]
    assert end - start + 1 >= 6 or end == FRAMES - 1
    twin = _track(clean, oid)
    for i in range(start, min(end, start + 6) + 1):
        # it vanishes in plain sight: the twin shows it whole, not at an edge or behind anything
        assert twin["visible"][i] and not twin["occluded"][i] and not twin["at_edge"][i]
        assert not _track(bad, oid)["exists"][i]

    _, bad, clean = _pair("size_change", seed)
    (label,) = bad.labels["violations"]
    assert label["factor"] >= 1.6 or label["factor"] <= 0.6


def test_spawned_objects_are_labeled_as_extra():
    for kind in ("appear", "split"):
        scene, bad, _ = _pair(kind, seed=0)
        (label,) = bad.labels["violations"]
        new = label["new_object"]
        assert new == len(scene.objects)
        extra = bad.labels["objects"][new]
        assert extra["extra"] is True
        exists = extra["track"]["exists"]
        assert not any(exists[: label["start_frame"]]) and all(exists[label["start_frame"] :])


def test_simple_profile_has_no_violation_unless_asked():
    rng = np.random.default_rng(5)
    for _ in range(20):
        assert random_scene(rng, profile="simple").violations == ()
    scene = random_scene(rng, profile="simple", violation="color_drift")
    assert scene.violations[0].kind == "color_drift"
