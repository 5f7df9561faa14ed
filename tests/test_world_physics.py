"""Shapes-world physics and rendering: free fall, bounces, occlusion, determinism, speed of look."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from vidgen.errors import UsageError
from vidgen.world import (
    GRAVITY,
    Occluder,
    Scene,
    Violation,
    WorldObject,
    random_scene,
    render_clip,
)
from vidgen.world.geometry import flags
from vidgen.world.physics import Simulation
from vidgen.world.render import OUTLINES, View, _fill_rect, _fill_shape


def _drop_scene(y0: float = 0.15, restitution: float = 0.7) -> Scene:
    ball = WorldObject("red", "ball", 0.06, 0.5, y0, motion="falls_bounces", gravity=True,
                       restitution=restitution)  # fmt: skip
    return Scene(background="white", objects=(ball,), floor_y=0.95, duration=3.0)


def _centroid_y(frame: np.ndarray, background: tuple[int, int, int]) -> float:
    # weight each pixel by how far it is from the background: anti-aliased edges count partly
    diff = np.abs(frame.astype(np.float32) - np.array(background, np.float32)).sum(axis=2)
    ys = np.arange(frame.shape[0], dtype=np.float32)[:, None]
    return float((diff * ys).sum() / diff.sum())


def test_dropped_ball_follows_free_fall_until_first_bounce():
    scene = _drop_scene()
    height, fps = 240, 60
    clip = render_clip(scene, width=240, height=height, frames=61, fps=fps)
    obj = scene.objects[0]
    t_bounce = np.sqrt(2 * (scene.floor_y - obj.size - obj.y) / GRAVITY)
    track = clip.labels["objects"][0]["track"]
    checked = 0
    for i in range(clip.frames.shape[0]):
        t = i / fps
        if t >= t_bounce:
            break
        expected = (obj.y + GRAVITY * t * t / 2) * height  # y grows downward: h0 - g t^2 / 2
        assert abs(track["y"][i] - expected) < 1.0, (i, track["y"][i], expected)
        # the pixels agree with the label, not just the simulation with itself
        assert abs(_centroid_y(clip.frames[i], (240, 240, 240)) - expected) < 1.0
        checked += 1
    assert checked >= 20


def test_each_bounce_is_lower_with_restitution_below_one():
    e = 0.7
    scene = _drop_scene(restitution=e)
    clip = render_clip(scene, width=200, height=200, frames=181, fps=60)
    y = np.array(clip.labels["objects"][0]["track"]["y"])
    # apexes: local minima of y (highest points) after the drop
    apex = [y[i] for i in range(1, len(y) - 1) if y[i] < y[i - 1] and y[i] <= y[i + 1]]
    floor_px = (scene.floor_y - scene.objects[0].size) * 200
    heights = [floor_px - a for a in apex if floor_px - a > 2]
    assert len(heights) >= 2
    for a, b in zip(heights, heights[1:], strict=False):
        assert b < a
        assert b / a == pytest.approx(e * e, rel=0.15)  # apex height scales with e^2


def test_restitution_one_keeps_bounce_height():
    scene = _drop_scene(restitution=1.0)
    clip = render_clip(scene, width=200, height=200, frames=181, fps=60)
    y = np.array(clip.labels["objects"][0]["track"]["y"])
    assert y[60:].min() == pytest.approx(y[0], abs=1.0)  # back to its drop height


def _passer_scene() -> Scene:
    wall = Occluder("wall", "gray", 0.4, 0.2, 0.6, 0.95)
    mover = WorldObject("blue", "square", 0.07, 0.15, 0.6, 0.35, 0.0, motion="moves_right")
    return Scene(background="white", objects=(mover,), occluder=wall, floor_y=0.95,
                 floor_visible=True, duration=2.0)  # fmt: skip


def test_object_is_hidden_only_while_it_overlaps_the_occluder():
    scene = _passer_scene()
    clip = render_clip(scene, width=100, height=100, frames=41, fps=20)
    track = clip.labels["objects"][0]["track"]
    x0, y0, x1, y1 = clip.labels["occluder"]["box"]
    blue = np.array([35, 75, 225])
    hidden_frames = 0
    for i, frame in enumerate(clip.frames):
        x, r = track["x"][i], track["size"][i]
        overlaps = x + r > x0 and x - r < x1
        blue_pixels = int((np.abs(frame.astype(int) - blue).sum(axis=2) < 60).sum())
        if track["hidden"][i]:
            hidden_frames += 1
            assert overlaps and blue_pixels == 0, i
        elif track["visible_fraction"][i] > 0.05:
            assert track["visible"][i] and blue_pixels > 0, i
        if not overlaps:
            assert not track["occluded"][i]
            assert blue_pixels >= 0.8 * (2 * r) ** 2, i  # the whole square shows
    assert hidden_frames >= 3
    assert "behind a gray wall" in clip.caption


def test_rendering_is_deterministic_and_antialiased():
    scene = Scene(background="black", objects=(WorldObject("yellow", "ball", 0.2, 0.5, 0.5),),
                  noise=3.0, texture=8.0, pan=0.1)  # fmt: skip
    a = render_clip(scene, width=64, height=64, frames=5, fps=8)
    b = render_clip(scene, width=64, height=64, frames=5, fps=8)
    assert np.array_equal(a.frames, b.frames)
    assert a.labels == b.labels
    clean = render_clip(Scene(background="black", objects=scene.objects), frames=1)
    levels = np.unique(clean.frames[0][:, :, 0])
    assert len(levels) > 4  # edge pixels blend: more than background + object


def test_shapes_are_told_apart_by_their_outlines():
    areas = {}
    for name, pts in OUTLINES.items():
        x, y = pts[:, 0], pts[:, 1]
        areas[name] = 0.5 * abs(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1)))
    assert areas["square"] == pytest.approx(4.0, rel=1e-6)
    assert areas["triangle"] == pytest.approx(2.0, rel=1e-6)
    assert areas["ball"] == pytest.approx(np.pi, rel=0.01)


def test_any_size_and_fps():
    scene = _drop_scene()
    for w, h, n, fps in ((64, 64, 3, 8), (832, 480, 2, 16), (31, 17, 2, 25)):
        clip = render_clip(scene, width=w, height=h, frames=n, fps=fps)
        assert clip.frames.shape == (n, h, w, 3) and clip.frames.dtype == np.uint8


@pytest.mark.parametrize(
    "scene",
    [
        pytest.param(Scene(objects=(WorldObject("pink", "ball", 0.1, 0.5, 0.5),)), id="color"),
        pytest.param(Scene(objects=(WorldObject("red", "blob", 0.1, 0.5, 0.5),)), id="shape"),
        pytest.param(Scene(background="plaid", objects=_drop_scene().objects), id="background"),
        pytest.param(Scene(objects=()), id="no-objects"),
    ],
)
def test_bad_scene_specs_are_usage_errors(scene):
    with pytest.raises(UsageError):
        render_clip(scene)


def test_impossible_render_settings_are_usage_errors():
    for kwargs in ({"width": 0}, {"height": 100_000}, {"frames": 0}, {"fps": -1}):
        with pytest.raises(UsageError):
            render_clip(_drop_scene(), **kwargs)
    assert render_clip(Scene(objects=(WorldObject("red", "circle", 0.1, 0.5, 0.5),))).caption


def test_a_vanished_object_does_not_collide():
    # a ball slides into a square that vanishes (for good) before they would meet
    mover = WorldObject("red", "ball", 0.06, 0.2, 0.5, 0.5, 0.0, motion="moves_right")
    still = WorldObject("blue", "square", 0.06, 0.8, 0.5)
    scene = Scene(objects=(mover, still), aspect=1.0, duration=2.0)
    hit = Simulation(scene)
    hit.advance_to(2.0)
    assert any(e.kind == "collision" for e in hit.events)  # the clean twin collides
    gone = dataclasses.replace(scene, violations=(Violation("vanish", 1, 0.5, None),))
    sim = Simulation(gone)
    for k in range(0, 41):
        t = k / 20
        assert sim.state_at(t)[0].x == pytest.approx(0.2 + 0.5 * t)  # passes straight through
    assert not any(e.kind == "collision" for e in sim.events)


@pytest.mark.parametrize("vy", [0.0, 0.9])
def test_a_growing_body_does_not_sink_through_the_floor(vy):
    # falling (or thrown down) toward the floor while doubling in size
    ball = WorldObject("red", "ball", 0.06, 0.5, 0.7, 0.0, vy, motion="falls_bounces",
                       gravity=True, restitution=0.6)  # fmt: skip
    grow = Violation("size_change", 0, 0.05, 0.25, {"factor": 2.0})
    scene = Scene(objects=(ball,), floor_y=0.9, duration=2.0, violations=(grow,))
    sim = Simulation(scene)
    for k in range(0, 481):
        s = sim.state_at(k / 240)[0]
        assert s.y + s.r <= scene.floor_y + 1e-6, (k, s.y + s.r)


def test_same_scene_at_25_and_50_fps_draws_the_same_frames():
    rng = np.random.default_rng(5)
    for _ in range(3):
        scene = random_scene(rng, profile="full", violation_rate=0.5, aspect=1.6, duration=2.0)
        scene = dataclasses.replace(scene, noise=0.0)  # the noise bank cycles by frame index
        a = render_clip(scene, width=80, height=50, frames=51, fps=25)
        b = render_clip(scene, width=80, height=50, frames=101, fps=50)
        assert np.array_equal(a.frames, b.frames[::2])
        for oa, ob in zip(a.labels["objects"], b.labels["objects"], strict=True):
            for key in ("x", "y", "size", "visible"):
                assert oa["track"][key] == ob["track"][key][::2]
        assert a.caption == b.caption
        for va, vb in zip(a.labels["violations"], b.labels["violations"], strict=True):
            assert vb["start_frame"] in (2 * va["start_frame"], 2 * va["start_frame"] - 1)


def _area_above(shape: str, r: float, d: float) -> float:
    """Area (px^2) of a shape of half-extent r within d px of its top."""
    if shape == "square":
        return 2 * r * d
    if shape == "triangle":  # apex up: the width at depth d is d
        return d * d / 2
    return r * r * math.acos((r - d) / r) - (r - d) * math.sqrt(2 * r * d - d * d)


@pytest.mark.parametrize("shape", ["ball", "triangle", "square"])
def test_visibility_flags_follow_the_drawn_shape_not_its_box(shape):
    # an occluder covers everything below a line that creeps up over the shape's top
    size, w, h = 0.1, 200, 100
    obj = WorldObject("red", shape, size, 1.0, 0.5)
    r = size * h
    total = {"square": 4 * r * r, "triangle": 2 * r * r, "ball": math.pi * r * r}[shape]
    for cover_from in (0.3, 1.2, 4.0, 10.0, 17.0):
        top = (0.5 * h - r + cover_from) / h
        scene = Scene(objects=(obj,), occluder=Occluder("box", "gray", 0.0, top, 2.0, 1.0),
                      aspect=2.0)  # fmt: skip
        state = Simulation(scene).state_at(0.0)[0]
        view = View(scene, w, h)
        f = flags(state, scene, view, 0.0)
        shown = _area_above(shape, r, cover_from)
        assert f["visible_fraction"] == pytest.approx(shown / total, abs=0.005), cover_from
        assert f["occluded"] and f["in_frame"] and not f["at_edge"]
        assert f["visible"] == (shown >= 1.0) and f["hidden"] == (shown < 1.0), cover_from
        if cover_from >= 4:  # and the drawn pixels agree (the shape alone, in white)
            canvas = np.zeros((h, w, 3), np.uint8)
            _fill_shape(canvas, dataclasses.replace(state, rgb=(255.0, 255.0, 255.0)), view, 0)
            ink = canvas[:, :, 0] / 255.0
            cover = np.zeros((h, w, 3), np.uint8)
            _fill_rect(cover, 0.0, top * h, 2.0 * h, 1.0 * h, (255, 255, 255))
            above = (ink * (1.0 - cover[:, :, 0] / 255.0)).sum()
            # (loosely: OpenCV's anti-aliased fill spreads every outline by ~0.6 px)
            assert f["visible_fraction"] == pytest.approx(above / ink.sum(), abs=0.08)


def test_a_textured_background_pans_smoothly_below_a_pixel():
    # 0.5 px of pan per frame: frame 1 lies halfway between frames 0 and 2, not on either
    off_screen = WorldObject("red", "ball", 0.05, -1.0, 0.5)
    scene = Scene(objects=(off_screen,), texture=60.0, pan=0.5 * 8 / 64, seed=3)
    clip = render_clip(scene, width=64, height=64, frames=3, fps=8)
    f0, f1, f2 = (f.astype(np.float64) for f in clip.frames)
    assert np.abs(f0 - f2).max() > 8  # the texture really moves
    assert np.abs(f1 - (f0 + f2) / 2).max() <= 1.5
