"""Process-wide CPU settings that must be made before torch is imported.

torch's OpenMP threads spin-wait between parallel regions by default. When anything else
runs on the same cores (a second vidgen, a browser, a test suite), the spinning threads and
the other work steal each other's time slices, and a pipeline call of the embedded model
went from ~2 s to ~14 s on the 2-core development machine (BENCHMARKS.md, "make"). A passive
wait policy lets idle threads sleep instead; on an idle machine it costs little.
"""

from __future__ import annotations

import os


def prefer_passive_openmp_wait() -> None:
    """Ask OpenMP (libgomp / Intel OpenMP) to sleep idle threads, unless the user set a policy.

    Only effective before torch (and its OpenMP runtime) is loaded in this process."""
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
