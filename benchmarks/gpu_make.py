"""`vidgen make` on a GPU: a real-size Wan2.1-T2V-1.3B with random weights, every GPU option.

Nothing can be downloaded on the GPU machine, so the pipeline is built in code with the real
architecture (transformer: 30 layers, 12 heads x 128, ffn 8960, text_dim 4096; the real
AutoencoderKLWan config; the real UniPC flow scheduler) but random weights, and a UMT5 text
encoder of the real width (d_model 4096) with 2 layers and a word-level tokenizer built here.
Speed and memory are those of the real transformer and VAE; the frames are noise.

Each variant runs the real CLI (`python -m vidgen make ... --device cuda --json`) in its own
process, so each pays its own imports and load, as a user does. Peak GPU memory is read inside
that process at exit (torch.cuda.max_memory_allocated/reserved, through --as-cli below) and,
as a cross-check that also sees the CUDA context, by polling nvidia-smi from here. Seconds per
step come from the CLI's `denoising: step i/N (t s)` lines: (t_N - t_1) / (N - 1), so the first
step (compilation, warm-up) is left out. results.json is rewritten after every variant.

    python benchmarks/gpu_make.py --out $OUT --work /tmp/gpu_make         # on the GPU
    python benchmarks/gpu_make.py --tiny --device cpu --out /tmp/o --work /tmp/w   # a CPU rehearsal
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROMPT = "a red ball falls on the green cube"
VOCABULARY = [
    "a",
    "an",
    "the",
    "red",
    "blue",
    "green",
    "ball",
    "cube",
    "square",
    "falls",
    "moves",
    "on",
    "left",
    "right",
    "up",
    "down",
]

# name, extra CLI flags, steps override (None: --steps), per-variant timeout in seconds.
VARIANTS = [
    ("bf16", [], None, 150),
    ("offload-model", ["--offload", "model"], None, 120),
    ("int8", ["--quantize", "int8"], None, 150),
    ("float8", ["--quantize", "float8"], None, 150),
    ("fbc", ["--cache", "fbc"], None, 120),
    ("vae-tiling", ["--vae-tiling"], None, 120),
    ("offload-group", ["--offload", "group"], None, 150),
    ("compile", ["--compile"], None, 150),
    ("offload-sequential", ["--offload", "sequential"], 2, 180),
    ("bnb-8bit", ["--quantize", "bnb-8bit"], None, 120),
    ("bnb-4bit", ["--quantize", "bnb-4bit"], None, 120),
]
CPU_VARIANTS = ("bf16", "int8", "fbc", "vae-tiling", "offload-model")  # the last must be refused


def build_pipeline(folder: Path, tiny: bool, device: str) -> dict:
    """Build the Wan 2.1 T2V pipeline in code and save it as a diffusers folder."""
    import torch
    from diffusers import (
        AutoencoderKLWan,
        UniPCMultistepScheduler,
        WanPipeline,
        WanTransformer3DModel,
    )
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast, UMT5Config, UMT5EncoderModel

    specials = ["<pad>", "</s>", "<unk>"]
    vocab = {word: i for i, word in enumerate(specials + VOCABULARY)}
    backend = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend, pad_token="<pad>", eos_token="</s>", unk_token="<unk>"
    )
    if tiny:  # same classes, a few thousand parameters: a CPU rehearsal of the script
        text = dict(d_model=32, d_ff=37, d_kv=8, num_heads=4, num_layers=2)
        wan = dict(num_attention_heads=2, attention_head_dim=12, ffn_dim=32, num_layers=2)
        vae_config = dict(base_dim=3, dim_mult=[1, 1, 1, 1], num_res_blocks=1)
    else:  # UMT5-XXL's width with 2 of its 24 layers; Wan2.1-T2V-1.3B's transformer and VAE
        text = dict(d_model=4096, d_ff=10240, d_kv=64, num_heads=64, num_layers=2)
        wan = dict(num_attention_heads=12, attention_head_dim=128, ffn_dim=8960, num_layers=30)
        vae_config = {}  # AutoencoderKLWan's defaults are Wan 2.1's VAE
    started = time.perf_counter()
    torch.manual_seed(0)
    with torch.device(device):  # random init on the GPU: seconds, not minutes, for 1.4B weights
        encoder = UMT5EncoderModel(
            UMT5Config(
                vocab_size=len(vocab), feed_forward_proj="gated-gelu",
                relative_attention_num_buckets=32, decoder_start_token_id=0, **text,
            )
        )  # fmt: skip
        transformer = WanTransformer3DModel(
            patch_size=(1, 2, 2), in_channels=16, out_channels=16, text_dim=text["d_model"],
            freq_dim=256, cross_attn_norm=True, qk_norm="rms_norm_across_heads", eps=1e-6,
            rope_max_seq_len=1024, **wan,
        )  # fmt: skip
        vae = AutoencoderKLWan(**vae_config)
    dtype = torch.float32 if tiny else torch.bfloat16
    pipe = WanPipeline(
        tokenizer=tokenizer,
        text_encoder=encoder.to(dtype),
        transformer=transformer.to(dtype),
        vae=vae,  # float32 on disk, as Wan's release; vidgen loads it in the run's dtype
        scheduler=UniPCMultistepScheduler(
            prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=3.0
        ),
    )
    built = time.perf_counter() - started
    pipe.save_pretrained(folder)
    count = {
        name: sum(p.numel() for p in module.parameters())
        for name, module in (("transformer", transformer), ("text_encoder", encoder), ("vae", vae))
    }
    del pipe, transformer, encoder, vae
    if device.startswith("cuda"):
        torch.cuda.empty_cache()
    return {
        "parameters": count,
        "build_s": round(built, 1),
        "save_s": round(time.perf_counter() - started - built, 1),
        "folder_bytes": sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()),
    }


class GpuMemoryPoller:
    """Peak of nvidia-smi's memory.used (MiB) over a variant: the whole GPU, CUDA context too."""

    def __init__(self, every_s: float = 0.2):
        self.every_s, self.peak, self.samples = every_s, None, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self) -> None:
        while not self._stop.is_set():
            try:
                text = subprocess.run(
                    ["nvidia-smi", "--query-gpu=memory.used", "--format=csv,noheader,nounits"],
                    capture_output=True, text=True, timeout=5,
                ).stdout  # fmt: skip
                used = int(text.split()[0])
                self.peak = used if self.peak is None else max(self.peak, used)
                self.samples += 1
            except (OSError, ValueError, IndexError, subprocess.SubprocessError):
                return  # no nvidia-smi (the CPU rehearsal): the in-process figures remain
            self._stop.wait(self.every_s)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=10)


