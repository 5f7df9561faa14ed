"""Which styles of a wild corpus break the checkers: accuracy.py's per-clip results by style.

    python benchmarks/accuracy.py --corpus DIR --workers 2 --json out.json
    python benchmarks/wild_styles.py --corpus DIR --json out.json

For each style feature (background, floor, camera, exposure drift, noise, size, fps, crf,
object fill and color) and wild motion (pendulum, wild shape, entry, exit, roll, motion blur),
one table row per value: clips, clean clips failed, and labeled
violations found (an event of the right check within --tolerance frames of the start).
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path


def _features(record: dict) -> dict[str, str]:
    style = record["style"]
    cam, sensor = style["camera"], style["sensor"]
    exposure, balance = sensor["exposure"], sensor["balance"]
    drift = abs(exposure[1] - exposure[0]) > 0.05 or balance[0] != balance[1]
    objects = style["objects"][: len([o for o in record["objects"] if not o["extra"]])]
    rgbs = [o["rgb"] for o in objects]
    dark = any(max(c) < 80 for c in rgbs)
    grey = any(max(c) - min(c) < 0.25 * max(max(c), 1) for c in rgbs)
    return {
        "background": style["background"],
        "floor": style["surface"] or "none",
        "shake": "shake" if cam["shake"] > 0 else "tripod",
        "zoom": "zoom" if cam["zoom"][0] != cam["zoom"][1] else "fixed",
        "pan": "pan" if record["pan"] else "no pan",
        "exposure/wb drift": "drift" if drift else "steady",
        "noise": "sigma>=3" if sensor["noise"] >= 3 else "sigma<3",
        "width": "<=512" if record["width"] <= 512 else ">512",
        "fps": "<=12" if record["fps"] <= 12 else ">12",
        "crf": ">=26" if record["encoding"]["crf"] >= 26 else "<26",
        "object fill": "+".join(sorted({o["fill"] for o in objects})),
        "dark object": "yes" if dark else "no",
        "grey object": "yes" if grey else "no",
        "occluder": "yes" if record["occluder"] else "no",
        **_motions(record),
    }


WILD_SHAPES = ("hexagon", "octagon", "star", "diamond")


def _motions(record: dict) -> dict[str, str]:
    """The wild profile's own motions (session 13); a corpus made before them reads "no"."""
    cam, sensor = record["style"]["camera"], record["style"]["sensor"]
    own = [o for o in record["objects"] if not o["extra"]]
    seen = [o["track"]["in_frame"] for o in own]
    roll = cam.get("roll", [0.0, 0.0])
    return {
        "pendulum": "yes" if any(o["motion"] == "swings" for o in own) else "no",
        "wild shape": "yes" if any(o["shape"] in WILD_SHAPES for o in own) else "no",
        "entry": "yes" if any(not s[0] and any(s) for s in seen) else "no",
        "exit": "yes" if any(s[0] and not s[-1] for s in seen) else "no",
        "roll": "yes" if roll[0] or roll[1] or cam.get("roll_shake", 0.0) else "no",
        "motion blur": "yes" if sensor.get("shutter", 0.0) > 0 else "no",
    }


def breakdown(labels: list[dict], results: dict, tolerance: int) -> dict:
    table: dict = defaultdict(lambda: defaultdict(lambda: [0, 0, 0, 0, 0]))
    for record in labels:
        result = results.get(record["clip"])
        if result is None:
            continue
        events = result["events"]
        for feature, value in _features(record).items():
            row = table[feature][value]  # clips, clean, clean failed, labeled, found
            row[0] += 1
            if not record["violations"]:
                row[1] += 1
                row[2] += result["verdict"] == "fail"
            for v in record["violations"]:
                row[3] += 1
                row[4] += any(
                    e["check"] == v["check"] and abs(e["frame"] - v["start_frame"]) <= tolerance
                    for e in events
                )
    return table


def markdown(table: dict) -> str:
    lines = [
        "| feature | value | clips | clean failed | violations found |",
        "|---|---|---|---|---|",
    ]
    for feature, rows in table.items():
        for value, (clips, clean, failed, labeled, found) in sorted(rows.items()):
            lines.append(
                f"| {feature} | {value} | {clips} | {failed}/{clean} | {found}/{labeled} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, required=True, help="the wild corpus folder")
    parser.add_argument("--json", type=Path, required=True, help="accuracy.py's --json output")
    parser.add_argument("--tolerance", type=int, default=2)
    args = parser.parse_args()
    labels = [json.loads(line) for line in (args.corpus / "labels.jsonl").open()]
    results = json.loads(args.json.read_text())["results"]
    print(markdown(breakdown(labels, results, args.tolerance)))


if __name__ == "__main__":
    main()
