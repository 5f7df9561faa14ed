"""Keep freed frame-sized memory in the process instead of handing it back to the OS.

Every analysis frame makes a few dozen temporary arrays of 0.1-1 MB (Lab copies, flows,
distance maps). glibc's malloc serves blocks that large with a fresh mmap, or trims them off
the heap as soon as they are freed, so each frame faults its pages in again and the kernel
zeroes them: measured here, a Lab conversion took twice its compute time and a check spent
about a fifth of its CPU time this way (BENCHMARKS.md, "Speed, session 10"). Raising the
two thresholds keeps those blocks for reuse. Peak memory still does not grow with the
clip's length: the same blocks are reused frame after frame.

The setting is process-wide and only ever raises the thresholds; it does nothing where
malloc is not glibc's.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import logging

log = logging.getLogger("checkers")

M_TRIM_THRESHOLD = -1  # glibc's mallopt parameter numbers (malloc.h)
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 16 << 20  # bytes: blocks under this come from the reusable heap
TRIM_THRESHOLD = 64 << 20  # bytes of free heap kept before any is handed back


@functools.cache
def keep_freed_memory() -> bool:
    """Raise glibc's mmap and trim thresholds once per process; False where not glibc."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    done = mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
    done = mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1 and done
    log.debug("malloc thresholds raised: %s", done)
    return done
