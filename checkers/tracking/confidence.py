"""How far a track of the background model can be trusted to be one object.

The plain path trusts a track when its part is flat-colored (`Track.solid`): every
shapes-world object is. Parts of the motion-compensated background model (any backdrop) are
shaded and textured, so their color says nothing; what tells an object from a sliver of
misregistered texture, a shadow band or a fragment of a tear is how the part behaves:

- size: its box's short side, in shares of the frame's short side (slivers along a floor
  band or a photo's edge are 1-2% thick; the world's objects 6-18%);
- length: how long it was seen, in seconds;
- mask stability: the typical change of its area from one sighting to the next (a
  rigid object keeps its area; texture caught by a misregistration flickers);
- coherent motion: the typical second difference of its path, in object sizes a second
  squared (a thrown or rolling object moves smoothly; a fragment's centroid jitters);
- apartness: the share of its sightings in which it touches another part (a hand among
  fingers, a person's pieces, a blob that merges and parts with others is not clearly one
  object; the wild world's objects touch others only while they collide);
- a part seen from the clip's start that never moves is an artifact of the model: anything
  still since the first frame is learnt as backdrop, so what stands out there is the ghost
  of a first-frame object that moved away (its old place, held until the frame shows it),
  or a misregistered edge.

Each is a factor in 0..1 (1: fully trusted), and the track's confidence is their product:
a track fails when any one of them rules it out. All thresholds are in object or frame
units and seconds, converted here from the clip's size and frame rate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from checkers.units import Units

# Units: shares of the frame's short side, seconds, object sizes.
MIN_SIDE = 0.04  # a part whose box is thinner than this is a sliver (trusted from 0.06)
MIN_SECONDS = 0.3  # seen for less than this, a part is a fragment (trusted from 0.5 s)
AREA_STEP = 0.15  # median |log area ratio| between sightings that is still rigid (0.3: not)
# Object sizes / s^2 of typical path jitter still coherent (80: not). Wild dev corpus: tracks
# of real objects 7 median, 38 at the 90th percentile; other tracks 35 median.
JERK = 40.0
# A part first seen this early was (or stood over) first-frame content. Wild dev corpus: such
# artifacts are born by 0.4 s; an object appearing at 0.8 s and resting is real.
START_SECONDS = 0.5
STILL = 0.5  # object sizes: a part whose path never reaches further is still
OUTLYING = 10  # percent of sightings at either end of the path left out (a ghost's first few)
TRUSTED = 0.5  # confidence at which checkers judge a track
# Share of sightings touching another part above which a part is not one clear object
# (trusted up to 0.3). Wild dev 1515: true permanence events' tracks 0-0.21; false ones on
# real footage in ../shared/gen-clips (hands, a juggler, a signer) 0.47-0.96.
TOUCHING = 0.5


@dataclass(frozen=True)
class TrackConfidence:
    size: float
    length: float
    stability: float
    motion: float
    moved: float = 1.0  # 0 for a part still since the start (an artifact of the model)
    apart: float = 1.0  # 0 for a part touching others most of the time

    @property
    def behaves(self) -> float:
        """How far the part behaves as one object on its own, whatever it touches."""
        return self.size * self.length * self.stability * self.motion * self.moved

    @property
    def value(self) -> float:
        return self.behaves * self.apart


def _ramp(value: float, bad: float, good: float) -> float:
    """0 at `bad`, 1 at `good`, linear between (either order)."""
    return float(np.clip((value - bad) / (good - bad), 0.0, 1.0))


def track_confidence(points, units: Units) -> TrackConfidence:
    """The confidence of a track from its sightings (`Point`s with a detection)."""
    seen = [p for p in points if p.det is not None]
    if not seen:
        return TrackConfidence(0.0, 0.0, 0.0, 0.0)
    sides = [min(p.det.bbox[2], p.det.bbox[3]) for p in seen]
    size = _ramp(float(np.median(sides)) / units.short_side, MIN_SIDE, 1.5 * MIN_SIDE)
    seconds = (seen[-1].frame - seen[0].frame + 1) / units.fps
    length = _ramp(seconds, MIN_SECONDS, MIN_SECONDS + 0.2)
    # Only sightings in open view: one sliding behind something shrinks for a reason.
    clear = [p for p in seen if not p.near and not p.at_edge] or seen
    areas = np.log(np.maximum([p.det.area for p in clear], 1.0))
    step = float(np.median(np.abs(np.diff(areas)))) if len(areas) > 1 else 0.0
    stability = _ramp(step, 2 * AREA_STEP, AREA_STEP)
    motion = _ramp(_jerk(clear, units), 2 * JERK, JERK)
    moved = 1.0
    if seen[0].frame / units.fps <= START_SECONDS:
        moved = _ramp(travel(seen), 0.5 * STILL, STILL)
    return TrackConfidence(size, length, stability, motion, moved, apartness(seen))


def apartness(seen) -> float:
    """1 for sightings that touch other parts at most 0.6 TOUCHING of the time, 0 from
    TOUCHING on, linear between."""
    touching = float(np.mean([bool(p.near) for p in seen]))
    return _ramp(touching, TOUCHING, 0.6 * TOUCHING)


def travel(seen) -> float:
    """How far a part travels in the scene, in its own sizes: the extent of most of its path
    rather than the stray from its first sighting (a ghost is first seen as a crescent off
    its centre as the object leaves it)."""
    size_px = float(np.median([p.det.size for p in seen]))
    xy = np.array([(p.x, p.y) for p in seen])
    lo, hi = np.percentile(xy, [OUTLYING, 100 - OUTLYING], axis=0)
    return float(np.hypot(*(hi - lo))) / max(1.0, size_px)


def _jerk(seen, units: Units) -> float:
    """Median second difference of the path over consecutive sightings, in object sizes a
    second squared (0 with too few sightings to tell)."""
    out = []
    for a, b, c in zip(seen, seen[1:], seen[2:], strict=False):
        if b.frame - a.frame != 1 or c.frame - b.frame != 1:
            continue
        ddx, ddy = c.x - 2 * b.x + a.x, c.y - 2 * b.y + a.y
        out.append(float(np.hypot(ddx, ddy)) / max(1.0, b.det.size))
    return float(np.median(out)) * units.fps**2 if out else 0.0
