"""`--report DIR` for check, verify and make: opening the folder, provenance in plain words,
the verify page, progress on stderr and the index at the end.

The pages themselves come from `checkers.html`; this module adds what only vidgen knows
(provenance), so `checkers` stays free of vidgen.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

from vidgen.errors import UsageError

MANIFEST_WORDS = {
    "trusted": "signed by a trusted signer",
    "valid-untrusted": "signed and intact, but the signer is not one you trust",
    "tampered": "signed, but the clip or manifest changed after signing",
    "absent": "no signed manifest in the file",
    "unreadable": "could not be read",
}
SIDECAR_WORDS = {
    "matches": "the record beside the clip matches it",
    "differs": "the record beside the clip does not match it",
    "absent": "no record beside the clip",
}


def open_report(path: str | os.PathLike, option: str = "--report"):
    """The report folder, checked before any work; a bad one is a usage error (exit 2)."""
    from checkers.html import ReportFolder, ReportFolderError

    try:
        return ReportFolder.open(path, option)
    except ReportFolderError as error:
        raise UsageError(str(error)) from None


def check_one(clip: str, options: dict, root: str | None = None, **extra):
    """(ClipReport, its page or None): `check_clip`, plus the clip's page when `root` is a
    report folder. Module level, so check's worker processes can run it."""
    if root is None:
        from checkers.runner import check_clip

        return check_clip(clip, **options, **extra), None
    from checkers.html import check_with_page

    try:
        return check_with_page(clip, root, provenance_facts, **options, **extra)
    except OSError as error:  # a full disk, a folder removed under us
        raise UsageError(
            f"--report {root}: cannot write the page of {clip} ({error.strerror or error}); "
            "free some space or pick another folder"
        ) from None


def report_one(clip: str, root: str | os.PathLike):
    """Check one clip, write its page and bring the index up to date (for `make --check`)."""
    from checkers.html import ReportFolder, write_index

    report, page = check_one(clip, {}, str(root))
    folder = ReportFolder(root)
    write_index(folder, folder.merge("check", {page.key: page.row}))
    return report


def provenance_facts(clip: str) -> dict[str, str] | None:
    """The `vidgen check` provenance summary as label -> plain words (module level: it runs
    in check's worker processes too)."""
    if not os.path.isfile(clip):
        return None
    from vidgen.provenance.summary import provenance_summary

    summary = provenance_summary(clip)
    state = summary.get("manifest", "unreadable")
    facts = {"manifest": f"{state}: {MANIFEST_WORDS.get(state, state)}"}
    if summary.get("signer"):
        facts["signer"] = str(summary["signer"])
    if summary.get("error"):
        facts["error"] = str(summary["error"])
    facts["AI-generated tag"] = (
        "yes (XMP trainedAlgorithmicMedia)" if summary.get("ai_generated_tag") else "no"
    )
    if summary.get("record_id"):
        facts["record"] = str(summary["record_id"])
    facts["more"] = "vidgen verify --report reads the watermark and the sidecar too"
    return facts


def verify_words(result: dict[str, Any]) -> list[tuple[str, str]]:
    """Each provenance layer of a `verify_clip` result in plain words."""
    if result["status"] == "unreadable":
        return [("clip", f"unreadable: {result.get('error', '')}")]
    man, mark, side = result["manifest"], result["watermark"], result["sidecar"]
    state = man.get("state", "absent")
    rows = [
        ("status", result["status"]),
        ("manifest", f"{state}: {MANIFEST_WORDS.get(state, state)}"),
    ]
    if man.get("signer"):
        rows.append(("signer", str(man["signer"])))
    if mark["state"] == "present":
        text = (
            f"present: payload {mark['payload']}, bit confidence {mark['confidence']:.2f} "
            "(1.00 = every bit read clearly)"
        )
        if "matches_record" in mark:
            text += (
                "; matches the record" if mark["matches_record"] else "; differs from the record"
            )
        rows.append(("watermark", text))
    else:
        rows.append(("watermark", "absent: no watermark could be read from the frames"))
    sstate = side.get("state", "absent")
    rows.append(("sidecar", f"{sstate}: {SIDECAR_WORDS.get(sstate, sstate)}"))
    for problem in result.get("problems") or []:
        rows.append(("problem", str(problem)))
    return rows


def write_verify_page(folder, result: dict[str, Any]):
    """A clip's provenance page (clips/KEY-verify.html) and its index row."""
    from checkers.html import ClipPage, clip_key, write_atomic
    from checkers.html.page import definitions, document, esc

    clip = result["path"]
    key = clip_key(clip)
    status = result["status"]
    css = "pass" if status == "intact" else "fail"
    body = [
        f'<h1><span class="verdict {css}">{esc(status)}</span> {esc(Path(clip).name)}</h1>',
        f'<p class="small">{esc(clip)}</p><h2>Provenance, layer by layer</h2>',
        definitions((k, esc(v)) for k, v in verify_words(result)),
    ]
    if folder.page_path(key).is_file():
        body.append(f'<p><a href="{esc(key)}.html">The check of this clip</a></p>')
    body.append('<p class="small"><a href="../index.html">All clips</a></p>')
    page = folder.page_path(key, "-verify")
    write_atomic(page, document(f"provenance {status}: {Path(clip).name}", body))
    relative = f"clips/{page.name}"
    return ClipPage(key, relative, {"clip": clip, "status": status, "page": relative})


class ReportRun:
    """Collects a run's pages, says how far it is on stderr, and writes the index."""

    EVERY_S = 5.0

    def __init__(self, folder, part: str, total: int, quiet: bool = False):
        self.folder, self.part, self.total, self.quiet = folder, part, total, quiet
        self.rows: dict[str, dict[str, Any]] = {}
        self.last = time.perf_counter()

    def add(self, page) -> None:
        self.rows[page.key] = page.row
        now = time.perf_counter()
        if not self.quiet and self.total > 1 and now - self.last >= self.EVERY_S:
            print(f"report: {len(self.rows)}/{self.total} pages in {self.folder.root}",
                  file=sys.stderr, flush=True)  # fmt: skip
            self.last = now

    def finish(self) -> str:
        """Merge this run's rows into the folder's entries and write index.html."""
        from checkers.html import write_index

        entries = self.folder.merge(self.part, self.rows)
        path = write_index(self.folder, entries)
        if not self.quiet:
            print(f"report: {path} ({len(entries)} clips, {len(self.rows)} from this run)",
                  file=sys.stderr, flush=True)  # fmt: skip
        return path
