"""`vidgen make --image / --lora / --gguf / --quantize bnb-*` on a GPU, at real size (session 14).

The sibling of benchmarks/gpu_make.py (whose build, variant runner, memory reading and verify
this reuses): the same real-size Wan2.1-T2V-1.3B with random weights, plus, built here:

- an image-to-video pipeline of the same width: WanImageToVideoPipeline whose transformer is
  the 1.3B one (30 layers, 12 heads x 128) with Wan 2.1 I2V's image conditioning (in_channels
  36 = 16 noise + 4 mask + 16 first-frame latents; image_dim 1280 and a second key/value
  projection in every cross-attention, added_kv_proj_dim = the inner width, as the 14B I2V
  model has them), and a CLIP ViT-H/14 vision encoder of the real size (32 layers, 1280 wide,
  224 px), the same UMT5 and VAE as the text-to-video folder. No 1.3B I2V model was released:
  this is the 14B I2V's layout at the 1.3B width, so its s/step is not the 14B's;
- a rank-32 LoRA on every attention projection (to_q, to_k, to_v, to_out.0 of self- and
  cross-attention, 30 layers), random A and B, saved as diffusers saves LoRAs;
- the 1.3B transformer as GGUF files, Q8_0 and Q4_0, packed here on the GPU (llama.cpp's block
  formats, byte for byte those of the gguf package's numpy quantizer: checked on a slice every
  run) under the original Wan checkpoint names, as community GGUF files name them.

    python benchmarks/gpu_make_conditioning.py --out $OUT --work /tmp/gmc            # the GPU
    python benchmarks/gpu_make_conditioning.py --tiny --device cpu --out /tmp/o --work /tmp/w
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]
import gpu_make as base  # noqa: E402  (the T2V build, variant runner, verify: one copy)

# name, model (t2v | i2v), extra CLI flags ({image} {lora} {q8_0} {q4_0} filled in), timeout s.
# Ordered by what matters most: the run's time budget cuts the tail.
VARIANTS = [
    ("bf16", "t2v", [], 120),
    ("lora", "t2v", ["--lora", "{lora}:0.8"], 120),
    ("gguf-q8_0", "t2v", ["--gguf", "{q8_0}"], 120),
    ("i2v", "i2v", ["--image", "{image}"], 150),
    ("i2v-lora", "i2v", ["--image", "{image}", "--lora", "{lora}:0.8"], 120),
    ("i2v-offload-model", "i2v", ["--image", "{image}", "--offload", "model"], 120),
    ("bnb-8bit", "t2v", ["--quantize", "bnb-8bit"], 120),
    ("bnb-4bit", "t2v", ["--quantize", "bnb-4bit"], 120),
    ("gguf-q4_0", "t2v", ["--gguf", "{q4_0}"], 120),
    ("lora-offload-model", "t2v", ["--lora", "{lora}:0.8", "--offload", "model"], 120),
    ("i2v-vae-tiling", "i2v", ["--image", "{image}", "--vae-tiling"], 120),
    ("gguf-lora", "t2v", ["--gguf", "{q8_0}", "--lora", "{lora}:0.8"], 120),
    ("int8-lora", "t2v", ["--quantize", "int8", "--lora", "{lora}:0.8"], 120),
    ("i2v-int8", "i2v", ["--image", "{image}", "--quantize", "int8"], 120),
]
VERIFIED = ("i2v",)  # `vidgen verify` on these clips (session 13 verified text-to-video)
# Pairs whose decoded frames are compared (mean absolute difference, 0-255): a LoRA must change
# the frames, and offload and tiling should not (beyond rounding).
COMPARED = [
    ("bf16", "lora"), ("gguf-q8_0", "gguf-lora"), ("int8-lora", "lora"), ("gguf-lora", "lora"),
    ("lora", "lora-offload-model"), ("i2v", "i2v-lora"), ("i2v", "i2v-offload-model"),
    ("i2v", "i2v-vae-tiling"), ("i2v", "i2v-int8"), ("bf16", "gguf-q8_0"),
    ("bf16", "gguf-q4_0"), ("bf16", "bnb-8bit"), ("bf16", "bnb-4bit"),
]  # fmt: skip
LORA_RANK = 32
LORA_TARGETS = ["to_q", "to_k", "to_v", "to_out.0"]
# CLIP ViT-H/14 (Wan 2.1 I2V's image encoder: open-clip xlm-roberta-large-vit-huge-14).
CLIP_VIT_H = dict(
    hidden_size=1280, intermediate_size=5120, num_hidden_layers=32, num_attention_heads=16,
    image_size=224, patch_size=14, projection_dim=1024, hidden_act="gelu",
)  # fmt: skip
CLIP_TINY = dict(
    hidden_size=4, intermediate_size=16, num_hidden_layers=2, num_attention_heads=2,
    image_size=32, patch_size=1,
)  # fmt: skip


def build_i2v(t2v: Path, folder: Path, tiny: bool, device: str) -> dict:
    """WanImageToVideoPipeline: a new transformer and CLIP, the UMT5 and VAE of `t2v`."""
    import torch
    from diffusers import (
        AutoencoderKLWan,
        UniPCMultistepScheduler,
        WanImageToVideoPipeline,
        WanTransformer3DModel,
    )
    from transformers import (
        AutoTokenizer,
        CLIPImageProcessor,
        CLIPVisionConfig,
        CLIPVisionModel,
        UMT5EncoderModel,
    )

    dtype = torch.float32 if tiny else torch.bfloat16
    t2v_config = WanTransformer3DModel.load_config(str(t2v / "transformer"))
    clip = CLIP_TINY if tiny else CLIP_VIT_H
    inner = t2v_config["num_attention_heads"] * t2v_config["attention_head_dim"]
    config = {k: v for k, v in t2v_config.items() if not k.startswith("_")}
    config.update(in_channels=36, out_channels=16, image_dim=clip["hidden_size"],
                  added_kv_proj_dim=inner)  # fmt: skip
    started = time.perf_counter()
    torch.manual_seed(1)
    with torch.device(device):
        transformer = WanTransformer3DModel(**config)
        encoder = CLIPVisionModel(CLIPVisionConfig(**clip))
    size = clip["image_size"]
    pipe = WanImageToVideoPipeline(
        tokenizer=AutoTokenizer.from_pretrained(str(t2v / "tokenizer")),
        text_encoder=UMT5EncoderModel.from_pretrained(str(t2v / "text_encoder"), dtype=dtype),
        vae=AutoencoderKLWan.from_pretrained(str(t2v / "vae")),
        transformer=transformer.to(dtype),
        scheduler=UniPCMultistepScheduler.from_pretrained(str(t2v / "scheduler")),
        image_encoder=encoder.to(dtype),
        image_processor=CLIPImageProcessor(crop_size=size, size=size),
    )
    built = time.perf_counter() - started
    pipe.save_pretrained(folder)
    count = {
        "transformer": sum(p.numel() for p in transformer.parameters()),
        "image_encoder": sum(p.numel() for p in encoder.parameters()),
    }
    del pipe, transformer, encoder
    return {"parameters": count, "build_s": round(built, 1),
            "save_s": round(time.perf_counter() - started - built, 1)}  # fmt: skip


def round_half_away(values):
    """ggml's roundf (the gguf package's np_roundf): halves away from zero."""
    import torch

    size = values.abs()
    floored = size.floor()
    return torch.sign(values) * (floored + (2 * (size - floored)).floor())


def pack_q8_0(weight):
    """(rows, cols) -> (rows, cols / 32 * 34) uint8: per 32 values an fp16 scale, 32 int8."""
    import torch

    blocks = weight.float().reshape(-1, 32)
    scale = blocks.abs().amax(dim=1, keepdim=True) / 127
    inverse = torch.where(scale == 0, 0.0, 1 / scale)
    values = round_half_away(blocks * inverse).to(torch.int8).view(torch.uint8)
    packed = torch.cat([scale.half().view(torch.uint8), values], dim=1)
    return packed.reshape(weight.shape[0], -1)


def pack_q4_0(weight):
    """(rows, cols) -> (rows, cols / 32 * 18) uint8: an fp16 scale, 32 nibbles, offset 8."""
    import torch

    blocks = weight.float().reshape(-1, 32)
    at = blocks.abs().argmax(dim=1, keepdim=True)
    scale = blocks.gather(1, at) / -8
    inverse = torch.where(scale == 0, 0.0, 1 / scale)
    values = (blocks * inverse + 8.5).trunc().clamp(0, 15).to(torch.uint8).reshape(-1, 2, 16)
    nibbles = values[:, 0, :] | (values[:, 1, :] << 4)
    packed = torch.cat([scale.half().view(torch.uint8), nibbles], dim=1)
    return packed.reshape(weight.shape[0], -1)


PACKERS = {"Q8_0": pack_q8_0, "Q4_0": pack_q4_0}


def check_packers(state: dict) -> dict:
    """The packers against the gguf package's reference quantizer, on a slice of a weight:
    {kind: bytes identical}. A difference is reported, not fatal: the files still load."""
    import gguf
    import numpy as np

    name = next(k for k, v in state.items() if v.ndim == 2 and v.shape[1] % 32 == 0)
    piece = state[name][:64].float()
    same = {"tensor": name}
    for kind, pack in PACKERS.items():
        reference = gguf.quants.quantize(piece.cpu().numpy(), gguf.GGMLQuantizationType[kind])
        same[kind] = bool(np.array_equal(pack(piece).cpu().numpy(), reference))
    return same


def write_gguf(state: dict, path: Path, kind: str) -> dict:
    """The transformer as GGUF: `kind` where a row is whole 32-blocks, F32 elsewhere."""
    import gguf
    from tiny_pipelines import _wan_original_name  # the diffusers -> Wan checkpoint names

    started = time.perf_counter()
    writer = gguf.GGUFWriter(str(path), "wan")
    quantized = 0
    for key, tensor in sorted(state.items()):
        if tensor.ndim == 2 and tensor.shape[1] % 32 == 0:
            packed = PACKERS[kind](tensor).cpu().numpy()
            raw = gguf.GGMLQuantizationType[kind]
            writer.add_tensor(
                _wan_original_name(key), packed, raw_shape=packed.shape, raw_dtype=raw
            )
            quantized += tensor.numel()
        else:
            writer.add_tensor(_wan_original_name(key), tensor.float().cpu().numpy())
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return {"bytes": path.stat().st_size, "quantized_parameters": quantized,
            "write_s": round(time.perf_counter() - started, 1)}  # fmt: skip


def write_lora(transformer, folder: Path) -> dict:
    import torch
    from diffusers.loaders import WanLoraLoaderMixin
    from peft import LoraConfig
    from peft.utils import get_peft_model_state_dict

    torch.manual_seed(2)
    transformer.add_adapter(
        LoraConfig(r=LORA_RANK, lora_alpha=LORA_RANK, init_lora_weights=False,
                   target_modules=LORA_TARGETS)
    )  # fmt: skip
    layers = get_peft_model_state_dict(transformer)
    name = f"lora_r{LORA_RANK}.safetensors"
    WanLoraLoaderMixin.save_lora_weights(str(folder), transformer_lora_layers=layers,
                                         weight_name=name)  # fmt: skip
    return {"path": str(folder / name), "bytes": (folder / name).stat().st_size,
            "parameters": sum(t.numel() for t in layers.values()), "rank": LORA_RANK}  # fmt: skip


def build_all(work: Path, device: str, tiny: bool, size: tuple[int, int]) -> dict:
    """Every model and file the variants need, under `work`; reused when already there.
    A part that fails is recorded and left out (its variants are skipped), so that one
    missing package on the device costs those variants, not the run."""
    import torch
    from diffusers import WanTransformer3DModel
    from tiny_pipelines import tiny_image

    t2v, i2v, files = work / "t2v", work / "i2v", work / "files"
    files.mkdir(parents=True, exist_ok=True)
    built = {"files": {}, "errors": {}}

    def attempt(part: str, make, *arguments):
        try:
            return make(*arguments)
        except Exception:  # recorded whole: the device run cannot be watched
            built["errors"][part] = traceback.format_exc()[-1500:]
            return None

    if not (t2v / "model_index.json").is_file():
        built["t2v"] = base.build_pipeline(t2v, tiny, device)  # every variant needs it
    if not (i2v / "model_index.json").is_file():
        built["i2v"] = attempt("i2v", build_i2v, t2v, i2v, tiny, device)
    built["files"]["image"] = str(tiny_image(files / "first_frame.png", size=size))
    transformer = WanTransformer3DModel.from_pretrained(
        str(t2v / "transformer"), dtype=torch.float32 if tiny else torch.bfloat16
    ).to(device)
    state = {k: v.detach() for k, v in transformer.state_dict().items()}
    built["packers_match_gguf"] = attempt("packers", check_packers, state)
    for kind in PACKERS:
        path = files / f"wan_t2v_1.3b_{kind.lower()}.gguf"
        if not path.is_file():
            written = attempt(f"gguf_{kind}", write_gguf, state, path, kind)
            built[f"gguf_{kind.lower()}"] = written
        if path.is_file() and f"gguf_{kind}" not in built["errors"]:
            built["files"][kind.lower()] = str(path)
    del state
    built["lora"] = attempt("lora", write_lora, transformer, files)
    if built["lora"]:
        built["files"]["lora"] = built["lora"]["path"]
    return built


def main() -> None:
    run = base.start_harness(
        __doc__.splitlines()[0], "models, files and clips", "vidgen.bench.gpu_make_conditioning/1"
    )
    args, clips, results, save = run.args, run.clips, run.results, run.save

    # Built in a process of its own: this one never holds a CUDA context (gpu_make.py's reason).
    build = [sys.executable, str(Path(__file__).resolve()), "--build", str(args.work), args.device,
             f"{args.width}x{args.height}"] + (["--tiny"] if args.tiny else [])  # fmt: skip
    done = subprocess.run(build, capture_output=True, text=True)
    if done.returncode != 0:
        results["build_error"] = done.stderr[-3000:]
        save()
        sys.exit(f"building the models failed:\n{done.stderr[-3000:]}")
    results.update(json.loads(done.stdout.strip().splitlines()[-1]))
    results["build_wall_s"] = round(run.elapsed(), 1)
    save()
    print(json.dumps({k: v for k, v in results.items() if k != "variants"}), flush=True)
    files = results["built"]["files"]
    wanted = args.variants.split(",") if args.variants else None
    for name, kind, flags, timeout in VARIANTS:
        if wanted and name not in wanted:
            continue
        left = run.time_for(name, 25)
        if left is None:
            continue
        model = args.work / kind
        try:
            flags = [flag.format(**files) for flag in flags]
        except KeyError as missing:
            results["variants"].append({"variant": name, "rc": "skipped",
                                        "error": f"not built: {missing}"})  # fmt: skip
            save()
            continue
        if not (model / "model_index.json").is_file():
            results["variants"].append({"variant": name, "rc": "skipped", "error": "no model"})
            save()
            continue
        result = base.run_variant(name, flags, None, min(timeout, left), args, model, clips)
        result["model"] = kind
        if name in VERIFIED and result.get("clip"):
            result["verify"] = base.verify(result["clip"])
        results["variants"].append(result)
        save()
        print(json.dumps(result), flush=True)
    results["frame_differences"] = frame_differences(clips)
    save()
    print(json.dumps(results["frame_differences"]), flush=True)


def frame_differences(clips: Path) -> dict:
    """Mean |a - b| of the decoded frames (uint8 RGB) for each pair of COMPARED that was made."""
    import av
    import numpy as np

    def frames(name: str):
        with av.open(str(clips / f"{name}.mp4")) as container:
            return np.stack([f.to_ndarray(format="rgb24") for f in container.decode(video=0)])

    out = {}
    for first, second in COMPARED:
        if (clips / f"{first}.mp4").is_file() and (clips / f"{second}.mp4").is_file():
            a, b = frames(first).astype(np.int16), frames(second).astype(np.int16)
            out[f"{first} vs {second}"] = round(float(np.abs(a - b).mean()), 3)
    return out


def build_main(work: Path, device: str, size: str, tiny: bool) -> None:
    from importlib.metadata import PackageNotFoundError, version

    width, height = (int(side) for side in size.split("x"))
    built = build_all(work, device, tiny, (width, height))
    found = base.environment()
    for package in ("peft", "gguf", "bitsandbytes"):  # gguf has no __version__
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = None
    print(json.dumps({"built": built, "environment": found}))


if __name__ == "__main__":
    if len(sys.argv) > 4 and sys.argv[1] == "--build":
        build_main(Path(sys.argv[2]), sys.argv[3], sys.argv[4], "--tiny" in sys.argv[5:])
    else:
        main()
