r"""Why an edit of the edited-real corpus is missed: the scene stage's evidence, gate by gate.

Runs `vidgen check` in this process on each clip (the same verdicts as `edited_real.py
score`) with the scene's bursts computed on every clip (OnDemandScene at full from the first
frame: the docstring of on_demand.py says nothing is decided differently) and records, for
the windows of the burst finder (checkers/perception/bursts.py) that start within the
label's tolerance of its frame, the excess of change over the label's cells before and after
each gate: lasting (Lab before vs after), still (residual flow), movers (corners moving on
their own) and the burst's score bar; then the embedder's confirmation (lasting.py) of the
bursts near the edit, whether the clip counted as clean (bursts are not read then), and the
events. Each missed edit gets the first stage at which its evidence ended:

    no_evidence   no excess change in the label's cells near its frame
    lasting       ... all of it removed by the lasting gate
    motion        ... removed by the residual-flow gate
    movers        ... removed by the moving-corner gate
    score         excess left, but the window's score under MIN_SCORE
    elsewhere     a burst near the frame, but not on the label's box
    embedder      a burst on the box, rejected by the embedder
    clean         a confirmed burst, but the clip counted as clean (bursts unread)
    wrong_kind    a confirmed, read burst whose kind maps to another check
    event_lost    a burst event of the right check that did not reach the report

(`found`: an event of the label's check within its tolerance; `splice_missed`: a cut not
found, which the burst stage does not judge.)

Writes a results JSON that `edited_real.py score CORPUS --reuse OUT` reads (with its
tally and sheets), plus a `causes` table per clip.

    PYTHONPATH=$PWD python benchmarks/edit_causes.py /tmp/edited/s61 --out causes61.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

import checkers.identity as identity_mod
import checkers.perception.bursts as bursts_mod
import checkers.perception.scene as scene_mod
import checkers.permanence as permanence_mod
import checkers.runner as runner_mod
from checkers.perception.on_demand import OnDemandScene
from checkers.report import to_json
from checkers.scene_events import IDENTITY_BURSTS, PERMANENCE_BURSTS

STAGES = ("raw", "lasting", "motion", "movers")
READ_BY = {k: "object_permanence" for k in PERMANENCE_BURSTS} | {
    k: "identity_drift" for k in IDENTITY_BURSTS
}


class _Ledger:
    """What one clip's run recorded."""

    def __init__(self):
        self.windows: list[dict] = []  # per judged window: frames and per-cell stage maps
        self.confirmed: list[tuple] = []  # (burst, lasting ratio)
        self.clean: bool | None = None
        self.size: tuple[int, int] | None = None  # the scene's frame size


LEDGER = _Ledger()


def _reset() -> None:
    global LEDGER
    LEDGER = _Ledger()


def _gated(self, frames, t):
    """bursts.BurstFinder._gated, recording the excess after each gate (same decisions)."""
    gated = _real_gated(self, frames, t)
    if gated is not None:
        lo, _, _, stages = gated
        LEDGER.size = (self.width, self.height)
        LEDGER.windows.append(
            {
                "lo": frames[lo].index,
                "t": frames[t].index,
                "stages": stages,
                "score": float(stages[-1].sum()),
            }
        )
    return gated


def _lasting(burst, frames, embedder, gap):
    ratio = _real_lasting(burst, frames, embedder, gap)
    LEDGER.confirmed.append((burst, ratio))
    return ratio


def _clean(reliable):
    value = _real_clean(reliable)
    LEDGER.clean = value
    return value


class _FullScene(OnDemandScene):
    def __init__(self, make, replay, keep=None):
        super().__init__(make, None)


_real_gated = bursts_mod.BurstFinder._gated
_real_lasting = scene_mod.lasting_change
_real_clean = permanence_mod.clean_scene


def _patch() -> None:
    bursts_mod.BurstFinder._gated = _gated
    scene_mod.lasting_change = _lasting
    permanence_mod.clean_scene = _clean
    identity_mod.clean_scene = _clean
    runner_mod.OnDemandScene = _FullScene


