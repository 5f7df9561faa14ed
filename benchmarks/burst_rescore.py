r"""Score a change of the scene's burst stage without running the trackers again.

The burst stage (checkers/perception/scene.py, bursts.py, lasting.py) is read by two checks
only, and only on clips that are not clean; nothing else in a check depends on it. So a
variant of it is scored exactly by running the scene perception alone on each clip and
putting its burst events in place of those of a full run (`edit_causes.py`'s JSON, which
also says which clips were clean). This takes a few seconds a clip instead of a full check.

    PYTHONPATH=$PWD python benchmarks/burst_rescore.py /tmp/edited/s61 causes61.json \
        --out variant61.json --set MOVER_REACH=3
    python benchmarks/edited_real.py score /tmp/edited/s61 --reuse variant61.json

`--set NAME=VALUE` sets a constant of bursts.py (or lasting.py with `lasting.NAME`) first.
With no `--set` the burst events must equal the full run's: the script says if not.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import checkers.perception.bursts as bursts_mod
import checkers.perception.lasting as lasting_mod
from checkers.features.choice import resolve_features
from checkers.perception.scene import ScenePerception
from checkers.scene_events import IDENTITY_BURSTS, PERMANENCE_BURSTS
from checkers.video import frames, probe

EVENT = {k: ("object_permanence", v) for k, v in PERMANENCE_BURSTS.items()} | {
    k: ("identity_drift", v) for k, v in IDENTITY_BURSTS.items()
}
BURST_KINDS = {v for _, v in EVENT.values()}


def scene_events(path: Path, embedder) -> list[dict]:
    """The burst events a full check of `path` would report on an unclean clip."""
    info = probe(path)
    scene = ScenePerception(info.fps, info.analysis_width, info.analysis_height, embedder)
    bursts = []
    for frame in frames(info):
        bursts += scene.update(frame.index, frame.time, frame.image).bursts
    bursts += scene.flush()
    scale = info.width / info.analysis_width
    out = []
    for b in bursts:
        check, kind = EVENT[b.kind]
        out.append({"check": check, "kind": kind, "frame": b.frame, "end_frame": b.end_frame,
                    "bbox": [round(v * scale) for v in b.bbox], "score": b.score})  # fmt: skip
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("corpus")
    ap.add_argument("full", help="edit_causes.py JSON of a full run (events and clean clips)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--set", nargs="*", default=[], metavar="NAME=VALUE")
    ap.add_argument("--clean-too", action="store_true", help="read bursts on clean clips too")
    args = ap.parse_args()
    for item in args.set:
        name, value = item.split("=")
        module = lasting_mod if name.startswith("lasting.") else bursts_mod
        setattr(module, name.removeprefix("lasting."), type(getattr(module, name.removeprefix(
            "lasting.")))(value))  # fmt: skip
    full = json.loads(Path(args.full).read_text())
    embedder = resolve_features("auto").object_embedder()
    clips, differ = [], 0
    for res in full["clips"]:
        kept = [e for e in res["events"] if e["kind"] not in BURST_KINDS]
        old = sorted((e["frame"], e["kind"]) for e in res["events"] if e["kind"] in BURST_KINDS)
        clean = full["causes"][res["clip"]].get("clean")
        if clean is None:  # (older causes JSONs: a burst event says the clip was unclean)
            clean = None if not old else False
        new = [e for e in res["events"] if e["kind"] in BURST_KINDS]
        if clean is False or (args.clean_too and clean is not None):
            new = scene_events(Path(args.corpus) / res["clip"], embedder)
        if (
            not args.set
            and not args.clean_too
            and old != sorted((e["frame"], e["kind"]) for e in new)
        ):
            differ += 1
            print(f"{res['clip']}: full run {old}, here {[(e['frame'], e['kind']) for e in new]}")
        events = sorted(kept + new, key=lambda e: e["frame"])
        verdict = res["verdict"] if res["verdict"] == "error" else ("fail" if events else "pass")
        clips.append(res | {"events": events, "verdict": verdict})
    if not args.set:
        print(f"{differ} clips whose burst events differ from the full run's")
    doc = {"corpus": args.corpus, "speed": full["speed"], "clips": clips, "causes": full["causes"]}
    Path(args.out).write_text(json.dumps(doc, indent=1))


if __name__ == "__main__":
    main()
