"""What the replay scripts (physics_replay.py, identity_replay.py) share: caching one
checker's state just before `finalize`, finding the other checks' events of a clip in an
accuracy.py JSON, the report lines and the command line. Each script keeps only what is its
check's own: which checker, what is not pickled, and how the replayed events join the
others'.
"""

from __future__ import annotations

import argparse
import collections
import importlib
import json
import os
import pickle
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path


def labels(corpus: Path) -> list[dict]:
    return [json.loads(line) for line in (corpus / "labels.jsonl").read_text().splitlines()]


def cache_one(path: str, out: str, checker: str, check: str, not_kept: tuple = ()) -> str:
    """Check clip `path` with `check` only and pickle the state of `checker` ("module:Class")
    just before its `finalize`, with the frame numbering the runner applies, into `out`."""
    if os.path.exists(out):
        return "cached"
    import checkers.runner as runner

    module, name = checker.split(":")
    cls = getattr(importlib.import_module(module), name)
    held: dict = {"first_shown": None}
    finalize, renumbered = cls.finalize, runner.renumbered

    def keep_state(self):
        held["state"] = pickle.dumps({k: v for k, v in self.__dict__.items() if k not in not_kept})
        return finalize(self)

    def keep_numbers(result, first_shown):
        held["first_shown"] = list(first_shown)
        return renumbered(result, first_shown)

    cls.finalize, runner.renumbered = keep_state, keep_numbers
    try:
        report = runner.check_clip(path, checks=(check,), threads=1)
    finally:
        cls.finalize, runner.renumbered = finalize, renumbered
    if "state" not in held:
        return f"{path}: no state ({report.verdict}: {report.error})"
    with open(out + ".tmp", "wb") as f:
        pickle.dump({"state": held["state"], "first_shown": held["first_shown"]}, f)
    os.replace(out + ".tmp", out)  # a killed run leaves no half-written state behind
    return "ok"


def cache(corpus: Path, out: Path, workers: int, one: Callable[[tuple[str, str]], str]) -> None:
    """Cache every labeled clip of `corpus` with `one` (a script's module-level `_cache_one`:
    the worker processes import it by name)."""
    out.mkdir(parents=True, exist_ok=True)
    jobs = [(str(corpus / r["clip"]), str(out / f"{r['clip']}.pkl")) for r in labels(corpus)]
    with ProcessPoolExecutor(workers) as pool:
        for said in pool.map(one, jobs, chunksize=1):
            if said not in ("ok", "cached"):
                print(said, flush=True)


def others(paths: list[str], clip: str, loaded: dict) -> dict | None:
    """The full result of `clip` in the matching accuracy.py JSON, or None."""
    if len(paths) == 1:
        key, name = paths[0], clip
    else:
        corpus, name = clip.split("_", 1)
        key = next(p for p in paths if p.endswith(f"_{corpus}.json"))
    if key not in loaded:
        loaded[key] = json.loads(Path(key).read_text())["results"]
    return loaded[key].get(name)


def report(summary: dict, check: str, kinds: tuple[str, ...], word: str) -> str:
    """Recall of `check` per kind in `kinds`, clean failures, and `check`'s false events."""
    c = summary["checks"][check]
    found = ", ".join(
        f"{k} {v['found']}/{v['labeled']}" for k, v in summary["kinds"].items() if k in kinds
    )
    false = [(ch, kind, held) for _, ch, kind, _, held in summary["false_events"]]
    clean = collections.Counter(k for ch, k, held in false if ch == check and not held)
    violated = collections.Counter(k for ch, k, held in false if ch == check and held)
    failed = summary["clean"].get("failed", 0)
    return "\n".join([
        f"{word} recall {c['found']}/{c['labeled']}, {c['events']} events; {found}",
        f"clean clips failed (all checks) {failed}/{summary['clean'].get('clips', 0)}",
        f"{word} events on clean clips {sum(clean.values())} {dict(clean)}",
        f"false {word} events on violated clips {sum(violated.values())} {dict(violated)}",
    ])  # fmt: skip


def main(doc: str, word: str, one: Callable, score: Callable, kinds: tuple, check: str) -> None:
    """The command line of a replay script: `cache CORPUS OUT` and `score CORPUS CACHED`."""
    parser = argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("cache", help=f"run perception once per clip, keep {word}'s state")
    c.add_argument("corpus", type=Path)
    c.add_argument("out", type=Path)
    c.add_argument("--workers", type=int, default=1)
    s = sub.add_parser("score", help=f"replay {word} on the cached states and score")
    s.add_argument("corpus", type=Path)
    s.add_argument("cached", type=Path)
    s.add_argument("--others", nargs="*", default=[], help="accuracy.py JSONs of the clips")
    s.add_argument("--tolerance", type=int, default=2)
    s.add_argument("--json", type=Path)
    args = parser.parse_args()
    if args.command == "cache":
        cache(args.corpus, args.out, args.workers, one)
        return
    summary = score(args.corpus, args.cached, args.others, args.tolerance)
    print(report(summary, check, kinds, word))
    if args.json:
        args.json.write_text(json.dumps(summary))
