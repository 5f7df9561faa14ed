"""Grouping join switches per clip (session 29): how often grouping.py cuts and joins again.

    PYTHONPATH=<tree> python benchmarks/join_switches.py CLIP [CLIP ...] [--log DIR]

Per analysis frame it records every detection's box and whether it is a join (a group of
two or more parts). A switch is a join at frame t-1 whose place (its box grown by a quarter
of its size each side) holds the centres of two or more detections at t with no join there
(cut again), or the same the other way round (joined from pieces). A join that becomes one
part the model cut whole, or comes from one, is no switch. Prints per clip: analysis
frames, frames with a join, switches and the clip's events. `--log` writes each clip's
per-frame boxes as JSON. Runs the whole check (`check_clip`), so it costs a check a clip.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from checkers.perception import background, grouping
from checkers.runner import check_clip


def _iou(a, b) -> float:
    x0, y0 = max(a[0], b[0]), max(a[1], b[1])
    x1, y1 = min(a[0] + a[2], b[0] + b[2]), min(a[1] + a[3], b[1] + b[3])
    inter = max(0, x1 - x0) * max(0, y1 - y0)
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union else 0.0


def _within(box, other) -> bool:
    x, y, w, h = box
    cx, cy = other[0] + other[2] / 2, other[1] + other[3] / 2
    return x - w / 4 <= cx <= x + w * 1.25 and y - h / 4 <= cy <= y + h * 1.25


def _cut(box, now) -> bool:
    """`box` (a join) has no join at its place in `now` and two or more detections there."""
    joined = any(j and _iou(box, o) > 0.3 for o, j in now)
    return not joined and sum(_within(box, o) for o, _ in now) >= 2


def switches(log) -> int:
    count = 0
    for (frame, before), (then, now) in zip(log, log[1:], strict=False):
        if then != frame + 1:
            continue
        count += sum(1 for b, j in before if j and _cut(b, now))
        count += sum(1 for b, j in now if j and _cut(b, before))
    return count


def record(clip: str):
    """The check's report and, per analysis frame, (frame, [(box, is_join), ...])."""
    log, seen = [], [0]
    group, segment = grouping.PartGrouper.group, background.MotionBackground._segment

    def logged_group(self, labels, stats, keep, *rest, **kw):
        groups = group(self, labels, stats, keep, *rest, **kw)
        boxes = [[int(v) for v in stats[i, :4]] for i in keep]
        index = {i: n for n, i in enumerate(keep)}
        found = [
            (list(grouping._union_box([boxes[index[i]] for i in g])), len(g) > 1) for g in groups
        ]
        log.append((seen[0] - 1, found))
        return groups

    def counted_segment(self, rgb):
        seen[0] += 1
        return segment(self, rgb)

    grouping.PartGrouper.group = logged_group
    background.MotionBackground._segment = counted_segment
    try:
        report = check_clip(clip)
    finally:
        grouping.PartGrouper.group, background.MotionBackground._segment = group, segment
    return report, log


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clips", nargs="+")
    parser.add_argument("--log", type=Path, help="write each clip's per-frame boxes here")
    args = parser.parse_args()
    total = 0
    for clip in args.clips:
        report, log = record(clip)
        if args.log:
            args.log.mkdir(parents=True, exist_ok=True)
            (args.log / f"{Path(clip).name}.json").write_text(json.dumps(log))
        count = switches(log)
        total += count
        events = [f"{e.check[:4]}:{e.kind}@{e.frame}" for e in report.events]
        joined = sum(any(j for _, j in boxes) for _, boxes in log)
        print(f"{Path(clip).name} frames {len(log)} joined {joined} switches {count} {events}")
    print("total switches", total)


if __name__ == "__main__":
    main()
