"""Tiny random text-to-video pipelines, built in code and saved as diffusers folders.

Like diffusers' own tests: every component is a few thousand parameters with a fixed seed,
so a 2-step generation runs in about a second on a CPU. The hub's tiny test models cannot be
downloaded here, so the text encoder and tokenizer are built from configs too.
"""

from __future__ import annotations

from pathlib import Path

# Words the tiny tokenizers know; anything else maps to <unk>.
TINY_VOCABULARY = [
    "a",
    "an",
    "the",
    "red",
    "blue",
    "green",
    "ball",
    "square",
    "cube",
    "falls",
    "moves",
    "left",
    "right",
    "up",
    "down",
    "on",
]
TEXT_DIM = 32


def tiny_tokenizer():
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    specials = ["<pad>", "</s>", "<unk>"]
    vocab = {word: index for index, word in enumerate(specials + TINY_VOCABULARY)}
    backend = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.Whitespace()
    return PreTrainedTokenizerFast(
        tokenizer_object=backend, pad_token="<pad>", eos_token="</s>", unk_token="<unk>"
    )


def tiny_text_encoder(kind: str = "umt5"):
    import torch
    from transformers import T5Config, T5EncoderModel, UMT5Config, UMT5EncoderModel

    torch.manual_seed(0)
    settings = dict(
        vocab_size=len(TINY_VOCABULARY) + 3,
        d_model=TEXT_DIM,
        d_kv=8,
        d_ff=37,
        num_layers=2,
        num_heads=4,
        relative_attention_num_buckets=8,
        decoder_start_token_id=0,
    )
    if kind == "t5":
        return T5EncoderModel(T5Config(**settings))
    return UMT5EncoderModel(UMT5Config(**settings))


def tiny_wan(folder: Path, ti2v: bool = False, two_experts: bool = False) -> Path:
    """WanPipeline (Wan 2.1 layout), or the Wan 2.2 TI2V layout with expand_timesteps, or
    (two_experts) the Wan 2.2 A14B layout: a second transformer for the low-noise steps."""
    import torch
    from diffusers import (
        AutoencoderKLWan,
        FlowMatchEulerDiscreteScheduler,
        WanPipeline,
        WanTransformer3DModel,
    )

    torch.manual_seed(0)
    if ti2v:
        # Wan 2.2's VAE packs 2x2 pixels into channels (patch_size 2): 16x spatial compression.
        z_dim = 48
        vae = AutoencoderKLWan(
            base_dim=3,
            z_dim=z_dim,
            in_channels=12,
            out_channels=12,
            is_residual=True,
            patch_size=2,
            latents_mean=[0.0] * z_dim,
            latents_std=[1.0] * z_dim,
            dim_mult=[1, 1, 1, 1],
            num_res_blocks=1,
            scale_factor_spatial=16,
            scale_factor_temporal=4,
            temperal_downsample=[False, True, True],
        )
    else:
        z_dim = 16
        vae = AutoencoderKLWan(
            base_dim=3,
            z_dim=z_dim,
            dim_mult=[1, 1, 1, 1],
            num_res_blocks=1,
            temperal_downsample=[False, True, True],
        )
    torch.manual_seed(0)
    transformer = WanTransformer3DModel(
        patch_size=(1, 2, 2),
        num_attention_heads=2,
        attention_head_dim=12,
        in_channels=z_dim,
        out_channels=z_dim,
        text_dim=TEXT_DIM,
        freq_dim=256,
        ffn_dim=32,
        num_layers=2,
        cross_attn_norm=True,
        qk_norm="rms_norm_across_heads",
        rope_max_seq_len=32,
    )
    experts = {}
    if two_experts:
        torch.manual_seed(1)
        experts = {
            "transformer_2": WanTransformer3DModel.from_config(transformer.config),
            "boundary_ratio": 0.5,
        }
    pipe = WanPipeline(
        tokenizer=tiny_tokenizer(),
        text_encoder=tiny_text_encoder("umt5"),
        vae=vae,
        transformer=transformer,
        scheduler=FlowMatchEulerDiscreteScheduler(shift=7.0),
        expand_timesteps=ti2v,
        **experts,
    )
    pipe.save_pretrained(folder)
    return folder


