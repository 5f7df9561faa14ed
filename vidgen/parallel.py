"""`--context-parallel ulysses|ring`: one clip's transformer attention split over the GPUs of
a torchrun launch, through diffusers' `enable_parallelism(ContextParallelConfig(...))`.

Every process runs the whole pipeline on its own GPU and the transformer's sequence is
sharded between them, so all ranks end with the same frames; rank 0 writes the clip.
vidgen.compat refuses what diffusers cannot do (other transformers, offload, CPU) before this
runs. Not exercised in this repository's tests: they run on CPUs, where diffusers 0.42 cannot
place a rank (its device is `rank % accelerator count`, and a CPU has no accelerator).
"""

from __future__ import annotations

import os


def rank() -> int:
    return int(os.environ.get("RANK", "0"))


def is_writer(runtime) -> bool:
    """The process that publishes the clip: every process alone, rank 0 under context parallelism."""
    return not runtime.context_parallel or rank() == 0


def enable_context_parallel(loaded) -> None:
    import torch
    import torch.distributed as dist
    from diffusers import ContextParallelConfig

    world = int(os.environ["WORLD_SIZE"])
    if not dist.is_initialized():
        dist.init_process_group("nccl")
    torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))
    if loaded.options.context_parallel == "ulysses":
        config = ContextParallelConfig(ulysses_degree=world)
    else:
        config = ContextParallelConfig(ring_degree=world)
    for name in ("transformer", "transformer_2"):
        transformer = getattr(loaded.pipe, name, None)
        if transformer is not None:
            transformer.enable_parallelism(config=config)
    loaded.notes.append(f"context parallel: {loaded.options.context_parallel} over {world} GPUs")


def runtime_for_rank(runtime):
    """Under context parallelism each process takes its own GPU, cuda:LOCAL_RANK."""
    from dataclasses import replace

    if runtime.context_parallel and runtime.device == "auto" and "LOCAL_RANK" in os.environ:
        import torch

        if torch.cuda.is_available():  # elsewhere vidgen.compat refuses, naming the device
            return replace(runtime, device=f"cuda:{os.environ['LOCAL_RANK']}")
    return runtime
