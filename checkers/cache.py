"""Where checkers keeps files it builds once, so that later processes start faster (today
dlib's face detector: checkers/features/faces.py).

The folder is checkers' own: $CHECKERS_CACHE, else $XDG_CACHE_HOME/checkers, else
~/.cache/checkers. checkers knows nothing of the application that calls it; an application
with a cache folder of its own hands it over through CHECKERS_CACHE (vidgen does, so that
one VIDGEN_CACHE holds both). Every file here can be rebuilt: a folder that cannot be
written or read only costs the time of building again.
"""

from __future__ import annotations

import os
from pathlib import Path

CACHE_ENV = "CHECKERS_CACHE"
FOLDER = "checkers"  # under $XDG_CACHE_HOME or ~/.cache when CHECKERS_CACHE is not set


def cache_dir() -> Path:
    """$CHECKERS_CACHE, else $XDG_CACHE_HOME/checkers or ~/.cache/checkers."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / FOLDER
