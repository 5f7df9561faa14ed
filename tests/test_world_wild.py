"""The wild profile: renders, same seed same clips, frame-exact labels through a moving camera,
a style that really varies, and photographic backgrounds (offline, and the shared ones)."""

from __future__ import annotations

import dataclasses
import json

import cv2
import numpy as np
import pytest
from click.testing import CliRunner

from vidgen.cli import cli
from vidgen.errors import UsageError
from vidgen.world import random_scene, render_clip
from vidgen.world.corpus import CorpusSpec, make_item, write_corpus
from vidgen.world.wild import make_wild_item
from vidgen.world.wild_camera import Camera
from vidgen.world.wild_photos import default_sources, read_still
from vidgen.world.wild_render import WildLook
from vidgen.world.wild_scene import WILD_FPS, random_format
from vidgen.world.wild_style import random_style

SMALL = {"size": (160, 96), "fps": 8, "frames": 9}


def test_same_seed_same_clip_and_another_seed_another():
    a = make_wild_item(seed=3, index=1, violation_rate=0.5, **SMALL)
    b = make_wild_item(seed=3, index=1, violation_rate=0.5, **SMALL)
    c = make_wild_item(seed=4, index=1, violation_rate=0.5, **SMALL)
    assert a.frames.shape == (9, 96, 160, 3)
    assert np.array_equal(a.frames, b.frames)
    assert json.dumps(a.labels, sort_keys=True) == json.dumps(b.labels, sort_keys=True)
    assert not np.array_equal(a.frames, c.frames)
    assert a.labels["profile"] == "wild" and 18 <= a.labels["encoding"]["crf"] <= 32


def _vanish_scene(seed: int, aspect: float, duration: float):
    rng = np.random.default_rng(seed)
    return random_scene(rng, profile="wild", violation="vanish", aspect=aspect, duration=duration)


@pytest.mark.parametrize("seed", [pytest.param(s, id=f"seed{s}") for s in (1, 2, 5)])
def test_vanish_label_is_the_frame_its_pixels_go_and_tracks_follow_the_camera(seed):
    width, height, fps, frames = 192, 112, 12, 31
    scene = _vanish_scene(seed, width / height, (frames - 1) / fps)
    style = random_style(np.random.default_rng(seed), scene, [])
    # a strong zoom and shake: labels that ignored the camera would miss the object
    camera = Camera(1.0, 0.86, 0.012, (1.1, 2.3), (0.3, 1.9, 2.2, 0.4))
    # no motion blur here: a vanish that starts mid-exposure takes part of a streak away
    sensor = dataclasses.replace(style.sensor, shutter=0.0)
    look = WildLook(dataclasses.replace(style, camera=camera, sensor=sensor))
    size = {"width": width, "height": height, "frames": frames, "fps": fps, "look": look}
    clip = render_clip(scene, **size)
    twin = render_clip(scene.clean(), **size)
    (label,) = clip.labels["violations"]
    start, until = label["start_frame"], label["differs_until"]
    assert label["kind"] == "vanish" and start > 0
    for i in range(start):  # identical up to the labeled frame, different from it on
        assert np.array_equal(clip.frames[i], twin.frames[i])
    track = clip.labels["objects"][label["object"]]["track"]
    for i in (start, until):
        diff = cv2.absdiff(clip.frames[i], twin.frames[i]).max(axis=2) > 12
        ys, xs = np.nonzero(diff)
        assert len(xs) > 0.5 * track["size"][i] ** 2  # the object's pixels, not a speck
        # where they went is where the labels (seen through the camera) put the object
        assert abs(xs.mean() - track["x"][i]) < 0.35 * track["size"][i]
        assert abs(ys.mean() - track["y"][i]) < 0.35 * track["size"][i]
        assert track["exists"][i] is False


def _texture(canvas: np.ndarray) -> float:
    """Spread of the detail between 0.5 and 10 % of the view height (no noise, no gradient),
    in the channel that has most."""
    rgb = canvas.astype(np.float32)
    h = rgb.shape[0]
    fine = cv2.GaussianBlur(rgb, (0, 0), 0.005 * h)
    return float(np.std(fine - cv2.GaussianBlur(rgb, (0, 0), 0.1 * h), axis=(0, 1)).max())


