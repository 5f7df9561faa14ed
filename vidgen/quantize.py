"""`--quantize`: weight quantization of the transformer(s) through diffusers'
PipelineQuantizationConfig, applied while the weights load.

    int8      torchao int8 weight-only (any device; halves bf16 memory)
    float8    torchao float8 weight-only (GPUs of compute capability 8.9+)
    bnb-8bit  bitsandbytes LLM.int8 (CUDA only)
    bnb-4bit  bitsandbytes NF4 with bf16 compute (CUDA only)

What a machine or backend cannot do is refused before loading (vidgen.compat); the text
encoder stays as it is (it runs once per clip, the transformer once per step).
"""

from __future__ import annotations

import logging
from importlib.util import find_spec

CHOICES = ("none", "int8", "float8", "bnb-8bit", "bnb-4bit")
PACKAGE = {
    "int8": "torchao",
    "float8": "torchao",
    "bnb-8bit": "bitsandbytes",
    "bnb-4bit": "bitsandbytes",
}
TRANSFORMERS = ("transformer", "transformer_2")  # Wan 2.2 A14B has two experts


def missing_package(choice: str) -> str | None:
    """The package `choice` needs that is not installed, else None (no import)."""
    package = PACKAGE.get(choice)
    return package if package and find_spec(package) is None else None


def quantization_config(choice: str, components: list[str]):
    """The diffusers PipelineQuantizationConfig for `choice` over the transformers present."""
    if choice == "none":
        return None
    from diffusers import PipelineQuantizationConfig

    targets = [name for name in TRANSFORMERS if name in components]
    if choice in ("int8", "float8"):
        from diffusers import TorchAoConfig
        from torchao.quantization import Float8WeightOnlyConfig, Int8WeightOnlyConfig

        kind = _int8_config(Int8WeightOnlyConfig) if choice == "int8" else Float8WeightOnlyConfig()
        return PipelineQuantizationConfig(quant_mapping={n: TorchAoConfig(kind) for n in targets})
    if choice == "bnb-8bit":
        return PipelineQuantizationConfig(
            quant_backend="bitsandbytes_8bit",
            quant_kwargs={"load_in_8bit": True},
            components_to_quantize=targets,
        )
    import torch

    return PipelineQuantizationConfig(
        quant_backend="bitsandbytes_4bit",
        quant_kwargs={
            "load_in_4bit": True,
            "bnb_4bit_quant_type": "nf4",
            "bnb_4bit_compute_dtype": torch.bfloat16,
        },
        components_to_quantize=targets,
    )


# bitsandbytes' LLM.int8 matmul logs its bfloat16 -> float16 input cast on every call: 2,432
# lines on stderr for one 4-step clip of Wan 1.3B (H200, bitsandbytes 0.50.2, session 14), past
# -q too (it is not vidgen's logger). Once says it.
BNB_CAST_LOGGER = "bitsandbytes.autograd._functions"


class _Once(logging.Filter):
    """Lets each distinct message through once."""

    def __init__(self):
        super().__init__()
        self.seen: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message in self.seen:
            return False
        self.seen.add(message)
        return True


def quiet_repeated_logs(choice: str) -> None:
    """Each bitsandbytes per-call message once per process (idempotent)."""
    if choice not in ("bnb-8bit", "bnb-4bit"):
        return
    logger = logging.getLogger(BNB_CAST_LOGGER)
    if not any(isinstance(f, _Once) for f in logger.filters):
        logger.addFilter(_Once())


def _int8_config(config_class):
    """Int8 weight-only in torchao's version 2 format wherever torchao has one (0.15 on).

    torchao 0.15-0.17 default to version 1, deprecated (four warnings a load, seen on a GPU
    in session 13), and 0.18 to version 2: naming it makes each torchao quantize alike.
    """
    if "version" in getattr(config_class, "__dataclass_fields__", {}):
        return config_class(version=2)
    return config_class()


# Bytes per transformer parameter, for the VRAM guide of `vidgen models`.
BYTES_PER_PARAMETER = {"bf16": 2.0, "int8": 1.0, "4-bit": 0.55}  # 4-bit: NF4 plus its scales


def vram_guide(parameters_b: float) -> dict[str, float]:
    """GB the transformer weights take at each precision (activations, VAE, text encoder extra)."""
    return {name: round(parameters_b * size, 1) for name, size in BYTES_PER_PARAMETER.items()}
