"""How well the shared perception sees the wild world's objects, against its ground truth.

The checkers can only judge objects that perception hands them. This probe runs the
tracker's segmentation on each clip of a `vidgen world` corpus and compares its detections,
frame by frame, with the objects the world drew (labels.jsonl: centre, size, visibility):

- seen: share of fully visible object-frames with a detection whose box (grown by a quarter)
  holds the object's centre and whose size is within a factor 2 of the object's;
- whole: share of those where the matching detection is the object's size (factor 1.5);
- stray: detections a frame that match no object (texture, shadows, ghosts, slivers);
- reliable: share of frames the tracker marks fit for object-level reasoning.

Broken down by background style and by whether the objects were there from the first frame
(a background model that starts from frame 0 holds them as backdrop until they move).

    python benchmarks/perception_truth.py --corpus /tmp/wild/d3131 [--limit 40] [--model on|off]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

FULLY_VISIBLE = 0.8
GROW = 0.25
SIZE_FACTOR = 2.0
WHOLE_FACTOR = 1.5


def object_frames(label: dict, frame: int, scale: float) -> list[tuple[float, float, float, bool]]:
    """(x, y, size, first_frame_present) of the objects fully visible at `frame`, analysis px."""
    return [o[:4] for o in _object_frames(label, frame, scale)]


def _object_frames(label: dict, frame: int, scale: float):
    """As `object_frames`, with each object's id last."""
    out = []
    for obj in label["objects"]:
        track = obj["track"]
        if frame >= len(track["x"]):
            continue
        if not track["in_frame"][frame] or track["at_edge"][frame]:
            continue
        if track["visible_fraction"][frame] < FULLY_VISIBLE or track["occluded"][frame]:
            continue
        present = bool(track["visible"][0])
        out.append(
            (
                track["x"][frame] * scale,
                track["y"][frame] * scale,
                track["size"][frame] * scale,
                present,
                obj["id"],
            )
        )
    return out


def still_at_start(label: dict, frames: int) -> set[int]:
    """Ids of the objects in view from the first frame whose picture stays within one of its
    sizes (twice the half-extent) of where it began over the first `frames` frames: the
    clean plate holds them as backdrop by design (perception/clean_plate.py)."""
    out = set()
    for obj in label["objects"]:
        track = obj["track"]
        if not track["visible"][0]:
            continue
        end = min(frames, len(track["x"]))
        x0, y0 = track["x"][0], track["y"][0]
        reach = max(math.hypot(track["x"][i] - x0, track["y"][i] - y0) for i in range(end))
        if reach < 2 * track["size"][0]:
            out.add(obj["id"])
    return out


def matches(det, x: float, y: float, size: float, factor: float) -> bool:
    bx, by, bw, bh = det.bbox
    gx, gy = GROW * bw, GROW * bh
    if not (bx - gx <= x <= bx + bw + gx and by - gy <= y <= by + bh + gy):
        return False
    # The world's size is the object's half-extent; a detection's size is sqrt(area).
    expected = 1.6 * size
    return expected / factor <= det.size <= expected * factor


def probe_clip(path: Path, label: dict) -> dict:
    from checkers.perception.clean_plate import plate_frames
    from checkers.tracking.tracker import Tracker
    from checkers.video import frames, probe

    info = probe(path)
    scale = info.analysis_width / float(label["width"])
    tracker = Tracker(info.analysis_width, info.analysis_height, info.fps)
    clip_frames = list(frames(info))
    if tracker.looks_ahead:  # as the runner does: a clean plate from the leading frames
        tracker.prime([f.image for f in clip_frames[: plate_frames(info.fps)]])
    counts = defaultdict(float)
    held = still_at_start(label, plate_frames(info.fps))
    # (object-frame, track id or a reason it has none): tracks are judged once the clip is
    # over, as the checkers judge them (a track's confidence reads all its sightings).
    covered: list[tuple[str, int | str]] = []
    for frame in clip_frames:
        observation = tracker.update(frame)
        seg_dets, reliable = observation.detections, observation.reliable
        counts["frames"] += 1
        counts["reliable"] += bool(reliable)
        truth = _object_frames(label, frame.index, scale)
        centres = all_centres(label, frame.index, scale)
        used = set()
        for x, y, size, present, ident in truth:
            key = "first" if present else "later"
            counts[f"objects_{key}"] += 1
            hit = [i for i, d in enumerate(seg_dets) if matches(d, x, y, size, SIZE_FACTOR)]
            if hit:
                counts[f"seen_{key}"] += 1
                used.update(hit)
                if any(matches(seg_dets[i], x, y, size, WHOLE_FACTOR) for i in hit):
                    counts[f"whole_{key}"] += 1
                best = min(hit, key=lambda i: abs(math.log(seg_dets[i].size / (1.6 * size))))
                covered.append((key, observation.assigned.get(best, "no track")))
            else:
                why = why_unseen(seg_dets, x, y, size, centres)
                if why == "no part" and ident in held:
                    why = "no part, still at start"
                covered.append((key, why))
        near = set()
        for i, d in enumerate(seg_dets):
            for x, y, size, *_ in truth:
                if matches(d, x, y, size, 4.0):
                    near.add(i)
        counts["stray"] += len(set(range(len(seg_dets))) - used - near)
    for key, cover in covered:
        reason = cover if isinstance(cover, str) else trust_reason(tracker.tracks[cover])
        counts[f"cause_{reason}"] += 1
        counts[f"trusted_{key}"] += reason == "trusted"
    counts["mode"] = tracker._mode
    return dict(counts)


