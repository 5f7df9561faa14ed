"""`--gguf FILE`: the transformer from a GGUF file (llama.cpp's format, as the community
publishes quantized Wan and LTX transformers: Q8_0, Q4_K, ...), the other components from
--model. diffusers reads it with `from_single_file` and GGUFQuantizationConfig, keeping the
weights quantized and dequantizing them layer by layer as they run.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from vidgen.errors import UsageError

MAGIC = b"GGUF"


@dataclass(frozen=True)
class GgufFile:
    path: Path
    sha256: str

    def as_record(self) -> dict:
        return {"path": str(self.path), "sha256": self.sha256}


def read_gguf(path: str | Path) -> GgufFile:
    """Check the file is there and is GGUF (by its magic bytes); its sha256."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise UsageError(f"--gguf {path}: no such file; pass a .gguf transformer file")
    try:
        with open(path, "rb") as handle:
            magic = handle.read(4)
            digest = hashlib.sha256(magic)
            for chunk in iter(lambda: handle.read(1 << 22), b""):
                digest.update(chunk)
    except OSError as error:
        raise UsageError(f"--gguf {path}: cannot read it ({error.strerror})") from None
    if magic != MAGIC:
        raise UsageError(
            f"--gguf {path}: not a GGUF file (it does not start with GGUF); pass a .gguf "
            "transformer file, or the model's folder with --model"
        )
    return GgufFile(path.resolve(), digest.hexdigest())


def load_transformer(source, path: str, dtype):
    """The --model's transformer class, its config from --model, its weights from the file."""
    import diffusers

    from vidgen.compat import transformer_class

    name = transformer_class(source.path)
    cls = getattr(diffusers, name or "", None)
    if cls is None or not hasattr(cls, "from_single_file"):
        raise UsageError(
            f"--gguf: diffusers cannot read a {name or 'transformer'} from a single file; "
            "drop --gguf"
        )
    try:
        return cls.from_single_file(
            str(path),
            quantization_config=diffusers.GGUFQuantizationConfig(compute_dtype=dtype),
            config=str(source.path),
            subfolder="transformer",
            torch_dtype=dtype,
            local_files_only=True,
        )
    except (ValueError, KeyError, RuntimeError) as error:
        first = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
        raise UsageError(
            f"--gguf {path}: diffusers could not load it as the {name} of {source.requested} "
            f"({first}); pass a GGUF of this model's transformer"
        ) from None
