"""The writing side: mark frames before encoding, seal the encoded MP4 before it is published."""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path

import numpy as np

from vidgen.provenance import manifest, metadata, watermark
from vidgen.provenance.frames import decode
from vidgen.provenance.keys import load_identity
from vidgen.provenance.options import ProvenanceOptions

WATERMARK_ALG = "vidgen-ss-luma/2"  # 2: convolutional code; small frames cycle quadrants


def new_record_id() -> str:
    return uuid.uuid4().hex


def record_id_of(record: dict) -> str | None:
    return record.get("record_id") or record.get("id")


def prepare(opts: ProvenanceOptions) -> None:
    """Fail fast on bad signing keys (and create the local CA) before any slow generation."""
    if opts.sign:
        load_identity(opts.sign_cert, opts.sign_key, opts.home)


def mark_frames(
    frames: np.ndarray, record_id: str, opts: ProvenanceOptions
) -> tuple[np.ndarray, str | None]:
    """Watermark every frame of (T, H, W, 3) uint8 frames; returns (frames, 16-hex payload).

    The payload is None when the watermark is off, or the clip is too small to carry a
    readable mark (under 64 pixels a side, or, for frames under 192 pixels a side, under
    8 frames: see watermark.can_mark).
    """
    if not opts.watermark or not watermark.can_mark(*frames.shape[:3]):
        return frames, None
    payload = watermark.payload_for(record_id)
    return watermark.embed(frames, payload), payload


def seal_clip(mp4_path: str | os.PathLike, record: dict, opts: ProvenanceOptions) -> dict:
    """Tags + XMP, then the signed C2PA manifest, written into mp4_path in place.

    Fills in record["provenance"] (record id, decoded-frame hash, watermark payload,
    signing) before embedding, so the manifest, the tags and the sidecar the caller writes
    afterwards all carry the same facts. Returns the record. The file is rewritten via a
    second temp file and os.replace, so mp4_path is never half-written.
    """
    path = Path(mp4_path)
    rid = record_id_of(record) or new_record_id()
    record["record_id"] = rid
    decoded = decode(path)
    marked = opts.watermark and watermark.can_mark(decoded.frames, decoded.height, decoded.width)
    payload = watermark.payload_for(rid) if marked else None
    identity = load_identity(opts.sign_cert, opts.sign_key, opts.home) if opts.sign else None
    record["provenance"] = {
        "record_id": rid,
        "decoded_frames_sha256": decoded.sha256,
        "decoded_frames": decoded.frames,
        "watermark": {"algorithm": WATERMARK_ALG, "payload": payload} if payload else None,
        "c2pa": {"signed": identity is not None, "signer": identity.source if identity else None},
        "xmp_digital_source_type": metadata.IPTC_AI,
    }
    tagged = path.with_name(f".{path.stem}.{os.getpid()}.tags{path.suffix}")
    signed = path.with_name(f".{path.stem}.{os.getpid()}.signed{path.suffix}")
    try:
        metadata.write_tags(path, tagged, record)
        metadata.append_xmp(tagged, record)
        if identity is None:
            os.replace(tagged, path)
        else:
            built = manifest.build_manifest(record, payload, record.get("clip") or path.name)
            manifest.sign(tagged, signed, built, identity)
            os.replace(signed, path)
    finally:
        for temp in (tagged, signed):
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()
    return record
