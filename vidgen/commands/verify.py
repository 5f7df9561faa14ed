"""`vidgen verify`: read each provenance layer of clips back and say whether it holds."""

from __future__ import annotations

import json
from pathlib import Path

import click

from vidgen.errors import UsageError

EXAMPLES = """
\b
Examples:
  vidgen verify outputs/2026-11-22/a-red-ball-s7.mp4
  vidgen verify --json outputs/ > provenance.json
  vidgen verify --trust my-root-ca.pem shared-clip.mp4
  vidgen verify outputs/ --report report/      # then open report/index.html

\b
Layers, each judged on its own:
  manifest   trusted | valid-untrusted (signed, signer unknown: a warning) | tampered | absent
  watermark  present (payload, bit confidence) | absent
  sidecar    matches | differs | absent   (CLIP.json beside the clip)

Exit codes: 0 every clip intact, 1 a layer tampered or missing, 2 a clip unreadable.
"""


def _expand(paths: tuple[Path, ...]) -> list[Path]:
    from vidgen.video import VIDEO_SUFFIXES, video_files

    clips: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = video_files(path, recursive=True)  # as `vidgen check` finds them
            if not found:
                raise UsageError(
                    f"{path}: no video files in this folder ({', '.join(VIDEO_SUFFIXES)}); "
                    "pass clips or a folder of clips"
                )
            clips.extend(found)
        else:
            clips.append(path)
    return clips


def _line(result: dict) -> str:
    if result["status"] == "unreadable":
        return f"{result['path']}: unreadable ({result.get('error', '')})"
    man, mark, side = result["manifest"], result["watermark"], result["sidecar"]
    mark_text = mark["state"]
    if mark["state"] == "present":
        mark_text += f" {mark['payload']} ({mark['confidence']:.2f})"
    text = (
        f"{result['path']}: {result['status']} - manifest {man['state']}, "
        f"watermark {mark_text}, sidecar {side['state']}"
    )
    if result.get("problems"):
        text += " [" + "; ".join(result["problems"]) + "]"
    return text


@click.command("verify", epilog=EXAMPLES)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--trust",
    "trust",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="A PEM certificate to accept as a trust anchor (repeatable); vidgen's local CA "
    "is always trusted.",
)
@click.option(
    "--sidecar",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="The record to compare with (one clip only). [default: CLIP.json beside the clip]",
)
@click.option(
    "--report",
    "report_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Write an HTML page per clip with each layer's state into this folder, and "
    "DIR/index.html (the same folder as `vidgen check --report` joins both).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (vidgen.verify/1).")
@click.option("--quiet", "-q", is_flag=True, help="No progress on stderr.")
def verify(paths, trust, sidecar, report_dir, as_json, quiet) -> None:
    """Check the provenance of clips: the C2PA manifest, the watermark and the sidecar record."""
    from vidgen.provenance import SCHEMA, verify_clip

    for anchor in trust:
        try:
            text = anchor.read_text()
        except OSError as error:
            raise UsageError(f"{anchor}: cannot read ({error.strerror}); check --trust") from None
        if "BEGIN CERTIFICATE" not in text:
            raise UsageError(f"{anchor}: not a PEM certificate; pass a .pem file to --trust")
    clips = _expand(paths)
    if sidecar is not None and len(clips) != 1:
        raise UsageError("--sidecar compares one clip with one record; pass a single clip")
    run = None
    if report_dir is not None:
        from vidgen.report import ReportRun, open_report, write_verify_page

        run = ReportRun(open_report(report_dir), "verify", len(clips), quiet)
    results = []
    for clip in clips:
        result = verify_clip(clip, sidecar_path=sidecar, trust_anchors=[str(t) for t in trust])
        results.append(result)
        if run is not None:
            run.add(write_verify_page(run.folder, result))
        if not as_json:
            click.echo(_line(result))
    if run is not None:
        run.finish()
    code = max(r["exit_code"] for r in results)
    if as_json:
        counts = {s: sum(r["status"] == s for r in results) for s in _STATUSES}
        click.echo(
            json.dumps({"schema": SCHEMA, "clips": results, "counts": counts, "exit_code": code})
        )
    elif len(results) > 1 and not quiet:
        summary = ", ".join(
            f"{sum(r['status'] == s for r in results)} {s}"
            for s in _STATUSES
            if any(r["status"] == s for r in results)
        )
        click.echo(f"{len(results)} clips: {summary}", err=True)
    raise SystemExit(code)


_STATUSES = ("intact", "tampered", "missing", "unreadable")
