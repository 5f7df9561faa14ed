"""The wild profile's own motions: pendulums, more shapes, edge entries and exits, camera roll
and motion blur; and the full profile's frames and labels unchanged by them."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math

import cv2
import numpy as np
import pytest

from vidgen.errors import UsageError
from vidgen.world import parse_caption, random_scene, render_clip
from vidgen.world.physics import Simulation
from vidgen.world.scene import GRAVITY, Scene, WorldObject
from vidgen.world.spec import scene_from_dict, scene_to_dict
from vidgen.world.vocab import WILD_SHAPES
from vidgen.world.wild_camera import Camera, Sensor
from vidgen.world.wild_render import WildLook
from vidgen.world.wild_style import ObjectLook, Style, random_style

# sha256 (first 16 hex) of frames + labels, computed at main a533987, before the wild motions
# existed: the full, simple and staged profiles must still draw exactly these.
BEFORE = [
    ("full", 1, (208, 120, 25, 8), None, "ccffcf812fbcf9a6"),
    ("full", 5, (208, 120, 25, 8), None, "c5303e7ea6a8a18a"),
    ("full", 9, (160, 96, 17, 8), None, "f8e83b106a330039"),
    ("simple", 3, (64, 64, 17, 8), None, "7216cf358269533d"),
    ("staged", 4, (64, 64, 17, 8), None, "535cea39e44b395a"),
    ("full", 2, (208, 120, 25, 8), "split", "64586024247fff80"),
    ("full", 3, (208, 120, 25, 8), "teleport", "9f1c758cee459370"),
    ("full", 4, (208, 120, 25, 8), "speed_jump", "3809757eb45f818a"),
    ("full", 6, (208, 120, 25, 8), "shape_morph", "945578793ad27797"),
]


@pytest.mark.parametrize(
    "profile,seed,size,kind,digest",
    [pytest.param(*b, id=f"{b[0]}-{b[1]}-{b[3] or 'rate'}") for b in BEFORE],
)
def test_other_profiles_draw_the_same_frames_and_labels_as_before(
    profile, seed, size, kind, digest
):
    w, h, frames, fps = size
    rng = np.random.default_rng(seed)
    if kind is None:
        scene = random_scene(
            rng, profile=profile, violation_rate=0.5, aspect=w / h, duration=(frames - 1) / fps
        )
    else:
        scene = random_scene(rng, profile=profile, violation=kind, aspect=w / h, duration=3.0)
    clip = render_clip(scene, width=w, height=h, frames=frames, fps=fps)
    sha = hashlib.sha256(clip.frames.tobytes())
    sha.update(json.dumps(clip.labels, sort_keys=True).encode())
    assert sha.hexdigest()[:16] == digest


def _in_frame_at_start(scene: Scene) -> list[bool]:
    from vidgen.world.geometry import flags, reference_view

    view = reference_view(scene)
    return [flags(s, scene, view, 0.0)["in_frame"] for s in Simulation(scene).state_at(0.0)]


def test_each_new_motion_appears_at_a_sensible_rate():
    n = 80
    swings = shapes = entries = exits = rolls = shutters = 0
    for i in range(n):
        scene = random_scene(
            np.random.default_rng([21, i]), profile="wild", violation_rate=0.5,
            aspect=1.6, duration=2.8,
        )  # fmt: skip
        swings += any(o.pivot is not None for o in scene.objects)
        shapes += any(o.shape in WILD_SHAPES for o in scene.objects)
        entries += not all(_in_frame_at_start(scene))
        caption = render_clip(scene, width=64, height=40, frames=2, fps=1 / 2.8).caption
        exits += "leaves the frame" in caption
        style = random_style(np.random.default_rng([21, i, 2]), scene, [])
        rolls += style.camera.max_roll() > 0
        shutters += style.sensor.shutter > 0
    for name, count, lo, hi in (
        ("pendulums", swings, 0.12, 0.45),
        ("wild shapes", shapes, 0.2, 0.7),
        ("entries", entries, 0.1, 0.45),
        ("exits", exits, 0.1, 0.6),
        ("rolls", rolls, 0.15, 0.45),
        ("motion blur", shutters, 0.35, 0.65),
    ):
        assert lo <= count / n <= hi, (name, count)


def test_pendulum_keeps_its_string_and_its_arc():
    length, amp = 0.5, math.radians(40)
    pivot = (0.8, 0.05)
    bob = WorldObject(
        "red", "hexagon", 0.06, pivot[0] + length * math.sin(amp),
        pivot[1] + length * math.cos(amp), motion="swings", pivot=pivot,
    )  # fmt: skip
    scene = Scene(objects=(bob,), aspect=1.6, duration=6.0)
    sim = Simulation(scene)
    angles = []
    for k in range(6 * 240 + 1):
        s = sim.state_at(k / 240)[0]
        assert abs(math.hypot(s.x - pivot[0], s.y - pivot[1]) - length) < 1e-9
        angles.append(math.atan2(s.x - pivot[0], s.y - pivot[1]))
    # each half swing turns back at the same angle: the arc neither grows nor shrinks
    turns = [
        k for k in range(1, len(angles) - 1)
        if abs(angles[k]) >= abs(angles[k - 1]) and abs(angles[k]) >= abs(angles[k + 1])
        and abs(angles[k]) > amp / 2
    ]  # fmt: skip
    heights = [abs(angles[k]) for k in turns]
    assert len(turns) >= 4
    assert max(heights) - min(heights) < 2e-3 and abs(max(heights) - amp) < 2e-3
    # and its period is the large-angle pendulum's, 4 sqrt(L / g) K(k), k = sin(amp / 2),
    # with K from the arithmetic-geometric mean: K = pi / (2 agm(1, cos(amp / 2)))
    a, b = 1.0, math.cos(amp / 2)
    for _ in range(8):
        a, b = (a + b) / 2, math.sqrt(a * b)
    period = 4 * math.sqrt(length / GRAVITY) * math.pi / (2 * a)
    measured = 2 * (turns[-1] - turns[0]) / (len(turns) - 1) / 240
    assert abs(measured - period) < 2 / 240


def test_a_pendulum_is_the_same_at_any_frame_rate_and_survives_json():
    scene = random_scene(np.random.default_rng(0), profile="wild", aspect=1.6, duration=3.0)
    for i in range(200):
        if any(o.pivot is not None for o in scene.objects):
            break
        scene = random_scene(np.random.default_rng(i), profile="wild", aspect=1.6, duration=3.0)
    assert any(o.pivot is not None for o in scene.objects)
    back = scene_from_dict(json.loads(json.dumps(scene_to_dict(scene))))
    assert back == scene
    a, b = Simulation(scene), Simulation(back)
    for t in (0.5, 1.0, 1.5):  # reached by 8 and by 30 fps steps
        for k in range(1, int(t * 30) + 1):
            a.state_at(k / 30)
        assert a.state_at(t) == b.state_at(t)
    with pytest.raises(UsageError, match="pivot"):
        scene_from_dict({"objects": [{"color": "red", "shape": "ball", "size": 0.1, "x": 0.5,
                                      "y": 0.5, "pivot": [0.5]}]})  # fmt: skip
    with pytest.raises(UsageError, match="gravity"):
        scene_from_dict({"objects": [{"color": "red", "shape": "ball", "size": 0.1, "x": 0.5,
                                      "y": 0.5, "gravity": True, "pivot": [0.5, 0.0]}]})  # fmt: skip


def _plain_style(scene: Scene, shutter: float = 0.0) -> Style:
    """A look with nothing but the objects on a flat grey: every pixel that differs is one."""
    n = len(scene.objects) + len(scene.extra_objects())
    return Style(
        background="plain", palette=((120.0, 120.0, 120.0), (120.0, 120.0, 120.0)), photo=None,
        surface=None, surface_palette=((0.0, 0.0, 0.0),) * 2, horizon=0.0, table=0.0,
        occluder="plain", occluder_palette=((30.0, 30.0, 30.0),) * 2,
        objects=(ObjectLook((230.0, 40.0, 40.0)),) * n, light=(-1.5, 0.3, 0.0), shadow=0.0,
        camera=Camera(), sensor=Sensor(shutter=shutter), seed=1,
    )  # fmt: skip


def _object_cover(scene: Scene, oid: int, look: WildLook, size: dict) -> np.ndarray:
    """Per frame and pixel, the share of it object `oid` covers (against it parked far away;
    the plain style's object differs from the grey by 110 levels in red)."""
    far = list(scene.objects)
    far[oid] = dataclasses.replace(far[oid], x=-50.0, y=0.5, vx=0.0, vy=0.0, gravity=False)
    with_it = render_clip(scene, look=look, **size).frames.astype(int)
    without = render_clip(dataclasses.replace(scene, objects=tuple(far)), look=look, **size)
    return np.abs(with_it - without.frames.astype(int)).max(axis=3) / 110.0


def test_an_entering_object_is_first_seen_at_an_edge_and_is_no_violation():
    found = 0
    for i in range(400):
        scene = random_scene(np.random.default_rng([5, i]), profile="wild", aspect=1.6,
                             duration=2.5, violation_rate=0.0)  # fmt: skip
        outside = [k for k, seen in enumerate(_in_frame_at_start(scene)) if not seen]
        if not outside:
            continue
        oid = outside[0]
        size = {"width": 192, "height": 120, "frames": 31, "fps": 12}
        look = WildLook(_plain_style(scene))
        clip = render_clip(scene, look=look, **size)
        assert clip.labels["violations"] == []
        assert "enters the frame" in clip.caption
        track = clip.labels["objects"][oid]["track"]
        cover = _object_cover(scene, oid, look, size)
        first = track["in_frame"].index(True)
        assert first > 0 and track["at_edge"][first]
        # before the labeled frame nothing of it shows but OpenCV's anti-aliased halo (about
        # a pixel wide around every drawn outline), in the frame's outermost two pixels
        full = cover[first + 4].sum()
        for early in cover[:first]:
            assert early.sum() < 0.03 * full
            ys, xs = np.nonzero(early > 0.02)
            assert all(min(x, 191 - x, y, 119 - y) <= 1 for x, y in zip(xs, ys, strict=True))
        ys, xs = np.nonzero(cover[first + 1] > 0.2)  # (the first may be a sub-pixel sliver)
        border = (xs.min() == 0, ys.min() == 0, xs.max() == 191, ys.max() == 119)
        assert any(border)  # it comes in across the frame's edge, not out of thin air
        found += 1
        if found == 3:
            break
    assert found == 3


def test_roll_turns_the_whole_frame_and_the_labels_with_it():
    scene = random_scene(np.random.default_rng(3), profile="wild", aspect=1.6, duration=2.0)
    size = {"width": 256, "height": 160, "frames": 9, "fps": 4}
    style = random_style(np.random.default_rng(3), scene, [])
    sensor = Sensor()  # no noise, vignette or blur: those belong to the sensor, not the world
    flat = dataclasses.replace(style, camera=Camera(), sensor=sensor)
    roll = math.radians(4.0)
    turned = dataclasses.replace(flat, camera=Camera(roll=(roll, roll)))
    a = render_clip(scene, look=WildLook(flat), **size)
    b = render_clip(scene, look=WildLook(turned), **size)
    cx, cy = (256 - 1) / 2, (160 - 1) / 2
    m = np.float64([[math.cos(roll), -math.sin(roll), 0], [math.sin(roll), math.cos(roll), 0]])
    m[:, 2] = (cx, cy) - m[:, :2] @ (cx, cy)
    ys, xs = np.mgrid[0:160, 0:256]
    center = (xs - cx) ** 2 + (ys - cy) ** 2 < 70**2

    def soft(img):  # the rotated copy is resampled twice: compare above the finest texture
        return cv2.GaussianBlur(img.astype(np.float32), (0, 0), 1.5)

    for i in (0, 8):
        rotated = cv2.warpAffine(a.frames[i], m, (256, 160), flags=cv2.INTER_LINEAR)
        same = np.abs(soft(rotated) - soft(b.frames[i])).max(axis=2)[center]
        unturned = np.abs(soft(a.frames[i]) - soft(b.frames[i])).max(axis=2)[center]
        assert np.percentile(same, 99) < 3 and same.mean() < 0.2
        assert unturned.mean() > 10 * same.mean()
    for obj_a, obj_b in zip(a.labels["objects"], b.labels["objects"], strict=True):
        ta, tb = obj_a["track"], obj_b["track"]
        for i in range(9):
            x, y = m @ (ta["x"][i], ta["y"][i], 1.0)
            assert abs(x - tb["x"][i]) < 0.02 and abs(y - tb["y"][i]) < 0.02


def _streak(speed: float, shutter: float) -> float:
    """The extent (px) along x of a ball moving at `speed` view heights/s, mid-clip."""
    ball = WorldObject("red", "ball", 0.08, 0.3, 0.5, speed, 0.0, motion="moves_right")
    scene = Scene(objects=(ball,), aspect=1.6, duration=2.0)
    size = {"width": 320, "height": 200, "frames": 9, "fps": 8}
    look = WildLook(_plain_style(scene, shutter=shutter))
    frame = render_clip(scene, look=look, **size).frames[4].astype(int)
    row = np.abs(frame[100] - 120).max(axis=1) > 3  # any trace of the ball on its middle row
    xs = np.nonzero(row)[0]
    return float(xs.max() - xs.min() + 1)


def test_motion_blur_streaks_as_far_as_the_object_moves_in_the_exposure():
    sharp = _streak(0.4, 0.0)
    assert abs(sharp - 2 * 0.08 * 200) <= 3  # the ball's own width
    assert _streak(0.0, 0.5) == pytest.approx(_streak(0.0, 0.0))  # at rest: sharp
    for speed, shutter in ((0.4, 0.5), (0.8, 0.5), (0.8, 0.25)):
        moved = speed * 200 * shutter / 8  # px in the exposure
        assert abs(_streak(speed, shutter) - sharp - moved) <= 3, (speed, shutter)


def test_captions_say_swings_and_enters_and_parse_back():
    seen = set()
    for i in range(60):
        scene = random_scene(np.random.default_rng([8, i]), profile="wild", aspect=1.6,
                             duration=2.5)  # fmt: skip
        caption = render_clip(scene, width=64, height=40, frames=2, fps=1 / 2.5).caption
        parsed = parse_caption(caption)
        assert len(parsed["objects"]) == len(scene.objects), caption
        for obj, read in zip(scene.objects, parsed["objects"], strict=True):
            assert read["motion"] == obj.motion and read["shape"] == obj.shape
        seen |= {w for w in ("swings on a string", "enters the frame") if w in caption}
    assert seen == {"swings on a string", "enters the frame"}


@pytest.mark.parametrize("shutter", [pytest.param(s, id=f"shutter{s}") for s in (0.0, 0.5)])
def test_a_teleported_pendulum_is_labeled_from_the_first_frame_that_sees_the_jump(shutter):
    from vidgen.world.scene import Violation

    pivot, fps, t0 = (0.8, 0.0), 12, 1.0 + 0.2 / 12  # the jump falls between frames 12 and 13
    bob = WorldObject("red", "star", 0.07, 0.8 + 0.25, 0.43, motion="swings", pivot=pivot)
    jump = Violation("teleport", 0, round(t0 * 240) / 240, None, {"dx": 0.3, "dy": 0.05})
    scene = Scene(objects=(bob,), aspect=1.6, duration=2.0, violations=(jump,))
    size = {"width": 192, "height": 120, "frames": 25, "fps": fps}
    clip = render_clip(scene, look=WildLook(_plain_style(scene, shutter=shutter)), **size)
    (label,) = clip.labels["violations"]
    # sharp: the first frame at or after the jump; blurred: the first whose exposure (shutter /
    # fps s centred on it) reaches the jump, and that frame shows both places at once
    reach = shutter / fps / 2
    assert label["start_frame"] == math.ceil((jump.t_start - reach) * fps - 1e-9)
    track = clip.labels["objects"][0]["track"]
    moved = math.hypot(track["x"][13] - track["x"][12], track["y"][13] - track["y"][12])
    assert moved > 0.25 * 120  # the labeled track jumps with the pendulum, pivot and all
