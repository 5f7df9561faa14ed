"""`vidgen world`: write a labeled shapes-world corpus (MP4 clips + labels.jsonl)."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("world")
@click.option("--n", "count", type=int, default=300, show_default=True, help="Number of clips.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Output folder (created if missing).",
)
@click.option(
    "--size", default=None, help="WIDTHxHEIGHT, even sides [default: 832x480; wild: per clip]."
)
@click.option(
    "--fps", type=float, default=None, help="Frames per second [default: 16; wild: per clip]."
)
@click.option(
    "--frames", type=int, default=None, help="Frames per clip [default: 49; wild: per clip]."
)
@click.option("--seed", type=int, default=0, show_default=True, help="Corpus seed.")
@click.option(
    "--violation-rate",
    type=float,
    default=None,
    help="Share of clips with one labeled violation [default: 0.5 full, 0 simple/staged].",
)
@click.option(
    "--profile",
    type=click.Choice(["full", "simple", "staged", "wild"]),
    default="full",
    show_default=True,
    help="full: the whole world; simple: one object, plain background; staged: simple laid out "
    "canonically (what the shapes model trains on); wild: full's scenes plus pendulums, more "
    "shapes, edge entries and exits, one more violation (a color switched in one frame), "
    "in a random style per clip (textures, photos, shading, "
    "camera shake, zoom and roll, motion blur, exposure drift, noise, crf 18-32, "
    "256-1280 px wide, 8-30 fps unless --size, --fps, --frames fix them).",
)
@click.option(
    "--kinds",
    default=None,
    help="Comma-separated violation kinds the violated clips draw from, e.g. "
    "shape_morph,speed_jump: a corpus aimed at a few checks [default: every kind of the "
    "profile].",
)
@click.option(
    "--backgrounds",
    multiple=True,
    help="wild: a folder of clips or images whose still frames serve as photographic "
    "backgrounds (repeatable), or 'none' [default: ../shared/real-clips and the real_clean "
    "clips of ../shared/gen-clips, when present].",
)
@click.option(
    "--scene",
    "scene_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Render these scenes instead of random ones: a JSON scene (or list), or a JSONL "
    "file such as a corpus's labels.jsonl (to re-render it at another size).",
)
@click.option(
    "--overwrite",
    is_flag=True,
    help="Replace an existing labels.jsonl and clips (or an unfinished corpus).",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
def world(
    count: int,
    out: Path,
    size: str | None,
    fps: float | None,
    frames: int | None,
    seed: int,
    violation_rate: float | None,
    profile: str,
    scene_file: Path | None,
    kinds: str | None,
    backgrounds: tuple[str, ...],
    overwrite: bool,
    quiet: bool,
) -> None:
    """Write a labeled corpus of shapes-world clips: MP4s plus labels.jsonl.

    Each labels.jsonl line ("schema": "vidgen.world.labels/1") holds the clip name, its
    caption, its objects with per-frame positions and visibility flags, and its violations
    (check, kind, object, start_frame, visible_frame, complete_frame, end_frame,
    differs_until; see vidgen/world/clip.py). The same seed and settings give the same
    labels, byte for byte. An interrupted run keeps its clips: the same command run again
    finishes the corpus.

    \b
    Examples:
      vidgen world --n 300 --out corpus/
      vidgen world --n 1000 --out train/ --profile simple --size 64x64 --fps 8 --frames 17
      vidgen world --scene corpus/labels.jsonl --out small/ --size 208x120
      vidgen world --n 300 --out wild/ --profile wild --seed 4242
      vidgen world --n 300 --out morphs/ --profile wild --kinds shape_morph,size_change
    """
    from vidgen.errors import UsageError
    from vidgen.world.corpus import CorpusSpec, load_scenes, parse_size, write_corpus
    from vidgen.world.corpus_resume import SETTINGS_NAME

    if backgrounds and profile != "wild":
        raise UsageError("--backgrounds is for --profile wild: drop it or add --profile wild")
    given = {"size": size, "fps": fps, "frames": frames}
    vary = tuple(k for k, v in given.items() if v is None) if profile == "wild" else ()
    width, height = parse_size(size or "832x480")
    spec = CorpusSpec(
        count=count,
        width=width,
        height=height,
        fps=16 if fps is None else fps,
        frames=49 if frames is None else frames,
        seed=seed,
        violation_rate=violation_rate,
        profile=profile,
        vary=vary,
        backgrounds=tuple(backgrounds) or None,
        kinds=None if kinds is None else tuple(k.strip() for k in kinds.split(",") if k.strip()),
    )

    made = [0]

    def progress(done: int, total: int) -> None:
        made[0] = done
        if not quiet and (done == total or done % 10 == 0):
            click.echo(f"world: {done}/{total} clips", err=True)

    scenes = load_scenes(scene_file) if scene_file is not None else None
    try:
        summary = write_corpus(spec, out, overwrite=overwrite, progress=progress, scenes=scenes)
    except BaseException:
        # Only a run that made clips says so: one refused before its first (other settings
        # than the unfinished corpus there) has nothing to add to its error.
        begun = made[0] and (out / SETTINGS_NAME).exists() and next(out.glob("clip_*.mp4"), None)
        if begun:  # the run had made clips: they stay
            again = "again without --overwrite" if overwrite else "again"
            kept = f"{made[0]} clips"
            click.echo(
                f"world: stopped with {kept} kept in {out}: run the same command {again} "
                "to finish the corpus",
                err=True,
            )
        raise
    if not quiet:
        click.echo(
            f"world: wrote {summary['clips']} clips ({summary['violated']} with a violation)",
            err=True,
        )
    click.echo(summary["labels"])
