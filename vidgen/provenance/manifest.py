"""The C2PA manifest: signed into the MP4 with c2pa-python, and read back with its verdict.

The manifest says the clip was created by a trained model (c2pa.created with
digitalSourceType trainedAlgorithmicMedia, vidgen as softwareAgent), that it was
watermarked (c2pa.watermarked plus a soft-binding assertion naming the payload, so a
stripped copy can be matched back), that it must not be used for training
(cawg.training-mining), and it carries the reproducibility record. Its hard binding
(c2pa.hash.bmff) covers every byte of the file outside the manifest box.
"""

from __future__ import annotations

import json
from pathlib import Path

from vidgen import __version__
from vidgen.provenance.keys import SigningIdentity
from vidgen.provenance.metadata import IPTC_AI

RECORD_LABEL = "org.vidgen.record"
SOFT_BINDING_ALG = "org.vidgen.watermark.ss-luma.2"
# Failure codes that do not mean the bytes changed: only the signer is unknown to us.
_TRUST_ONLY = {"signingCredential.untrusted"}


def build_manifest(record: dict, payload: str | None, title: str) -> dict:
    agent = {"name": "vidgen", "version": __version__}
    actions = [
        {
            "action": "c2pa.created",
            "digitalSourceType": IPTC_AI,
            "softwareAgent": agent,
            "description": _created_from(record),
        }
    ]
    assertions = []
    if payload is not None:
        actions.append(
            {
                "action": "c2pa.watermarked",
                "softwareAgent": agent,
                "description": "invisible luma watermark in every frame (64-bit payload)",
            }
        )
        assertions.append(
            {
                "label": "c2pa.soft-binding",
                "data": {
                    "alg": SOFT_BINDING_ALG,
                    "blocks": [{"scope": {}, "value": payload}],
                },
            }
        )
    assertions.insert(0, {"label": "c2pa.actions.v2", "data": {"actions": actions}})
    not_allowed = {"use": "notAllowed"}
    assertions.append(
        {
            "label": "cawg.training-mining",
            "data": {
                "entries": {
                    "cawg.ai_generative_training": not_allowed,
                    "cawg.ai_training": not_allowed,
                    "cawg.ai_inference": not_allowed,
                    "cawg.data_mining": not_allowed,
                }
            },
        }
    )
    # JSON round trip: the record may hold Paths or tuples; the manifest wants plain data
    assertions.append({"label": RECORD_LABEL, "data": json.loads(json.dumps(record, default=str))})
    return {
        "claim_generator_info": [agent],
        "title": title,
        "format": "video/mp4",
        "assertions": assertions,
    }


def _created_from(record: dict) -> str:
    """What the clip was made from: the prompt, and the input images and LoRAs when used."""
    sources = ["a text prompt"]
    if record.get("image"):
        frames = "first and last frames" if record.get("last_image") else "first frame"
        sources.append(f"an input image ({frames}, sha256 in the record)")
    loras = record.get("loras") or []
    model = "a diffusion video model"
    if loras:
        model += f" with {len(loras)} LoRA adapter{'s' if len(loras) > 1 else ''}"
    return f"generated from {' and '.join(sources)} by {model}"


def sign(src: Path, dst: Path, manifest: dict, identity: SigningIdentity) -> None:
    """Write src plus the signed manifest to dst (dst must not be src)."""
    import c2pa

    from vidgen.errors import UsageError

    info = c2pa.C2paSignerInfo(identity.alg, identity.chain_pem, identity.key_pem, None)
    try:
        signer = c2pa.Signer.from_info(info)
    except c2pa.C2paError as error:
        raise UsageError(
            f"the signing certificate/key were rejected by C2PA ({_short(error)}); "
            "the signer needs a CA-issued certificate with digitalSignature key usage"
        ) from None
    with (
        signer,
        c2pa.Builder(manifest) as builder,
        open(src, "rb") as source,
        open(dst, "w+b") as dest,
    ):
        try:
            builder.sign(signer, "video/mp4", source, dest)
        except c2pa.C2paError as error:
            text = _short(error)
            if "cert" in text.lower() or "signature" in text.lower():
                raise UsageError(
                    f"C2PA signing failed: {text}; check --sign-cert/--sign-key "
                    "(a CA-issued signer with digitalSignature and documentSigning EKU)"
                ) from None
            raise


def _short(error: Exception) -> str:
    return " ".join(str(error).split())[:300]


def read(path: Path, anchors_pem: str | None) -> dict:
    """The manifest layer of one clip: state, signer, record and watermark payload.

    state: trusted (signed by a trust anchor's chain), valid-untrusted (intact, signer
    unknown), tampered (a hash or signature fails, or the manifest box is damaged),
    absent (no manifest).
    """
    import c2pa

    from vidgen.provenance.metadata import has_c2pa_box

    if not has_c2pa_box(path):
        return {"state": "absent"}
    settings: dict = {"verify": {"verify_trust": True}}
    if anchors_pem:
        settings["trust"] = {"trust_anchors": anchors_pem}
    try:
        with (
            c2pa.Context.from_dict(settings) as context,
            open(path, "rb") as stream,
            c2pa.Reader("video/mp4", stream, None, context) as reader,
        ):
            state = reader.get_validation_state()
            results = reader.get_validation_results() or {}
            active = reader.get_active_manifest() or {}
    except c2pa.C2paError as error:
        # a manifest box is there but cannot be parsed: someone changed its bytes
        return {"state": "tampered", "failures": [_short(error)]}
    failures = [
        f.get("code", "?") for f in (results.get("activeManifest") or {}).get("failure", [])
    ]
    real = [code for code in failures if code not in _TRUST_ONLY]
    if real or state == "Invalid":
        verdict = "tampered"
    elif state == "Trusted":
        verdict = "trusted"
    else:
        verdict = "valid-untrusted"
    out: dict = {"state": verdict}
    if real:
        out["failures"] = sorted(set(real))
    signature = active.get("signature_info") or {}
    out["signer"] = signature.get("common_name") or signature.get("issuer")
    for assertion in active.get("assertions", []):
        if assertion.get("label") == RECORD_LABEL:
            out["record"] = assertion.get("data")
        elif assertion.get("label") == "c2pa.soft-binding":
            blocks = (assertion.get("data") or {}).get("blocks") or [{}]
            out["watermark_payload"] = blocks[0].get("value")
    return out
