"""The embedded shapes model: tokenizer, components, and the shipped pipeline folder."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import numpy as np
import pytest

from vidgen.models import EMBEDDED_MODEL_DIR, EMBEDDED_PRESET, find_preset
from vidgen.shapes_model import (
    PIPELINE_MAX_SEQUENCE_LENGTH,
    TINY_SIZES,
    build_components,
    build_tokenizer,
    encode_captions,
    sizes_of,
    unknown_words,
)
from vidgen.world import VOCABULARY, parse_caption, random_scene, render_clip

TINY = TINY_SIZES


@pytest.fixture(autouse=True)
def one_thread():
    """One torch thread: on a busy machine a second thread's spin-waiting costs more than it gives."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


shipped = pytest.mark.skipif(
    not (EMBEDDED_MODEL_DIR / "model_index.json").exists(),
    reason="the embedded model folder is not there yet",
)


def test_tokenizer_covers_the_whole_vocabulary():
    tokenizer = build_tokenizer(VOCABULARY)
    unk = tokenizer.unk_token_id
    for word in VOCABULARY:
        ids = tokenizer(word, add_special_tokens=False).input_ids
        assert len(ids) == 1 and ids[0] != unk, word


def test_captions_tokenize_without_unknowns_and_end_with_eos():
    tokenizer = build_tokenizer(VOCABULARY)
    rng = np.random.default_rng(3)
    for _ in range(20):
        caption = render_clip(random_scene(rng, profile="simple")).caption
        ids = tokenizer(caption).input_ids
        assert tokenizer.unk_token_id not in ids, caption
        assert ids[-1] == tokenizer.eos_token_id
        assert unknown_words(tokenizer, caption) == []


def test_unknown_words_are_named_and_punctuation_is_not():
    tokenizer = build_tokenizer(VOCABULARY)
    assert unknown_words(tokenizer, "A Red ball, dancing slowly!") == ["dancing", "slowly"]


def test_prompt_embeddings_match_the_pipeline_padding():
    """Training's short-padded embeddings equal WanPipeline's own, zero-padded to 512."""
    import torch
    from diffusers import WanPipeline

    from vidgen.shapes_model import make_pipeline

    torch.manual_seed(0)
    components = build_components(VOCABULARY, TINY)
    pipe = make_pipeline(components)
    assert isinstance(pipe, WanPipeline)
    prompts = ["a red ball falls and bounces on a white background", ""]
    with torch.no_grad():
        ours = encode_captions(
            components["tokenizer"],
            components["text_encoder"],
            prompts,
            PIPELINE_MAX_SEQUENCE_LENGTH,
        )
        theirs = pipe._get_t5_prompt_embeds(prompts, max_sequence_length=512, device="cpu")
    assert ours.shape == theirs.shape == (2, 512, TINY.text_dim)
    torch.testing.assert_close(ours, theirs, atol=1e-5, rtol=1e-4)


@shipped
def test_shipped_folder_is_small_and_safetensors_only():
    files = [p for p in EMBEDDED_MODEL_DIR.rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in files) <= 25 * 1024 * 1024
    assert not [p for p in files if p.suffix in (".bin", ".pt", ".pth", ".ckpt", ".pkl")]
    assert (EMBEDDED_MODEL_DIR / "README.md").exists()


@shipped
def test_shipped_pipeline_loads_offline_and_generates_default_size(monkeypatch):
    import torch
    from diffusers import WanPipeline

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    pipe = WanPipeline.from_pretrained(
        str(EMBEDDED_MODEL_DIR), local_files_only=True, use_safetensors=True
    )
    pipe.set_progress_bar_config(disable=True)
    tokenizer = pipe.tokenizer
    assert all(tokenizer.convert_tokens_to_ids(w) != tokenizer.unk_token_id for w in VOCABULARY)
    preset = find_preset(EMBEDDED_PRESET)
    frames = pipe(
        "a red ball falls and bounces on a white background",
        height=preset.height,
        width=preset.width,
        num_frames=preset.frames,
        num_inference_steps=2,
        guidance_scale=4.0,
        generator=torch.Generator().manual_seed(0),
        output_type="np",
    ).frames[0]
    assert frames.shape == (preset.frames, preset.height, preset.width, 3)
    assert preset.height >= 64 and preset.frames >= 17  # the floor
    assert np.isfinite(frames).all() and frames.min() >= 0 and frames.max() <= 1
    # the config carries real latent statistics, not the placeholders of an untrained VAE
    assert pipe.vae.config.latents_std != [1.0] * pipe.vae.config.z_dim


def test_world_caption_parses_to_what_the_benchmark_reads():
    caption = render_clip(random_scene(np.random.default_rng(1), profile="simple")).caption
    assert {"color", "shape", "motion_direction"} <= set(parse_caption(caption))


def test_models_default_points_at_the_shipped_folder():
    assert Path(os.fspath(EMBEDDED_MODEL_DIR)).name == "shapes-wan"


@shipped
def test_default_preset_size_is_the_size_the_shipped_model_was_trained_at():
    state = json.loads((EMBEDDED_MODEL_DIR / "training_state.json").read_text())
    preset = find_preset(EMBEDDED_PRESET)
    trained = (state["width"], state["height"], state["frames"])
    assert (preset.width, preset.height, preset.frames) == trained


def test_sizes_of_reads_back_the_sizes_components_were_built_with():
    # every size distinct, so reading one config key for another cannot pass
    sizes = dataclasses.replace(
        TINY,
        text_dim=24,
        text_layers=3,
        text_heads=2,
        vae_encoder_dim=4,
        vae_decoder_dim=8,
        vae_z_dim=6,
        dim=64,
        heads=2,
        layers=2,
        ffn_dim=48,
        patch=(1, 2, 2),
        shift=3.0,
    )
    assert sizes_of(build_components(VOCABULARY, sizes)) == sizes
