"""Physics figures of a code change without running perception again.

Perception and tracking take nearly all of a clip's time; physics_sanity decides in
`finalize` from the tracks it collected. `cache` runs each clip once (physics_sanity only,
as `check_clip` does) and pickles the checker's state just before `finalize`; `score`
replays `finalize` with the checkers on PYTHONPATH and scores the clips as accuracy.py does,
taking the other checks' events from a full accuracy.py JSON of the same clips (main's), so
clean failures count every check. The replay reproduces accuracy.py's physics events (session
17: every clip of the seven wild corpora it was compared on). Only valid while the change
is inside checkers/physics/ or checkers/kinematics.py: anything upstream needs a new cache.
Caches made before the checker kept its gray frames (point_speed.py, session 22) get them
decoded again from the clip.

    python benchmarks/physics_replay.py cache /tmp/wild/d3131 /tmp/cache_d3131 --workers 2
    PYTHONPATH=. python benchmarks/physics_replay.py score /tmp/wild/d3131 /tmp/cache_d3131 \\
        --others main_d3131.json --json out.json

A corpus made by several (subset) folders names its clips `<corpus>_<clip>`; `--others` then
takes one JSON per corpus, matched by the file name's `_<corpus>.json` ending.
"""

from __future__ import annotations

import collections
import pickle
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # its sibling scripts
import replay_common  # noqa: E402 - a sibling script, not a package

PHYSICS = "physics_sanity"
KINDS = ("bounce_gain", "speed_jump", "through_object", "through_floor", "teleport",
         "gravity_reversal")  # fmt: skip


def _cache_one(job: tuple[str, str]) -> str:
    return replay_common.cache_one(*job, "checkers.physics.checker:PhysicsChecker", PHYSICS)


def _grays(path: Path, size: tuple[int, int]) -> dict:
    """The gray analysis frames `process` keeps, decoded again (numbered by picture)."""
    import cv2

    from checkers.cadence import distinct_pictures
    from checkers.video import frames, probe

    info = probe(str(path))
    grays = {}
    for f in distinct_pictures(frames(info), info.fps):
        if f.image.shape[:2] != tuple(size):
            raise SystemExit(f"{path}: analysis size {f.image.shape[:2]} is not the cache's {size}")
        grays[f.index] = cv2.cvtColor(f.image, cv2.COLOR_RGB2GRAY)
    return grays


def score(corpus: Path, cached: Path, others: list[str], tolerance: int) -> dict:
    from accuracy import score as accuracy_score

    from checkers.base import CheckResult, Event
    from checkers.cadence import renumbered
    from checkers.explained import explained
    from checkers.identity import IdentityChecker
    from checkers.permanence import PermanenceChecker
    from checkers.physics.checker import PhysicsChecker
    from checkers.physics.point_speed import steps_from_frames

    labels = replay_common.labels(corpus)
    loaded: dict = {}
    results = {}
    for record in labels:
        clip = record["clip"]
        held = pickle.loads((cached / f"{clip}.pkl").read_bytes())
        checker = PhysicsChecker()
        checker.__dict__.update(pickle.loads(held["state"]))
        if not checker.__dict__.get("_point_steps"):  # cached before process kept the steps
            grays = checker.__dict__.pop("_gray", None) or _grays(corpus / clip, checker._size)
            checker._point_steps = steps_from_frames(grays, checker._tracks.values())
        physics = checker.finalize()
        full = replay_common.others(others, clip, loaded) if others else None
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


if __name__ == "__main__":
    replay_common.main(__doc__, "physics", _cache_one, score, KINDS, PHYSICS)
