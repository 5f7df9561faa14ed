"""Why identity_drift missed a labeled change: the track that saw it and the gates it met.

Sessions 29, 36 and 42 each rebuilt a throwaway probe for this, and each one copied the
gates' order from the code, so it drifted from the code with every change. This one copies
nothing. It wraps the functions of identity's background-model path (identity_motion.py,
resize_gates.py, shape_motion.py, outline_change.py and their helpers) so that each call
and what it returned is recorded. Then it runs the real `MotionLooks.change` on the
labeled object's track. The last gate that answered None or False is where the change
stopped.

It reads the state cached by identity_replay.py (`cache`). For each labeled identity
violation of the chosen kinds, it prints:
- the track whose box holds the object's centre at the label's start (within 3 frames);
- whether that track was judged (a trusted background-model part) and its sightings,
  with their flags;
- the gate calls made while judging it, the refusals marked.
A missing track is perception's loss, not identity's.

    python benchmarks/identity_replay.py cache /tmp/wild/w1 /tmp/ic_w1 --workers 2
    python benchmarks/identity_why.py /tmp/wild/w1 /tmp/ic_w1 --kinds size_change \\
        [--clip clip_00125.mp4] [--calls]
"""

from __future__ import annotations

import argparse
import functools
import json
import pickle
from pathlib import Path

import numpy as np

# Modules whose functions are gates of the background-model path; private helpers count.
TRACED = (
    "checkers.identity_motion",
    "checkers.resize_gates",
    "checkers.shape_motion",
    "checkers.outline_change",
    "checkers.arrivals",
    "checkers.instant_resize",
    "checkers.step_fit",
)
NEAR_FRAMES = 3  # frames from the label's start a sighting may be to find its track
SKIPPED = {"hold_frames", "frames_in", "jitter", "_log_areas", "_lengths", "old_sightings"}


def traced(calls: list):
    """Wrap the functions of the TRACED modules, wherever a TRACED module holds them (its
    own, or imported from another TRACED module), and the methods of their classes, so each
    call appends [depth, name, result], in the order the calls were made."""
    import importlib

    originals = []

    depth = [0]

    def wrap(owner, attr, value, name):
        def wrapper(*args, **kwargs):
            entry = [depth[0], name, None]  # filled in on return: calls stay in call order
            calls.append(entry)
            depth[0] += 1
            try:
                entry[2] = value(*args, **kwargs)
            finally:
                depth[0] -= 1
            return entry[2]

        functools.update_wrapper(wrapper, value)
        originals.append((owner, attr, value))
        setattr(owner, attr, wrapper)

    for module_name in TRACED:
        module = importlib.import_module(module_name)
        for attr, value in list(vars(module).items()):
            home = getattr(value, "__module__", None)
            if home not in TRACED or attr in SKIPPED:
                continue
            if isinstance(value, type):
                if home == module_name:  # a class defined here: its methods
                    for method, function in list(vars(value).items()):
                        if callable(function) and not method.startswith("__"):
                            wrap(value, method, function, f"{value.__name__}.{method}")
            elif callable(value):
                wrap(module, attr, value, f"{home.split('.')[-1]}.{attr}")
    return originals


def restore(originals) -> None:
    for module, attr, value in originals:
        setattr(module, attr, value)


def refused(result) -> bool:
    return result is None or result is False or (isinstance(result, tuple) and not result)


def labeled_track(checker, label: dict, violation: dict, scale: float):
    """The longest track with a sighting whose box holds the object's centre near the start."""
    obj = next(o for o in label["objects"] if o["id"] == violation["object"])
    path, start, best = obj["track"], violation["start_frame"], None
    for track in checker._tracks.values():
        for p in track.points:
            if p.det is None or abs(p.frame - start) > NEAR_FRAMES or p.frame >= len(path["x"]):
                continue
            x, y, w, h = p.det.bbox
            ox, oy = path["x"][p.frame] * scale, path["y"][p.frame] * scale
            inside = x - 2 <= ox <= x + w + 2 and y - 2 <= oy <= y + h + 2
            if inside and (best is None or len(track.points) > len(best.points)):
                best = track
    return obj, best


