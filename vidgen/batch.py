"""Batches: one model load, many prompts, resumable, sharded over processes and machines.

A batch folder holds the clips, their sidecars and `run.jsonl`, the manifest: one line per
finished item, appended under an exclusive lock so lines from many processes never
interleave. A re-run of the same command skips every item whose clip and record are intact
and redoes the rest; since clips are published atomically, a killed run leaves no partial MP4.
While a process makes an item it holds a lock on `.claims/<item id>.lock`, so two commands
started independently over the same folder (two terminals, two machines on one share) split
the items instead of both making each; the kernel drops the lock when its holder dies.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from vidgen.conditioning import input_digests
from vidgen.errors import EXIT_OK, EXIT_USAGE, VidgenError
from vidgen.generate import MAX_SEED, Request
from vidgen.judge import check_exit, judge, verdict_text
from vidgen.loading import RuntimeOptions
from vidgen.manifest import MANIFEST_NAME, Manifest, intact, tag_id
from vidgen.output import check_writable_folder, make_folder, refuse_to_replace, slugify
from vidgen.promptfile import PromptItem
from vidgen.video import remove_stale_temps

CANDIDATES_FOLDER = ".candidates"
CLAIMS_FOLDER = ".claims"


@dataclass(frozen=True)
class Shard:
    rank: int = 0
    world: int = 1
    device: str | None = None  # this process's own GPU under torchrun/accelerate


@dataclass
class BatchOptions:
    out: Path
    source: str = "prompts"  # the prompt file, for file:line messages
    batch_seed: int = 0
    check: bool = False
    candidates: int = 1
    continue_on_error: bool = True
    overwrite: bool = False
    provenance: object = None  # vidgen.provenance.ProvenanceOptions; None: the defaults
    report: Path | None = None  # with check: an HTML report folder (opened and checked)


@dataclass
class ItemOutcome:
    item: PromptItem
    status: str  # done | skipped (finished before) | busy (another process has it) | failed
    path: Path | None = None
    seed: int | None = None
    error: str | None = None
    check: dict | None = None
    exit_code: int = EXIT_OK


@dataclass
class BatchSummary:
    outcomes: list[ItemOutcome] = field(default_factory=list)
    manifest: Path | None = None
    shard: Shard = field(default_factory=Shard)

    def count(self, status: str) -> int:
        return sum(outcome.status == status for outcome in self.outcomes)

    @property
    def exit_code(self) -> int:
        return max((outcome.exit_code for outcome in self.outcomes), default=EXIT_OK)


def current_shard(device: str) -> Shard:
    """This process's place in a torchrun/accelerate launch (rank 0 of 1 when run alone).

    accelerate's PartialState reads the launcher's environment; on CPU it must be told
    cpu=True, or it reports a world of one on every rank and every rank would do every item.
    """
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world <= 1:
        return Shard()
    import torch
    from accelerate import PartialState

    use_cpu = device == "cpu" or not torch.cuda.is_available()
    state = PartialState(cpu=use_cpu)
    rank, size = state.process_index, state.num_processes
    env_rank = int(os.environ.get("RANK", rank))
    if (rank, size) != (env_rank, world):
        raise VidgenError(
            f"launcher says rank {env_rank} of {world} but accelerate sees {rank} of {size}; "
            "launch with torchrun or accelerate launch, not by setting RANK by hand"
        )
    return Shard(rank, size, None if use_cpu else str(state.device))


def derive_seed(batch_seed: int, item_id: str, candidate: int = 0) -> int:
    """A seed fixed by the batch seed and the item: a re-run makes the same clips."""
    digest = hashlib.sha256(f"{batch_seed}:{item_id}:{candidate}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % (MAX_SEED + 1)


def clip_name(item: PromptItem, seed: int) -> str:
    if item.out:
        return item.out
    return f"{item.line:05d}-{slugify(item.prompt)[:40]}-{seed}.mp4"


def settings_fingerprint(
    base: Request, model: str | None, options: BatchOptions, runtime: RuntimeOptions | None = None
) -> str:
    """What, besides each line, decides the clips: a re-run with other settings is another batch."""
    provenance = options.provenance
    settings = {
        "model": model,
        "request": {k: v for k, v in base.as_dict().items() if k not in ("prompt", "seed")},
        "batch_seed": options.batch_seed,
        "candidates": options.candidates,
        "watermark": getattr(provenance, "watermark", True),
        "sign": getattr(provenance, "sign", True),
    }
    # Weights that change the frames; named only when used, so older batches keep their key.
    weights = {"quantize": runtime.quantize, "gguf": runtime.gguf} if runtime else {}
    settings.update({k: v for k, v in weights.items() if v not in (None, "none")})
    settings.update(input_digests(base))
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:12]


def _check_not_foreign(clip: Path, item: PromptItem, options: BatchOptions) -> None:
    """Never replace a file (the clip or its sidecar) this batch item did not make."""
    if not options.overwrite:
        refuse_to_replace(clip, lambda existing: tag_id(existing) == item.id)


def run_batch(
    items: list[PromptItem],
    base: Request,
    model: str | None,
    runtime: RuntimeOptions,
    options: BatchOptions,
    notify: Callable[[str], None] = lambda message: None,
    on_outcome: Callable[[ItemOutcome], None] = lambda outcome: None,
) -> BatchSummary:
    if not 0 <= options.batch_seed <= MAX_SEED:
        raise VidgenError(f"--seed {options.batch_seed}: must be between 0 and {MAX_SEED}")
    shard = current_shard(runtime.device)
    if shard.device and runtime.device == "auto":
        runtime = replace(runtime, device=shard.device)
    # Made only once every item has been checked: a refused batch leaves no empty folder.
    check_writable_folder(options.out)
    for stale in remove_stale_temps(options.out) + remove_stale_temps(
        options.out / CANDIDATES_FOLDER
    ):
        notify(f"removed {stale.name}, left by a killed run")
    fingerprint = settings_fingerprint(base, model, options, runtime)
    manifest = Manifest(options.out / MANIFEST_NAME)
    finished = manifest.latest()
    _refuse_other_settings(finished, fingerprint, options)
    mine = [item for index, item in enumerate(items) if index % shard.world == shard.rank]
    notify(
        f"batch: {len(items)} items, {len(mine)} on rank {shard.rank} of {shard.world}; "
        f"folder {options.out}"
    )
    summary = BatchSummary(manifest=manifest.path, shard=shard)
    pending = [item for item in mine if _previous_outcome(item, finished, fingerprint) is None]
    if pending:
        # Load and check every pending item before the first clip: a model that cannot load,
        # or a line asking for frames the model cannot take, fails now, not at 3 a.m.
        _check_items(pending, base, model, runtime, options, notify)
    make_folder(options.out)
    job = _Job(base, model, runtime, options, manifest, fingerprint, notify)
    for number, item in enumerate(mine, start=1):
        outcome = _previous_outcome(item, finished, fingerprint)
        if outcome is None:
            with claim(options.out, item.id) as ours:
                finished = manifest.latest()  # another process may be done
                outcome = _previous_outcome(item, finished, fingerprint)
                if outcome is None and ours:
                    where = f"[{number}/{len(mine)}] line {item.line}"
                    notify(f"{where}: {item.prompt}")
                    outcome = job.run(item)
                    if outcome.check:
                        notify(f"{where}: check {verdict_text(outcome.check)}")
                elif outcome is None:
                    outcome = ItemOutcome(item, "busy")
                    notify(f"line {item.line}: another vidgen process is making it; skipped")
        summary.outcomes.append(outcome)
        on_outcome(outcome)
        if outcome.status == "failed" and not options.continue_on_error:
            break
    return summary


@contextlib.contextmanager
def claim(out: Path, item_id: str):
    """Yield True while this process holds the item's lock, False if another process holds it.

    flock, not a marker file: the kernel releases it when the holder exits or is killed, so
    a crashed run never leaves an item claimed forever."""
    folder = out / CLAIMS_FOLDER
    folder.mkdir(exist_ok=True)
    with open(folder / f"{item_id}.lock", "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _refuse_other_settings(finished: dict, fingerprint: str, options: BatchOptions) -> None:
    others = {entry.get("settings") for entry in finished.values()} - {fingerprint, None}
    if others and not options.overwrite:
        raise VidgenError(
            f"{options.out}: this folder holds a batch made with other settings (model, size, "
            "frames, steps, guidance, seed or candidates differ); use a new -o folder, or pass "
            "--overwrite to make it again with these settings"
        )


def _previous_outcome(item: PromptItem, finished: dict, fingerprint: str) -> ItemOutcome | None:
    """The recorded outcome of an item a previous run finished, with its verdict and exit code."""
    previous = finished.get(item.id)
    if not previous or previous.get("status") != "done" or previous.get("settings") != fingerprint:
        return None
    path = Path(previous["path"])
    if not intact(path, item, fingerprint):
        return None
    check = previous.get("check")
    exit_code = check_exit(check) if check else EXIT_OK
    return ItemOutcome(
        item, "skipped", path, previous.get("seed"), check=check, exit_code=exit_code
    )


def _check_items(items, base, model, runtime, options: BatchOptions, notify) -> None:
    """Every check of every pending item: those that need no weights, then the load, the rest."""
    from vidgen.compat import check_combination, plan_for
    from vidgen.generate import check_before_loading, check_request, fill_defaults
    from vidgen.loading import check_runtime, load_pipeline, resolve_model
    from vidgen.make import loading_line, prompt_warnings, read_inputs
    from vidgen.provenance import ProvenanceOptions, prepare

    source = resolve_model(model)
    notify(loading_line(source))
    for item in items:
        with _at_line(options, item):
            request = _request_for(item, base, seed=0)
            planned = check_before_loading(request, source)
            read_inputs(request, runtime)  # images and LoRA files open and hash
            check_combination(plan_for(source, planned, runtime, batch=True))
    check_runtime(runtime)
    prepare(options.provenance or ProvenanceOptions())
    loaded = load_pipeline(source, runtime)
    for item in items:
        with _at_line(options, item):
            request = fill_defaults(_request_for(item, base, seed=0), loaded)
            check_request(request, loaded)
        for message in prompt_warnings(request, loaded):
            notify(f"{options.source}:{item.line}: warning: {message}")


@contextlib.contextmanager
def _at_line(options: BatchOptions, item: PromptItem):
    try:
        yield
    except VidgenError as error:
        raise VidgenError(f"{options.source}:{item.line}: {error}") from None


@dataclass
class _Job:
    """Everything an item needs that is the same for the whole batch."""

    base: Request
    model: str | None
    runtime: RuntimeOptions
    options: BatchOptions
    manifest: Manifest
    fingerprint: str
    notify: Callable[[str], None]

    def run(self, item: PromptItem) -> ItemOutcome:
        options = self.options
        seed = item.settings.get("seed", derive_seed(options.batch_seed, item.id))
        final = options.out / clip_name(item, seed)
        started = time.perf_counter()
        extra: dict = {}
        try:
            if options.candidates == 1 and intact(final, item, self.fingerprint):
                # Made by a run that was killed before it could write its manifest line.
                outcome = ItemOutcome(item, "done", final, seed)
                extra["recovered"] = True
            elif options.candidates > 1:
                outcome, extra["candidates"] = self._best_of(item, seed)
            else:
                _check_not_foreign(final, item, options)
                outcome = self._make(item, seed, final)
            # A kept candidate is judged again for its page: it was judged under its
            # candidate name, which the page would otherwise show.
            if options.check and (outcome.check is None or options.report is not None):
                outcome.check = judge(outcome.path, options.report)
                outcome.exit_code = check_exit(outcome.check)
        except VidgenError as error:
            outcome = ItemOutcome(item, "failed", seed=seed, error=str(error), exit_code=EXIT_USAGE)
            self.notify(f"line {item.line}: failed: {error}")
        except Exception as error:  # one bad item must not cost the night's other items
            message = f"internal error ({type(error).__name__}: {error})"
            outcome = ItemOutcome(item, "failed", seed=seed, error=message, exit_code=EXIT_USAGE)
            self.notify(f"line {item.line}: failed: {message}")
        extra["seconds"] = round(time.perf_counter() - started, 3)
        self.manifest.append({**_entry(outcome, extra), "settings": self.fingerprint})
        return outcome

    def _make(self, item: PromptItem, seed: int, final: Path) -> ItemOutcome:
        from vidgen.make import make_clip

        made = make_clip(
            _request_for(item, self.base, seed),
            self.model,
            self.runtime,
            out=final,
            overwrite=True,  # checked above: the name is free, ours, or --overwrite was given
            notify=self.notify,
            extra_record={
                "batch": {"id": item.id, "line": item.line, "settings": self.fingerprint}
            },
            provenance=self.options.provenance,
            tidy=False,  # run_batch cleaned the folder once
        )
        return ItemOutcome(item, "done", made.path, seed)

    def _best_of(self, item: PromptItem, seed: int):
        """Make K candidates, keep the one with the best check score (ties: the lowest seed)."""
        options = self.options
        folder = options.out / CANDIDATES_FOLDER
        folder.mkdir(exist_ok=True)
        seeds = [seed] + [
            derive_seed(options.batch_seed, item.id, k) for k in range(1, options.candidates)
        ]
        scored = []
        for candidate_seed in seeds:
            # Candidates are named by seed, so no candidate replaces another.
            name = f"{item.line:05d}-{slugify(item.prompt)[:40]}-{candidate_seed}.mp4"
            outcome = self._make(item, candidate_seed, folder / name)
            scored.append((outcome, judge(outcome.path)))
        best, best_check = max(scored, key=lambda pair: (pair[1]["score"], -pair[0].seed))
        final = options.out / clip_name(item, best.seed)
        _check_not_foreign(final, item, options)
        os.replace(best.path.with_suffix(".json"), final.with_suffix(".json"))
        os.replace(best.path, final)
        for outcome, _ in scored:
            if outcome is not best:
                for path in (outcome.path, outcome.path.with_suffix(".json")):
                    path.unlink(missing_ok=True)
        kept = ItemOutcome(
            item, "done", final, best.seed, check=best_check, exit_code=check_exit(best_check)
        )
        candidates = [
            {"seed": o.seed, "score": v["score"], "verdict": v["verdict"]} for o, v in scored
        ]
        return kept, candidates


def _request_for(item: PromptItem, base: Request, seed: int) -> Request:
    settings = {key: value for key, value in item.settings.items() if key != "seed"}
    return replace(base, prompt=item.prompt, seed=seed, **settings)


def _entry(outcome: ItemOutcome, extra: dict) -> dict:
    return {
        "id": outcome.item.id,
        "line": outcome.item.line,
        "prompt": outcome.item.prompt,
        "status": outcome.status,
        "path": str(outcome.path) if outcome.path else None,
        "seed": outcome.seed,
        "error": outcome.error,
        "check": outcome.check,
        "pid": os.getpid(),
        **extra,
    }
