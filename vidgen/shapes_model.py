"""The embedded shapes model's parts: stock diffusers / transformers classes built from small configs.

Everything here is an ordinary `WanPipeline` component, so the embedded model and a real Wan
checkpoint go through exactly the same loading and generation code:

    tokenizer     a WordLevel `tokenizers` model over the shapes world's vocabulary, wrapped as
                  `transformers.PreTrainedTokenizerFast` (T5 conventions: pad 0, eos 1, unk 2)
    text_encoder  a tiny `UMT5EncoderModel`
    vae           a small `AutoencoderKLWan` (2 stages: 4x spatial, 4x temporal compression)
    transformer   a small `WanTransformer3DModel`
    scheduler     `FlowMatchEulerDiscreteScheduler`

Imports of torch / diffusers / transformers stay inside functions (see DESIGN.md).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PAD, EOS, UNK = "<pad>", "</s>", "<unk>"

# WanPipeline pads every prompt embedding with zeros up to this many tokens (its default
# `max_sequence_length`); training pads the same way so the cross-attention sees what it will
# see at generation time.
PIPELINE_MAX_SEQUENCE_LENGTH = 512


@dataclass(frozen=True)
class ModelSizes:
    """Sizes of the networks. Changing any of them means training from scratch."""

    text_dim: int = 64  # UMT5 d_model
    text_layers: int = 2
    text_heads: int = 4
    # The encoder is the cost of every training clip (the latent cache) and shapes on flat
    # backgrounds need few channels to encode; the decoder's width sets what the user sees.
    vae_encoder_dim: int = 8
    vae_decoder_dim: int = 16
    vae_z_dim: int = 8
    # Two stages, both downsampling time: 4x spatial and 4x temporal compression, so
    # 17 frames of 64x64 become 5 latent frames of 16x16 (WanPipeline reads the factors from
    # the config's scale_factor_spatial / scale_factor_temporal).
    vae_dim_mult: tuple[int, ...] = (1, 2, 2)
    vae_temporal_downsample: tuple[bool, ...] = (True, True)
    dim: int = 128  # transformer width = heads * 32
    heads: int = 4
    layers: int = 5
    ffn_dim: int = 512
    # (t, h, w): a token covers 4x4 latent pixels = 16x16 image pixels, so a 64x64 clip is
    # 5 x 4 x 4 = 80 tokens; this keeps 40 transformer calls (20 steps with CFG) well under 3 s.
    patch: tuple[int, int, int] = (1, 4, 4)
    shift: float = 2.0  # flow-matching timestep shift, shared by training and the scheduler


# Tiny networks for tests and smoke runs: seconds per step, nothing learned worth keeping.
TINY_SIZES = ModelSizes(
    text_dim=16,
    text_layers=1,
    text_heads=2,
    vae_encoder_dim=4,
    vae_decoder_dim=4,
    vae_z_dim=4,
    dim=32,
    heads=1,
    layers=1,
    ffn_dim=32,
    patch=(1, 2, 2),
)


def build_tokenizer(vocabulary: list[str] | tuple[str, ...]):
    """A fast tokenizer that maps each vocabulary word to one id and every other word to <unk>."""
    from tokenizers import Tokenizer, normalizers, pre_tokenizers, processors
    from tokenizers.models import WordLevel
    from transformers import PreTrainedTokenizerFast

    words = sorted({w.lower() for w in vocabulary} - {PAD, EOS, UNK})
    vocab = {PAD: 0, EOS: 1, UNK: 2}
    for word in words:
        vocab[word] = len(vocab)
    core = Tokenizer(WordLevel(vocab, unk_token=UNK))
    core.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Lowercase()])
    core.pre_tokenizer = pre_tokenizers.Whitespace()
    # Like T5: every sequence ends with </s>, so even the empty (unconditional) prompt has a token.
    core.post_processor = processors.TemplateProcessing(
        single=f"$A {EOS}", special_tokens=[(EOS, 1)]
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=core,
        pad_token=PAD,
        eos_token=EOS,
        unk_token=UNK,
        model_max_length=PIPELINE_MAX_SEQUENCE_LENGTH,
    )


def build_text_encoder(vocab_size: int, sizes: ModelSizes):
    from transformers import UMT5Config, UMT5EncoderModel

    config = UMT5Config(
        vocab_size=vocab_size,
        d_model=sizes.text_dim,
        d_kv=sizes.text_dim // sizes.text_heads,
        d_ff=sizes.text_dim * 2,
        num_layers=sizes.text_layers,
        num_heads=sizes.text_heads,
        relative_attention_num_buckets=8,
        relative_attention_max_distance=32,
        dropout_rate=0.0,
        feed_forward_proj="gated-gelu",
        pad_token_id=0,
        eos_token_id=1,
        decoder_start_token_id=0,
        tie_word_embeddings=False,
    )
    return UMT5EncoderModel(config)


def build_vae(sizes: ModelSizes):
    from diffusers import AutoencoderKLWan

    stages = len(sizes.vae_temporal_downsample)
    return AutoencoderKLWan(
        base_dim=sizes.vae_encoder_dim,
        decoder_base_dim=sizes.vae_decoder_dim,
        z_dim=sizes.vae_z_dim,
        dim_mult=list(sizes.vae_dim_mult),
        num_res_blocks=1,
        attn_scales=[],
        temperal_downsample=list(sizes.vae_temporal_downsample),
        # Replaced by the measured statistics once the VAE is trained (train_stages.py).
        latents_mean=[0.0] * sizes.vae_z_dim,
        latents_std=[1.0] * sizes.vae_z_dim,
        scale_factor_spatial=2**stages,
        scale_factor_temporal=2 ** sum(sizes.vae_temporal_downsample),
    )


def build_transformer(sizes: ModelSizes):
    from diffusers import WanTransformer3DModel

    return WanTransformer3DModel(
        patch_size=tuple(sizes.patch),
        num_attention_heads=sizes.heads,
        attention_head_dim=sizes.dim // sizes.heads,
        in_channels=sizes.vae_z_dim,
        out_channels=sizes.vae_z_dim,
        text_dim=sizes.text_dim,
        freq_dim=64,
        ffn_dim=sizes.ffn_dim,
        num_layers=sizes.layers,
        cross_attn_norm=True,
        qk_norm="rms_norm_across_heads",
        rope_max_seq_len=64,
    )


def deepen_transformer(transformer, extra_layers: int):
    """A copy of `transformer` with `extra_layers` more blocks at the end that pass their input
    through unchanged: their attention and feed-forward output projections start at zero, so
    every residual branch adds nothing and the deeper model computes exactly what the trained
    one did. Training then grows the new blocks from there, which is much cheaper than
    training a deeper model from scratch."""
    import torch
    from diffusers import WanTransformer3DModel

    config = {k: v for k, v in transformer.config.items() if not k.startswith("_")}
    layers = config["num_layers"]
    config["num_layers"] = layers + extra_layers
    deeper = WanTransformer3DModel(**config)
    loaded = deeper.load_state_dict(transformer.state_dict(), strict=False)
    new_blocks = tuple(f"blocks.{i}." for i in range(layers, layers + extra_layers))
    if loaded.unexpected_keys or not all(k.startswith(new_blocks) for k in loaded.missing_keys):
        raise ValueError(f"cannot deepen this transformer: {loaded}")
    for block in deeper.blocks[layers:]:
        for projection in (block.attn1.to_out[0], block.attn2.to_out[0], block.ffn.net[2]):
            torch.nn.init.zeros_(projection.weight)
            torch.nn.init.zeros_(projection.bias)
        # The modulation table (shift, scale, gate per branch) of the last trained block, so
        # the new blocks' gates start at that block's scale instead of random ones.
        block.scale_shift_table.data.copy_(transformer.blocks[layers - 1].scale_shift_table.data)
    return deeper


def transformer_sizes(
    patch: tuple[int, int, int] | None = None,
    width: int | None = None,
    layers: int | None = None,
) -> ModelSizes | None:
    """The recipe's ModelSizes with another transformer patch, width (heads of 32, FFN 4x
    the width) or depth; None when nothing changes."""
    from vidgen.errors import UsageError

    changes: dict[str, Any] = {}
    if patch is not None:
        changes["patch"] = tuple(patch)
    if width is not None:
        if width % 32:
            raise UsageError(
                f"--transformer-width {width}: use a multiple of 32 (attention heads of 32)"
            )
        changes.update(dim=width, heads=width // 32, ffn_dim=4 * width)
    if layers is not None:
        changes["layers"] = layers
    return dataclasses.replace(ModelSizes(), **changes) if changes else None


def latent_grid(sizes: ModelSizes, frames: int, height: int, width: int) -> tuple[int, int, int]:
    """(T, H, W) of the latents the VAE of these sizes makes of a clip: the causal VAE keeps
    the first frame alone and compresses the rest in time."""
    spatial = 2 ** (len(sizes.vae_dim_mult) - 1)
    temporal = 2 ** sum(sizes.vae_temporal_downsample)
    return ((frames - 1) // temporal + 1, height // spatial, width // spatial)


def build_scheduler(shift: float):
    from diffusers import FlowMatchEulerDiscreteScheduler

    return FlowMatchEulerDiscreteScheduler(num_train_timesteps=1000, shift=shift)


def build_components(vocabulary: list[str] | tuple[str, ...], sizes: ModelSizes) -> dict[str, Any]:
    """Fresh, untrained components keyed by their WanPipeline names."""
    tokenizer = build_tokenizer(vocabulary)
    return {
        "tokenizer": tokenizer,
        "text_encoder": build_text_encoder(len(tokenizer), sizes),
        "vae": build_vae(sizes),
        "transformer": build_transformer(sizes),
        "scheduler": build_scheduler(sizes.shift),
    }


def load_components(folder: str | Path) -> dict[str, Any]:
    """The components of a saved pipeline folder (safetensors only, offline)."""
    from diffusers import WanPipeline

    pipe = WanPipeline.from_pretrained(str(folder), use_safetensors=True, local_files_only=True)
    return dict(pipe.components)


def sizes_of(components: dict[str, Any]) -> ModelSizes:
    """The sizes of loaded components, read from their configs. A run started from a folder
    (or resumed) trains what it loaded, not the recipe's default sizes; this is what its
    record should say, and the shift its noise levels should use."""
    text = components["text_encoder"].config
    vae = components["vae"].config
    transformer = components["transformer"].config
    return ModelSizes(
        text_dim=text.d_model,
        text_layers=text.num_layers,
        text_heads=text.num_heads,
        vae_encoder_dim=vae.base_dim,
        vae_decoder_dim=vae.decoder_base_dim or vae.base_dim,  # None: same as the encoder
        vae_z_dim=vae.z_dim,
        vae_dim_mult=tuple(vae.dim_mult),
        vae_temporal_downsample=tuple(vae.temperal_downsample),
        dim=transformer.num_attention_heads * transformer.attention_head_dim,
        heads=transformer.num_attention_heads,
        layers=transformer.num_layers,
        ffn_dim=transformer.ffn_dim,
        patch=tuple(transformer.patch_size),
        shift=components["scheduler"].config.shift,
    )


def latent_stats(vae):
    """The VAE's per-channel latent mean and std as (1, z, 1, 1, 1) tensors: WanPipeline
    samples latents normalized by them and un-normalizes (x * std + mean) before decoding."""
    import torch

    shape = (1, vae.config.z_dim, 1, 1, 1)
    return (
        torch.tensor(vae.config.latents_mean).view(shape),
        torch.tensor(vae.config.latents_std).view(shape),
    )


def make_pipeline(components: dict[str, Any]):
    from diffusers import WanPipeline

    names = ("tokenizer", "text_encoder", "vae", "transformer", "scheduler")
    return WanPipeline(**{name: components[name] for name in names})


def encode_captions(tokenizer, text_encoder, captions: list[str], pad_to: int):
    """Prompt embeddings exactly as WanPipeline makes them: encoder states of the real tokens,
    then zeros up to `pad_to` tokens. Returns (B, pad_to, text_dim).

    The encoder runs on the shortest padding that fits (its attention mask hides the padding,
    so the real tokens' states do not depend on how much padding there is).
    """
    import torch

    batch = tokenizer(captions, padding="longest", add_special_tokens=True, return_tensors="pt")
    ids, mask = batch.input_ids, batch.attention_mask
    states = text_encoder(ids, mask).last_hidden_state  # (B, L, D)
    states = states * mask.unsqueeze(-1).to(states.dtype)
    if pad_to > states.shape[1]:
        zeros = states.new_zeros(states.shape[0], pad_to - states.shape[1], states.shape[2])
        states = torch.cat([states, zeros], dim=1)
    return states[:, :pad_to]


def unknown_words(tokenizer, prompt: str) -> list[str]:
    """Words of `prompt` that the tokenizer maps to <unk> (the model ignores them)."""
    core = tokenizer.backend_tokenizer
    normalized = core.normalizer.normalize_str(prompt)
    vocab = tokenizer.get_vocab()
    words = [w for w, _ in core.pre_tokenizer.pre_tokenize_str(normalized)]
    return [w for w in words if w not in vocab and any(ch.isalnum() for ch in w)]
