"""A background-model track whose color switched from one frame to the next and stayed.

identity_motion.py fits a track's hue as "steady, changing, steady" and refuses a change
quicker than MIN_CHANGE_SECONDS: an instant jump of a cut is usually a merge, a split or a
track taken over by another object. An object that switches color in one frame and keeps
its track (background-model parts are linked by motion, so the tracker often goes on
through the switch) makes just such a jump. And many wild objects read weakly colored in
their middle (shaded, textured, tinted by the light: core chroma 10-25 Lab units), so a
switch of theirs can lie under the hue bar of 40 units off the old hue line even when it
turns the hue by 90 degrees or more (spent wild seeds 7171 and 8484, session 23: 6 of the
20 missed color switches kept their track; 5 of them under the bar, one refused as quick).

Here such a step is judged off the old hue line (looks.hue_shift, so shading, which scales
a color along that line, is no step) against a lower bar than a gradual drift's: FLOOR, or
NOISE_STEPS times the track's typical frame-to-frame chroma change where that is larger. A
drift is judged across the clip, where light and the cut wander (clean wild tracks up to
21-23 units off their early hue line); a switch between neighbouring sightings, where a
rigid object's middle moves about a Lab unit. What keeps a takeover or a merge out is what
a switch keeps: the part is seen in open view on both sides (not at the frame's edge, not
touching, covering or merged with another part), each side's color is steady, its area
stays within look_switch's AREA_RATIO, and the new color is not one the part showed before.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from checkers.base import Event
from checkers.identity_motion import HOLD_SECONDS
from checkers.look_switch import AREA_RATIO, SIGHTINGS
from checkers.tracking import Point, Track
from checkers.tracking.looks import hue_shift
from checkers.units import frames_in

# Lab units off the old hue line (looks.hue_shift, so shading, which scales the chroma
# along that line, is no step) the new chroma must lie, whatever the noise.
FLOOR = 20.0
# The step, in multiples of the track's typical frame-to-frame chroma change.
NOISE_STEPS = 8.0
# Frames from the last sighting of the old look to the first that shows the new one fully:
# one or two, or three when the frame between was caught mid-switch (an exposure spanning
# it) or not read.
MAX_SPAN = 3
# Lab units of core chroma within which each side's sightings lie about their median.
STEADY = 5.0


@dataclass(frozen=True)
class ChromaStep:
    """A one-frame step of a track's core chroma that held on both sides."""

    track: Track
    ended: Track | None  # the track look_switch joined to `track` at the step, if any
    start: Point  # the first sighting with the new color
    amount: float  # the median chroma after, off the hue line of the median before (Lab)
    threshold: float


def chroma_steps(
    tracks: dict[int, Track], reliable, chroma, fps: float, k: float, pairs=(), scene=None
):
    """A ChromaStep for each trusted background-model track whose core chroma stepped in
    one frame, and for each pair (ended, begun) look_switch joined whose chroma stepped
    from the one to the other. `chroma(track_id, frame)` is a sighting's middle (a, b) or
    None; `scene(frame)` the whole frame's median (a, b) or None (the light's tint)."""
    need = frames_in(HOLD_SECONDS, fps, least=SIGHTINGS)
    chains = [(t, None, [t], set()) for t in tracks.values() if t.from_background_model and t.solid]
    # The begun part may cover where the tracker still predicts the ended one.
    chains += [(new, old, [old, new], {old.id}) for old, new in pairs]
    out = []
    for track, ended, parts, hidden in chains:
        kept = [
            (p, c)
            for part in parts
            for p in part.points
            if _open(p, reliable, hidden) and (c := chroma(part.id, p.frame)) is not None
        ]
        if len(kept) < 2 * need:
            continue
        # Every sighting's color, open view or not, to tell a color shown before.
        shown = [
            (p.frame, c)
            for part in parts
            for p in part.seen
            if (c := chroma(part.id, p.frame)) is not None
        ]
        shown = (np.array([f for f, _ in shown]), np.array([c for _, c in shown]).reshape(-1, 2))
        found = _step([p for p, _ in kept], np.array([c for _, c in kept]), need, k, shown, scene)
        # A joined pair's step is the one at the join (either track's own are judged alone).
        at_join = ended is None or found is None or 0 <= found[0].frame - track.seen[0].frame <= 1
        if found is not None and at_join:
            out.append(ChromaStep(track, ended, *found))
    return out


