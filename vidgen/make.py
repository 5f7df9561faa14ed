"""`make` end to end for one request: model -> frames -> MP4 + sidecar record, atomically.

The steps mirror ../shared/DESIGN.md's data flow; provenance layers (watermark, tags, C2PA)
plug in between the frames and the final rename, so a clip is never published unsealed.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from vidgen.compat import check_combination, plan_for
from vidgen.conditioning import InputImage, aspect_warning, read_input_image
from vidgen.generate import (
    Generation,
    Request,
    check_before_loading,
    check_request,
    check_values,
    fill_defaults,
    run,
    token_count,
    unknown_words,
)
from vidgen.gguf import GgufFile, read_gguf
from vidgen.loading import (
    LoadedPipeline,
    ModelSource,
    RuntimeOptions,
    check_runtime,
    load_pipeline,
    resolve_model,
)
from vidgen.lora import LoraFile, apply_loras, resolve_loras
from vidgen.output import make_folder, plan_path, target_folder
from vidgen.parallel import is_writer, runtime_for_rank
from vidgen.provenance import ProvenanceOptions, mark_frames, prepare, seal_clip
from vidgen.provenance.record import build_record, dump_record, record_path_for
from vidgen.video import (
    ENCODER_SETTINGS,
    encode_mp4,
    publish,
    remove_stale_temps,
    staged,
    write_text_atomic,
)

OPEN_ENDED_HINT = "for open-ended prompts use a real model, e.g. --model wan2.1-t2v-1.3b"


@dataclass
class MadeClip:
    path: Path
    record_path: Path
    record: dict
    generation: Generation


def make_clip(
    request: Request,
    model: str | None,
    runtime: RuntimeOptions,
    out: Path | None = None,
    overwrite: bool = False,
    notify: Callable[[str], None] = lambda message: None,
    extra_record: dict | None = None,
    provenance: ProvenanceOptions | None = None,
    record_id: str | None = None,
    tidy: bool = True,
) -> MadeClip:
    """Make one clip; `tidy=False` when the caller (a batch) cleans the folder's temps itself."""
    timings: dict[str, float] = {}
    started = time.perf_counter()

    # 1. Every check that needs no weights: nobody should wait for a model load to learn
    #    that the seed is negative, the image unreadable or the output folder read-only.
    check_values(request)
    target_folder(out)
    source = resolve_model(model)
    notify(loading_line(source))  # the first thing a user sees, before torch is imported
    planned = check_before_loading(request, source)  # config files only
    inputs = read_inputs(request, runtime)  # images and LoRA files, hashed
    runtime = runtime_for_rank(runtime)
    check_combination(plan_for(source, planned, runtime))  # imports torch
    check_runtime(runtime)
    provenance = provenance or ProvenanceOptions()
    prepare(provenance)  # bad signing keys or VIDGEN_HOME fail here, not after generating

    # 2. Load the pipeline (cached for the life of the process) and turn on this clip's LoRAs.
    loaded = load_pipeline(source, runtime)
    apply_loras(loaded, inputs.loras)
    timings["load_s"] = time.perf_counter() - started

    # 3. Fill defaults from the preset and the pipeline, then check what the model can take.
    request = fill_defaults(request, loaded)
    check_request(request, loaded)
    warnings = prompt_warnings(request, loaded) + inputs.warnings(request)
    notify(
        f"{loaded.source.requested}: {type(loaded.pipe).__name__} on {loaded.device} "
        f"({loaded.dtype}), {request.width}x{request.height}, {request.frames} frames, "
        f"{request.steps} steps, seed {request.seed}"
    )
    for message in warnings:
        notify(f"warning: {message}")
    final = plan_path(out, request.prompt, request.seed, overwrite)
    if tidy:  # as a batch does: temp files of killed runs are nobody's clip
        for stale in remove_stale_temps(final.parent):
            notify(f"removed {stale.name}, left by a killed run")

    # 4. Generate.
    generation = run(request, loaded, notify)
    generation.warnings.extend(warnings)
    timings["generate_s"] = generation.seconds

    if not is_writer(runtime):  # context parallelism: rank 0 writes the one clip
        return MadeClip(final, record_path_for(final), {}, generation)

    # 5. Watermark the frames, encode to a temp file beside the destination, seal it (tags,
    #    XMP, C2PA manifest), then publish the clip and write the record beside it.
    # The same model, request and seed give the same record id, hence the same watermark and
    # the same decoded frames; --from-record passes the recorded id for the same reason.
    record_id = record_id or derive_record_id(loaded, request, inputs)
    mark_started = time.perf_counter()
    frames, _ = mark_frames(generation.frames, record_id, provenance)
    timings["watermark_s"] = time.perf_counter() - mark_started
    encode_started = time.perf_counter()
    make_folder(final.parent)  # only now: a refused or failed request leaves no empty folder
    with staged(final) as temp:
        encode_mp4(frames, request.fps, temp)
        timings["encode_s"] = time.perf_counter() - encode_started
        timings["total_s"] = time.perf_counter() - started
        record = build_record(
            generation, loaded, final, timings, dict(ENCODER_SETTINGS), inputs.as_record()
        )
        record["record_id"] = record_id
        record.update(extra_record or {})
        seal_started = time.perf_counter()
        seal_clip(temp, record, provenance)
        timings["seal_s"] = time.perf_counter() - seal_started
        timings["total_s"] = time.perf_counter() - started
        record["timings"] = {k: round(v, 4) for k, v in timings.items()}
        record_path = record_path_for(final)
        if overwrite:
            # The name is fixed, so the record can go first: a clip on disk without its
            # record is then never one of ours, and a batch can refuse to replace it.
            write_text_atomic(record_path, dump_record(record))
            publish(temp, final, overwrite=True)
        else:
            final = publish(temp, final, overwrite=False)
            record_path = record_path_for(final)
            write_text_atomic(record_path, dump_record(record))
    return MadeClip(final, record_path, record, generation)


