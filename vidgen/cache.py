"""vidgen's folder for files built once, and lending it to checkers.

The folder: $VIDGEN_CACHE, else $XDG_CACHE_HOME/vidgen, else ~/.cache/vidgen. checkers names
a folder of its own (checkers/cache.py, ~/.cache/checkers) since it knows nothing of vidgen;
when vidgen runs it, vidgen hands it this one through CHECKERS_CACHE. So one setting
(VIDGEN_CACHE) places everything vidgen caches, and what earlier versions cached here (dlib's
face detector, 0.5-2.5 s to build) is still found. A CHECKERS_CACHE the user set wins.
"""

from __future__ import annotations

import os
from pathlib import Path

from checkers.cache import CACHE_ENV as CHECKERS_CACHE_ENV

CACHE_ENV = "VIDGEN_CACHE"


def cache_dir() -> Path:
    """$VIDGEN_CACHE, else $XDG_CACHE_HOME/vidgen or ~/.cache/vidgen."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "vidgen"


def lend_cache_to_checkers() -> None:
    """Point checkers at vidgen's cache folder for this process and its children (the check
    workers), unless CHECKERS_CACHE is set already."""
    if not os.environ.get(CHECKERS_CACHE_ENV):
        os.environ[CHECKERS_CACHE_ENV] = str(cache_dir())
