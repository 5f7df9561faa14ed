"""Write a labeled shapes-world corpus: MP4 clips and one labels.jsonl line per clip.

Item i is drawn from its own generator, numpy.random.default_rng([seed, i]), so a corpus is the
same byte for byte in its labels for the same seed and settings, items can be made in any order
or split across processes, and only one clip is in memory at a time. Every file is written to a
temporary name in the output folder and renamed into place.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vidgen.errors import UsageError
from vidgen.world import corpus_resume
from vidgen.world.clip import check_render_args, render_clip
from vidgen.world.generate import (
    MAX_ASPECT,
    MAX_DURATION,
    MIN_ASPECT,
    PROFILES,
    kinds_pool,
    random_scene,
)
from vidgen.world.scene import Scene
from vidgen.world.spec import scene_from_dict

LABELS_NAME = "labels.jsonl"
MAX_COUNT = 1_000_000
DEFAULT_VIOLATION_RATE = {"simple": 0.0, "staged": 0.0, "full": 0.5, "wild": 0.5}
VARIABLE = ("size", "fps", "frames")  # what the wild profile may draw per clip


@dataclass(frozen=True)
class CorpusSpec:
    """What to write. violation_rate None means the profile's default (0 for simple, whose
    captions train the shapes model; 0.5 for full); an integral fps is stored as an int, so
    labels say "fps": 16 whether it came from the CLI or the API."""

    count: int
    width: int = 832
    height: int = 480
    fps: float = 16
    frames: int = 49
    seed: int = 0
    violation_rate: float | None = None
    profile: str = "full"
    vary: tuple[str, ...] = ()  # wild: which of VARIABLE to draw per clip (the rest is fixed)
    backgrounds: tuple[str, ...] | None = None  # wild: folders of stills (None: the default)
    kinds: tuple[str, ...] | None = None  # the violation kinds drawn (None: the profile's all)

    def __post_init__(self) -> None:
        if self.violation_rate is None:
            rate = DEFAULT_VIOLATION_RATE.get(self.profile, 0.0)
            object.__setattr__(self, "violation_rate", rate)
        fps = self.fps
        if isinstance(fps, float) and math.isfinite(fps) and fps.is_integer():
            object.__setattr__(self, "fps", int(fps))

    @property
    def duration(self) -> float:
        """Seconds a random scene is laid out for: the clip's, at least half a second."""
        return max((self.frames - 1) / self.fps, 0.5)

    def check(self, random_scenes: bool = True) -> None:
        if not isinstance(self.count, int) or not 0 <= self.count <= MAX_COUNT:
            raise UsageError(f"--n must be a count in 0..{MAX_COUNT}, got {self.count}")
        check_render_args(self.width, self.height, self.frames, self.fps)
        if self.width % 2 or self.height % 2:
            raise UsageError(
                f"--size {self.width}x{self.height}: H.264 yuv420p needs even sides, "
                "e.g. 832x480 or 64x64"
            )
        if not 0.0 <= self.violation_rate <= 1.0:
            raise UsageError(f"--violation-rate must be in [0, 1], got {self.violation_rate}")
        if self.profile not in PROFILES:
            raise UsageError(f"--profile must be one of {', '.join(PROFILES)}")
        if self.seed < 0:
            raise UsageError(f"--seed must be >= 0, got {self.seed}")
        if self.vary and self.profile != "wild":
            raise UsageError(f"--profile {self.profile} has one size and fps: vary is for wild")
        unknown = sorted(set(self.vary) - set(VARIABLE))
        if unknown:
            raise UsageError(f"vary: unknown {unknown[0]!r}; use any of {', '.join(VARIABLE)}")
        if self.kinds is not None:
            if not random_scenes:
                raise UsageError("--kinds picks the violations of random scenes: drop --scene")
            kinds_pool(self.profile, self.kinds, None)  # one line on a kind it cannot draw
            if self.violation_rate == 0:
                raise UsageError(
                    f"--kinds names the violations of violated clips, but --violation-rate is "
                    f"0 (--profile {self.profile}): pass --violation-rate above 0, or drop --kinds"
                )
        if not random_scenes:
            return  # given scenes render at any size and length check_render_args allows
        aspect = self.width / self.height
        if not MIN_ASPECT <= aspect <= MAX_ASPECT:
            raise UsageError(
                f"--size {self.width}x{self.height}: width / height is {aspect:.3g}; random "
                f"scenes need {MIN_ASPECT:g}..{MAX_ASPECT:g}, e.g. 832x480 or 64x64"
            )
        if self.duration > MAX_DURATION:
            raise UsageError(
                f"--frames {self.frames} at --fps {self.fps:g} last {self.duration:g} s; "
                f"random scenes last at most {MAX_DURATION:g} s: use fewer frames or a higher fps"
            )