def sightings(checker, track) -> str:
    """Each judged sighting as frame:linear size, with e (edge), n (near), h (hides)."""
    seen = checker._motion._seen(track, checker._reliable)
    return " ".join(
        f"{p.frame}:{np.sqrt(p.det.area):.0f}"
        + ("e" if p.at_edge else "")
        + ("n" if p.near else "")
        + ("h" if p.hides else "")
        for p in seen
    )


def explain(corpus: Path, cached: Path, kinds: set, clip: str | None, show_calls: bool) -> None:
    from checkers.identity import IdentityChecker
    from checkers.video import probe

    for line in (corpus / "labels.jsonl").read_text().splitlines():
        label = json.loads(line)
        if clip and label["clip"] != clip:
            continue
        for v in label["violations"]:
            if v["kind"] not in kinds:
                continue
            held = pickle.loads((cached / f"{label['clip']}.pkl").read_bytes())
            checker = IdentityChecker.__new__(IdentityChecker)
            checker.__dict__.update(pickle.loads(held["state"]))
            scale = probe(corpus / label["clip"]).analysis_width / float(label["width"])
            obj, track = labeled_track(checker, label, v, scale)
            head = f"{label['clip']} {v['kind']} from frame {v['start_frame']}: {obj['shape']}"
            if track is None:
                print(f"{head}: no track on the object (perception)")
                continue
            trusted = track.from_background_model and track.solid
            print(f"{head}: track {track.id}, {'judged' if trusted else 'not judged'}")
            if not track.from_background_model:
                continue
            print("  sightings", sightings(checker, track))
            calls: list = []
            originals = traced(calls)
            try:
                found = checker._motion.change(
                    track, checker._reliable, checker.units.fps, checker.k, checker._tracks
                )
            finally:
                restore(originals)
            print(f"  found: {_change(found)}")
            for line in refusals(calls, v["kind"], show_calls):
                print(f"  {line}")


def _change(found) -> str:
    if found is None:
        return "nothing"
    return (
        f"{found.key} from frame {found.start.frame} to {found.end.frame} "
        f"(amount {found.amount:.2f}, bar {found.threshold:.2f})"
    )


# The paths of `MotionLooks.change` (the calls one level under it) that judge each kind.
PATHS = {
    "size_change": (
        "MotionLooks._size",
        "identity_motion._size_behind",
        "identity_motion._standing",
    ),
    "shape_morph": ("identity_motion._shape", "identity_motion._outline"),
    "color_drift": ("MotionLooks._hue",),
    "color_switch": ("MotionLooks._hue",),
}


def refusals(calls: list, kind: str, every: bool) -> list[str]:
    """Each path judging `kind` that came to nothing, with the calls under it that refused
    and the step fits it made (in call order, indented by depth); with `every`, the whole
    call tree. A path refused with no refused call under it stopped at a condition written
    inline (a bar, a residual): the fits show the numbers it read."""
    if every:
        return [f"{'  ' * d}{'x' if refused(r) else ' '} {name}" for d, name, r in calls]
    lines, i = [], 0
    while i < len(calls):
        depth, name, result = calls[i]
        j = i + 1
        while j < len(calls) and calls[j][0] > depth:
            j += 1
        if depth == 1 and refused(result) and name in PATHS.get(kind, ()):
            lines.append(f"{name} refused:")
            for d, n, r in calls[i + 1 : j]:
                if refused(r) or hasattr(r, "t0"):
                    lines.append(f"  {'  ' * (d - 2)}{n}{_fitted(r)}")
        i = j if depth == 1 else i + 1
    return lines


def _fitted(result) -> str:
    """A step fit's numbers (step_fit.Step), or nothing."""
    if not hasattr(result, "t0"):
        return ""
    before, after = np.atleast_1d(result.before), np.atleast_1d(result.after)
    change = float(np.abs(after - before).max())
    return (
        f": frames {result.t0:.1f}-{result.t1:.1f}, change {change:.2f}, "
        f"residual {result.residual:.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", type=Path)
    parser.add_argument("cached", type=Path, help="identity_replay.py cache of the corpus")
    parser.add_argument("--kinds", default="size_change,shape_morph,color_drift,color_switch")
    parser.add_argument("--clip", help="one clip's file name")
    parser.add_argument("--calls", action="store_true", help="list every gate call")
    args = parser.parse_args()
    explain(args.corpus, args.cached, set(args.kinds.split(",")), args.clip, args.calls)


if __name__ == "__main__":
    main()
