"""Motion geometry for physics_sanity: runs of sightings, line fits either side of a frame
boundary, the clip's gap noise, bounces and floor contact, swept boxes. Pure functions of
positions; the decisions stay in checkers/physics/.
"""

from __future__ import annotations

import numpy as np

from checkers.stats import robust_sigma
from checkers.tracking import Point, Track, accel_limit
from checkers.units import Units

SIDE = 4  # sightings fitted on each side of a boundary
# Speeds in short sides per second (checkers/units.py). A bounce turns a fall round within
# one frame, so the vertical speed it changes there is about twice the speed of impact, and
# that scales with 1 / fps in pixels per frame. (Gravity's own change a frame scales with
# 1 / fps^2; a bar scaled so, tried at 8 fps on 64x64 clips, missed small bounces and
# failed a clean clip with a gravity reversal.)
BOUNCE_KINK = 0.267  # vertical speed lost in one frame at a bounce
BOUNCE_SLIP = 0.267  # horizontal speed a bounce may change (friction, jitter)
BOUNCE_GAIN = 1.5  # a bounce leaves at most this much faster than it fell (violations: 1.4)
MOVING = 0.044  # vertical speed that counts as falling or rising, not level
CREEPING = 0.027  # ... and the smaller one that counts as coming down onto the ground
# ... but never under the jitter of one centroid step, in analysis px/frame.
MOVING_JITTER = 0.5
CREEPING_JITTER = 0.3
SLIP_JITTER = 3.0  # (at 64x64 a 2 px/frame slip bar read a bounce's jitter as a jump)


def segments(track: Track) -> list[list[Point]]:
    """Runs of sightings in consecutive frames (at least 3 long)."""
    out: list[list[Point]] = [[]]
    for p in track.points:
        if p.det is None or (out[-1] and out[-1][-1].frame != p.frame - 1):
            out.append([])
        if p.det is not None:
            out[-1].append(p)
    return [s for s in out if len(s) >= 3]


def touching_anything(p: Point) -> bool:
    return bool(p.near) or p.at_edge or p.merged


def cut_whole(p: Point) -> bool:
    """Is the sighting's cut the whole object's, so its place and look the object's own? Not
    where the frame's edge cuts it off or it is merged with (or partly hidden by) another
    part."""
    return not (p.at_edge or p.merged)


def usual_area(track: Track) -> float:
    """The object's whole area: the median over sightings touching nothing."""
    areas = [p.det.area for p in track.seen if not touching_anything(p)]
    if areas:
        return float(np.median(areas))
    # Always touching something (sliding behind a box from the start): whole when largest.
    return float(np.percentile([p.det.area for p in track.seen], 90))


def side_fit(xy: np.ndarray, frames: np.ndarray, accel: np.ndarray, t0: float):
    """Position and velocity at time t0 of a line fitted after removing steady acceleration."""
    dt = frames - t0
    q = xy - 0.5 * accel[None, :] * (dt * dt)[:, None]
    if len(dt) == 1:
        return q[0], np.zeros(2)
    slope, icept = np.polyfit(dt, q, 1)  # each (2,)
    return icept, slope


def outline_share(
    corners: np.ndarray, frames: np.ndarray, lo: int, k: int, hi: int, accel, t0: float, dv
) -> float:
    """How much of the centroid's change of velocity `dv` at the boundary k the part's whole
    outline shows: the share (1 for a rigid object) along `dv` of the change that both
    opposite edges of its box make on each axis.

    `corners`: (n, 4) left, top, right, bottom edges, fitted over [lo, k) and [k, hi) as the
    centroid is. A part coming out from behind a wall grows at its leading edge while its
    trailing edge stays at the wall: its centroid moves at a fraction of the object's speed,
    then at the full speed once out, a change the leading edge never shows. Likewise a part
    holding the background model's ghost of the object's first place until the two come
    apart. A real change of speed moves every edge alike.
    """
    near = [side_fit(corners[lo:k, c], frames[lo:k], accel, t0)[1] for c in ((0, 1), (2, 3))]
    far = [side_fit(corners[k:hi, c], frames[k:hi], accel, t0)[1] for c in ((0, 1), (2, 3))]
    first, second = far[0] - near[0], far[1] - near[1]  # changes of (left, top), (right, bottom)
    # Per axis, the smaller of the two edges' changes, and none if they disagree in sign.
    whole = np.where(np.abs(first) < np.abs(second), first, second)
    whole[np.sign(first) != np.sign(second)] = 0.0
    norm = float(np.dot(dv, dv))
    return float(np.dot(whole, dv)) / norm if norm > 0 else 1.0


def swept_box(box, dx: float, dy: float) -> tuple[int, int, int, int]:
    """The box covering `box` moved along (dx, dy)."""
    x, y, w, h = box
    x0, y0 = min(x, x + dx), min(y, y + dy)
    x1, y1 = max(x + w, x + w + dx), max(y + h, y + h + dy)
    return (x0, y0, x1 - x0, y1 - y0)


