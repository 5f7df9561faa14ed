"""Identity-drift figures of a code change without running perception again.

The twin of physics_replay.py for identity_drift: perception and tracking take nearly all
of a clip's time, and identity_drift decides in `finalize` from the tracks and looks it
collected. `cache` runs each clip once (identity_drift only) and pickles the checker's state
just before `finalize`; `score` replays `finalize` with the checkers on PYTHONPATH and scores
the clips as accuracy.py does, taking the other checks' events from a full accuracy.py JSON
of the same clips (main's), so clean failures count every check. Session 19: the replay gave
main's identity events on all 835 clips it was compared on (the identity-labeled and clean
clips of the seven wild corpora), and a rule variant scored on them in about 40 s against
15-30 min for accuracy.py. Only valid while the change is inside the identity checker's
`finalize` (identity.py, identity_motion.py, shape_motion.py, step_fit.py): anything
upstream needs a new cache. The face path (a learned embedder) is not cached: its events
are not replayed. The other checks' events are taken as they are: `checkers.explained`
(which drops a physics event an identity size or shape change explains) is not applied
again, so a variant that adds or removes identity events may be a clip off in its
clean-failure count.

    python benchmarks/identity_replay.py cache /tmp/wild/d3131 /tmp/icache_d3131 --workers 2
    PYTHONPATH=. python benchmarks/identity_replay.py score /tmp/wild/d3131 /tmp/icache_d3131 \\
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

IDENTITY = "identity_drift"
KINDS = ("color_drift", "size_change", "shape_morph")
# Not pickled: the learned features (a model) and the face tracks (they need it).
NOT_KEPT = ("features", "_faces")


def _cache_one(job: tuple[str, str]) -> str:
    return replay_common.cache_one(*job, "checkers.identity:IdentityChecker", IDENTITY, NOT_KEPT)


def replayed(held: dict, clip: Path | None = None):
    """The identity CheckResult of one cached clip, decided by the code on PYTHONPATH;
    `clip`, the video, is decoded again where finalize reads outlines at the source."""
    from checkers.cadence import renumbered
    from checkers.identity import IdentityChecker

    checker = IdentityChecker.__new__(IdentityChecker)
    checker.__dict__.update(pickle.loads(held["state"]))
    checker.features, checker._faces = None, None
    if clip is not None:
        from checkers.source_morph import SourcePictures
        from checkers.video import probe

        checker.source = SourcePictures(probe(clip), held["first_shown"])
    result = checker.finalize()
    return renumbered(result, held["first_shown"]) if held["first_shown"] else result


def score(corpus: Path, cached: Path, others: list[str], tolerance: int) -> dict:
    from accuracy import score as accuracy_score

    labels = replay_common.labels(corpus)
    loaded: dict = {}
    results = {}
    for record in labels:
        clip = record["clip"]
        identity = replayed(pickle.loads((cached / f"{clip}.pkl").read_bytes()), corpus / clip)
        full = replay_common.others(others, clip, loaded) if others else None
        # Identity is judged first in the runner: no other check explains its events away,
        # and those it explained are not in the other checks' files (left as they are).
        rest = [e for e in (full or {}).get("events", []) if e["check"] != IDENTITY]
        events = [e.as_dict() for e in identity.events] + rest
        results[clip] = {"events": events, "verdict": "fail" if events else "pass"}
    summary = accuracy_score(labels, results, tolerance)
    summary["results"] = results
    return summary


if __name__ == "__main__":
    replay_common.main(__doc__, "identity", _cache_one, score, KINDS, IDENTITY)
