"""`vidgen make --image`: image-to-video on tiny Wan 2.1 I2V, Wan 2.1 FLF2V, Wan 2.2 TI2V,
LTX-Video and CogVideoX I2V pipelines, the record's image hash, --from-record, prompt files and bad images.

With random tiny weights a first frame cannot look like the image; what is tested is that
vidgen hands the image to the pipeline exactly as a plain diffusers call does (identical
frames), that the frames depend on it, and that the same image and seed give the same clip.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from vidgen.cli import cli

SMALL = ["--frames", "9", "--height", "32", "--width", "32", "--steps", "2"]


def make(model: Path, *args: str):
    return CliRunner().invoke(cli, ["make", "-q", "--model", str(model), *SMALL, *args])


def record_of(result) -> dict:
    assert result.exit_code == 0, result.output
    return json.loads(Path(result.stdout.strip()).with_suffix(".json").read_text())


def _frames(model: Path, image: Path | None, seed: int = 3, last: Path | None = None):
    from vidgen.generate import Request
    from vidgen.loading import RuntimeOptions
    from vidgen.make import make_clip

    request = Request(
        "a red ball", seed=seed, frames=9, height=32, width=32, steps=2, guidance=4.0,
        image=str(image) if image else None, last_image=str(last) if last else None,
    )  # fmt: skip
    made = make_clip(request, str(model), RuntimeOptions(quiet=True), out=image.parent / "out")
    return made.generation.frames


def _plain_diffusers(model: Path, class_name: str, image: Path, seed: int = 3, last=None):
    import diffusers
    import torch
    from PIL import Image

    pipe = getattr(diffusers, class_name).from_pretrained(str(model), dtype=torch.float32)
    pipe.set_progress_bar_config(disable=True)
    extra = {"last_image": Image.open(last).convert("RGB")} if last else {}
    if "LTX" in class_name:
        extra["frame_rate"] = 16
    video = pipe(
        image=Image.open(image).convert("RGB"), prompt="a red ball", num_frames=9, height=32,
        width=32, num_inference_steps=2, guidance_scale=4.0, output_type="np",
        generator=torch.Generator("cpu").manual_seed(seed), **extra,
    ).frames[0]  # fmt: skip
    return (video * 255).astype(np.uint8)


I2V_MODELS = [
    pytest.param("tiny_wan_i2v_dir", "WanImageToVideoPipeline", id="wan2.1-i2v"),
    pytest.param("tiny_wan22_dir", "WanImageToVideoPipeline", id="wan2.2-ti2v"),
    pytest.param("tiny_ltx_dir", "LTXImageToVideoPipeline", id="ltx"),
    pytest.param("tiny_cogvideox_i2v_dir", "CogVideoXImageToVideoPipeline", id="cogvideox-i2v"),
]


@pytest.mark.parametrize(("fixture", "class_name"), I2V_MODELS)
def test_image_to_video_matches_diffusers_and_follows_the_image(
    fixture, class_name, request, red_square, tmp_path
):
    from tiny_pipelines import tiny_image

    model = request.getfixturevalue(fixture)
    image = tmp_path / "red.png"
    image.write_bytes(red_square.read_bytes())
    ours = _frames(model, image)
    assert np.array_equal(ours, _plain_diffusers(model, class_name, image))
    assert np.array_equal(ours, _frames(model, image))  # same image, same seed: same clip
    blue = tiny_image(tmp_path / "blue.png", color=(20, 40, 230))
    assert not np.array_equal(ours[0], _frames(model, blue)[0])  # the first frame follows it


def test_first_and_last_frame_match_diffusers(tiny_wan_flf2v_dir, red_square, tmp_path):
    from tiny_pipelines import tiny_image

    last = tiny_image(tmp_path / "blue.png", color=(20, 40, 230))
    ours = _frames(tiny_wan_flf2v_dir, red_square, last=last)
    plain = _plain_diffusers(tiny_wan_flf2v_dir, "WanImageToVideoPipeline", red_square, last=last)
    assert np.array_equal(ours, plain)
    green = tiny_image(tmp_path / "green.png", color=(0, 200, 0))
    assert not np.array_equal(ours, _frames(tiny_wan_flf2v_dir, red_square, last=green))


def test_record_holds_the_image_hash_and_the_class_that_ran(tiny_ltx_dir, red_square, tmp_path):
    result = make(tiny_ltx_dir, "--image", str(red_square), "-o", str(tmp_path), "a red ball")
    record = record_of(result)
    digest = hashlib.sha256(red_square.read_bytes()).hexdigest()
    assert record["image"] == {
        "path": str(red_square.resolve()), "sha256": digest, "width": 32, "height": 32
    }  # fmt: skip
    assert record["model"]["pipeline_class"] == "LTXImageToVideoPipeline"
    assert record["last_image"] is None and record["loras"] == []


def test_from_record_needs_the_same_image(tiny_wan22_dir, tmp_path):
    from tiny_pipelines import tiny_image

    image = tiny_image(tmp_path / "in.png")
    made = make(tiny_wan22_dir, "--image", str(image), "-o", str(tmp_path / "a"), "a ball")
    sidecar = Path(made.stdout.strip()).with_suffix(".json")
    again = CliRunner().invoke(
        cli, ["make", "--from-record", str(sidecar), "-o", str(tmp_path / "b")]
    )
    assert again.exit_code == 0, again.output
    assert "decoded frames are identical to the recorded clip's" in again.stderr

    tiny_image(image, color=(0, 200, 0))  # the same name, another picture
    changed = CliRunner().invoke(
        cli, ["make", "-q", "--from-record", str(sidecar), "-o", str(tmp_path / "c")]
    )
    assert changed.exit_code == 2, changed.output
    assert "another image" in changed.stderr and "--image" in changed.stderr
    assert len(changed.stderr.strip().splitlines()) == 1 and not (tmp_path / "c").exists()


def test_a_wrong_aspect_is_said(tiny_wan22_dir, tmp_path):
    from tiny_pipelines import tiny_image

    wide = tiny_image(tmp_path / "wide.png", size=(96, 32))
    result = CliRunner().invoke(
        cli, ["make", "--model", str(tiny_wan22_dir), *SMALL, "--image", str(wide),
              "-o", str(tmp_path), "a ball"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "warning: --image wide.png is 96x32 and the clip 32x32" in result.stderr
    assert "stretches it" in result.stderr


def test_prompt_file_image_column(tiny_wan22_dir, tmp_path):
    from tiny_pipelines import tiny_image

    tiny_image(tmp_path / "one.png")
    prompts = tmp_path / "p.csv"
    prompts.write_text("prompt,image\na red ball,one.png\na blue cube,\n")
    result = make(tiny_wan22_dir, "-o", str(tmp_path / "batch"), str(prompts))
    assert result.exit_code == 0, result.output
    first, second = (
        json.loads(Path(p).with_suffix(".json").read_text()) for p in result.stdout.split()
    )
    assert first["image"]["path"] == str(tmp_path / "one.png") and second["image"] is None
    assert first["model"]["pipeline_class"] == "WanImageToVideoPipeline"
    assert second["model"]["pipeline_class"] == "WanPipeline"

    missing = tmp_path / "m.jsonl"
    missing.write_text('{"prompt": "a ball", "image": "gone.png"}\n')
    refused = make(tiny_wan22_dir, "-o", str(tmp_path / "b2"), str(missing))
    assert refused.exit_code == 2 and f"{missing}:1: key 'image': no such file" in refused.stderr


def _not_an_image(tmp_path: Path) -> Path:
    path = tmp_path / "notes.png"
    path.write_text("not a picture")
    return path


BAD_IMAGES = [
    pytest.param("tiny_wan_dir", lambda t, img: ["--image", str(img)],
                 "--image: WanPipeline makes video from text only", id="text-only-model"),
    pytest.param("tiny_wan_i2v_dir", lambda t, img: [],
                 "WanImageToVideoPipeline makes video from an image; pass --image", id="no-image"),
    pytest.param("tiny_wan22_dir", lambda t, img: ["--image", str(t / "gone.png")],
                 "gone.png: no such file", id="missing"),
    pytest.param("tiny_wan22_dir", lambda t, img: ["--image", str(_not_an_image(t))],
                 "not a readable image", id="unreadable"),
    pytest.param("tiny_wan22_dir", lambda t, img: ["--last-image", str(img)],
                 "--last-image needs --image", id="last-without-first"),
    pytest.param("tiny_ltx_dir", lambda t, img: ["--image", str(img), "--last-image", str(img)],
                 "conditions on the first frame only; drop --last-image", id="last-unsupported"),
    pytest.param("tiny_wan_i2v_dir", lambda t, img: ["--image", str(img), "--last-image", str(img)],
                 "wan2.1-flf2v-14b-720p", id="last-needs-flf2v"),
    pytest.param("tiny_wan_flf2v_dir", lambda t, img: ["--image", str(img)],
                 "needs both ends; add --last-image", id="flf2v-needs-last"),
]  # fmt: skip


@pytest.mark.parametrize(("fixture", "args", "message"), BAD_IMAGES)
def test_bad_image_input_is_one_line_exit_2_before_loading(
    fixture, args, message, request, red_square, tmp_path, monkeypatch
):
    import vidgen.loading

    loads = []
    monkeypatch.setattr(vidgen.loading, "_load_cached", lambda *a: loads.append(a))
    model = request.getfixturevalue(fixture)
    result = make(model, *args(tmp_path, red_square), "-o", str(tmp_path / "o"), "a ball")
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and not loads
    if fixture == "tiny_wan_dir":
        assert "wan2.1-i2v-14b-480p" in result.stderr  # names an image-to-video preset