def load_scenes(path: Path) -> list[Scene]:
    """Scenes from a JSON file (one scene dict or a list) or a JSONL file (scene dicts, or
    labels records that carry a "scene"), e.g. a corpus's labels.jsonl to re-render it."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise UsageError(f"--scene {path}: cannot read it ({error.strerror})") from None
    try:
        if str(path).endswith(".jsonl"):
            items = [json.loads(line) for line in text.splitlines() if line.strip()]
        else:
            items = json.loads(text)
            items = items if isinstance(items, list) else [items]
    except json.JSONDecodeError as error:
        raise UsageError(
            f"--scene {path}: not valid JSON ({error.msg}, line {error.lineno})"
        ) from None
    scenes = []
    for i, item in enumerate(items):
        if isinstance(item, dict) and "scene" in item and "caption" in item:
            item = item["scene"]
        try:
            scenes.append(scene_from_dict(item))
        except UsageError as error:
            raise UsageError(f"--scene {path}, scene {i}: {error}") from None
    return scenes


def parse_size(text: str) -> tuple[int, int]:
    """'832x480' -> (832, 480), or a UsageError naming the value."""
    parts = text.lower().split("x")
    if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
        raise UsageError(f"--size {text!r} is not WIDTHxHEIGHT, e.g. 832x480")
    return int(parts[0]), int(parts[1])


def make_item(
    spec: CorpusSpec, index: int, scenes: list[Scene] | None = None, photos: list | None = None
):
    """The index-th clip of a corpus (a Clip), independent of every other item. `photos`: the
    wild profile's still sources, found once per corpus (None: found from spec.backgrounds)."""
    if spec.profile == "wild":
        from vidgen.world.wild import make_wild_item, photo_sources

        if photos is None:
            photos = photo_sources(spec.backgrounds)
        return make_wild_item(
            seed=spec.seed, index=index, violation_rate=spec.violation_rate,
            size=None if "size" in spec.vary else (spec.width, spec.height),
            fps=None if "fps" in spec.vary else spec.fps,
            frames=None if "frames" in spec.vary else spec.frames,
            photos=photos, scene=None if scenes is None else scenes[index], kinds=spec.kinds,
        )  # fmt: skip
    if scenes is not None:
        scene = scenes[index]
        return render_clip(
            scene, width=spec.width, height=spec.height, frames=spec.frames, fps=spec.fps
        )
    rng = np.random.default_rng([spec.seed, index])
    scene = random_scene(
        rng,
        profile=spec.profile,
        violation_rate=spec.violation_rate,
        aspect=spec.width / spec.height,
        duration=spec.duration,
        kinds=spec.kinds,
    )
    return render_clip(
        scene, width=spec.width, height=spec.height, frames=spec.frames, fps=spec.fps
    )


def write_mp4(path: Path, frames: np.ndarray, fps: float, crf: int = 18) -> None:
    """H.264 yuv420p MP4, written to a temporary name and renamed into place."""
    import imageio.v2 as iio

    tmp = path.with_name(f".{path.stem}.partial.mp4")
    try:
        writer = iio.get_writer(
            tmp, format="FFMPEG", mode="I", fps=fps, codec="libx264", pixelformat="yuv420p",
            quality=None, macro_block_size=2, ffmpeg_log_level="error",
            ffmpeg_params=["-crf", str(crf), "-preset", "veryfast"],
        )  # fmt: skip
        with writer:
            for frame in frames:
                writer.append_data(frame)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _prepare(out: Path, overwrite: bool, record: dict, partial: Path) -> list[str]:
    """Make `out` ready to write; the labels lines an interrupted run of the same settings
    left there, to go on from (see corpus_resume.py)."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".vidgen-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise UsageError(
            f"--out {out}: cannot write there ({error.strerror}); choose a writable folder"
        ) from None
    if overwrite:
        return []
    if (out / corpus_resume.SETTINGS_NAME).exists():
        return corpus_resume.written_so_far(out, partial, record)
    for taken in (out / LABELS_NAME, next(out.glob("clip_*.mp4"), None)):
        if taken is not None and taken.exists():
            raise UsageError(
                f"--out {out} already holds {taken.name}: pass --overwrite or choose another folder"
            )
    return []


def write_corpus(
    spec: CorpusSpec,
    out: Path,
    *,
    overwrite: bool = False,
    progress: Callable[[int, int], None] | None = None,
    scenes: list[Scene] | None = None,
) -> dict:
    """Write spec.count clips (or one per given scene) and labels.jsonl into `out`."""
    if scenes is not None:
        spec = dataclasses.replace(spec, count=len(scenes))
    spec.check(random_scenes=scenes is None)
    out = Path(out)
    photos = None
    if spec.profile == "wild":  # a bad --backgrounds fails here, before anything is written
        from vidgen.world.wild import photo_sources

        photos = photo_sources(spec.backgrounds)
    tmp_labels = out / f".{LABELS_NAME}.partial"
    record = corpus_resume.settings_record(spec, scenes)
    kept = _prepare(out, overwrite, record, tmp_labels)
    corpus_resume.start(out, record)
    violated = sum(bool(json.loads(line)["violations"]) for line in kept)
    digits = max(5, len(str(max(spec.count - 1, 0))))
    written = {json.loads(line)["clip"] for line in kept}
    # An interrupted run keeps its partial labels and settings: the same command goes on.
    with open(tmp_labels, "w", encoding="utf-8") as fh:
        fh.writelines(line + "\n" for line in kept)
        fh.flush()
        for i in range(len(kept), spec.count):
            clip = make_item(spec, i, scenes, photos)
            name = f"clip_{i:0{digits}d}.mp4"
            written.add(name)
            crf = clip.labels.get("encoding", {}).get("crf", 18)
            write_mp4(out / name, clip.frames, clip.labels["fps"], crf)
            record_line = {"clip": name, **clip.labels}
            fh.write(json.dumps(record_line, sort_keys=True, separators=(",", ":")) + "\n")
            fh.flush()
            violated += bool(clip.labels["violations"])
            if progress is not None:
                progress(i + 1, spec.count)
    os.replace(tmp_labels, out / LABELS_NAME)
    corpus_resume.finish(out)
    # An --overwrite of a bigger corpus: its extra clips would have no labels line.
    for stale in out.glob("clip_*.mp4"):
        if stale.name not in written:
            stale.unlink()
    return {"clips": spec.count, "violated": violated, "labels": str(out / LABELS_NAME)}
