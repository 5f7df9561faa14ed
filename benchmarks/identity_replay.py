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

import argparse
import collections
import json
import os
import pickle
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from physics_replay import _labels, _others  # noqa: E402 - a sibling script, not a package

IDENTITY = "identity_drift"
KINDS = ("color_drift", "size_change", "shape_morph")
# Not pickled: the learned features (a model) and the face tracks (they need it).
NOT_KEPT = ("features", "_faces")


def _cache_one(job: tuple[str, str]) -> str:
    path, out = job
    if os.path.exists(out):
        return "cached"
    import checkers.runner as runner
    from checkers.identity import IdentityChecker

    held: dict = {"first_shown": None}
    finalize, renumbered = IdentityChecker.finalize, runner.renumbered

    def keep_state(self):
        held["state"] = pickle.dumps({k: v for k, v in self.__dict__.items() if k not in NOT_KEPT})
        return finalize(self)

    def keep_numbers(result, first_shown):
        held["first_shown"] = list(first_shown)
        return renumbered(result, first_shown)

    IdentityChecker.finalize, runner.renumbered = keep_state, keep_numbers
    try:
        report = runner.check_clip(path, checks=(IDENTITY,), threads=1)
    finally:
        IdentityChecker.finalize, runner.renumbered = finalize, renumbered
    if "state" not in held:
        return f"{path}: no state ({report.verdict}: {report.error})"
    with open(out + ".tmp", "wb") as f:
        pickle.dump({"state": held["state"], "first_shown": held["first_shown"]}, f)
    os.replace(out + ".tmp", out)  # a killed run leaves no half-written state behind
    return "ok"


def cache(corpus: Path, out: Path, workers: int) -> None:
    out.mkdir(parents=True, exist_ok=True)
    clips = [r["clip"] for r in _labels(corpus)]
    jobs = [(str(corpus / c), str(out / f"{c}.pkl")) for c in clips]
    with ProcessPoolExecutor(workers) as pool:
        for said in pool.map(_cache_one, jobs, chunksize=1):
            if said not in ("ok", "cached"):
                print(said, flush=True)


def replayed(held: dict):
    """The identity CheckResult of one cached clip, decided by the code on PYTHONPATH."""
    from checkers.cadence import renumbered
    from checkers.identity import IdentityChecker

    checker = IdentityChecker.__new__(IdentityChecker)
    checker.__dict__.update(pickle.loads(held["state"]))
    checker.features, checker._faces = None, None
    result = checker.finalize()
    return renumbered(result, held["first_shown"]) if held["first_shown"] else result


def score(corpus: Path, cached: Path, others: list[str], tolerance: int) -> dict:
    from accuracy import score as accuracy_score

    labels = _labels(corpus)
    loaded: dict = {}
    results = {}
    for record in labels:
        clip = record["clip"]
        identity = replayed(pickle.loads((cached / f"{clip}.pkl").read_bytes()))
        full = _others(others, clip, loaded) if others else None
        # Identity is judged first in the runner: no other check explains its events away,
        # and those it explained are not in the other checks' files (left as they are).
        rest = [e for e in (full or {}).get("events", []) if e["check"] != IDENTITY]
        events = [e.as_dict() for e in identity.events] + rest
        results[clip] = {"events": events, "verdict": "fail" if events else "pass"}
    summary = accuracy_score(labels, results, tolerance)
    summary["results"] = results
    return summary


def report(summary: dict) -> str:
    c = summary["checks"][IDENTITY]
    kinds = ", ".join(
        f"{k} {v['found']}/{v['labeled']}" for k, v in summary["kinds"].items() if k in KINDS
    )
    false = [(check, kind, held) for _, check, kind, _, held in summary["false_events"]]
    clean = collections.Counter(k for check, k, held in false if check == IDENTITY and not held)
    violated = collections.Counter(k for check, k, held in false if check == IDENTITY and held)
    failed = summary["clean"].get("failed", 0)
    return "\n".join([
        f"identity recall {c['found']}/{c['labeled']}, {c['events']} events; {kinds}",
        f"clean clips failed (all checks) {failed}/{summary['clean'].get('clips', 0)}",
        f"identity events on clean clips {sum(clean.values())} {dict(clean)}",
        f"false identity events on violated clips {sum(violated.values())} {dict(violated)}",
    ])  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("cache", help="run perception once per clip, keep identity's state")
    c.add_argument("corpus", type=Path)
    c.add_argument("out", type=Path)
    c.add_argument("--workers", type=int, default=1)
    s = sub.add_parser("score", help="replay identity on the cached states and score")
    s.add_argument("corpus", type=Path)
    s.add_argument("cached", type=Path)
    s.add_argument("--others", nargs="*", default=[], help="accuracy.py JSONs of the clips")
    s.add_argument("--tolerance", type=int, default=2)
    s.add_argument("--json", type=Path)
    args = parser.parse_args()
    if args.command == "cache":
        cache(args.corpus, args.out, args.workers)
        return
    summary = score(args.corpus, args.cached, args.others, args.tolerance)
    print(report(summary))
    if args.json:
        args.json.write_text(json.dumps(summary))


if __name__ == "__main__":
    main()