def step_seconds(stderr: str) -> float | None:
    """Steady seconds per step from `denoising: step i/N (t s)` lines, first step left out."""
    steps = [
        (int(m[1]), float(m[2])) for m in re.finditer(r"step (\d+)/\d+ \(([\d.]+) s\)", stderr)
    ]
    if len(steps) < 2 or steps[-1][0] == steps[0][0]:
        return None
    (first, t_first), (last, t_last) = steps[0], steps[-1]
    return round((t_last - t_first) / (last - first), 3)


def error_line(stderr: str) -> str:
    """The CLI's one-line error (or the last line a crash printed)."""
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith(("Error", "vidgen: error", "error"))]
    return (errors or lines or [""])[-1][:400]


def run_variant(name, flags, steps, timeout, args, model: Path, clips: Path) -> dict:
    peak_file = clips / f"{name}.peak.json"
    command = [
        sys.executable, str(Path(__file__).resolve()), "--as-cli", str(peak_file), "make", PROMPT,
        "--model", str(model), "--device", args.device, "--seed", "7",
        "--frames", str(args.frames), "--height", str(args.height), "--width", str(args.width),
        "--steps", str(steps or args.steps), "-o", str(clips / f"{name}.mp4"), "--json", *flags,
    ]  # fmt: skip
    result = {"variant": name, "flags": flags, "steps": steps or args.steps}
    started = time.perf_counter()
    with GpuMemoryPoller() as poller:
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
            rc, stdout, stderr = done.returncode, done.stdout, done.stderr
        except subprocess.TimeoutExpired as expired:
            rc, stdout = "timeout", ""
            stderr = (expired.stderr or b"").decode(errors="replace")
    result.update(rc=rc, wall_s=round(time.perf_counter() - started, 1))
    result["nvidia_smi_peak_mib"] = poller.peak
    if peak_file.is_file():
        result.update(json.loads(peak_file.read_text()))
    result["s_per_step"] = step_seconds(stderr)
    try:
        made = json.loads(stdout.strip().splitlines()[-1])
        result.update(clip=made["path"], timings=made["timings"])
    except (ValueError, IndexError, KeyError):
        result["error"] = error_line(stderr) if rc != 0 else f"no JSON on stdout: {stdout[-200:]}"
        result["stderr_tail"] = stderr[-1500:]
    (clips / f"{name}.stderr.txt").write_text(stderr)
    return result


