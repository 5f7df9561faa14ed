"""What provenance `vidgen make` writes, and with which keys."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class ProvenanceOptions:
    sign: bool = True  # C2PA manifest (--no-sign turns it off)
    watermark: bool = True  # invisible watermark in every frame (--no-watermark)
    sign_cert: str | os.PathLike | None = None  # PEM chain, signer first; else $VIDGEN_SIGN_CERT
    sign_key: str | os.PathLike | None = None  # PEM private key; else $VIDGEN_SIGN_KEY
    home: str | os.PathLike | None = None  # local CA folder; else $VIDGEN_HOME or ~/.config/vidgen
