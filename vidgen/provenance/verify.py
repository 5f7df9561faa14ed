"""The reading side: each provenance layer of a clip, judged separately, and one verdict.

Layers back each other up: a remux strips tags and manifest but not the watermark; a
re-encode breaks the manifest's hash but not the watermark; the sidecar can be checked
against the frames themselves (its hash of the decoded frames) and against the record
embedded in the clip.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from vidgen.provenance import manifest, metadata, wmread
from vidgen.provenance.frames import decode, frame_count
from vidgen.provenance.keys import local_anchor_pem
from vidgen.provenance.record import WRITTEN_AFTER_SIGNING, differing_fields
from vidgen.provenance.seal import WATERMARK_ALG

SCHEMA = "vidgen.verify/1"
READ_FRAMES = 24  # the watermark reader sees at most about this many frames


def read_step(total_frames: int) -> int:
    """Read every n-th frame: spread over the whole clip, about READ_FRAMES of them.

    The step is odd, so the frames read cover every class t mod 4 of the cycling scheme.
    """
    step = max(1, total_frames // READ_FRAMES) if total_frames else 1
    return step if step % 2 else step + 1


def read_watermark(path: str | os.PathLike) -> wmread.Reading:
    """The watermark of a clip, read exactly as verify_clip reads it."""
    reader = wmread.Reader()
    decode(Path(path), reader.add_frame, every=read_step(frame_count(path)))
    return reader.read()


class Unreadable(Exception):
    """The file is not a video we can open (exit code 2)."""


def sidecar_for(clip: Path) -> Path | None:
    for candidate in (clip.with_suffix(".json"), clip.with_name(clip.name + ".json")):
        if candidate.is_file():
            return candidate
    return None


def _anchors(trust_anchors, home) -> str | None:
    """PEM text of every anchor: the ones passed (paths or PEM), plus vidgen's local CA."""
    parts = []
    for anchor in trust_anchors or []:
        text = str(anchor)
        parts.append(text if "BEGIN CERTIFICATE" in text else Path(anchor).read_text())
    local = local_anchor_pem(home)
    if local:
        parts.append(local.decode())
    return "\n".join(parts) or None


def verify_clip(
    mp4_path: str | os.PathLike,
    sidecar_path: str | os.PathLike | None = None,
    trust_anchors: list | None = None,
    home: str | os.PathLike | None = None,
) -> dict:
    """Judge one clip; returns a JSON-ready dict (see SCHEMA) with `status` and `exit_code`."""
    path = Path(mp4_path)
    result: dict = {"path": str(path)}
    try:
        if not path.is_file():
            raise Unreadable("no such file")
        every = read_step(frame_count(path))
        reader = wmread.Reader()
        decoded = decode(path, reader.add_frame, every=every)
        if decoded.frames == 0:
            raise Unreadable("no video frames")
    except Unreadable as error:
        return {**result, "status": "unreadable", "error": str(error), "exit_code": 2}
    except Exception as error:  # av raises many kinds on a broken file
        text = " ".join(str(error).split())[:200]
        return {**result, "status": "unreadable", "error": text, "exit_code": 2}

    man = manifest.read(path, _anchors(trust_anchors, home))
    meta = metadata.read_state(path)
    reading = reader.read()
    # The record inside the clip: the signed manifest's whole record, else the tags' compact one.
    embedded = man.get("record") or meta.get("record") or {}
    unsigned = metadata.LEFT_OUT_OF_TAGS if not man.get("record") and meta.get("record") else ()
    expected_payload = man.get("watermark_payload") or _payload_in(embedded)
    mark: dict = {"state": "present" if reading.present else "absent"}
    if reading.present:
        mark.update(payload=reading.payload, confidence=reading.confidence)
        if expected_payload:
            mark["matches_record"] = reading.payload == expected_payload

    side_path = Path(sidecar_path) if sidecar_path else sidecar_for(path)
    side = _sidecar(side_path, decoded.sha256, embedded, reading.payload, unsigned)

    result.update(
        frames=decoded.frames,
        size=[decoded.width, decoded.height],
        decoded_frames_sha256=decoded.sha256,
        manifest={
            k: v for k, v in man.items() if k not in ("record", "watermark_payload", "watermarked")
        },
        watermark=mark,
        sidecar=side,
        metadata={k: v for k, v in meta.items() if k != "record"},
    )
    man["watermarked"] = bool(man.get("watermark_payload"))
    status, problems = _verdict(man, mark, side, embedded or _sidecar_record(side_path))
    result["status"] = status
    result["problems"] = problems
    result["exit_code"] = 0 if status == "intact" else 1
    return result


