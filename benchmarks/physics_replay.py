"""Physics figures of a code change without running perception again.

Perception and tracking take nearly all of a clip's time; physics_sanity decides in
`finalize` from the tracks it collected. `cache` runs each clip once (physics_sanity only,
as `check_clip` does) and pickles the checker's state just before `finalize`; `score`
replays `finalize` with the checkers on PYTHONPATH and scores the clips as accuracy.py does,
taking the other checks' events from a full accuracy.py JSON of the same clips (main's), so
clean failures count every check. The replay reproduces accuracy.py's physics events (session
17: every clip of the seven wild corpora it was compared on). Only valid while the change
is inside checkers/physics/ or checkers/kinematics.py: anything upstream needs a new cache.

    python benchmarks/physics_replay.py cache /tmp/wild/d3131 /tmp/cache_d3131 --workers 2
    PYTHONPATH=. python benchmarks/physics_replay.py score /tmp/wild/d3131 /tmp/cache_d3131 \\
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

PHYSICS = "physics_sanity"


def _labels(corpus: Path) -> list[dict]:
    return [json.loads(line) for line in (corpus / "labels.jsonl").read_text().splitlines()]


def _cache_one(job: tuple[str, str]) -> str:
    path, out = job
    if os.path.exists(out):
        return "cached"
    import checkers.runner as runner
    from checkers.physics.checker import PhysicsChecker

    held: dict = {"first_shown": None}
    finalize, renumbered = PhysicsChecker.finalize, runner.renumbered

    def keep_state(self):
        held["state"] = pickle.dumps(dict(self.__dict__))
        return finalize(self)

    def keep_numbers(result, first_shown):
        held["first_shown"] = list(first_shown)
        return renumbered(result, first_shown)

    PhysicsChecker.finalize, runner.renumbered = keep_state, keep_numbers
    try:
        report = runner.check_clip(path, checks=(PHYSICS,), threads=1)
    finally:
        PhysicsChecker.finalize, runner.renumbered = finalize, renumbered
    if "state" not in held:
        return f"{path}: no state ({report.verdict}: {report.error})"
    with open(out, "wb") as f:
        pickle.dump({"state": held["state"], "first_shown": held["first_shown"]}, f)
    return "ok"


def cache(corpus: Path, out: Path, workers: int) -> None:
    out.mkdir(parents=True, exist_ok=True)
    clips = [r["clip"] for r in _labels(corpus)]
    jobs = [(str(corpus / c), str(out / f"{c}.pkl")) for c in clips]
    with ProcessPoolExecutor(workers) as pool:
        for said in pool.map(_cache_one, jobs, chunksize=1):
            if said not in ("ok", "cached"):
                print(said, flush=True)


def _others(paths: list[str], clip: str, loaded: dict) -> dict | None:
    """The full result of `clip` in the matching accuracy.py JSON, or None."""
    if len(paths) == 1:
        key, name = paths[0], clip
    else:
        corpus, name = clip.split("_", 1)
        key = next(p for p in paths if p.endswith(f"_{corpus}.json"))
    if key not in loaded:
        loaded[key] = json.loads(Path(key).read_text())["results"]
    return loaded[key].get(name)


def score(corpus: Path, cached: Path, others: list[str], tolerance: int) -> dict:
    sys.path.insert(0, str(Path(__file__).parent))
    from accuracy import score as accuracy_score

    from checkers.base import CheckResult, Event
    from checkers.cadence import renumbered
    from checkers.explained import explained
    from checkers.identity import IdentityChecker
    from checkers.permanence import PermanenceChecker
    from checkers.physics.checker import PhysicsChecker

    labels = _labels(corpus)
    loaded: dict = {}
    results = {}
    for record in labels:
        clip = record["clip"]
        held = pickle.loads((cached / f"{clip}.pkl").read_bytes())
        checker = PhysicsChecker()
        checker.__dict__.update(pickle.loads(held["state"]))
        physics = checker.finalize()
        full = _others(others, clip, loaded) if others else None
        rest = [e for e in (full or {}).get("events", []) if e["check"] != PHYSICS]
        # The other checks' events explain physics ones as in the runner (explained.py).
        by = collections.defaultdict(list)
        for e in rest:
            by[e["check"]].append(Event(**e))
        # (An event the old physics explained away is not in those files: a teleport the
        # change drops does not bring back the vanish it explained.)
        names = (IdentityChecker.name, PermanenceChecker.name)
        *kept, physics = explained([CheckResult(n, "fail", 0.0, by[n]) for n in names] + [physics])
        if held["first_shown"]:
            physics = renumbered(physics, held["first_shown"])
        events = [e.as_dict() for r in [*kept, physics] for e in r.events]
        results[clip] = {"events": events, "verdict": "fail" if events else "pass"}
    summary = accuracy_score(labels, results, tolerance)
    summary["results"] = results
    return summary


def report(summary: dict) -> str:
    c = summary["checks"][PHYSICS]
    kinds = ", ".join(
        f"{k} {v['found']}/{v['labeled']}" for k, v in summary["kinds"].items() if k in KINDS
    )
    false = [(check, kind, held) for _, check, kind, _, held in summary["false_events"]]
    clean = collections.Counter(k for check, k, held in false if check == PHYSICS and not held)
    violated = collections.Counter(k for check, k, held in false if check == PHYSICS and held)
    failed = summary["clean"].get("failed", 0)
    return "\n".join([
        f"physics recall {c['found']}/{c['labeled']}, {c['events']} events; {kinds}",
        f"clean clips failed (all checks) {failed}/{summary['clean'].get('clips', 0)}",
        f"physics events on clean clips {sum(clean.values())} {dict(clean)}",
        f"false physics events on violated clips {sum(violated.values())} {dict(violated)}",
    ])  # fmt: skip


KINDS = ("bounce_gain", "speed_jump", "through_object", "through_floor", "teleport",
         "gravity_reversal")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("cache", help="run perception once per clip, keep physics' state")
    c.add_argument("corpus", type=Path)
    c.add_argument("out", type=Path)
    c.add_argument("--workers", type=int, default=1)
    s = sub.add_parser("score", help="replay physics on the cached states and score")
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
