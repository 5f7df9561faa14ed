"""One cause, one event: drop events another event of the same object explains.

Run on the sorted events of every detector, last, so each detector can report what it sees
without knowing about the others.
"""

from __future__ import annotations

from checkers.base import Event
from checkers.units import Units

REVERSAL_REACH = 0.375  # seconds before a gravity reversal whose other events it explains
SAME_MOMENT = 0.125  # seconds within which two events of one object are one cause
# ... and never fewer frames: a change bends the fits of the boundaries next to it, however
# far apart in time those are.
SAME_MOMENT_FRAMES = 2


def explained_by_reversals(events: list[Event], units: Units) -> list[Event]:
    """Drop what a later gravity reversal of the same object explains.

    Reversed gravity lifts the rise after a bounce (read as the bounce gaining energy) and
    bends the fits of the boundaries around it (read as a speed jump): one cause, reported
    once, where it starts.
    """
    reversals = [(e.object, e.frame) for e in events if e.kind == "gravity_reversal"]
    reach = units.frames(REVERSAL_REACH)

    def explained(e: Event) -> bool:
        for o, f in reversals:
            if o != e.object:
                continue
            if e.kind == "energy_gain" and 0 < f - e.frame <= reach:
                return True
            if e.kind == "speed_jump" and 0 < abs(f - e.frame) <= reach:
                return True  # the fits straddling the change of acceleration, either side
        return False

    return [e for e in events if not explained(e)]


def dedupe(events: list[Event], units: Units) -> list[Event]:
    """One event per object at one moment (a teleport also reads as accelerations), and one
    per object and kind (a ball that gains energy at one bounce gains it at every bounce)."""
    out: list[Event] = []
    near = units.frames(SAME_MOMENT, least=SAME_MOMENT_FRAMES)
    for e in events:
        if e.object is not None and any(
            o.object == e.object and (abs(o.frame - e.frame) <= near or o.kind == e.kind)
            for o in out
        ):
            continue
        out.append(e)
    return out