def tiny_ltx(folder: Path) -> Path:
    import torch
    from diffusers import (
        AutoencoderKLLTXVideo,
        FlowMatchEulerDiscreteScheduler,
        LTXPipeline,
        LTXVideoTransformer3DModel,
    )

    torch.manual_seed(0)
    vae = AutoencoderKLLTXVideo(
        in_channels=3,
        out_channels=3,
        latent_channels=8,
        block_out_channels=(8, 8, 8, 8),
        decoder_block_out_channels=(8, 8, 8, 8),
        layers_per_block=(1, 1, 1, 1, 1),
        decoder_layers_per_block=(1, 1, 1, 1, 1),
        spatio_temporal_scaling=(True, True, False, False),
        decoder_spatio_temporal_scaling=(True, True, False, False),
        decoder_inject_noise=(False, False, False, False, False),
        upsample_residual=(False, False, False, False),
        upsample_factor=(1, 1, 1, 1),
        timestep_conditioning=False,
        patch_size=1,
        patch_size_t=1,
        encoder_causal=True,
        decoder_causal=False,
    )
    vae.use_framewise_encoding = False
    vae.use_framewise_decoding = False
    torch.manual_seed(0)
    transformer = LTXVideoTransformer3DModel(
        in_channels=8,
        out_channels=8,
        patch_size=1,
        patch_size_t=1,
        num_attention_heads=4,
        attention_head_dim=8,
        cross_attention_dim=32,
        num_layers=1,
        caption_channels=TEXT_DIM,
    )
    pipe = LTXPipeline(
        scheduler=FlowMatchEulerDiscreteScheduler(),
        vae=vae,
        text_encoder=tiny_text_encoder("t5"),
        tokenizer=tiny_tokenizer(),
        transformer=transformer,
    )
    pipe.save_pretrained(folder)
    return folder


def tiny_wan_i2v(folder: Path, last_frame: bool = False) -> Path:
    """WanImageToVideoPipeline, Wan 2.1 I2V layout: a tiny CLIP vision encoder conditions the
    transformer (image_dim), and the latents carry the first frame (16 + 4 mask + 16 channels).
    last_frame: the FLF2V layout, whose transformer reads the embeddings of two images."""
    import torch
    from diffusers import (
        AutoencoderKLWan,
        FlowMatchEulerDiscreteScheduler,
        WanImageToVideoPipeline,
        WanTransformer3DModel,
    )
    from transformers import CLIPImageProcessor, CLIPVisionConfig, CLIPVisionModel

    torch.manual_seed(0)
    vae = AutoencoderKLWan(
        base_dim=3, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
        temperal_downsample=[False, True, True],
    )  # fmt: skip
    torch.manual_seed(0)
    transformer = WanTransformer3DModel(
        patch_size=(1, 2, 2),
        num_attention_heads=2,
        attention_head_dim=12,
        in_channels=36,
        out_channels=16,
        text_dim=TEXT_DIM,
        freq_dim=256,
        ffn_dim=32,
        num_layers=2,
        cross_attn_norm=True,
        qk_norm="rms_norm_across_heads",
        rope_max_seq_len=32,
        image_dim=4,
        # FLF2V: two images' CLIP tokens (32x32 patches of 1 px, plus the class token each).
        pos_embed_seq_len=2 * (32 * 32 + 1) if last_frame else None,
    )
    torch.manual_seed(0)
    encoder = CLIPVisionModel(
        CLIPVisionConfig(
            hidden_size=4, num_hidden_layers=2, num_attention_heads=2,
            image_size=32, intermediate_size=16, patch_size=1,
        )
    )  # fmt: skip
    pipe = WanImageToVideoPipeline(
        tokenizer=tiny_tokenizer(),
        text_encoder=tiny_text_encoder("umt5"),
        vae=vae,
        transformer=transformer,
        scheduler=FlowMatchEulerDiscreteScheduler(shift=7.0),
        image_encoder=encoder,
        image_processor=CLIPImageProcessor(crop_size=32, size=32),
    )
    pipe.save_pretrained(folder)
    return folder