def _open(p: Point, reliable, hidden: set) -> bool:
    return (
        p.det is not None
        and reliable.get(p.frame, False)
        and not (p.at_edge or p.near or p.merged)
        and set(p.hides) <= hidden
    )


def _step(points: list[Point], values: np.ndarray, need: int, k: float, shown, scene=None):
    frames = np.array([p.frame for p in points])
    steps = np.linalg.norm(np.diff(values, axis=0), axis=1)
    best = None
    for i in range(need, len(points) - need + 1):
        if frames[i + 1] - frames[i - 1] > MAX_SPAN:
            continue
        # The first sighting after may be caught mid-switch; the rest show the new color.
        before, after = values[i - need : i], values[i + 1 : i + need]
        old, new = np.median(before, axis=0), np.median(after, axis=0)
        # The whole frame's tint moved as much: a white-balance or exposure step moves every
        # object's chroma with it (review, session 23), so the part's step is read net of it.
        new_look = new - _tint_step(scene, frames[i - need : i], frames[i + 1 : i + need])
        amount = hue_shift(old, new_look)
        if amount <= FLOOR * k or (best is not None and amount <= best[1]):
            continue  # under any threshold the noise below could set (read only past it)
        # Noise: the track's typical step, the steps about this one left out.
        rest = np.delete(steps, range(max(0, i - 2), min(len(steps), i + 1)))
        noise = float(np.median(rest)) if len(rest) else 0.0
        threshold = max(FLOOR, NOISE_STEPS * noise) * k
        if amount <= threshold or (best is not None and amount <= best[1]):
            continue
        # Steady either side: a color that wanders into another over frames (the middle of
        # a cut sliding onto another surface) is no switch.
        if not (steady(before, old, k) and steady(after, new, k)):
            continue
        # A new color, not one the part showed before: a part cut as one with another
        # object for a while returns to its own color as they come apart (spent wild 5757
        # clip 5: a ball's part took in a passing square's color for four frames).
        earlier = shown[1][shown[0] < frames[i - need]]
        if len(earlier) and not nearer_all(earlier, old, new):
            continue
        areas = [
            np.median([p.det.area for p in side])
            for side in (points[i - need : i], points[i : i + need])
        ]
        if not 1 / AREA_RATIO <= areas[1] / areas[0] <= AREA_RATIO:
            continue
        # Dated at the first sighting nearer the new color than the old.
        first = i if np.linalg.norm(values[i] - new) < np.linalg.norm(values[i] - old) else i + 1
        best = (points[first], amount, threshold)
    return best


def _tint_step(scene, before, after) -> np.ndarray:
    """The change of the whole frame's median chroma from the frames `before` to those
    `after` (zero where it was not read)."""
    if scene is None:
        return np.zeros(2)
    sides = [[c for f in side if (c := scene(int(f))) is not None] for side in (before, after)]
    if not sides[0] or not sides[1]:
        return np.zeros(2)
    return np.median(sides[1], axis=0) - np.median(sides[0], axis=0)


def steady(values: np.ndarray, middle: np.ndarray, k: float) -> bool:
    return bool(np.all(np.linalg.norm(values - middle, axis=1) <= STEADY * k))


def step_events(checker, found: list[ChromaStep], judged: set) -> list[Event]:
    """identity_drift `color_jump` events for the steps `chroma_steps` found; objects in
    `judged` (either track of a joined pair) already have an identity event."""
    events = []
    for step in found:
        ids = {step.track.id} | ({step.ended.id} if step.ended else set())
        if ids & judged:
            continue
        judged = judged | ids
        p = step.start
        events.append(
            Event(
                check=checker.name,
                kind="color_jump",
                frame=p.frame,
                end_frame=p.frame,
                time=p.time,
                object=step.track.id,
                severity=min(1.0, step.amount / step.threshold - 0.5),
                bbox=checker.box(p.det.bbox),
                message=f"object {step.track.id} switched color in one frame: the chroma of "
                f"its middle moved by {step.amount:.2f} (threshold {step.threshold:.2f})",
            )
        )
    return events


def nearer_all(values: np.ndarray, own: np.ndarray, other: np.ndarray) -> bool:
    """Every color in `values` nearer `own` than `other`."""
    near = np.linalg.norm(values - own, axis=1)
    return bool(np.all(near < np.linalg.norm(values - other, axis=1)))
