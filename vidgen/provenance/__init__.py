"""Provenance for every clip: an invisible watermark, MP4 tags + XMP, a signed C2PA manifest,
and the sidecar reproducibility record; `verify_clip` reads each layer back.

    opts = ProvenanceOptions()
    frames, payload = mark_frames(frames, record_id, opts)  # before encoding
    seal_clip(temp_mp4, record, opts)                        # after encoding, before publishing
    verify_clip(path)                                        # vidgen verify

Importing this package is cheap (numpy only); c2pa, av and cv2 load when used.
"""

from vidgen.provenance.options import ProvenanceOptions
from vidgen.provenance.seal import mark_frames, new_record_id, prepare, seal_clip
from vidgen.provenance.verify import SCHEMA, verify_clip

__all__ = [
    "SCHEMA",
    "ProvenanceOptions",
    "mark_frames",
    "new_record_id",
    "prepare",
    "seal_clip",
    "verify_clip",
]