def tiny_image(path: Path, size: tuple[int, int] = (32, 32), color=(220, 40, 30)) -> Path:
    """A PNG: a colored square on grey, so a clip that follows it is easy to tell."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, (128, 128, 128))
    width, height = size
    ImageDraw.Draw(image).rectangle(
        [width // 4, height // 4, 3 * width // 4, 3 * height // 4], fill=color
    )
    image.save(path)
    return path


def tiny_lora(model: Path, out: Path, seed: int = 0, name: str = "tiny_lora.safetensors") -> Path:
    """A rank-4 LoRA on the attention of a tiny Wan transformer, made with peft and saved as
    diffusers saves LoRAs; random B matrices (init_lora_weights=False) so it changes frames."""
    import torch
    from diffusers import WanTransformer3DModel
    from diffusers.loaders import WanLoraLoaderMixin
    from peft import LoraConfig
    from peft.utils import get_peft_model_state_dict

    transformer = WanTransformer3DModel.from_pretrained(str(model), subfolder="transformer")
    torch.manual_seed(seed)
    transformer.add_adapter(
        LoraConfig(r=4, lora_alpha=4, init_lora_weights=False,
                   target_modules=["to_q", "to_k", "to_v", "to_out.0"])
    )  # fmt: skip
    out.mkdir(parents=True, exist_ok=True)
    WanLoraLoaderMixin.save_lora_weights(
        str(out), transformer_lora_layers=get_peft_model_state_dict(transformer), weight_name=name
    )
    return out / name


# diffusers' Wan transformer names -> the original Wan checkpoint's, which GGUF files use and
# diffusers' single-file loader converts back (norm2 and norm3 trade places).
_WAN_ORIGINAL_NAMES = [
    ("condition_embedder.time_embedder.linear_1", "time_embedding.0"),
    ("condition_embedder.time_embedder.linear_2", "time_embedding.2"),
    ("condition_embedder.text_embedder.linear_1", "text_embedding.0"),
    ("condition_embedder.text_embedder.linear_2", "text_embedding.2"),
    ("condition_embedder.time_proj", "time_projection.1"),
    ("attn2", "cross_attn"),
    ("attn1", "self_attn"),
    (".to_out.0.", ".o."),
    (".to_q.", ".q."),
    (".to_k.", ".k."),
    (".to_v.", ".v."),
    ("ffn.net.0.proj", "ffn.0"),
    ("ffn.net.2", "ffn.2"),
    ("norm2", "norm_swap"),
    ("norm3", "norm2"),
    ("norm_swap", "norm3"),
]


def _wan_original_name(key: str) -> str:
    if key == "scale_shift_table":
        return "head.modulation"
    key = key.replace("proj_out", "head.head").replace("scale_shift_table", "modulation")
    for ours, theirs in _WAN_ORIGINAL_NAMES:
        key = key.replace(ours, theirs)
    return key


def tiny_wan_gguf(model: Path, path: Path) -> Path:
    """The tiny Wan transformer as a GGUF file: Q8_0 where a row is whole 32-blocks, F32 else."""
    import gguf
    from safetensors.torch import load_file

    (weights,) = (model / "transformer").glob("*.safetensors")
    writer = gguf.GGUFWriter(str(path), "wan")
    for key, tensor in sorted(load_file(weights).items()):
        array = tensor.float().numpy()
        if array.ndim == 2 and array.shape[1] % 32 == 0:
            kind = gguf.GGMLQuantizationType.Q8_0
            packed = gguf.quants.quantize(array, kind)
            writer.add_tensor(
                _wan_original_name(key), packed, raw_shape=packed.shape, raw_dtype=kind
            )
        else:
            writer.add_tensor(_wan_original_name(key), array)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def tiny_cogvideox_i2v(folder: Path) -> Path:
    """CogVideoXImageToVideoPipeline; its learned positional embeddings fit 32x32, 9 frames
    (3 latent frames of 2x2 patches) after a 226-token prompt, the pipeline's default."""
    import torch
    from diffusers import (
        AutoencoderKLCogVideoX,
        CogVideoXDDIMScheduler,
        CogVideoXImageToVideoPipeline,
        CogVideoXTransformer3DModel,
    )

    torch.manual_seed(0)
    transformer = CogVideoXTransformer3DModel(
        num_attention_heads=2, attention_head_dim=16, in_channels=8, out_channels=4,
        time_embed_dim=2, text_embed_dim=TEXT_DIM, num_layers=1, sample_width=4,
        sample_height=4, sample_frames=9, patch_size=2, temporal_compression_ratio=4,
        max_text_seq_length=226, use_rotary_positional_embeddings=True,
        use_learned_positional_embeddings=True,
    )  # fmt: skip
    torch.manual_seed(0)
    vae = AutoencoderKLCogVideoX(
        in_channels=3, out_channels=3, down_block_types=("CogVideoXDownBlock3D",) * 4,
        up_block_types=("CogVideoXUpBlock3D",) * 4, block_out_channels=(8, 8, 8, 8),
        latent_channels=4, layers_per_block=1, norm_num_groups=2, temporal_compression_ratio=4,
    )  # fmt: skip
    pipe = CogVideoXImageToVideoPipeline(
        tokenizer=tiny_tokenizer(),
        text_encoder=tiny_text_encoder("t5"),
        vae=vae,
        transformer=transformer,
        scheduler=CogVideoXDDIMScheduler(),
    )
    pipe.save_pretrained(folder)
    return folder