@dataclass(frozen=True)
class Inputs:
    """The files a request conditions on besides its prompt, each checked and hashed."""

    image: InputImage | None = None
    last_image: InputImage | None = None
    loras: tuple[LoraFile, ...] = ()
    gguf: GgufFile | None = None

    def warnings(self, request: Request) -> list[str]:
        found = [aspect_warning(i, request.width, request.height) for i in self.images()]
        return [message for message in found if message]

    def images(self) -> list[InputImage]:
        return [image for image in (self.image, self.last_image) if image is not None]

    def hashes(self) -> dict:
        hashes = {image.flag: image.sha256 for image in self.images()}
        if self.loras:
            hashes["--lora"] = [[lora.sha256, lora.scale] for lora in self.loras]
        if self.gguf:
            hashes["--gguf"] = self.gguf.sha256
        return hashes

    def as_record(self) -> dict:
        return {
            "image": self.image.as_record() if self.image else None,
            "last_image": self.last_image.as_record() if self.last_image else None,
            "loras": [lora.as_record() for lora in self.loras],
            "gguf": self.gguf.as_record() if self.gguf else None,
        }


def read_inputs(request: Request, runtime: RuntimeOptions) -> Inputs:
    """Open and hash the request's images and LoRA files; one-line errors name the flag."""
    return Inputs(
        read_input_image(request.image, "--image") if request.image else None,
        read_input_image(request.last_image, "--last-image") if request.last_image else None,
        tuple(resolve_loras(request.loras, runtime.allow_pickle)),
        read_gguf(runtime.gguf) if runtime.gguf else None,
    )


def loading_line(source: ModelSource) -> str:
    where = "" if Path(source.requested) == source.path else f", {source.path}"
    return f"loading {source.requested} ({source.pipeline_class}{where}) ..."


def derive_record_id(loaded: LoadedPipeline, request: Request, inputs: Inputs) -> str:
    source = loaded.source
    identity = {
        "model": source.hub_id or str(source.path),
        "revision": source.revision,
        "request": request.as_dict(),
        "dtype": loaded.dtype,
        "device": loaded.device,
    }
    # Added only when used, so a clip made without them keeps the id it had before.
    if inputs.hashes():
        identity["inputs"] = inputs.hashes()
    if loaded.options.quantize != "none":
        identity["quantize"] = loaded.options.quantize
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:32]


def prompt_warnings(request: Request, loaded: LoadedPipeline) -> list[str]:
    warnings = []
    unknown = unknown_words(request.prompt, loaded)
    if unknown:
        warnings.append(
            f"the model {loaded.source.requested!r} does not know these words and ignores "
            f"them: {', '.join(unknown)}; {OPEN_ENDED_HINT}"
        )
    overflow = token_count(request.prompt, loaded)
    if overflow:
        count, limit = overflow
        warnings.append(
            f"the prompt is {count} tokens and {loaded.source.pipeline_class} reads the first "
            f"{limit}; the rest is ignored, so shorten the prompt"
        )
    return warnings