def gap_noise(segments: list[list[tuple]], field: int) -> float:
    """The clip's jitter in one gap measure (robust sigma), without the change under test.

    One real change raises the gaps of every boundary whose fits reach it (2 * SIDE - 1 of
    them); in a short clip with one or two tracks those are a third of all gaps and would
    inflate the spread past the change itself. So the boundaries around each segment's
    largest gap are left out.
    """
    values = []
    for seg in segments:
        if not seg:
            continue
        top = max(seg, key=lambda b: b[field])[0]
        values += [b[field] for b in seg if abs(b[0] - top) >= SIDE]
    return robust_sigma(values) if len(values) >= 8 else 0.0


def sustained_change(xy: np.ndarray, k: int, span: int) -> float:
    """How much the motion changed at the boundary xy[k-1] | xy[k] and stayed changed.

    The median step (a velocity, analysis px per frame) over up to `span` steps wholly
    before the boundary and wholly after it, compared: the size of their difference as a
    share of the faster of the two. A speed jump holds its new speed (dev1515 clips 50, 145:
    0.6-0.7 of the faster, a stop 1.0); the wobble of a part's cut changes the two short
    fits either side of one boundary and not the medians beyond it (clip 37: 0.22).
    """
    steps = np.diff(xy, axis=0)  # steps[i]: xy[i] -> xy[i + 1]
    before, after = steps[max(0, k - 1 - span) : k - 1], steps[k : k + span]
    if len(before) == 0 or len(after) == 0:
        return 1.0  # nothing to compare with: the fits' own verdict stands
    vb, va = np.median(before, axis=0), np.median(after, axis=0)
    faster = max(float(np.hypot(*vb)), float(np.hypot(*va)), 1e-9)
    return float(np.hypot(*(va - vb))) / faster


def trimmed_mean(values: np.ndarray) -> np.ndarray:
    """Mean of the middle 60% per column: the arc's average acceleration, ignoring kinks."""
    v = np.sort(values, axis=0)
    cut = len(v) // 5
    return v[cut : len(v) - cut].mean(axis=0)


def bounce_points(xy: np.ndarray, units: Units) -> set[int]:
    """Indices of a bounce's lowest sightings (one, or two when contact fell between them).

    `xy`: (n, 2) positions. The ground only turns the vertical motion round: the horizontal
    step goes on (friction trims it a little), and the object cannot leave much faster than
    it arrived. A teleport with a small vertical part also kinks the vertical speed, so
    without these two tests it would read as a bounce and be excused.
    """
    vx, vy = np.diff(xy[:, 0]), np.diff(xy[:, 1])  # v[i]: from i to i + 1
    moving = max(MOVING_JITTER, units.speed(MOVING))
    kink = units.speed(BOUNCE_KINK)
    slip = max(SLIP_JITTER, units.speed(BOUNCE_SLIP))
    out = set()
    for j in range(1, len(vy)):
        # The ground reverses a fall at once; gravity turning round (reversed) does it a
        # little per frame, so a bounce needs a sharp kink in vertical speed.
        if vy[j - 1] > moving and vy[j] < -moving and vy[j] - vy[j - 1] < -kink:
            after = j
        elif (
            j + 1 < len(vy)
            and vy[j - 1] > moving
            and abs(vy[j]) <= moving
            and vy[j + 1] < -moving
            and vy[j + 1] - vy[j - 1] < -kink
        ):
            after = j + 1
        else:
            continue
        if abs(vx[after] - vx[j - 1]) > max(slip, 0.5 * abs(vx[j - 1])):
            continue  # the path broke sideways: a jump, not the ground
        # Contact may fall inside the frame step before the lowest sighting, so the fall
        # speed is the larger of the two steps before it.
        fall = float(vy[max(0, j - 2) : j].max())
        if -vy[after] > BOUNCE_GAIN * fall + 2 * accel_limit(units):
            continue  # rose far faster than it fell
        out.update(range(j, after + 1))
    return out


def floor_contact(vb: np.ndarray, va: np.ndarray, units: Units) -> bool:
    """Falling before, rising or stopped after: the object met the ground. A flat floor
    stops a fall and slows a slide; it cannot speed the object along it by more than a
    bounce's slip (spent wild 1618 clip 264 and 4181 clip 12: sliders sinking 0.7 px a
    frame into their cut, 2.5x faster along the floor after the jump, read as landing)."""
    falling = vb[1] > max(MOVING_JITTER, units.speed(MOVING)) and va[1] < 0.5 * vb[1]
    slip = max(SLIP_JITTER, units.speed(BOUNCE_SLIP))
    return bool(falling and abs(va[0]) - abs(vb[0]) <= slip)


def floor_contact_at(ys: np.ndarray, i: int, units: Units) -> bool:
    creeping = max(CREEPING_JITTER, units.speed(CREEPING))
    kink = units.speed(BOUNCE_KINK)
    for j in range(max(1, i - 1), min(len(ys) - 1, i + 2)):
        down, after = ys[j] - ys[j - 1], ys[j + 1] - ys[j]
        if down > creeping and after < 0.3 * down and after - down < -kink:
            return True
    return False
