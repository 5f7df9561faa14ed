"""A cheap provenance summary for `vidgen check`: manifest and tags only, no frame decoding."""

from __future__ import annotations

import os
from pathlib import Path

from vidgen.provenance import manifest, metadata
from vidgen.provenance.keys import local_anchor_pem


def provenance_summary(path: str | os.PathLike) -> dict:
    """Manifest state and signer, whether the tags/XMP say AI-generated, and the record id."""
    clip = Path(path)
    anchor = local_anchor_pem()
    try:
        man = manifest.read(clip, anchor.decode() if anchor else None)
        meta = metadata.read_state(clip)
    except Exception as error:  # a summary never fails a check; it says what it could not read
        return {"manifest": "unreadable", "error": " ".join(str(error).split())[:120]}
    record = man.get("record") or meta.get("record") or {}
    return {
        "manifest": man["state"],
        "signer": man.get("signer"),
        "ai_generated_tag": bool(meta.get("xmp_digital_source_type")),
        "record_id": record.get("record_id"),
    }


def summary_line(summary: dict) -> str:
    text = f"provenance: manifest {summary['manifest']}"
    if summary.get("signer"):
        text += f" ({summary['signer']})"
    if summary.get("ai_generated_tag"):
        text += ", XMP trainedAlgorithmicMedia"
    if summary.get("record_id"):
        text += f", record {summary['record_id'][:12]}"
    return text + " (vidgen verify for the watermark and sidecar)"