def settings_from_record(
    record: dict, request: Request, model: str | None, runtime: RuntimeOptions
) -> tuple[Request, str | None, RuntimeOptions]:
    """The request, model and runtime to remake a recorded clip with.

    `request`, `model` and `runtime` hold what the user passed: a request field left None,
    no model, or a runtime option left at its default takes the recorded value; anything
    the user set wins over the record.
    """
    from dataclasses import replace

    from vidgen.provenance.record import request_from_record

    plan = request_from_record(record)
    given = {
        k: v for k, v in request.as_dict().items() if k in plan["request"] and v not in (None, ())
    }
    merged = Request(**{**plan["request"], **given})
    defaults = RuntimeOptions()
    recorded = {k: v for k, v in plan["runtime"].items() if v is not None}
    chosen = {
        k: getattr(runtime, k) if getattr(runtime, k) != getattr(defaults, k) else recorded.get(k)
        for k in recorded
    }
    runtime = replace(runtime, **{k: v for k, v in chosen.items() if v is not None})
    return merged, model or plan["model"], runtime


def make_from_record(
    record_path: Path,
    request: Request,
    model: str | None,
    runtime: RuntimeOptions,
    out: Path | None = None,
    overwrite: bool = False,
    notify: Callable[[str], None] = lambda message: None,
    provenance: ProvenanceOptions | None = None,
) -> MadeClip:
    """Regenerate the clip a CLIP.json record describes, under the same record id.

    Says (through `notify`) whether the decoded frames came out identical to the recorded
    clip's: on the same machine and settings they should.
    """
    from vidgen.provenance.record import read_record

    record = read_record(record_path)
    check_record_against_clip(record_path, record, notify)
    request, model, runtime = settings_from_record(record, request, model, runtime)
    check_same_inputs(record_path, record, read_inputs(request, runtime))
    made = make_clip(
        request,
        model,
        runtime,
        out=out,
        overwrite=overwrite,
        notify=notify,
        provenance=provenance,
        record_id=record.get("record_id"),
        extra_record={"from_record": str(record_path)},
    )
    before = (record.get("provenance") or {}).get("decoded_frames_sha256")
    after = made.record["provenance"]["decoded_frames_sha256"]
    if before:
        same = "identical to" if before == after else "different from"
        notify(f"decoded frames are {same} the recorded clip's ({after[:12]})")
    return made


def check_same_inputs(record_path: Path, record: dict, inputs: Inputs) -> None:
    """The image, last image and LoRA files must be the very files the clip was made with."""
    from vidgen.errors import UsageError

    made_with = inputs.as_record()
    for key, flag in (("image", "--image"), ("last_image", "--last-image")):
        before, now = record.get(key) or {}, made_with[key] or {}
        if before.get("sha256") != now.get("sha256"):
            what = f"{now['path']} is another image" if now else "no image is given"
            raise UsageError(
                f"--from-record {record_path}: {what} (sha256 {str(now.get('sha256'))[:12]}, "
                f"recorded {str(before.get('sha256'))[:12]}); pass {flag} with the recorded file"
            )
    before, now = (record.get("gguf") or {}).get("sha256"), (made_with["gguf"] or {}).get("sha256")
    if before != now:
        raise UsageError(
            f"--from-record {record_path}: the --gguf transformer file differs from the recorded "
            f"one ({(record.get('gguf') or {}).get('path') or 'none'}); pass --gguf with it"
        )
    before = [(lora["sha256"], lora["scale"]) for lora in record.get("loras") or []]
    now = [(lora["sha256"], lora["scale"]) for lora in made_with["loras"]]
    if before != now:
        raise UsageError(
            f"--from-record {record_path}: the LoRA files or scales differ from the recorded "
            f"ones ({', '.join(lora['id'] for lora in record.get('loras') or []) or 'none'}); "
            "pass --lora with the recorded files and scales"
        )


def check_record_against_clip(
    record_path: Path, record: dict, notify: Callable[[str], None] = lambda message: None
) -> None:
    """Refuse a record whose fields differ from the record signed into its clip.

    Only the signed copy is evidence of how the clip was made; an edited sidecar would make
    something else under the clip's record id. Flags, not edits, change what is made again.
    """
    from vidgen.errors import UsageError
    from vidgen.provenance.record import WRITTEN_AFTER_SIGNING, differing_fields
    from vidgen.provenance.verify import signed_record

    name = Path(str(record.get("clip") or "")).name or record_path.with_suffix(".mp4").name
    clip = record_path.with_name(name)
    signed = signed_record(clip)
    if not signed:
        notify(
            f"warning: no signed clip {clip.name} beside {record_path.name} to check the record "
            "against; its settings are used as they are"
        )
        return
    fields = differing_fields(signed, record, skip=WRITTEN_AFTER_SIGNING)
    if fields:
        raise UsageError(
            f"--from-record {record_path}: {', '.join(fields)} differ"
            f"{'s' if len(fields) == 1 else ''} from the record signed into {clip}; restore "
            "the record, and change settings with flags (e.g. --steps 30) instead of editing it"
        )
