"""Objects swinging on a string: their path is an arc about a fixed point above them.

A pendulum's bob is pulled by its string, not only by gravity: it accelerates upward at the
bottom of every swing and changes speed all along it, which the free-flight rules (gravity
reversing, bounces gaining energy) would read as violations. Its path gives it away: an arc
of a circle whose centre (the pivot) lies above the path, a few object sizes away, along
which it is fastest where it is lowest (it trades height for speed as any swing does;
reversed gravity does the opposite, fastest where it is highest).

Works on the track's scene coordinates (the fitted camera removed).
"""

from __future__ import annotations

import numpy as np

from checkers.physics.energy import SIDE_STEPS, one_break
from checkers.tracking import Track

# Units: the object's own size (the square root of its area).
FIT = 0.1  # rms distance of the path from the fitted circle
# ... and the looser bar past which a path is not a swing at all. A bob's path in scene
# coordinates strays from its arc where the camera fit drifts or shakes, and a triangle's or
# star's cut turns with it: TUNE (session 24), three pendulums at 0.12-0.17 (d3131 51,
# dev1515 161 and 165, under a pan, a shake and a tilt) were judged as free flight, their
# swings' bottoms read as gravity reversing (one a clean clip's). Every judged track of
# TUNE whose swing test this moves is a labeled pendulum. A swing fitted that loosely is
# not judged as free flight, but its energy (energy.py) is not read either: the drift that
# bends its arc moves its turning heights too (dev1515 161: 0.6 sizes, a false speed jump).
LOOSE_FIT = 0.2
PIVOT_ABOVE = 1.0  # the least height of the pivot above the path's highest point
LONGEST = 12.0  # the longest string (a larger circle is a straight path)
SWEEP = 1.0  # the least horizontal extent of the path (a still object fits any circle)
LOWER_FASTER = 0.2  # least correlation between depth and speed along the path
MIN_SIGHTINGS = 6
BEND = 2.0  # times the circle's residual by which a straight line must fit the path worse
BEND_LEAST = 0.05  # ... and at least this (a flat path's jitter)
INLIERS = 0.8  # share of sightings the circle is fitted to (the rest stray with the cut)


def _circle(xy: np.ndarray) -> tuple[float, float, float, float]:
    """Centre, radius and rms residual of the least-squares circle through points (N, 2)."""
    x, y = xy[:, 0], xy[:, 1]
    a = np.c_[2 * x, 2 * y, np.ones(len(x))]
    (cx, cy, c), *_ = np.linalg.lstsq(a, x * x + y * y, rcond=None)
    r = float(np.sqrt(max(c + cx * cx + cy * cy, 1e-9)))
    residual = np.hypot(x - cx, y - cy) - r
    return float(cx), float(cy), r, float(np.sqrt(np.mean(residual**2)))


def swinging(track: Track, fit: float = FIT) -> bool:
    """Does this track swing on a string (a pendulum's bob)? `fit`: the most its path may
    stray from the arc, in object sizes (rms)."""
    return fits_arc(arc_residual(track), fit)


def fits_arc(residual: float | None, fit: float = FIT) -> bool:
    """Is a path whose `arc_residual` is `residual` a swing at the bar `fit`?"""
    return residual is not None and residual <= fit


def arc_residual(track: Track) -> float | None:
    """How far the track's path strays from its swing's arc (rms, object sizes), or None
    when it is no swing at any fit (too few sightings, no pivot above it, a straight path,
    no trade of height for speed). Every test but the fit's own is the same at any bar, so
    one reading serves both bars (`FIT`, `LOOSE_FIT`)."""
    seen = [p for p in track.seen if not p.at_edge and not p.merged]
    if len(seen) < MIN_SIGHTINGS:
        return None
    xy = np.array([(p.x, p.y) for p in seen])
    size = float(np.median([p.det.size for p in seen]))
    if np.ptp(xy[:, 0]) < SWEEP * size:
        return None
    # A motion part's centroid strays where its cut does (a shadow joining it, a crescent):
    # the circle is refitted without the sightings furthest off it.
    keep = np.ones(len(xy), bool)
    for _ in range(2):
        cx, cy, r, _ = _circle(xy[keep])
        off = np.abs(np.hypot(xy[:, 0] - cx, xy[:, 1] - cy) - r)
        keep = off <= max(np.quantile(off, INLIERS), 1e-6)
    cx, cy, r, residual = _circle(xy[keep])
    if r > LONGEST * size or xy[:, 1].min() - cy < PIVOT_ABOVE * size:
        return None
    # A nearly straight path fits a large circle too: the arc must bend clearly more than
    # the path strays from it.
    line = np.polyfit(xy[keep, 0], xy[keep, 1], 1)
    straight = float(np.sqrt(np.mean((np.polyval(line, xy[keep, 0]) - xy[keep, 1]) ** 2)))
    if straight < max(BEND * residual, BEND_LEAST * size):
        return None
    # Speed along the path against depth, over steps between consecutive frames.
    frames = np.array([p.frame for p in seen])
    step = np.flatnonzero(np.diff(frames) == 1)
    if len(step) < MIN_SIGHTINGS - 1:
        return None
    speed = np.hypot(*(xy[step + 1] - xy[step]).T)
    depth = (xy[step + 1, 1] + xy[step, 1]) / 2.0
    if np.std(speed) == 0 or np.std(depth) == 0:
        return None
    stray = residual / size
    if float(np.corrcoef(depth, speed)[0, 1]) >= LOWER_FASTER:
        return stray
    # A speed jump changes the swing's energy: faster everywhere after it than before, which
    # hides the trade of height for speed from one correlation over the whole track. Each
    # side of the best energy break (energy.py) must trade them on its own.
    if len(step) < 2 * max(SIDE_STEPS, MIN_SIGHTINGS - 1):
        return None
    k, _ = one_break(speed**2, depth)
    both = min(_lower_faster(depth[:k], speed[:k]), _lower_faster(depth[k:], speed[k:]))
    return stray if both >= LOWER_FASTER else None


def _lower_faster(depth: np.ndarray, speed: np.ndarray) -> float:
    if len(depth) < MIN_SIGHTINGS - 1 or np.std(speed) == 0 or np.std(depth) == 0:
        return -1.0
    return float(np.corrcoef(depth, speed)[0, 1])
