"""A track and its points: one object's sightings and predictions over time.

Everything a track knows about itself lives here, including where it should be next
(`Track.predict`), so the tracker and every checker read tracks the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from checkers.segment import Detection
from checkers.tracking.confidence import MIN_SIDE, TRUSTED, TrackConfidence, track_confidence
from checkers.units import TUNED_SHORT_SIDE, Units

SOLID_SPREAD = 1.5  # Lab units: median color spread of a flat-colored part (world: <= 1)
# Plain parts never wider than this (box short side) are slivers, not objects: short
# sides of the frame, and analysis px for the segmentation's own grain.
SLIVER_SHORT_SIDES = 0.025
SLIVER_PX = 2.0
# A whole object spans at least 0.1 short sides; a part typically under 0.04 is a piece (the
# same cut as a background-model part's confidence takes for a sliver).
TYPICAL_SHORT_SIDES = MIN_SIDE
MIN_ACCEL = 1.0  # analysis px/frame^2 (jitter): weaker ones from three sightings are noise
# Short sides / s^2: the most a prediction keeps (a bounce must not throw it off). 3.0 analysis
# px/frame^2 at 180 px and 16 fps; the shapes world's gravity is 0.853 (2.1 px/frame^2 there).
MAX_ACCEL = 64 / 15  # 4.267


def accel_limit(units: Units) -> float:
    """MAX_ACCEL in analysis px/frame^2 for a clip, never under the jitter floor."""
    return max(MIN_ACCEL, units.accel(MAX_ACCEL))


@dataclass
class Point:
    """One track at one frame: observed (`det` set) or missing (prediction only)."""

    frame: int
    time: float
    x: float  # scene coordinates (image position plus the camera's accumulated shift)
    y: float
    det: Detection | None
    how: str  # "new", "motion", "jump", "split", "missing"
    at_edge: bool  # touches or is predicted across the frame border
    near: list[int] = field(default_factory=list)  # other tracks' ids touching this one
    behind: bool = False  # missing and overlapping another part that could hide it
    # Look and motion unreliable: one blob with a part that later split off, or (motion
    # parts) partly hidden behind scenery as the object went out of sight or came back.
    merged: bool = False
    # Missing tracks this part covers this frame: in front of another object, its part may
    # have swallowed the hidden one's visible rim (a similar color), so its look is unreliable.
    hides: list[int] = field(default_factory=list)
    # A track's first sighting only: the part came out of the background model's own picture
    # (an object there since the shot began, first seen when it moved), not out of nowhere.
    emerged: bool = False
    # Why it was called emerged ("young", "seen_before", "grew", "ghost"), and for "young"
    # the frame the background model last (re)started at: permanence.py asks whether a part
    # born young after a restart mid-clip was there before it (no track lost near it).
    emerged_why: tuple[str, ...] = ()
    model_start: int = 0


@dataclass
class Track:
    id: int
    points: list[Point] = field(default_factory=list)
    parent: int | None = None  # for splits
    origin: int = 0  # frame it started; for a split, when the parent began coming apart
    missing: int = 0
    alive: bool = True
    units: Units | None = None  # the clip's scale, for the confidence of motion tracks
    # Set by `Tracker.freeze` once the clip's last frame is tracked: the points no longer
    # change, so `solid` and `confidence`, which the checkers' finalize steps ask of the same
    # track many times (3% of a check's CPU on gen-clips and wild clips), are kept once
    # computed. Class attributes, not fields: a track built by hand (tests, replays) or
    # unpickled is never frozen and computes them every time, as before.
    _frozen = False
    _kept = None  # name -> value, once frozen
    # (the `points` list, how many of its points were read, the sightings among them): the
    # sightings are asked for every live track on every frame (`predict`, `recent`); points
    # are only ever appended, each with its detection or none for good, so the sightings
    # are extended by the points appended since, not read again from the first.
    _sightings_of = None

    def freeze(self) -> None:
        """The track is complete: `solid` and `confidence` may be kept from now on. Its
        sightings are listed once more here, so that reading them never extends the kept
        list again: the checkers' finalize may read a track from two threads at once
        (runner._finalized), and two threads extending one list would list points twice."""
        self._frozen, self._kept = True, {}
        self._sightings()

    def __getstate__(self) -> dict:
        # Pickled (the replays' caches) unfrozen, without what was kept: the code that
        # reads it may compute these otherwise.
        state = dict(self.__dict__)
        state.pop("_frozen", None)
        state.pop("_kept", None)
        state.pop("_sightings_of", None)
        return state

    def _sightings(self) -> list[Point]:
        """The points with a detection, in order (the list kept: callers copy it)."""
        points, kept = self.points, self._sightings_of
        if kept is not None and kept[0] is points and kept[1] <= len(points):
            seen = kept[2]
            seen.extend(p for p in points[kept[1] :] if p.det is not None)
        else:  # the first call, or a list replaced or cut (tests build tracks by hand)
            seen = [p for p in points if p.det is not None]
        self._sightings_of = (points, len(points), seen)
        return seen

    def _once(self, name: str, compute):
        if not self._frozen:
            return compute()
        if name not in self._kept:
            self._kept[name] = compute()
        return self._kept[name]

    @property
    def seen(self) -> list[Point]:
        return list(self._sightings())

    @property
    def solid(self) -> bool:
        """A flat-colored object, like every shapes-world object; not a patch of texture.

        Checkers judge only solid tracks: parts of real footage (feathers, a kitchen)
        split, merge and change color as light and texture move, which says nothing
        about the objects themselves.
        """
        return self._once("solid", self._solid)

    def _solid(self) -> bool:
        seen = [p.det for p in self.points if p.det is not None]
        if self.from_background_model:
            # Parts of the background model stand out of a backdrop the camera has seen
            # (shaded, textured objects included): their color spread says nothing, how
            # they behave does (size, length, rigidity, smooth motion).
            return self.confidence().value >= TRUSTED
        spreads = [d.lab_spread for d in seen]
        if not spreads or float(np.median(spreads)) >= SOLID_SPREAD:
            return False
        # A sliver (a line of texture, a highlight, a letter of a printed word) has almost
        # no inside, so its color spread reads flat whatever it is. Objects are far wider,
        # at least while they are whole (the shapes world's smallest is 0.1 short sides
        # across; a shrinking one may end as thin as a sliver).
        sides = [min(d.bbox[2], d.bbox[3]) for d in seen]
        units = self.clip_units()
        if max(sides) < max(SLIVER_PX, units.length(SLIVER_SHORT_SIDES)):
            return False
        # Nor is a part that is typically far thinner than any object, though once wider:
        # the flat core of a shaded object, or a stripe of a texture the first frame passed
        # as plain, that the plain path cuts in and out of shape (held-out wild seeds: such
        # parts 0.006-0.036 short sides across raised vanishes, splits and size changes).
        # An object that shrinks (a size_change) was whole first: on its first clean
        # sightings (cut alone and inside the frame; a piece cut as one with its neighbour,
        # or a part entering at the border, says nothing of its own width).
        typical = units.length(TYPICAL_SHORT_SIDES)
        alone = [
            min(p.det.bbox[2], p.det.bbox[3])
            for p in self.points
            if p.det is not None and not (p.at_edge or p.merged or p.near)
        ][:3]
        whole_first = bool(alone) and float(np.median(alone)) >= typical
        return float(np.median(sides)) >= typical or whole_first

    @property
    def from_background_model(self) -> bool:
        """Seen only as parts of the motion-compensated background model (any backdrop),
        never of the plain segmentation."""
        seen = self.seen
        return bool(seen) and all(p.det.source == "motion" for p in seen)

    @property
    def look_judged(self) -> bool:
        """Identity drift judges this track's look by the plain path's descriptors: a solid
        part of a plain backdrop.

        Background-model parts are judged by checkers/identity_motion.py instead: their
        colour, size and shape read off a cut that follows shading and the model's own
        errors, so only looks that survive that (core chroma, open-view size) are compared.
        """
        return self.solid and not any(p.det.source == "motion" for p in self.seen)

    def confidence(self) -> TrackConfidence:
        """How far this track behaves as one object (tracking/confidence.py)."""
        return self._once("confidence", lambda: track_confidence(self.points, self.clip_units()))

    def clip_units(self) -> Units:
        return self.units or Units.of(TUNED_SHORT_SIDE, 0.0)

    def recent(self, n: int = 12) -> list[Point]:
        """The last `n` sightings, oldest first. Sightings, not points: a track missing
        behind an occluder keeps the motion and size it was last seen with."""
        return self._sightings()[-n:]

    def last_seen(self) -> Point:
        seen = self._sightings()
        if not seen:
            raise ValueError("track never seen")
        return seen[-1]

    def predict(self, frame: int, hidden: bool = False) -> tuple[float, float]:
        """Where the object should be at `frame`, from its last clean sightings.

        Sightings touching another part or the edge are skipped for the motion estimate:
        a half-hidden object's centroid slows down as it slides behind an occluder. With
        `hidden`, the position too comes from the clean sightings (a half-hidden sliver's
        centroid is off the object's centre).
        """
        return self.predictions(frame)[0 if hidden else 1]

    def predictions(self, frame: int) -> tuple[tuple[float, float], tuple[float, float]]:
        """`predict(frame, hidden=True)` and `predict(frame)`, from one reading of the
        sightings (the tracker asks both of a lost track on one frame)."""
        last = self.last_seen()
        recent = self.recent()
        clean = [p for p in recent if not p.near and not p.at_edge][-3:]
        basis = clean if len(clean) >= 2 else recent[-3:]
        if len(basis) < 2:
            return (last.x, last.y), (last.x, last.y)
        a, b = basis[-2], basis[-1]
        step = max(1, b.frame - a.frame)
        vx, vy = (b.x - a.x) / step, (b.y - a.y) / step
        ax = ay = 0.0
        if len(basis) == 3 and basis[1].frame - basis[0].frame == step:
            ax = (b.x - 2 * a.x + basis[0].x) / step**2
            ay = (b.y - 2 * a.y + basis[0].y) / step**2
            # Three sightings give a noisy acceleration (edges snap to pixels: +-1 px/frame^2),
            # so keep only a clear vertical one (gravity), and only as far as gravity goes:
            # a bounce must not throw predictions off.
            ax = 0.0
            limit = accel_limit(self.clip_units())
            ay = float(np.clip(ay, -limit, limit)) if abs(ay) >= MIN_ACCEL else 0.0
        # Velocity at the last sighting, then constant acceleration up to `frame`.
        dt_b = last.frame - b.frame
        vx, vy = vx + ax * (dt_b + 0.5 * step), vy + ay * (dt_b + 0.5 * step)
        x0 = b.x + (b.x - a.x) / step * dt_b + 0.5 * ax * dt_b * dt_b
        y0 = b.y + (b.y - a.y) / step * dt_b + 0.5 * ay * dt_b * dt_b
        dt = frame - last.frame
        hidden = x0 + vx * dt + 0.5 * ax * dt * dt, y0 + vy * dt + 0.5 * ay * dt * dt
        if last is b:
            return hidden, hidden
        x0, y0 = last.x, last.y  # for matching, start from where it was last seen
        return hidden, (x0 + vx * dt + 0.5 * ax * dt * dt, y0 + vy * dt + 0.5 * ay * dt * dt)
