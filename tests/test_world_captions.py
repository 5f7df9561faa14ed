"""Captions match scenes; the vocabulary covers them; scenes are deterministic by seed."""

from __future__ import annotations

import re

import numpy as np
import pytest

from vidgen.world import (
    MOTION_DIRECTION,
    OBJECT_COLORS,
    SIMPLE_MOTIONS,
    VOCABULARY,
    Scene,
    WorldObject,
    parse_caption,
    random_scene,
    render_clip,
)


def _scenes(profile: str, n: int, seed: int = 11):
    rng = np.random.default_rng(seed)
    return [random_scene(rng, profile=profile) for _ in range(n)]


@pytest.mark.parametrize("profile", ["simple", "staged", "full"])
def test_captions_use_only_the_vocabulary_and_parse_back(profile):
    assert list(VOCABULARY) == sorted(set(VOCABULARY))
    for scene in _scenes(profile, 40):
        clip = render_clip(scene, width=96, height=64, frames=9, fps=4)
        words = clip.caption.split()
        assert set(words) <= set(VOCABULARY), clip.caption
        parsed = parse_caption(clip.caption)
        assert parsed["background"] == scene.background
        assert parsed["textured"] == (scene.texture > 0)
        assert len(parsed["objects"]) == len(scene.objects)
        for got, obj in zip(parsed["objects"], scene.objects, strict=True):
            assert (got["color"], got["shape"], got["motion"]) == (obj.color, obj.shape, obj.motion)
        assert parsed["motion_direction"] == MOTION_DIRECTION[scene.objects[0].motion]


@pytest.mark.parametrize("profile", ["simple", "staged"])
def test_simple_and_staged_motion_reads_from_the_centroid_track(profile):
    seen = set()
    for scene in _scenes(profile, 80, seed=3):
        assert len(scene.objects) == 1 and scene.occluder is None
        assert scene.pan == 0 and scene.noise == 0 and scene.texture == 0
        clip = render_clip(scene, width=64, height=64, frames=17, fps=8)
        obj = clip.labels["objects"][0]
        assert 12 <= 2 * obj["size"] <= 18  # readable at 64x64
        track = obj["track"]
        assert min(track["visible_fraction"]) >= 0.9  # stays in frame
        dx = track["x"][-1] - track["x"][0]
        dy = track["y"][-1] - track["y"][0]
        direction = parse_caption(clip.caption)["motion_direction"]
        seen.add(direction)
        if direction == "none":
            assert abs(dx) < 0.5 and abs(dy) < 0.5
        elif direction == "falls":
            assert max(track["y"]) - track["y"][0] > 10 and abs(dx) < 0.5
        else:
            want_x = -1 if "left" in direction else 1 if "right" in direction else 0
            want_y = -1 if "up" in direction else 1 if "down" in direction else 0
            for d, want in ((dx, want_x), (dy, want_y)):
                if want:
                    assert d * want >= 8, (clip.caption, dx, dy)  # a visible distance
                else:
                    assert abs(d) < 0.5
    assert len(seen) >= len(SIMPLE_MOTIONS) - 2  # the profile covers its motions


def test_staged_paths_are_centred_and_jittered_by_a_few_pixels():
    """The staged layout puts each path's middle at the view's centre (a fall starts top
    centre), give or take the jitter; the simple layout spreads them over the view."""
    offsets = {"staged": [], "simple": []}
    for profile, found in offsets.items():
        for scene in _scenes(profile, 60, seed=8):
            clip = render_clip(scene, width=64, height=64, frames=17, fps=8)
            track = clip.labels["objects"][0]["track"]
            x, y = np.array(track["x"]), np.array(track["y"])
            if scene.objects[0].motion == "falls_bounces":
                found.append(abs(x[0] - 32))
                if profile == "staged":
                    assert y[0] < 16, y[0]
            else:  # the view's free range is centred 0.495 of the height down
                found.append(max(abs((x[0] + x[-1]) / 2 - 32), abs((y[0] + y[-1]) / 2 - 31.7)))
    assert max(offsets["staged"]) <= 3.5  # 3.2 px of jitter
    assert np.median(offsets["simple"]) > 6.0  # the test can tell the layouts apart


def _clauses(caption: str) -> list[str]:
    """One clause per object, in object order (the grammar's order)."""
    body = caption.split(" on a")[0].replace(" and they collide", "")
    first, _, rest = body.partition(" while ")
    colors = "|".join(OBJECT_COLORS)
    return [first, *re.split(rf" and (?=an? (?:{colors}) )", rest)] if rest else [first]


def _horizontal(motion: str) -> int:
    d = MOTION_DIRECTION[motion]
    return 1 if "right" in d else -1 if "left" in d else 0