def _payload_in(record: dict) -> str | None:
    mark = (record.get("provenance") or {}).get("watermark") or {}
    return mark.get("payload")


def _sidecar_record(path: Path | None) -> dict:
    if path is None:
        return {}
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def _sidecar(
    path: Path | None,
    frames_sha256: str,
    embedded: dict,
    payload: str | None,
    unsigned: tuple[str, ...] = (),
) -> dict:
    """The sidecar against the clip: its frames, and every field of the record inside it.

    `unsigned` names fields the embedded copy leaves out (the tags' compact record).
    """
    if path is None or not path.is_file():
        return {"state": "absent"}
    out: dict = {"path": str(path)}
    try:
        record = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        return {**out, "state": "differs", "reason": f"not a JSON record ({error})"}
    if not isinstance(record, dict):
        return {**out, "state": "differs", "reason": "not a JSON record (not an object)"}
    prov = record.get("provenance") or {}
    reasons = []
    if prov.get("decoded_frames_sha256") and prov["decoded_frames_sha256"] != frames_sha256:
        reasons.append("the clip's frames are not the frames this record describes")
    fields = []
    if embedded:
        fields = differing_fields(embedded, record, skip=(*WRITTEN_AFTER_SIGNING, *unsigned))
        if fields:
            out["fields"] = fields
            reasons.append(
                f"{', '.join(fields)} differ{'s' if len(fields) == 1 else ''} from the record "
                "embedded in the clip"
            )
    side_payload = _payload_in(record)
    if payload and side_payload and payload != side_payload:
        reasons.append("watermark payload differs from the one read from the frames")
    if not prov and not embedded:
        reasons.append("record has no provenance section to compare")
    if reasons:
        return {**out, "state": "differs", "reason": "; ".join(reasons)}
    return {**out, "state": "matches"}


def signed_record(clip: Path, trust_anchors: list | None = None) -> dict | None:
    """The record signed into a clip's C2PA manifest, or None when there is no intact one."""
    if not clip.is_file():
        return None
    man = manifest.read(clip, _anchors(trust_anchors, None))
    if man["state"] not in ("trusted", "valid-untrusted"):
        return None
    return man.get("record")


def _verdict(man: dict, mark: dict, side: dict, record: dict) -> tuple[str, list[str]]:
    """intact, tampered or missing, and the reasons (warnings are listed but do not fail).

    Only the signed manifest can vouch for a clip, so a clip without one is never intact,
    even when its (unauthenticated) tags or sidecar say signing was turned off.
    """
    prov = record.get("provenance") or {}
    tampered, missing, warnings = [], [], []
    signed = man["state"] in ("trusted", "valid-untrusted")
    if man["state"] == "tampered":
        tampered.append("manifest: " + ", ".join(man.get("failures", ["damaged"])))
    elif man["state"] == "absent":
        off = (prov.get("c2pa") or {}).get("signed") is False
        missing.append(
            "manifest absent" + (" (the record says it was made unsigned)" if off else "")
        )
    elif man["state"] == "valid-untrusted":
        warnings.append("manifest signer is not a trust anchor (pass --trust CERT.pem)")
    if mark.get("matches_record") is False:
        tampered.append("watermark payload differs from the record")
    elif mark["state"] == "absent" and signed and man.get("watermarked"):
        # the manifest's hash proves these are the pixels that were marked: the mark is
        # there but too weak to read (small or static clips), or of an older algorithm
        # this reader does not know; neither is tampering
        algorithm = ((prov.get("watermark") or {}).get("algorithm")) or WATERMARK_ALG
        if algorithm != WATERMARK_ALG:
            warnings.append(
                f"watermark not read: the clip was marked with {algorithm}, this vidgen reads "
                f"{WATERMARK_ALG}"
            )
        else:
            warnings.append("watermark not detected (too weak to read in this clip)")
    if side["state"] == "differs":
        tampered.append("sidecar: " + side.get("reason", "differs"))
    if tampered:
        return "tampered", tampered + missing + warnings
    if missing:
        return "missing", missing + warnings
    return "intact", warnings
