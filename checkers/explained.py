"""One violation, one event: a physics event that another check's event explains is dropped."""

from __future__ import annotations

from checkers.base import CheckResult, score_from_events
from checkers.identity import KINDS as IDENTITY_KINDS
from checkers.identity import IdentityChecker
from checkers.physics import PhysicsChecker

# Identity changes that make an object lose area, and so can read as passing through another.
SHRINKING_KINDS = tuple(IDENTITY_KINDS[k] for k in ("size", "shape", "perceptual"))
# Frames a change may start before the contact and still explain it: area lost just before
# the touch reads as lost in it. A change started long before is a separate violation.
EXPLAIN_LEAD = 6


def explained(results: list[CheckResult]) -> list[CheckResult]:
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