def test_style_varies_backgrounds_are_not_plain_and_objects_are_not_all_saturated():
    clips = [make_wild_item(seed=11, index=i, violation_rate=0.0, **SMALL) for i in range(10)]
    styles = [c.labels["style"] for c in clips]
    assert len({s["background"] for s in styles}) >= 4
    # the backdrops themselves (the back canvas, before objects and noise) carry texture
    spread = []
    for i in range(10):
        scene = random_scene(np.random.default_rng([11, i]), profile="wild", aspect=1.6)
        style = random_style(np.random.default_rng([11, i, 2]), scene, [])
        back = WildLook(style).renderer(scene, 320, 200, 2.0).back
        spread.append(back[: back.shape[0] // 2])  # above any floor: the backdrop alone
    textured = [_texture(back) > 2.0 for back in spread]
    assert sum(textured) >= 5, [round(_texture(back), 2) for back in spread]
    means = np.array([c.frames[0].reshape(-1, 3).mean(axis=0) for c in clips])
    assert means.std(axis=0).max() > 20  # not one palette
    # some objects are grey, dark or muted (saturation below the named colors' by far)
    rgbs = np.array([o["rgb"] for s in styles for o in s["objects"]], np.float32) / 255
    sat = (rgbs.max(axis=1) - rgbs.min(axis=1)) / np.maximum(rgbs.max(axis=1), 1e-6)
    assert (sat < 0.4).any() and (sat > 0.6).any()
    assert {c.labels["width"] for c in clips} == {160}  # a fixed size is respected


def test_drawn_formats_stay_in_range():
    clips = [make_wild_item(seed=2, index=i, violation_rate=0.0, frames=3) for i in range(6)]
    for c in clips:
        assert 256 <= c.labels["width"] <= 1280 and c.labels["height"] <= 720
        assert c.labels["width"] % 2 == 0 and c.labels["height"] % 2 == 0
        assert c.labels["fps"] in WILD_FPS and c.labels["num_frames"] == 3
        assert c.frames.shape[1:] == (c.labels["height"], c.labels["width"], 3)
    assert len({c.labels["width"] for c in clips}) > 1
    # a fixed --frames at a drawn rate keeps clips short enough to lay out (a 4:3 view over
    # 6 s has no room for the colliding pair)
    for i in range(30):
        fmt = random_format(np.random.default_rng([2, i, 1]), frames=49)
        assert fmt.frames == 49 and 48 / fmt.fps <= 3.5 + 1e-9


def test_photographic_background_from_a_folder_of_images(tmp_path):
    rng = np.random.default_rng(0)
    still = np.clip(rng.normal((190, 60, 60), 12, (120, 200, 3)), 0, 255).astype(np.uint8)
    cv2.imwrite(str(tmp_path / "red.png"), cv2.cvtColor(still, cv2.COLOR_RGB2BGR))
    photos = [tmp_path / "red.png"]
    found = None
    for i in range(12):
        clip = make_wild_item(seed=7, index=i, violation_rate=0.0, photos=photos, **SMALL)
        if clip.labels["style"]["photo"] is not None:
            found = clip
            break
    assert found is not None, "no clip drew a photographic background"
    assert found.labels["style"]["photo"]["source"].endswith("/red.png")
    r, g, b = found.frames[0][:20].reshape(-1, 3).mean(axis=0)  # the top rows: no floor there
    assert r > 110 and r > 2 * max(g, b)  # a brick red, nothing like a procedural palette


def test_no_shared_folder_means_procedural_backgrounds(tmp_path):
    assert default_sources(root=tmp_path / "fresh-clone") == []


def test_shared_real_clips_give_stills():
    sources = default_sources()
    if not sources:
        pytest.skip("no ../shared/real-clips or ../shared/gen-clips beside this checkout")
    names = {p.name for p in sources}
    assert "real_sam2_02_cups.mp4" in names or "cockatoo.mp4" in names
    assert not any("fail" in n for n in names)  # gen-clips: only its real_clean clips
    styles = [
        make_wild_item(seed=1, index=i, violation_rate=0, photos=sources, **SMALL).labels["style"]
        for i in range(8)
    ]
    photos = [s["photo"] for s in styles if s["photo"] is not None]
    assert photos and all(p["source"].split("/")[-1] in names for p in photos)


def _run(*args):
    return CliRunner().invoke(cli, ["world", *args])


def test_cli_wild_corpus_is_deterministic_and_bad_input_is_one_line(tmp_path):
    args = ["--n", "2", "--profile", "wild", "--size", "96x64", "--frames", "5", "-q"]
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        result = _run(*args, "--out", str(out), "--seed", "9", "--backgrounds", "none")
        assert result.exit_code == 0, result.output
    assert (a / "labels.jsonl").read_bytes() == (b / "labels.jsonl").read_bytes()
    records = [json.loads(line) for line in (a / "labels.jsonl").read_text().splitlines()]
    assert all(r["width"] == 96 and r["fps"] in WILD_FPS for r in records)
    assert all(r["style"]["photo"] is None for r in records)
    # a wild corpus's labels re-render to the same clips in the same styles (same seed)
    again = _run(*args, "--out", str(tmp_path / "r"), "--seed", "9", "--backgrounds", "none",
                 "--scene", str(a / "labels.jsonl"))  # fmt: skip
    assert again.exit_code == 0, again.output
    assert (tmp_path / "r" / "labels.jsonl").read_bytes() == (a / "labels.jsonl").read_bytes()
    missing = _run(*args, "--out", str(tmp_path / "c"), "--backgrounds", str(tmp_path / "no"))
    assert missing.exit_code == 2 and "--backgrounds" in missing.output
    assert len(missing.output.strip().splitlines()) == 1
    wrong = _run("--n", "1", "--out", str(tmp_path / "d"), "--backgrounds", "none", "-q")
    assert wrong.exit_code == 2 and "--profile wild" in wrong.output


def test_test_cards_and_tiny_images_make_no_background(tmp_path):
    bars = np.zeros((90, 160, 3), np.uint8)
    for k, color in enumerate([(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0)]):
        bars[:, 40 * k : 40 * (k + 1)] = color
    tiny = np.full((30, 40, 3), 128, np.uint8)
    photo = np.clip(np.random.default_rng(1).normal(120, 30, (90, 160, 3)), 0, 255)
    for name, img in (("bars", bars), ("tiny", tiny), ("photo", photo.astype(np.uint8))):
        cv2.imwrite(str(tmp_path / f"{name}.png"), img)
    assert read_still(str(tmp_path / "bars.png"), 0) is None
    assert read_still(str(tmp_path / "tiny.png"), 0) is None
    assert read_still(str(tmp_path / "photo.png"), 0).shape == (90, 160, 3)


def test_an_item_alone_is_the_corpus_item_and_bad_vary_is_named(tmp_path):
    stills = tmp_path / "stills"
    stills.mkdir()
    photo = np.clip(np.random.default_rng(2).normal(120, 30, (90, 160, 3)), 0, 255)
    cv2.imwrite(str(stills / "photo.png"), photo.astype(np.uint8))
    spec = CorpusSpec(count=6, width=96, height=64, frames=5, seed=4, profile="wild",
                      vary=("fps",), backgrounds=(str(stills),))  # fmt: skip
    write_corpus(spec, tmp_path / "corpus")
    lines = (tmp_path / "corpus" / "labels.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines]
    assert any(r["style"]["photo"] for r in records)  # the stills are used...
    for i, record in enumerate(records):  # ...by an item made alone too
        alone = make_item(spec, i)
        assert record == json.loads(json.dumps({"clip": record["clip"], **alone.labels}))
    with pytest.raises(UsageError, match="vary: unknown 'size '"):
        CorpusSpec(count=1, profile="wild", vary=("size ",)).check()


def test_a_fixed_narrow_size_keeps_clips_short():
    # The duration cap of narrow views (layouts there fail past it) follows the clip's real
    # size: with --size 640x480 the drawn aspect may be wide, the clip is not.
    from vidgen.world.wild_scene import NARROW_MAX_DURATION, random_format

    for seed in range(60):
        fmt = random_format(np.random.default_rng(seed), size=(640, 480))
        assert (fmt.frames - 1) / fmt.fps <= NARROW_MAX_DURATION, (seed, fmt)


def test_the_occluder_is_composited_over_its_own_box_only():
    # Frames warp and blend only the occluder's box (a speed-up); they must match blending
    # the whole warped canvas, within the 1-2 levels of warpAffine's fixed-point rounding.
    from vidgen.world.wild_render import WildRenderer

    for index in range(40):
        scene = random_scene(
            np.random.default_rng([9, index]), profile="wild", aspect=16 / 9, duration=2.0
        )
        if scene.occluder is not None:
            break
    renderer = WildRenderer(scene, random_style(np.random.default_rng(3), scene), 320, 180, 2.0)
    front, alpha, _ = renderer.front
    base = np.random.default_rng(0).uniform(0, 255, (180, 320, 3)).astype(np.float32)
    for zoom, tx, ty in ((1.0, -20.0, -15.0), (0.93, -11.3, -7.6)):
        m = np.float32([[zoom, 0, tx], [0, zoom, ty]])
        boxed = base.copy()
        renderer._occluder(boxed, m)
        rgb = cv2.warpAffine(front, m, (320, 180), flags=cv2.INTER_LINEAR)
        a = cv2.warpAffine(alpha, m, (320, 180), flags=cv2.INTER_LINEAR)[:, :, None] / 255.0
        whole = base + (rgb.astype(np.float32) - base) * a
        assert np.abs(boxed - whole).max() <= 2.0
        assert (a > 0).any() and np.array_equal(boxed[a[..., 0] == 0], base[a[..., 0] == 0])


def test_objects_violations_add_keep_their_parents_look():
    for index in range(200):
        scene = random_scene(
            np.random.default_rng([4, index]), profile="wild", violation="split", duration=2.0
        )
        extra = scene.extra_objects()
        if extra:
            break
    ((new_id, (obj, parent)),) = extra.items()
    assert new_id == len(scene.objects) and obj is scene.objects[parent]
    style = random_style(np.random.default_rng(1), scene)
    assert style.objects[new_id] == style.objects[parent]
