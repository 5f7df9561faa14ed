"""Which changes of motion a part of the background model can vouch for.

A part of the plain segmentation is a flat-colored object cut cleanly from a plain backdrop:
its centroid moves only when the object does. A part of the motion-compensated background
model (perception/background.py) is whatever differs from the model's picture, so its
centroid also moves when the *cut* changes: the object merging with its own first-frame
ghost or with its shadow, a piece of texture joining it, the ghost coming away again, a part
growing out of a crescent. Measured on the wild corpora (BENCHMARKS.md, session 12): every
false speed jump and passing-through on a clean clip came with the part's area or box
changing by 1.37x or more within the fitted sightings, against at most 1.13x (box 1.21x) for
the real bounces gaining energy; the rest came from the camera fit, which carries the scene
coordinates and can step by a few pixels while the object moves on smoothly in the image.

So a change of motion of a motion part counts only when:
- the mask is steady across it: area and box sides within `STEADY` over the sightings fitted
  on both sides (a teleport is exempt: the object may land half-merged with something);
- the camera fit did not make it: the change of the fit's own offset at the object, fitted the
  same way, is under `CAMERA_SHARE` of the change seen in scene coordinates. For gravity
  reversing, the change is a bend (a vertical acceleration over the reversal's run): the fit
  on a backdrop with little to register (a plain or gradient one) can lurch by 10-20 px a
  frame while the object moves on smoothly in the image, which bends its scene path.
"""

from __future__ import annotations

import numpy as np

from checkers.kinematics import SIDE
from checkers.tracking import Point, Track

# Ratio (largest / smallest) of area, width and height over the sightings around a change
# still read as one rigid object's mask (real changes: <= 1.13 area, 1.21 box; false: >= 1.37).
STEADY = 1.35
# Gravity reversing and a bounce gaining energy are read off a whole arc (a sustained
# acceleration, medians of heights), which a change of cut moves far less than the two short
# fits of a speed jump. Wild dev corpora (session 15, seeds 3131 and 1515): real ones at
# 1.34-1.67 were lost to STEADY, no false one of these kinds on a clean clip was above 1.35.
STEADY_ARC = 1.7
ARC_KINDS = ("gravity_reversal", "energy_gain")
CAMERA_SHARE = 0.5  # share of a change of motion the camera fit may account for
# Kinds judged from the path around one sighting; through_object reads the mask itself.
PATH_KINDS = ("teleport", "speed_jump", "energy_gain", "gravity_reversal")


def steady(points: list[Point], bar: float = STEADY) -> bool:
    """At least three sightings, none merged, whose area and box sides are those of one
    rigid mask."""
    if len(points) < 3 or any(p.merged for p in points):
        return False
    sizes = np.array([(p.det.area, p.det.bbox[2], p.det.bbox[3]) for p in points], float)
    sizes = np.maximum(sizes, 1.0)
    return bool((sizes.max(axis=0) / sizes.min(axis=0)).max() <= bar)


def _line(frames: np.ndarray, values: np.ndarray, t0: float) -> tuple[np.ndarray, np.ndarray]:
    """Position and velocity at t0 of a straight line fitted to values (N, 2) over frames."""
    if len(frames) < 2:
        return values.mean(axis=0), np.zeros(2)
    slope, icept = np.polyfit(frames - t0, values, 1)
    return icept, slope


def camera_made(points: list[Point], k: int, teleport: bool) -> bool:
    """Could the camera fit account for the change at points[k-1] | points[k]?

    The offset between scene and image coordinates at the object is what the camera fit
    adds to its path; fitted on each side like the path itself, a step in it (teleport) or
    a change of its slope (speed) is the part of the change the camera made.
    """
    frames = np.array([p.frame for p in points], float)
    scene = np.array([(p.x, p.y) for p in points])
    offset = scene - np.array([(p.det.cx, p.det.cy) for p in points])
    t0 = frames[k] - 0.5
    steps = []
    for values in (scene, offset):
        pb, vb = _line(frames[:k], values[:k], t0)
        pa, va = _line(frames[k:], values[k:], t0)
        steps.append((pa - pb) if teleport else (va - vb))
    change, camera = steps
    size = float(np.hypot(*change))
    # Only the camera's step along the change can have made it: a fit stepping the other
    # way (shake) makes the change in the picture larger, not smaller.
    along = float(np.dot(camera, change)) / max(size, 1e-9)
    return along > CAMERA_SHARE * size


def camera_bent(points: list[Point]) -> bool:
    """Could the camera fit account for the vertical acceleration over these sightings?

    The offset between scene and image coordinates at the object, fitted with a parabola
    like the path itself: its acceleration along the path's is the part the camera made.
    (TUNE corpora, session 17: real reversals 0-0.15 of theirs, false ones on lurching
    fits 0.58-2.4.)
    """
    if len(points) < 4:
        return False
    frames = np.array([p.frame for p in points], float)
    scene = np.array([p.y for p in points])
    offset = scene - np.array([p.det.cy for p in points])
    bend = 2.0 * float(np.polyfit(frames, scene, 2)[0])
    camera = 2.0 * float(np.polyfit(frames, offset, 2)[0])
    return camera * bend > 0 and abs(camera) > CAMERA_SHARE * abs(bend)


def vouched(track: Track, kind: str, frame: int, run: int = 0, cut_read: bool = True) -> bool:
    """Does a motion part's path vouch for an event of `kind` dated at `frame`?

    `run`: for gravity reversing, the frames its reversed acceleration was measured over
    (from `frame` on). `cut_read`: whether the event was read from the fitted sightings'
    cut, so that the mask must be steady across them (a swing's energy is not: its medians
    over the whole arc skip merged sightings; the camera test still applies)."""
    if kind not in PATH_KINDS:
        return True
    seen = track.seen
    at = [i for i, p in enumerate(seen) if p.frame == frame]
    if not at:
        return True
    k = at[0]
    # The sightings fitted on each side, in consecutive frames as the detectors fit them.
    lo, hi = k, k + 1
    while lo > max(0, k - SIDE) and seen[lo - 1].frame == seen[lo].frame - 1:
        lo -= 1
    while hi < min(len(seen), k + SIDE) and seen[hi].frame == seen[hi - 1].frame + 1:
        hi += 1
    window = seen[lo:hi]
    # An arc's heights are read from sightings touching nothing (physics/sightings.py:
    # `_unreliable` with heights): a merged one is left out of the reading, so out of the
    # mask's test too, where it would refuse the event for a cut nobody read.
    tested = [p for p in window if not p.merged] if kind in ARC_KINDS else window
    if (
        cut_read
        and kind != "teleport"
        and not steady(tested, STEADY_ARC if kind in ARC_KINDS else STEADY)
    ):
        return False
    if kind in ("teleport", "speed_jump") and k - lo >= 2 and hi - k >= 2:
        return not camera_made(window, k - lo, kind == "teleport")
    if kind == "gravity_reversal":
        # The run and a sighting either side, in consecutive frames.
        bend = [p for p in seen if frame - 2 <= p.frame <= frame + run + 2]
        return not camera_bent(bend)
    return True


def steady_before(track: Track, frame: int) -> bool:
    """Was a motion part's mask steady over the sightings just before `frame` (and not the
    crescent of a part growing out of its first place)? A part losing area to another object
    must first have had a whole, steady area to lose."""
    before = [p for p in track.seen if p.frame < frame][-SIDE:]
    return len(before) >= SIDE and steady(before)