def all_centres(label: dict, frame: int, scale: float) -> list[tuple[float, float]]:
    """Centres of every object in view at `frame`, however much of it shows (analysis px)."""
    out = []
    for obj in label["objects"]:
        track = obj["track"]
        if frame < len(track["x"]) and track["visible"][frame]:
            out.append((track["x"][frame] * scale, track["y"][frame] * scale))
    return out


def why_unseen(dets, x: float, y: float, size: float, centres) -> str:
    """Why no detection is the object: none is there ("no part"), one holds it and another
    object ("merged object"), one holds it and is far bigger (merged with a floor band or
    texture: "merged band"), or only pieces of it ("fragment")."""
    expected = 1.6 * size
    around = []
    for d in dets:
        bx, by, bw, bh = d.bbox
        gx, gy = GROW * bw, GROW * bh
        if bx - gx <= x <= bx + bw + gx and by - gy <= y <= by + bh + gy:
            around.append(d)
    big = [d for d in around if d.size > expected * SIZE_FACTOR]
    for d in big:
        bx, by, bw, bh = d.bbox
        others = [c for c in centres if math.hypot(c[0] - x, c[1] - y) > 0.5 * size]
        if any(bx <= cx <= bx + bw and by <= cy <= by + bh for cx, cy in others):
            return "merged object"
    if big:
        return "merged band"
    return "fragment" if around else "no part"


def trust_reason(track) -> str:
    """ "trusted" when the track passes the checkers' gate (`Track.solid`: its confidence
    for a background-model track), else the confidence factor that fails it most."""
    if track.solid:
        return "trusted"
    if not track.from_background_model:
        return "gate plain"
    factors = asdict(track.confidence())
    return "gate " + min(factors, key=factors.get)


def _probe(item: tuple[Path, dict]) -> dict:
    return probe_clip(*item)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", required=True, type=Path)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--model", choices=["on", "off"], default="on")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    os.environ["VIDGEN_BGMODEL"] = "1" if args.model == "on" else "0"
    labels = [json.loads(line) for line in (args.corpus / "labels.jsonl").open()]
    if args.limit:
        labels = labels[: args.limit]
    per_clip, groups = {}, defaultdict(lambda: defaultdict(float))
    start = time.perf_counter()
    items = [(args.corpus / label["clip"], label) for label in labels]
    with ProcessPoolExecutor(args.workers) as pool:
        results = list(pool.map(_probe, items)) if args.workers > 1 else map(_probe, items)
        for label, counts in zip(labels, results, strict=True):
            per_clip[label["clip"]] = counts
            style = label["style"]["background"] if label.get("textured") else "plain-world"
            for key in (style, "all"):
                for name, value in counts.items():
                    if name != "mode":
                        groups[key][name] += value
                groups[key]["clips"] += 1
                groups[key][f"mode_{counts['mode']}"] += 1
    print(f"{len(labels)} clips in {time.perf_counter() - start:.1f} s, model {args.model}")
    print("| style | clips | motion mode | seen (first / later) | whole (first / later) "
          "| trusted (first / later) | stray a frame | reliable |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")

    def share(a, b):
        return f"{a / b:.2f}" if b else "-"

    ordered = sorted(groups.items(), key=lambda kv: -kv[1]["clips"])
    for key, g in ordered:
        first, later = g["objects_first"], g["objects_later"]
        print(
            f"| {key} | {g['clips']:.0f} | {g['mode_motion']:.0f} "
            f"| {share(g['seen_first'], first)} / {share(g['seen_later'], later)} "
            f"| {share(g['whole_first'], first)} / {share(g['whole_later'], later)} "
            f"| {share(g['trusted_first'], first)} / {share(g['trusted_later'], later)} "
            f"| {g['stray'] / max(1, g['frames']):.2f} | {share(g['reliable'], g['frames'])} |"
        )
    causes = sorted({n for g in groups.values() for n in g if n.startswith("cause_")})
    causes.sort(key=lambda n: -groups["all"][n])
    print("\nFully visible object-frames by what the checkers get (shares of each style's):")
    print("| style | object-frames | " + " | ".join(c[len("cause_") :] for c in causes) + " |")
    print("|---|---|" + "---|" * len(causes))
    for key, g in ordered:
        total = g["objects_first"] + g["objects_later"]
        cells = " | ".join(share(g[c], total) for c in causes)
        print(f"| {key} | {total:.0f} | {cells} |")
    if args.json:
        args.json.write_text(json.dumps(per_clip, indent=1))


if __name__ == "__main__":
    main()
