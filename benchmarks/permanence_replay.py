"""Object-permanence figures of a code change without running perception again.

The twin of identity_replay.py for object_permanence: perception and tracking take nearly
all of a clip's time, and the permanence checker decides in `finalize` from the tracks it
was handed. `cache` runs each clip once (object_permanence only) and pickles the checker's
state just before `finalize`; `score` replays `finalize` with the checkers on PYTHONPATH
and scores the clips as accuracy.py does, taking the other checks' events from a full
accuracy.py JSON of the same clips (main's), so clean failures count every check, and
dropping the vanishes and appears a physics teleport of those files explains (as the runner
does, checkers/explained.py). Only valid while the change is inside the permanence
checker's `finalize` (permanence.py, permanence_*.py): anything upstream (tracking,
perception) needs a new cache.

    python benchmarks/permanence_replay.py cache /tmp/wild/d3131 /tmp/pcache_d3131 --workers 2
    PYTHONPATH=. python benchmarks/permanence_replay.py score /tmp/wild/d3131 /tmp/pcache_d3131 \\
        --others main_d3131.json --json out.json

A corpus made by several (subset) folders names its clips `<corpus>_<clip>`; `--others` then
takes one JSON per corpus, matched by the file name's `_<corpus>.json` ending.
"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # its sibling scripts
import replay_common  # noqa: E402 - a sibling script, not a package

PERMANENCE = "object_permanence"
KINDS = ("split", "vanish", "appear")


def _cache_one(job: tuple[str, str]) -> str:
    return replay_common.cache_one(*job, "checkers.permanence:PermanenceChecker", PERMANENCE)


def score(corpus: Path, cached: Path, others: list[str], tolerance: int) -> dict:
    from accuracy import score as accuracy_score

    from checkers.base import CheckResult, Event
    from checkers.cadence import renumbered
    from checkers.explained import explained
    from checkers.permanence import PermanenceChecker

    labels = replay_common.labels(corpus)
    loaded: dict = {}
    results = {}
    for record in labels:
        clip = record["clip"]
        held = pickle.loads((cached / f"{clip}.pkl").read_bytes())
        checker = PermanenceChecker.__new__(PermanenceChecker)
        checker.__dict__.update(pickle.loads(held["state"]))
        permanence = checker.finalize()
        full = replay_common.others(others, clip, loaded) if others else None
        rest = [e for e in (full or {}).get("events", []) if e["check"] != PERMANENCE]
        physics = [Event(**e) for e in rest if e["check"] == "physics_sanity"]
        # Physics teleports explain a vanish and an appear as in the runner (explained.py).
        permanence, _ = explained([permanence, CheckResult("physics_sanity", "fail", 0.0, physics)])
        if held["first_shown"]:
            permanence = renumbered(permanence, held["first_shown"])
        events = [e.as_dict() for e in permanence.events] + rest
        results[clip] = {"events": events, "verdict": "fail" if events else "pass"}
    summary = accuracy_score(labels, results, tolerance)
    summary["results"] = results
    return summary


if __name__ == "__main__":
    replay_common.main(__doc__, "permanence", _cache_one, score, KINDS, PERMANENCE)
