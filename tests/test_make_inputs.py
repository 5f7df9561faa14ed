"""make's input files (--image, --lora, their prompt-file keys): what a review found users hit.
Runs no pipeline: the checks happen before any weights load."""

from __future__ import annotations

import pytest
from PIL import Image

from vidgen.conditioning import input_digests, load_image, read_input_image
from vidgen.errors import UsageError
from vidgen.generate import Request
from vidgen.lora import parse_lora
from vidgen.promptfile import read_prompt_file


def portrait_photo(path):
    """A 64x32 JPEG whose EXIF says: turn it a quarter (a phone held upright)."""
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 degrees clockwise to display
    Image.new("RGB", (64, 32), (200, 30, 30)).save(path, exif=exif)
    return path


def test_an_image_is_read_upright_as_diffusers_reads_it(tmp_path):
    photo = portrait_photo(tmp_path / "phone.jpg")
    assert (read_input_image(photo).width, read_input_image(photo).height) == (32, 64)
    assert load_image(photo).size == (32, 64)


def test_an_image_folder_or_a_huge_image_is_one_clear_error(tmp_path, monkeypatch):
    with pytest.raises(UsageError, match="is a folder"):
        read_input_image(tmp_path)
    Image.new("RGB", (64, 64)).save(tmp_path / "big.png")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)  # PIL refuses past twice this
    with pytest.raises(UsageError, match="too large to open safely"):
        read_input_image(tmp_path / "big.png")


def test_a_lora_scale_that_is_not_a_number_is_named(tmp_path):
    weights = tmp_path / "style.safetensors"
    weights.write_bytes(b"x")
    with pytest.raises(UsageError, match="scale 'abc' is not a number"):
        parse_lora(f"{weights}:abc")
    assert parse_lora("owner/name") == ("owner/name", 1.0)  # a hub id has no scale


def test_a_prompt_files_lora_is_found_beside_it_and_its_bytes_make_the_item(tmp_path, monkeypatch):
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "style.safetensors").write_bytes(b"one")
    prompts = folder / "p.jsonl"
    prompts.write_text('{"prompt": "a red ball", "lora": "style.safetensors:0.8"}\n')
    monkeypatch.chdir(tmp_path)  # not the prompt file's folder
    [item] = read_prompt_file(prompts)
    assert item.settings["loras"] == ((str(folder / "style.safetensors"), 0.8),)
    (folder / "style.safetensors").write_bytes(b"two")
    assert read_prompt_file(prompts)[0].id != item.id


def test_changed_input_files_change_a_batchs_fingerprint(tmp_path):
    image, weights = tmp_path / "first.png", tmp_path / "style.safetensors"
    Image.new("RGB", (32, 32), (10, 10, 10)).save(image)
    weights.write_bytes(b"one")
    request = Request(prompt="x", image=str(image), loras=((str(weights), 1.0),))
    before = input_digests(request)
    Image.new("RGB", (32, 32), (90, 10, 10)).save(image)
    assert input_digests(request)["image_sha256"] != before["image_sha256"]
    weights.write_bytes(b"two")
    assert input_digests(request)["lora_sha256"] != before["lora_sha256"]
    assert input_digests(Request(prompt="x")) == {}  # older batches keep their key
