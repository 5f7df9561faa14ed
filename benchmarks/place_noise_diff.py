r"""Which bursts the per-place bar (checkers/perception/place_noise.py) adds or removes.

Runs the scene's change stage once per clip and feeds two burst finders from it: one with
the absolute bar alone (main's: place_noise.PLACE_FLOOR at change.CHANGE_FLOOR, so the
place bar never drops below it) and one with the per-place bar; both bursts go through the
embedder's confirmation (lasting.py), as scene.py does. Cuts are not followed (splices are
left out: their cut, not a burst, finds them). This is a differential upper bound: it does
not know which clips the checks count as clean (bursts unread there); the exact figures are
`edit_causes.py` + `burst_rescore.py`.

For each edit it says whether either finder has a burst within its tolerance on its box; for
each unedited clip, the bursts of each finder.

    PYTHONPATH=$PWD python benchmarks/place_noise_diff.py /tmp/edited/s61 --out d61.json
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import deque
from pathlib import Path

import checkers.perception.place_noise as place_mod
from checkers.features.choice import resolve_features
from checkers.perception.bursts import BurstFinder
from checkers.perception.change import CHANGE_FLOOR, ChangeMeter
from checkers.perception.lasting import lasting_change
from checkers.perception.place_noise import PlaceNoise
from checkers.perception.scene import ScenePerception
from checkers.video import frames, probe

SKIP = {"splice", "hue_drift", "morph", "teleport"}  # not read from a burst's place


VARIANTS = {  # name: (sigmas, floor, spread) of place_noise.PlaceNoise; main: the absolute bar
    "main": (1e9, CHANGE_FLOOR, 0.03),
    "place": (None, None, None),
    "mid": (None, None, 0.01),  # the default bar, spread over 1 pixel rather than 0.03
    "wide": (6.0, 5.0, 0.01),
    "bare": (4.0, 3.0, 0.0),  # 4 sigmas of the pixel's own noise, a 3 Lab floor, no spread
}


def _finder(fps: float, size, params) -> BurstFinder:
    finder = BurstFinder(fps, *size)
    finder._places = PlaceNoise(fps, CHANGE_FLOOR, *params)
    return finder


def run(path: Path, embedder) -> dict[str, list]:
    info = probe(path)
    scene = ScenePerception(info.fps, info.analysis_width, info.analysis_height)
    meter = ChangeMeter(keep_map=True, regions=False)
    finders = {name: _finder(scene.fps, scene.size, p) for name, p in VARIANTS.items()}
    kept: deque = deque(maxlen=finders["main"].burst + 2 * finders["main"].calm + 8)
    found = {k: [] for k in finders}
    gap = finders["main"].calm

    def confirm(bursts):
        shown = dict(kept)
        return [b for b in bursts if lasting_change(b, shown, embedder, gap) >= 1.0]

    for frame in frames(info):
        rgb = scene.shrink(frame.image)
        step = meter.update(rgb)
        kept.append((frame.index, rgb))
        for name, finder in finders.items():
            found[name] += confirm(finder.update(frame.index, frame.time, step.lab, step))
    for name, finder in finders.items():
        found[name] += confirm(finder.flush())
    scale = info.width / scene.size[0]
    return {
        name: [
            {
                "frame": b.frame,
                "end": b.end_frame,
                "kind": b.kind,
                "score": round(b.score, 2),
                "bbox": [round(v * scale) for v in b.bbox],
            }  # fmt: skip
            for b in bursts
        ]
        for name, bursts in found.items()
    }


def _overlaps(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def on_edit(rec: dict, bursts: list[dict]) -> bool:
    f0, tol = rec["start_frame"], rec["tolerance"]
    return any(
        b["frame"] - tol <= f0 <= b["end"] + tol and _overlaps(b["bbox"], rec["box"])
        for b in bursts
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("corpus")
    ap.add_argument("--out", required=True)
    ap.add_argument("--set", nargs="*", default=[], metavar="NAME=VALUE", help="place_noise.py")
    args = ap.parse_args()
    for item in args.set:
        name, value = item.split("=")
        setattr(place_mod, name, type(getattr(place_mod, name))(value))
    corpus = Path(args.corpus)
    labels = [json.loads(x) for x in (corpus / "labels.jsonl").read_text().splitlines()]
    embedder = resolve_features("auto").object_embedder()
    out = {}
    for rec in labels:
        if rec["edit"] in SKIP:
            continue
        res = run(corpus / rec["clip"], embedder)
        row = {"edit": rec["edit"]} | res
        if rec["edit"]:
            row |= {f"hit_{k}": on_edit(rec, v) for k, v in res.items()}
        out[rec["clip"]] = row
        print(rec["clip"], rec["edit"], {k: len(v) for k, v in res.items()},
              {k: v for k, v in row.items() if k.startswith("hit")}, file=sys.stderr)  # fmt: skip
        Path(args.out).write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