def test_full_captions_say_what_the_tracks_show():
    behind = leaves = collide = moved = 0
    w, h = 208, 120
    for scene in _scenes("full", 40, seed=5):
        clip = render_clip(scene, width=w, height=h, frames=49, fps=16)
        caption = clip.caption
        clauses = _clauses(caption)
        assert len(clauses) == len(scene.objects), caption
        for obj, clause, spec in zip(clip.labels["objects"], clauses, scene.objects, strict=True):
            t = obj["track"]
            assert clause.startswith(f"{'an' if spec.color == 'orange' else 'a'} {spec.color}")
            # "behind": this object (not another) goes fully behind the occluder at some point
            covered = [
                t["in_frame"][i] and t["occluded"][i] and t["visible_fraction"][i] < 0.05
                for i in range(len(t["x"]))
            ]
            if "behind" in clause:
                behind += 1
                assert any(t["occluded"]) and any(covered), clause
            elif any(covered):
                assert any(f < 0.2 for f in t["visible_fraction"])
            # "leaves the frame": in frame at the first rendered frame, out of it at the last
            gone = t["in_frame"][0] and not t["in_frame"][-1]
            assert ("leaves the frame" in clause) == gone, clause
            leaves += gone
            # left / right: the object ends up displaced the way its caption says, in the
            # world (the camera pan is taken out) - after a collision too
            want = _horizontal(spec.motion)
            if want:
                moved += 1
                pan_px = clip.labels["pan"] * (len(t["x"]) - 1)
                dx = t["x"][-1] - t["x"][0] + pan_px
                assert dx * want > 2, (caption, dx)
                if gone:
                    assert (t["x"][-1] > w / 2) == (want > 0), caption  # out the right side
        if "they collide" in caption:
            collide += 1
            a, b = clip.labels["objects"][:2]
            gaps = [
                abs(xa - xb) - sa - sb
                for xa, xb, sa, sb in zip(
                    a["track"]["x"],
                    b["track"]["x"],
                    a["track"]["size"],
                    b["track"]["size"],
                    strict=True,
                )
            ]
            assert min(gaps) < 3  # they touch
        if scene.pan:
            assert ("pans to the right" in caption) == (clip.labels["pan"] > 0)
    assert behind and leaves and collide and moved  # the sample exercises each clause


def test_colliding_objects_keep_their_captioned_direction():
    rng = np.random.default_rng(9)
    for _ in range(12):
        # the through_object kind always lays out a colliding pair; its clean twin collides
        scene = random_scene(rng, profile="full", violation="through_object").clean()
        clip = render_clip(scene, width=104, height=60, frames=25, fps=8)
        assert "they collide" in clip.caption
        for obj, spec in zip(clip.labels["objects"][:2], scene.objects, strict=True):
            t = obj["track"]
            dx = t["x"][-1] - t["x"][0] + clip.labels["pan"] * (len(t["x"]) - 1)
            assert dx * _horizontal(spec.motion) > 0, (clip.caption, spec.motion, dx)


def test_captions_tell_the_rendered_clip_not_the_layout():
    # laid out for 3 s; it leaves the frame at about 2.4 s
    mover = WorldObject("red", "square", 0.08, 0.3, 0.5, 0.6, 0.0, motion="moves_right")
    scene = Scene(objects=(mover,), aspect=1.6, duration=3.0)
    full = render_clip(scene, width=64, height=40, frames=25, fps=8)  # 3 s
    short = render_clip(scene, width=64, height=40, frames=17, fps=8)  # 2 s
    assert (
        full.caption == "a red square moves to the right and leaves the frame on a white background"
    )
    assert short.caption == "a red square moves to the right on a white background"
    assert short.labels["objects"][0]["track"]["in_frame"][-1]
    # a narrower render than the layout crops the sides: it leaves the 1:1 view earlier
    square = render_clip(scene, width=40, height=40, frames=17, fps=8)
    assert not square.labels["objects"][0]["track"]["in_frame"][-1]
    assert "leaves the frame" in square.caption


def test_parse_caption_is_lenient():
    got = parse_caption("A red circle falls and bounces on a white background.")
    assert (got["color"], got["shape"], got["motion_direction"]) == ("red", "ball", "falls")
    assert got["background"] == "white"
    got = parse_caption("an orange triangle moves up and to the left")
    assert got["motion"] == "moves_up_left" and got["motion_direction"] == "up_left"
    assert parse_caption("nothing here")["color"] is None


def test_scenes_are_deterministic_by_seed():
    a = random_scene(np.random.default_rng(7), profile="full", violation_rate=0.5)
    b = random_scene(np.random.default_rng(7), profile="full", violation_rate=0.5)
    c = random_scene(np.random.default_rng(8), profile="full", violation_rate=0.5)
    assert a == b and a != c
    ca, cb = (render_clip(s, width=64, height=48, frames=9, fps=8) for s in (a, b))
    assert np.array_equal(ca.frames, cb.frames) and ca.labels == cb.labels