def verify(clip: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "vidgen", "verify", "--json", clip],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    try:
        report = json.loads(done.stdout)
    except ValueError:
        return {"rc": done.returncode, "error": error_line(done.stderr)}
    clip_report = report["clips"][0]
    return {"rc": done.returncode, "exit_code": report["exit_code"], "clip": clip_report}


def environment() -> dict:
    import torch

    import vidgen

    found = {
        "python": sys.version.split()[0],
        "torch": torch.__version__,
        "vidgen": vidgen.__file__,
    }
    for package in ("diffusers", "transformers", "accelerate", "torchao", "bitsandbytes", "av"):
        try:
            found[package] = __import__(package).__version__
        except ImportError:
            found[package] = None
    if torch.cuda.is_available():
        found["gpu"] = torch.cuda.get_device_name(0)
        found["capability"] = list(torch.cuda.get_device_capability(0))
        found["gpu_memory_gib"] = round(torch.cuda.get_device_properties(0).total_memory / 2**30)
    return found


def ffmpeg_for(work: Path, choice: str) -> str:
    """The ffmpeg vidgen should use: imageio-ffmpeg's own, or the PyAV stand-in."""
    if choice == "auto":
        try:
            import imageio_ffmpeg

            return imageio_ffmpeg.get_ffmpeg_exe()
        except (ImportError, RuntimeError):
            pass
    script = work / "ffmpeg"
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{HERE / "ffmpeg_standin.py"}" "$@"\n')
    script.chmod(0o755)
    os.environ["IMAGEIO_FFMPEG_EXE"] = str(script)
    return f"{script} (PyAV stand-in, benchmarks/ffmpeg_standin.py)"


def as_cli(peak_file: str, argv: list[str]) -> None:
    """Run vidgen's CLI in this process and write its peak CUDA memory at exit."""
    import atexit

    def write_peak() -> None:
        torch = sys.modules.get("torch")
        if torch is None or not torch.cuda.is_available() or not torch.cuda.is_initialized():
            return
        Path(peak_file).write_text(
            json.dumps(
                {
                    "peak_allocated_gib": round(torch.cuda.max_memory_allocated() / 2**30, 2),
                    "peak_reserved_gib": round(torch.cuda.max_memory_reserved() / 2**30, 2),
                }
            )
        )

    atexit.register(write_peak)
    sys.argv = ["vidgen", *argv]
    from vidgen.cli import main

    main()


