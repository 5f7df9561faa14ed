"""What vidgen asks of diffusers and torchao on a GPU, checked on the CPU.

The first two were found on an H200 in session 13 (benchmarks/gpu_make.py, BENCHMARKS.md):
leaf-level group offload without a copy stream ran 3.27 s a step against 0.47 s with one,
and torchao 0.17 quantized int8 in its deprecated version-1 format with four warnings a load.
The third in session 14 (benchmarks/gpu_make_conditioning.py): --quantize bnb-8bit wrote a
bitsandbytes log line for every 8-bit matmul, 2,432 for one clip.
"""

from __future__ import annotations

import pytest

from vidgen.loading import LoadedPipeline, RuntimeOptions, _place, group_offload_arguments


class _Module:
    def __init__(self):
        self.calls = []

    def to(self, device):
        self.calls.append(("to", device))
        return self

    def enable_group_offload(self, **arguments):
        self.calls.append(("group", arguments))


class _Pipe:
    def __init__(self):
        self.transformer, self.vae, self.text_encoder = _Module(), _Module(), _Module()
        self.components = {"transformer": self.transformer, "vae": self.vae,
                           "text_encoder": self.text_encoder, "scheduler": object()}  # fmt: skip


@pytest.mark.parametrize(
    "device, stream", [("cuda", True), ("cuda:1", True), ("mps", False)], ids=str
)
def test_group_offload_copies_on_a_stream_on_cuda_only(device, stream):
    pipe = _Pipe()
    loaded = LoadedPipeline(pipe, None, device, "bfloat16", RuntimeOptions(offload="group"))
    _place(loaded)
    ((kind, arguments),) = pipe.transformer.calls
    assert kind == "group"
    assert arguments == group_offload_arguments(device)
    assert arguments["use_stream"] is stream
    assert arguments["offload_type"] == "leaf_level" and arguments["onload_device"] == device
    # The rest of the pipeline sits on the GPU whole; only the transformer's leaves move.
    assert pipe.vae.calls == [("to", device)] and pipe.text_encoder.calls == [("to", device)]


def test_int8_asks_torchao_for_its_version_2_format():
    torchao = pytest.importorskip("torchao", reason="--quantize int8 needs torchao")
    from torchao.quantization import Int8WeightOnlyConfig

    from vidgen.quantize import quantization_config

    config = quantization_config("int8", ["transformer", "vae", "text_encoder"])
    (name,) = config.quant_mapping  # the transformer only: it runs once a step
    assert name == "transformer"
    kind = config.quant_mapping[name].quant_type
    assert isinstance(kind, Int8WeightOnlyConfig)
    if "version" in Int8WeightOnlyConfig.__dataclass_fields__:  # torchao 0.15 on
        assert kind.version == 2, f"torchao {torchao.__version__}"


CAST = "MatMul8bitLt: inputs will be cast from %s to float16 during quantization"


@pytest.mark.parametrize("choice, lines", [("bnb-8bit", 1), ("bnb-4bit", 1), ("int8", 3)])
def test_bitsandbytes_per_call_log_comes_once(choice, lines, caplog):
    # bitsandbytes 0.50.2 logs CAST through logging.getLogger(__name__) on every 8-bit matmul:
    # 2,432 lines for one clip on the H200 in session 14.
    import logging

    from vidgen.quantize import BNB_CAST_LOGGER, quiet_repeated_logs

    logger = logging.getLogger(BNB_CAST_LOGGER)
    saved = list(logger.filters)
    try:
        quiet_repeated_logs(choice)
        quiet_repeated_logs(choice)  # a second load in the same process adds nothing
        with caplog.at_level(logging.WARNING):
            for _ in range(3):
                logger.warning(CAST, "torch.bfloat16")
            logger.warning("another message")
        messages = [record.getMessage() for record in caplog.records]
        assert messages == [CAST % "torch.bfloat16"] * lines + ["another message"]
    finally:
        logger.filters[:] = saved