def _overlaps(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def cause(rec: dict, res: dict, analysis: tuple[int, int]) -> dict:
    """The first stage at which the edit's evidence ended (see the module docstring)."""
    f0, tol = rec["start_frame"], rec["tolerance"]
    hits = [e for e in res["events"] if abs(e["frame"] - f0) <= tol and e["check"] == rec["check"]]
    if hits:
        return {"cause": "found", "by": sorted({e["kind"] for e in hits}), "clean": LEDGER.clean}
    if rec["edit"] == "splice":
        return {"cause": "splice_missed", "clean": LEDGER.clean}
    sw, sh = LEDGER.size or analysis
    fx, fy = sw / rec["width"], sh / rec["height"]
    x, y, w, h = rec["box"]
    cols, rows = bursts_mod.GRID
    c0, c1 = int(x * fx / sw * cols), int(np.ceil((x + w) * fx / sw * cols))
    r0, r1 = int(y * fy / sh * rows), int(np.ceil((y + h) * fy / sh * rows))
    # grow the box by one cell: a burst's cells straddle the box's edge
    cells = np.s_[max(0, r0 - 1) : r1 + 1, max(0, c0 - 1) : c1 + 1]
    ramp = rec.get("ramp_frames", 0)
    near = [win for win in LEDGER.windows if f0 - tol <= win["t"] and win["lo"] <= f0 + ramp + tol]
    best = {s: 0.0 for s in STAGES}
    for win in near:
        for s, m in zip(STAGES, win["stages"], strict=True):
            best[s] = max(best[s], float(m[cells].sum()))
    score = max(
        (win["score"] for win in near if float(win["stages"][-1][cells].sum()) > 0), default=0.0
    )
    out = {"box_excess": {s: round(v, 2) for s, v in best.items()}, "score": round(score, 2)}
    ax, ay = analysis[0] / rec["width"], analysis[1] / rec["height"]
    abox = [round(x * ax), round(y * ay), round(w * ax), round(h * ay)]
    bursts = [
        (b, r)
        for b, r in LEDGER.confirmed
        if b.frame - tol <= f0 + ramp and f0 - tol <= b.end_frame
    ]
    on_box = [(b, r) for b, r in bursts if _overlaps(b.bbox, abox)]
    out["bursts"] = [
        {
            "frame": b.frame,
            "kind": b.kind,
            "score": round(b.score, 2),
            "ratio": round(r, 2),
            "on_box": _overlaps(b.bbox, abox),
        }  # fmt: skip
        for b, r in bursts
    ]
    out["clean"] = LEDGER.clean
    stage = next((s for s in STAGES if best[s] == 0.0), None)
    if stage is not None:
        # the gate that removed the last of it (raw: there was none to remove)
        out["cause"] = {"raw": "no_evidence", "lasting": "lasting", "motion": "motion",
                        "movers": "movers"}[stage]  # fmt: skip
    elif not bursts and score < bursts_mod.MIN_SCORE:
        out["cause"] = "score"
    elif not on_box:
        out["cause"] = "elsewhere" if bursts else "score"
    elif all(r < 1.0 for _, r in on_box):
        out["cause"] = "embedder"
    elif LEDGER.clean:
        out["cause"] = "clean"
    elif all(READ_BY.get(b.kind) != rec["check"] for b, r in on_box if r >= 1.0):
        out["cause"] = "wrong_kind"
    else:
        out["cause"] = "event_lost"
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("corpus")
    ap.add_argument("--out", required=True)
    ap.add_argument("--clips", nargs="*", help="only these clips (names)")
    ap.add_argument("--all", action="store_true", help="unedited clips too (default: edited)")
    args = ap.parse_args()
    _patch()
    from checkers.video import probe

    corpus = Path(args.corpus)
    labels = [json.loads(line) for line in (corpus / "labels.jsonl").read_text().splitlines()]
    if args.clips:
        labels = [r for r in labels if r["clip"] in args.clips]
    elif not args.all:
        labels = [r for r in labels if r["edit"]]
    results, causes, t0 = [], {}, time.perf_counter()
    for rec in labels:
        _reset()
        path = corpus / rec["clip"]
        res = to_json(runner_mod.check_clip(str(path)))
        res["clip"] = rec["clip"]
        results.append(res)
        if rec["edit"]:
            info = probe(path)
            causes[rec["clip"]] = {"edit": rec["edit"]} | cause(
                rec, res, (info.analysis_width, info.analysis_height)
            )
            print(rec["clip"], json.dumps(causes[rec["clip"]]), file=sys.stderr)
        else:
            causes[rec["clip"]] = {"edit": None, "verdict": res["verdict"], "clean": LEDGER.clean}
    wall = time.perf_counter() - t0
    table = Counter((c["edit"], c.get("cause")) for c in causes.values() if c["edit"])
    for (edit, why), n in sorted(table.items()):
        print(f"{edit:10s} {why:12s} {n}")
    doc = {"corpus": str(corpus), "speed": {"wall_s": round(wall, 2)}, "clips": results,
           "causes": causes}  # fmt: skip
    Path(args.out).write_text(json.dumps(doc, indent=1, default=str))


if __name__ == "__main__":
    main()
