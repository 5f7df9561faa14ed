"""One violation, one event: an event that another check's event explains is dropped."""

from __future__ import annotations

from checkers.base import CheckResult, score_from_events
from checkers.identity import KINDS as IDENTITY_KINDS
from checkers.identity import IdentityChecker
from checkers.permanence import PermanenceChecker
from checkers.physics import PhysicsChecker

# Identity changes that make an object lose area, and so can read as passing through another.
SHRINKING_KINDS = tuple(IDENTITY_KINDS[k] for k in ("size", "shape", "perceptual"))
# Frames a change may start before the contact and still explain it: area lost just before
# the touch reads as lost in it. A change started long before is a separate violation.
EXPLAIN_LEAD = 6
# Either side of a teleport, the tracker's loss of the object and the new part where it
# landed are that teleport when within this many frames or this many seconds, whichever is
# more: the teleport is dated at the landing, which physics/relocations.py accepts up to its
# GAP (0.1 s) after the loss, two frames at 8 fps but six at 60.
TELEPORT_REACH = 2
TELEPORT_REACH_S = 0.15


# Frames either side of a one-frame color change at which a part appearing in its box is
# that change (the part born on the recolored picture: recolor.py, look_switch.py).
RECOLOR_REACH = 1


def explained(results: list[CheckResult]) -> list[CheckResult]:
    """Drop the events another check's event explains (see the rules below)."""
    return _recolored(_teleported(_shrunk(results)))


def _recolored(results: list[CheckResult]) -> list[CheckResult]:
    """Drop the appear a one-frame color change explains.

    When an object's color switches in one frame, the background model sees a part born
    where it is (permanence: appeared) and identity drift says the picture there only
    changed color (color_jump). Nothing came into view: the appear in the change's box,
    at its frame, is that change. So is a part born where a color drift is found, in its
    box within a frame of it (recolor.py's drifts are dated at that birth; a track's own
    drift there would be the same patch's color change).
    """
    jumps = _events(results, IdentityChecker.name, "color_jump")
    # ... or turn over a few frames where the picture stays (recolor.py's drifts)
    jumps += _events(results, IdentityChecker.name, "color_drift")

    def explained_by_jump(e) -> bool:
        return e.kind in ("appear", "appear_in_place") and any(
            abs(j.frame - e.frame) <= RECOLOR_REACH and _overlap(j.bbox, e.bbox) for j in jumps
        )

    return _permanence_without(results, explained_by_jump) if jumps else results


def _events(results: list[CheckResult], check: str, kind: str) -> list:
    """Every event of `kind` that `check` raised."""
    return [e for r in results if r.name == check for e in r.events if e.kind == kind]


def _permanence_without(results: list[CheckResult], explained_by) -> list[CheckResult]:
    """The results with the permanence events `explained_by` accepts dropped."""
    return [
        _replaced(r, [e for e in r.events if not explained_by(e)])
        if r.name == PermanenceChecker.name
        else r
        for r in results
    ]


def _replaced(result: CheckResult, kept: list) -> CheckResult:
    if len(kept) == len(result.events):
        return result
    return CheckResult(result.name, "fail" if kept else "pass", score_from_events(kept), kept,
                       result.extra)  # fmt: skip


def _overlap(a: list[int] | None, b: list[int] | None) -> bool:
    if a is None or b is None:
        return False
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _teleported(results: list[CheckResult]) -> list[CheckResult]:
    """Drop the vanish and the appear a physics teleport explains.

    When the tracker does not carry an object across its jump, its track is lost where it
    was (object_permanence: vanished) and a new one starts where it landed (appeared from
    nowhere); physics_sanity judges the two together as one teleport (physics/
    relocations.py). The vanish is the teleported object's own; the appear is the part at
    the teleport's landing box.
    """
    jumps = _events(results, PhysicsChecker.name, "teleport")
    if not jumps:
        return results

    def explained_by_jump(e) -> bool:
        near = [
            j
            for j in jumps
            if abs(j.frame - e.frame) <= TELEPORT_REACH or abs(j.time - e.time) <= TELEPORT_REACH_S
        ]
        if e.kind == "vanish":
            return any(j.object == e.object for j in near)
        return e.kind == "appear" and any(_overlap(j.bbox, e.bbox) for j in near)

    return _permanence_without(results, explained_by_jump)


def _shrunk(results: list[CheckResult]) -> list[CheckResult]:
    """Drop a physics event that another check's event of the same object explains.

    An object that morphs or shrinks while it passes close to another loses area beside it,
    which physics_sanity reads as passing through it; identity_drift sees the change itself.
    When the change began during the contact (or just before it), the change is the one
    violation; one that began long before is a violation of its own.
    """
    changes = {
        (e.object, e.frame)
        for r in results
        if r.name == IdentityChecker.name
        for e in r.events
        if e.kind in SHRINKING_KINDS
    }
    if not changes:
        return results
    out = []
    for r in results:
        if r.name == PhysicsChecker.name:
            kept = [
                e
                for e in r.events
                if not (
                    e.kind == "through_object"
                    and any(
                        o == e.object and e.frame - EXPLAIN_LEAD <= f <= e.end_frame
                        for o, f in changes
                    )
                )
            ]
            if len(kept) < len(r.events):
                r = CheckResult(r.name, "fail" if kept else "pass", score_from_events(kept),
                                kept, r.extra)  # fmt: skip
        out.append(r)
    return out