def harness_arguments(description: str, work: str) -> argparse.ArgumentParser:
    """The options every device harness takes (this one and gpu_make_conditioning.py)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", type=Path, required=True, help="results.json goes here")
    parser.add_argument("--work", type=Path, required=True, help=work)
    parser.add_argument("--tiny", action="store_true", help="tiny configs: a CPU rehearsal")
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--frames", type=int, default=33)
    parser.add_argument("--height", type=int, default=480)
    parser.add_argument("--width", type=int, default=832)
    parser.add_argument("--steps", type=int, default=4)
    parser.add_argument("--variants", default=None, help="comma-separated names [default: all]")
    parser.add_argument("--budget-s", type=float, default=380, help="start no variant after")
    parser.add_argument("--ffmpeg", choices=["auto", "standin"], default="auto")
    return parser


@dataclass
class Harness:
    """A device harness's run: its options, clips folder, results and start time."""

    args: argparse.Namespace
    clips: Path
    results: dict
    started: float

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def time_for(self, variant: str, margin_s: float) -> float | None:
        """Seconds of the budget left for `variant`, or None (recorded as skipped) when
        fewer than `margin_s` are left."""
        left = self.args.budget_s - self.elapsed()
        if left >= margin_s:
            return left
        self.results["variants"].append(
            {"variant": variant, "rc": "skipped", "error": "out of time"}
        )
        self.save()
        return None

    def save(self) -> None:
        """Write the results to OUT/results.json, with the time so far."""
        self.results["elapsed_s"] = round(self.elapsed(), 1)
        (self.args.out / "results.json").write_text(json.dumps(self.results, indent=1))


def start_harness(description: str, work: str, schema: str) -> Harness:
    """Parse a device harness's options and prepare its folders and results."""
    args = harness_arguments(description, work).parse_args()
    started = time.perf_counter()
    args.out.mkdir(parents=True, exist_ok=True)
    clips = args.work / "clips"
    clips.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("VIDGEN_HOME", str(args.work / "home"))  # the local signing CA
    results = {"schema": schema, "args": vars(args) | {"out": str(args.out), "work": str(args.work)},
               "ffmpeg": ffmpeg_for(args.work, args.ffmpeg), "variants": []}  # fmt: skip
    return Harness(args, clips, results, started)


def main() -> None:
    run = start_harness(
        __doc__.splitlines()[0], "model folder and clips", "vidgen.bench.gpu_make/1"
    )
    args, clips, results, save = run.args, run.clips, run.results, run.save

    # The build runs in its own process so that this one never holds a CUDA context, which
    # nvidia-smi's figures would count in every variant.
    model = args.work / "model"
    build = [sys.executable, str(Path(__file__).resolve()), "--build", str(model), args.device]
    done = subprocess.run(build + (["--tiny"] if args.tiny else []), capture_output=True, text=True)
    if done.returncode != 0:
        results["build_error"] = done.stderr[-2000:]
        save()
        sys.exit(f"building the pipeline failed:\n{done.stderr[-2000:]}")
    results.update(json.loads(done.stdout.strip().splitlines()[-1]))
    save()
    print(json.dumps({k: results[k] for k in ("model", "environment")}), flush=True)
    wanted = args.variants.split(",") if args.variants else None
    for name, flags, steps, timeout in VARIANTS:
        if wanted and name not in wanted or (not wanted and args.tiny and name not in CPU_VARIANTS):
            continue
        left = run.time_for(name, 20)
        if left is None:
            continue
        result = run_variant(name, flags, steps, min(timeout, left), args, model, clips)
        if name == "bf16" and result.get("clip"):
            result["verify"] = verify(result["clip"])
        results["variants"].append(result)
        save()
        print(json.dumps(result), flush=True)
    if shutil.which("nvidia-smi"):
        results["nvidia_smi"] = subprocess.run(
            ["nvidia-smi", "--query-gpu=name,driver_version,memory.total", "--format=csv"],
            capture_output=True, text=True,
        ).stdout  # fmt: skip
    save()


def build_main(folder: Path, device: str, tiny: bool) -> None:
    model = None
    if not (folder / "model_index.json").is_file():
        model = build_pipeline(folder, tiny, device)
    print(json.dumps({"model": model, "environment": environment()}))


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--as-cli":
        as_cli(sys.argv[2], sys.argv[3:])
    elif len(sys.argv) > 3 and sys.argv[1] == "--build":
        build_main(Path(sys.argv[2]), sys.argv[3], "--tiny" in sys.argv[4:])
    else:
        main()
