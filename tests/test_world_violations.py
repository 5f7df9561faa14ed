"""Each violation kind changes exactly its labeled frames, visibly, and nothing before them."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from vidgen.world import (
    VIOLATION_CHECKS,
    VIOLATION_KINDS,
    Scene,
    Violation,
    WorldObject,
    random_scene,
    render_clip,
)
from vidgen.world.geometry import in_open_view, reference_view
from vidgen.world.physics import Simulation
from vidgen.world.violations import _clean_run, _watchable, applicable_kinds
from vidgen.world.vocab import COLORS, hue_distance

W, H, FRAMES, FPS = 208, 120, 49, 16  # the corpus's 832x480 at a quarter size


def _pair(kind: str, seed: int):
    rng = np.random.default_rng([seed, VIOLATION_KINDS.index(kind)])
    profile = "full" if kind in applicable_kinds("full") else "wild"
    scene = random_scene(rng, profile=profile, violation=kind, aspect=W / H, duration=3.0)
    bad = render_clip(scene, width=W, height=H, frames=FRAMES, fps=FPS)
    clean = render_clip(scene.clean(), width=W, height=H, frames=FRAMES, fps=FPS)
    return scene, bad, clean


# the first frame at t_start shows it
INSTANT_IN_VIEW = ("teleport", "vanish", "appear", "color_switch")
GRADUAL = ("color_drift", "shape_morph", "size_change")


LATENT = ("bounce_gain", "through_object")


def _acts_at(scene) -> float:
    """When a latent violation first changes the motion: the clean twin's next bounce of the
    object, or its collision with the other object, at or after t_start."""
    (v,) = scene.violations
    sim = Simulation(scene.clean())
    sim.advance_to(scene.duration)
    want = "bounce" if v.kind == "bounce_gain" else "collision"
    return min(e.t for e in sim.events if e.kind == want and e.a == v.object and e.t >= v.t_start)


def _first_frame_at(t: float) -> int:
    return math.ceil(t * FPS - 1e-6)


def _involved(label) -> set[int]:
    return {label["object"], *(label[k] for k in ("other", "new_object") if k in label)}


@pytest.mark.parametrize("kind", VIOLATION_KINDS)
def test_violation_changes_exactly_the_labeled_frames(kind):
    scene, bad, clean = _pair(kind, seed=0)
    (v,) = scene.violations
    assert bad.caption == clean.caption  # the caption tells the clean story
    assert clean.labels["violations"] == []
    assert bad.labels["schema"] == "vidgen.world.labels/1"
    (label,) = bad.labels["violations"]
    assert label["kind"] == kind and label["check"] == VIOLATION_CHECKS[kind]
    start, until = label["start_frame"], label["differs_until"]
    assert 1 <= start <= until < FRAMES
    assert start <= 0.8 * FRAMES  # early enough to be watched
    # the label follows the violation's own time, not just the pixel diff it came from: a
    # violation acting early (or late) is caught here
    due = _first_frame_at(v.t_start)
    assert start >= due
    if kind in LATENT:  # it acts at the next bounce / the collision it lets them pass through
        due = _first_frame_at(_acts_at(scene))
    assert start <= due + 3
    if kind in INSTANT_IN_VIEW:
        assert start == due
    for i in range(FRAMES):
        same = np.array_equal(bad.frames[i], clean.frames[i])
        if i < start or i > until:
            assert same, f"frame {i} differs outside {start}..{until}"
    assert not np.array_equal(bad.frames[start], clean.frames[start])
    assert not np.array_equal(bad.frames[until], clean.frames[until])
    # at least most labeled frames differ in pixels (a change can hide behind the occluder)
    differing = sum(
        not np.array_equal(bad.frames[i], clean.frames[i]) for i in range(start, until + 1)
    )
    assert differing >= 0.5 * (until - start + 1)
    # visible_frame: the first frame where >= 16 levels differ on >= 2 pixels
    plain = [
        int((np.abs(a.astype(int) - b.astype(int)).max(axis=2) >= 16).sum()) >= 2
        for a, b in zip(bad.frames, clean.frames, strict=True)
    ]
    assert label["visible_frame"] == plain.index(True)
    assert start <= label["visible_frame"] <= start + 4
    # complete_frame / end_frame
    if kind in GRADUAL:
        assert label["complete_frame"] == label["end_frame"] == _first_frame_at(v.t_end)
        if kind == "size_change":
            track = _track(bad, v.object)["size"]
            k = label["complete_frame"]
            assert track[k] == pytest.approx(track[0] * label["factor"], abs=0.02)
            assert track[k - 1] != pytest.approx(track[0] * label["factor"], abs=0.02)
    elif kind == "vanish" and v.t_end is not None:
        assert label["end_frame"] == _first_frame_at(v.t_end) - 1  # the last missing frame
    else:
        assert label["complete_frame"] == start
        assert label["end_frame"] is None  # instant or permanent: nothing ends
    # nothing else changes: objects the label does not name move exactly as in the twin
    for oid, obj in enumerate(clean.labels["objects"]):
        if oid not in _involved(label):
            for key in ("x", "y", "size", "exists"):
                assert _track(bad, oid)[key] == obj["track"][key], (oid, key)
    # and nothing sinks into the floor unless the label says so
    floor = scene.floor_y * H
    for oid, obj in enumerate(bad.labels["objects"]):
        if kind == "through_floor" and oid == label["object"]:
            continue
        t = obj["track"]
        for i in range(FRAMES):
            if t["exists"][i] and t["y"][i] - t["size"][i] < H:
                assert t["y"][i] + t["size"][i] <= floor + 0.02, (oid, i)


def test_a_vanish_that_ends_is_labeled_to_its_last_missing_frame():
    for seed in range(12):
        scene, bad, clean = _pair("vanish", seed)
        (v,) = scene.violations
        if v.t_end is None or _first_frame_at(v.t_end) >= FRAMES:
            continue
        (label,) = bad.labels["violations"]
        end = label["end_frame"]
        exists = _track(bad, label["object"])["exists"]
        assert not any(exists[label["start_frame"] : end + 1]) and exists[end + 1]
        assert label["differs_until"] == end  # it comes back where the twin is
        return
    pytest.fail("no vanish that ends among the seeds")


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
    assert label["start_frame"] < k == label["end_frame"] <= label["differs_until"]
    x, y = round(_track(bad, oid)["x"][k]), round(_track(bad, oid)["y"][k])
    patch = bad.frames[k][y - 1 : y + 2, x - 1 : x + 2].reshape(-1, 3).mean(axis=0)
    assert np.abs(patch - np.array(COLORS[label["to"]])).max() < 20  # fully drifted by then

    _, bad, clean = _pair("vanish", seed)
    (label,) = bad.labels["violations"]
    oid, start, end = label["object"], label["start_frame"], label["end_frame"]
    end = FRAMES - 1 if end is None else end
    assert end - start + 1 >= 6
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


def _judge(scene, v) -> bool:
    return _watchable(dataclasses.replace(scene, violations=(v,)), v, *_clean_run(scene))


def test_violations_with_knock_on_effects_are_not_used():
    a = WorldObject("red", "ball", 0.06, 0.3, 0.5, 0.4, 0.0, motion="moves_right")
    b = WorldObject("blue", "square", 0.06, 1.3, 0.5, -0.4, 0.0, motion="moves_left")
    pair = Scene(objects=(a, b), aspect=1.6, duration=3.0)
    # b vanishes while the twin's b would bounce a: a's path changes, unlabeled
    assert not _judge(pair, Violation("vanish", 1, 0.5, 2.2))
    # the same vanish after the bounce changes only b
    assert _judge(pair, Violation("vanish", 1, 1.6, 2.4))
    # a floating square grows into the floor line
    low = WorldObject("green", "square", 0.06, 0.8, 0.85)
    floored = Scene(objects=(low,), aspect=1.6, duration=3.0, floor_y=0.95, floor_visible=True)
    assert not _judge(floored, Violation("size_change", 0, 0.5, 1.0, {"factor": 2.0}))
    assert _judge(floored, Violation("size_change", 0, 0.5, 1.0, {"factor": 0.5}))


def test_vanishing_objects_are_far_from_edges_and_the_occluder():
    view_h = 480
    for seed in range(25):
        scene = random_scene(np.random.default_rng([seed, 4]), profile="full", violation="vanish")
        (v,) = scene.violations
        view = reference_view(scene)
        sim = Simulation(scene.clean())
        end = v.t_end if v.t_end is not None else v.t_start + 0.8
        for k in range(int((v.t_start - 0.3) * 48), int(end * 48) + 1):
            s = sim.state_at(max(k, 0) / 48)[v.object]
            assert in_open_view(s, scene, view, max(k, 0) / 48, s.r * view_h), (seed, k)


def test_a_kind_no_layout_suits_gives_way_to_another_kind():
    # Wild seed 2626's clip 221 (a 710x710, 3 s frame) drew through_object, whose crossing
    # pair almost never fits that frame: 400 tries failed and the corpus stopped part-way.
    scene = random_scene(
        np.random.default_rng([2626, 221]), profile="wild", violation_rate=0.5,
        aspect=1.0, duration=3.0,
    )  # fmt: skip
    assert len(scene.violations) == 1
    assert scene.violations[0].kind != "through_object"
