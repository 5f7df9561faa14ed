"""identity_drift events for looks that changed in one frame (look_switch.py, recolor.py).

Each says which object, where and by how much, against the bar it passed: a plain-path
switch against the clip's color bar, a background-model one against identity_motion's hue
bar (its chroma off the old hue line).
"""

from __future__ import annotations

from checkers.base import Event
from checkers.recolor import DRIFT_SECONDS


def switch_events(checker, found, bar: float, judged: set) -> list[Event]:
    """Objects whose look switched in one frame: the tracker ended the object's track and
    began another where its path led, of its size. `found`: (ended, begun, frame,
    distance) from look_switch; objects in `judged` already have an identity event."""
    events = []
    for old, new, frame, distance in found:
        if new.id in judged or old.id in judged or distance <= bar:
            continue
        p = new.points[0]
        events.append(
            Event(
                check=checker.name,
                kind="color_jump",
                frame=frame,
                end_frame=frame,
                time=p.time,
                object=new.id,
                severity=min(1.0, distance / bar - 0.5),
                bbox=checker.box(p.det.bbox),
                message=f"object {old.id} switched color in one frame (tracked on as "
                f"object {new.id}): color changed by {distance:.2f} (threshold {bar:.2f})",
            )
        )
    return events


def recolor_events(checker, found, judged: set) -> list[Event]:
    """Parts born where the frame before (or DRIFT_SECONDS before, for a drift) showed
    their picture in other colors: what was there changed color; nothing came into view.
    `found`: (track, birth, hue shift, drift or None, the bar it passed) from
    recolor.recolored (`bar`, or lower for a turned low-chroma hue: hue_turn.py)."""
    events = []
    for track, birth, shift, drift, bar in found:
        if track.id in judged:
            continue
        if drift is not None:
            how = (f"object {track.id}'s colors turned over {DRIFT_SECONDS:g} s where its picture "
                   f"stayed (correlation {drift.same_picture:.2f} with {DRIFT_SECONDS:g} s before)")  # fmt: skip
        else:
            how = (f"object {track.id} changed color in one frame where its picture stayed "
                   f"(correlation {birth.same_picture:.2f} with the frame before)")  # fmt: skip
        events.append(
            Event(
                check=checker.name,
                kind="color_jump" if drift is None else "color_drift",
                frame=birth.frame,
                end_frame=birth.frame,
                time=track.points[0].time,
                object=track.id,
                severity=min(1.0, shift / bar - 0.5),
                bbox=checker.box(birth.det.bbox),
                message=f"{how}: hue moved by {shift:.2f} (threshold {bar:.2f})",
            )
        )
    return events
