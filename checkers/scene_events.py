"""Events from the scene-level perception, for footage without clean objects to track.

The checkers collect what checkers/perception/scene.py saw (cuts, bursts of unexplained
change) while the clip streams; these helpers turn it into events in the checkers' common
form. Object-level reasoning (checkers/tracking/) stays in charge on clean backdrops, where
it is far more precise; there the bursts are not used, so the two never report one thing
twice. The flow's recolors and jumps (perception/recolor_flow.py, jump_flow.py) are read on every
clip, and give way to an event of their check already overlapping them (fresh_finds).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from checkers.base import Event
from checkers.perception.bursts import Burst
from checkers.perception.scene import SceneStep

# Burst kinds each check reports: an object appearing or vanishing in place is a permanence
# failure; one changing its look in place is identity drift.
PERMANENCE_BURSTS = {"appear": "appear_in_place", "vanish": "vanish_in_place"}
IDENTITY_BURSTS = {"change": "look_change"}
BURST_SEVERITY_SCALE = 4.0  # a burst's score at which its severity reaches 1
FLOW_MERGE_S = 0.25  # seconds within which an overlapping flow find is the same change
# An event of the check starting this close, overlapping, already says it. In frames, as the
# flow finds are one-frame steps: the other checks date such a step within a frame or two.
FLOW_NEAR_FRAMES = 2
RECOLOR_SEVERITY_STEP = 40.0  # Lab units of chroma step at which severity reaches 1
JUMP_SEVERITY_SIZES = 3.0  # sizes jumped at which a flow jump's severity reaches 1


@dataclass
class SceneLog:
    """What a checker keeps of the scene perception: bounded by the number of findings."""

    cuts: list[tuple[int, float]] = field(default_factory=list)  # (frame, time)
    bursts: list[Burst] = field(default_factory=list)

    def add(self, step: SceneStep | None) -> None:
        if step is None:
            return
        if step.cut:
            self.cuts.append((step.index, step.time))
        self.bursts += step.bursts


def cut_events(check: str, log: SceneLog) -> list:
    """A shot cut inside one generated clip: everything in view is replaced at once."""
    return [
        Event(
            check=check,
            kind="shot_cut",
            frame=frame,
            end_frame=frame,
            time=time,
            object=None,
            severity=1.0,
            bbox=None,
            message=f"shot cut at frame {frame}: the whole picture is replaced at once "
            "(colors jump and no part of the previous frame can be followed into it)",
        )
        for frame, time in log.cuts
    ]


def burst_events(check: str, log: SceneLog, kinds: dict[str, str], box) -> list:
    """Bursts of the given kinds as events; `box` maps an analysis box to displayed pixels."""
    out = []
    for b in log.bursts:
        if b.kind not in kinds:
            continue
        what = {"appear": "appeared", "vanish": "vanished", "change": "changed its look"}[b.kind]
        out.append(
            Event(
                check=check,
                kind=kinds[b.kind],
                frame=b.frame,
                end_frame=b.end_frame,
                time=b.time,
                object=None,
                severity=min(1.0, b.score / BURST_SEVERITY_SCALE),
                bbox=box(b.bbox),
                message=f"something {what} in place at frames {b.frame}-{b.end_frame} "
                f"with nothing moving next to it (area {100 * b.share:.1f}% of the frame)",
            )
        )
    return out


def face_events(check: str, changes, box) -> list:
    """Face tracks whose identity left their own early look (checkers/perception/faces.py)."""
    return [
        Event(
            check=check,
            kind="face_identity",
            frame=c.frame,
            end_frame=c.frame,
            time=c.time,
            object=None,
            severity=min(1.0, c.z / 12.0),
            bbox=box(c.box),
            message=f"face {c.track} is someone else from frame {c.frame} "
            f"(identity distance {c.distance:.3f}, {c.z:.0f} sigmas past its early look)",
        )
        for c in changes
    ]


def flow_recolors(check: str, recolors, log: SceneLog, box, fps: float, taken) -> list:
    """Regions that changed color in one frame along the flow (perception/recolor_flow.py),
    once each (`fresh_finds`)."""
    cuts = [frame for frame, _ in log.cuts]
    return [
        _one_frame(
            check,
            "color_jump",
            r,
            r.step / RECOLOR_SEVERITY_STEP,
            bbox,
            f"a region changed color in one frame while it moved as before: chroma stepped "
            f"by {r.step:.0f} Lab units over {100 * r.share:.1f}% of the frame, its "
            f"brightness pattern carried across (correlation {r.pattern:.3f})",
        )
        for r, bbox in fresh_finds(recolors, cuts, box, fps, taken)
    ]


def flow_jumps(check: str, jumps, cuts, box, fps: float, taken) -> list:
    """Content that left one place and appeared far off in one frame
    (perception/jump_flow.py), once each (`fresh_finds`); `cuts`: shot cut frames."""
    return [
        _one_frame(
            check,
            "teleport",
            j,
            j.sizes / JUMP_SEVERITY_SIZES,
            bbox,
            f"something jumped {j.sizes:.1f} of its sizes in one frame: the picture at "
            f"{list(box(j.origin))} is found here (correlation {j.match:.2f}), a place that "
            f"changed only now and stays, while the place it left had not been changing",
        )
        for j, bbox in fresh_finds(jumps, cuts, box, fps, taken)
    ]


def _one_frame(check: str, kind: str, find, severity: float, bbox, message: str) -> Event:
    """A flow stage's find (a one-frame step) as an event with no object number."""
    return Event(check=check, kind=kind, frame=find.frame, end_frame=find.frame, time=find.time,
                 object=None, severity=min(1.0, severity), bbox=bbox, message=message)  # fmt: skip


def fresh_finds(finds, cuts, box, fps: float, taken):
    """The flow stages' finds worth an event, with their displayed boxes: not at a shot cut
    (`cuts`: frames), not where the check already has an event (`taken`: Events) within
    FLOW_NEAR_FRAMES, and a find again within FLOW_MERGE_S where it overlaps one kept is the
    same change."""
    kept: list[tuple[int, list[int] | None]] = []
    for find in finds:
        bbox = box(find.bbox)
        if any(abs(find.frame - c) <= 1 for c in cuts):  # the cut's frame pair, either side
            continue
        if any(_near(e.frame, e.bbox, find.frame, bbox, FLOW_NEAR_FRAMES) for e in taken):
            continue
        if any(_near(*k, find.frame, bbox, FLOW_MERGE_S * fps) for k in kept):
            continue
        kept.append((find.frame, bbox))
        yield find, bbox


def _near(start: int, box_, frame: int, bbox, frames: float) -> bool:
    """A finding that starts at `start` with box `box_` starts within `frames` of `frame`
    and overlaps `bbox` (a finding without a box overlaps any)."""
    if abs(start - frame) > frames:
        return False
    if box_ is None or bbox is None:
        return True
    ax, ay, aw, ah = box_
    bx, by, bw, bh = bbox
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah
