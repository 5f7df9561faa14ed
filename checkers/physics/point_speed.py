"""Speed jumps read from the object's own points, not its mask's centroid.

A background-model part's centroid moves when its cut changes (shading, a shadow joining,
the part growing out of its first place), so jumps.py must excuse every change of motion
whose mask was not steady (motion_gate.py) and set its bar by the clip's centroid noise. The
object's texture and outline corners move with the object whatever the cut does: corners
found inside the part's box (an inscribed ellipse, so little backdrop is taken), followed
one frame ahead with pyramidal Lucas-Kanade and kept only when they follow back to where they
began, give the object's image motion as their median displacement; the camera fit's own
step at the object (scene minus image position, as motion_gate.camera_made reads it) turns
that into scene motion. A step is read only where most points moved together (one rigid
object, not a part straddling two) on enough frames either side.

A speed jump is then a held gain of speed along the object's way in this point velocity:
the medians of the steps wholly before and wholly after a boundary (gravity's steady change
removed) differ by more than the floors of jumps.py and by more than NOISE_K times the
points' own scatter on either side, and so do the nearest steps (the change is at this
boundary). Contact, collisions, bounces, the ground, the camera fit, pendulums and the frame
edge still excuse it as in jumps.py; the mask's steadiness does not, since the points do not
read the mask's edge. The part's path must show the change too, fitted as one arc with its
own steady fall and a kink at the boundary (`_arc_kink`): over a slow stretch the points
under-read the motion, and their steady change with it. Only background-model parts are read (a plain part's flat cut is
exact), only past the model's first pictures, and only gains along the way: an obstacle the
tracker cannot see stops, turns or reverses a mover, it does not speed it up along its path.

TUNE (session 22, BENCHMARKS.md): speed jumps 7 -> 11 of 22, clean clips failed unchanged.

A mixin of PhysicsChecker. `process` hands it each gray analysis frame (`_follow_points`):
the points of every background-model part are followed into the next frame while the clip
streams, so only the last frame and a step per part and frame are held (memory flat in clip
length); `finalize` reads the steps of the parts it judges. It also reads `_collided`
(jumps.py).
"""

from __future__ import annotations

import cv2
import numpy as np

from checkers.base import Event
from checkers.kinematics import bounce_points, floor_contact
from checkers.medians import median0
from checkers.physics.jumps import (
    ACCEL_NOISE,
    GROUND_BAND,
    LEVEL,
    SPEED_FLOOR,
    SPEED_SHARE,
    same_way,
)
from checkers.physics.motion_gate import CAMERA_SHARE
from checkers.tracking import Point, Track
from checkers.tracking.confidence import START_SECONDS

MAX_POINTS = 30  # corners followed per part and frame: a median needs no more
MIN_POINTS = 4  # fewer followed corners say nothing about the whole object
FB_SHARE = 0.004  # short sides: a corner must follow back this close to where it began
# A point moved with the object when within this of the median displacement: the larger of
# a share of the short side (LK's own sub-pixel wobble) and a share of the displacement.
AGREE_SIDE = 0.01
AGREE_SPEED = 0.3
AGREE = 0.7  # share of the points that must move together on a frame step
WINDOW = 0.5  # seconds of steps read on each side of a boundary
LEAST_STEPS = 3  # point velocities each side at least
# The step must stand this far above the points' own scatter (robust sigma of the steps on
# either side about their median): a held step, not the points' wobble. With 3 steps a side
# that is about 4 standard errors of the difference of the two medians, more with more steps.
# (TUNE and VALIDATE, session 22: 6 found 2 + 1 speed jumps, 4 found 4 + 2; clean failures
# the same on both.)
NOISE_K = 4.0
# Share of the points' change of velocity the part's outline must show along it. Clean clips
# of the spent seeds (session 28): points on a striped shirt behind a pendulum (8989 195),
# on a post's edge beside an object coming out from behind it (fresh4711 128) and on the
# backdrop around a cube pushed by a shaking camera (2121 210) changed speed while their
# parts' outlines showed -0.24 to 0.41 of it; TUNE's labeled jumps that reach this test
# show 0.95-1.02 (seven candidates in three clips).
MASK_SHARE = 0.5
POINT_JITTER = 0.5  # analysis px/frame: the median of agreeing LK points wobbles less than this
ELLIPSE = 0.9  # share of the box's half sides the seeding ellipse spans
WINDOW_PX = 9  # LK window, analysis px (the object's texture at the 180 px short side)
CORNER_BORDER = 4  # analysis px: the corner filter's Sobel and block kernels reach 2


def point_step(
    g0: np.ndarray, g1: np.ndarray, bbox: tuple[int, int, int, int], short: float
) -> np.ndarray | None:
    """The image displacement (dx, dy) from g0 to g1 of the corners inside `bbox` (in g0),
    or None when too few follow back or they do not move together."""
    return point_steps(g0, g1, [bbox], short)[0]


def point_steps(
    g0: np.ndarray, g1: np.ndarray, boxes: list[tuple[int, int, int, int]], short: float
) -> list[np.ndarray | None]:
    """`point_step` of each box in `boxes`, with one LK call each way for all of them.

    LK follows every point on its own (its window, its pyramid levels), so following all
    the boxes' corners in one call gives each the same track, bit for bit, as a call per
    box; a call builds both frames' pyramids, which was most of its cost at three or four
    parts a frame."""
    seeds = [_seeds(g0, bbox) for bbox in boxes]
    found = [s for s in seeds if s is not None]
    if not found:
        return [None] * len(boxes)
    together = np.concatenate(found) if len(found) > 1 else found[0]
    lk = {"winSize": (WINDOW_PX, WINDOW_PX), "maxLevel": 2}
    ahead, st, _ = cv2.calcOpticalFlowPyrLK(g0, g1, together, None, **lk)
    back, sb, _ = cv2.calcOpticalFlowPyrLK(g1, g0, ahead, None, **lk)
    out, at = [], 0
    for s in seeds:
        if s is None:
            out.append(None)
            continue
        part = slice(at, at + len(s))
        at += len(s)
        out.append(_agreed(s, ahead[part], st[part], back[part], sb[part], short))
    return out


def _seeds(g0: np.ndarray, bbox: tuple[int, int, int, int]) -> np.ndarray | None:
    """The corners (N x 1 x 2 float32) inside `bbox`'s ellipse, or None when too few."""
    x, y, w, h = bbox
    # Corners are sought in a window around the box only (the corner filter's kernels
    # read CORNER_BORDER px about each pixel): the same corners as over the whole frame.
    x0, y0 = max(0, x - CORNER_BORDER), max(0, y - CORNER_BORDER)
    window = g0[y0 : y + h + CORNER_BORDER, x0 : x + w + CORNER_BORDER]
    if min(window.shape) <= 2 * CORNER_BORDER:
        return None  # the box is (nearly) out of the frame: no corners of its own in view
    mask = np.zeros(window.shape, np.uint8)
    centre = (int(round(x + w / 2)) - x0, int(round(y + h / 2)) - y0)
    axes = (max(1, int(ELLIPSE * w / 2)), max(1, int(ELLIPSE * h / 2)))
    cv2.ellipse(mask, centre, axes, 0, 0, 360, 255, -1)
    seeds = cv2.goodFeaturesToTrack(window, MAX_POINTS, 0.001, 2, mask=mask, blockSize=3)
    if seeds is None or len(seeds) < MIN_POINTS:
        return None
    return seeds + np.float32([x0, y0])


def _agreed(seeds, ahead, st, back, sb, short: float) -> np.ndarray | None:
    """The median displacement of the seeds LK followed there and back, if most agree."""
    ret = np.linalg.norm((back - seeds).reshape(-1, 2), axis=1)
    ok = (st.ravel() == 1) & (sb.ravel() == 1) & (ret < FB_SHARE * short)
    if ok.sum() < MIN_POINTS:
        return None
    moved = (ahead - seeds).reshape(-1, 2)[ok]
    median = median0(moved)
    reach = max(AGREE_SIDE * short, AGREE_SPEED * float(np.hypot(*median)))
    together = np.linalg.norm(moved - median, axis=1) <= reach
    return median if together.mean() >= AGREE else None


def _offset(p: Point) -> np.ndarray:
    return np.array([p.x - p.det.cx, p.y - p.det.cy])


def _sigma(values: np.ndarray, centre: np.ndarray) -> float:
    return 1.4826 * float(median0(np.linalg.norm(values - centre, axis=1)))


def _steady_change(vel: list, before: list[int], after: list[int]) -> np.ndarray:
    """The velocity's steady change per frame: gravity, so vertical only (friction slows a
    slide on the ground, which is contact anyway). The median slope of pairs of steps on the
    same side of the boundary (Theil-Sen), so the step under test does not tilt it; zero
    when under jumps.py's ACCEL_NOISE."""
    slopes = [
        (vel[j][1] - vel[i][1]) / (j - i)
        for side in (before, after)
        for n, i in enumerate(side)
        for j in side[n + 1 :]
    ]
    fall = float(median0(slopes))
    return np.array([0.0, fall if abs(fall) >= ACCEL_NOISE else 0.0])


def _arc_kink(seg: list[Point], lo: int, hi: int, k: int) -> np.ndarray | None:
    """The change of velocity at sighting k of the part's path over sightings lo..hi-1, in
    px/frame, fitted jointly with one steady vertical change (gravity) on both sides: each
    axis as a + b t (+ c t^2 / 2 vertically) + d max(0, t - t[k-1]), least squares; None
    with too few sightings to fit."""
    run = seg[lo:hi]
    if len(run) < 5 or not lo < k < hi:
        return None
    t = np.array([p.frame for p in run], dtype=float) - seg[k - 1].frame
    kink = np.maximum(t, 0.0)
    out = []
    for axis, values in enumerate((np.array([p.x for p in run]), np.array([p.y for p in run]))):
        columns = [np.ones_like(t), t, kink] + ([0.5 * t * t] if axis == 1 else [])
        solution = np.linalg.lstsq(np.column_stack(columns), values, rcond=None)[0]
        out.append(solution[2])
    return np.array(out)


class PointSpeeds:
    def _follow_points(self, index: int, gray: np.ndarray, observation) -> None:
        """Follow last frame's background-model parts' points into this frame; keep the
        steps (keyed by frame and box: what `point_step` reads) and this frame only."""
        last = self._last_parts
        if last is not None and last[0] == index - 1:
            short = float(min(gray.shape))
            for bbox, step in zip(last[2], point_steps(last[1], gray, last[2], short), strict=True):
                self._point_steps[(index - 1, bbox)] = step
        # Only parts of a track: no other part is ever a sighting `_point_jumps` reads.
        dets = observation.detections
        boxes = [tuple(dets[i].bbox) for i in observation.assigned if dets[i].source == "motion"]
        self._last_parts = (index, gray, boxes)

    def _point_velocities(self, seg: list[Point]) -> list[np.ndarray | None]:
        """Per sighting i >= 1 of a run: the object's scene velocity (px/frame) over the step
        seg[i-1] -> seg[i], read from its points; None where they say nothing. Entry 0 is
        None (no step into the first sighting)."""
        out: list[np.ndarray | None] = [None]
        for a, b in zip(seg, seg[1:], strict=False):
            moved = None
            if b.frame == a.frame + 1:
                moved = self._point_steps.get((a.frame, tuple(a.det.bbox)))
            out.append(None if moved is None else moved + _offset(b) - _offset(a))
        return out

    def _point_jumps(self, track: Track, seg: list[Point]) -> list[Event]:
        """Speed jumps of a background-model part read from its points (module doc)."""
        if not getattr(self, "_point_steps", None) or not track.from_background_model:
            return []
        span = self.units.frames(WINDOW, least=LEAST_STEPS)
        if len(seg) < 2 * LEAST_STEPS + 2:
            return []
        vel = self._point_velocities(seg)
        xy = np.array([(p.x, p.y) for p in seg])
        # The path the points trace (the centroid's step where they say nothing): the
        # ground's bounces are found on it, not on the cut's wobble.
        steps = [v if v is not None else xy[i] - xy[i - 1] for i, v in enumerate(vel) if i]
        path = np.vstack([xy[:1], xy[:1] + np.cumsum(steps, axis=0)])
        bounces = sorted(bounce_points(path, self.units))
        size = float(median0([p.det.size for p in seg]))
        low = xy[:, 1].max() - max(GROUND_BAND, 0.5 * size)
        offsets = np.array([_offset(p) for p in seg])
        camera = np.vstack([np.zeros((1, 2)), np.diff(offsets, axis=0)])
        # The model's first pictures hold first-frame content: a part leaving its own ghost
        # there is the object and the backdrop it uncovered, whose points disagree or, if
        # the backdrop's outnumber the object's, read the part as still.
        start = START_SECONDS * self.units.fps
        have = [i for i, v in enumerate(vel) if v is not None and seg[i - 1].frame >= start]
        found = []
        for k in range(2, len(seg) - 1):
            if any(k - 1 <= j <= k for j in bounces):
                continue  # the ground changed the motion here
            # Contact, the frame edge, a merge or something hidden behind the same scenery
            # (sightings.py) excuse a change as for the centroid's fits; only the area's
            # steadiness is not asked: the points do not read the mask's edge.
            if any(self._unreliable(p, track.id) for p in seg[max(0, k - 2) : k + 2]):
                continue
            lo = max([k - span] + [j + 1 for j in bounces if j < k])
            hi = min([k + 1 + span] + [j for j in bounces if j > k])
            # Steps wholly before sighting k-1 | k and wholly after: the one into seg[k]
            # straddles the change.
            before = [i for i in have if lo <= i < k]
            after = [i for i in have if k < i < hi]
            if len(before) < LEAST_STEPS or len(after) < LEAST_STEPS:
                continue
            accel = _steady_change(vel, before, after)
            ub = np.array([vel[i] - accel * (i - k) for i in before])
            ua = np.array([vel[i] - accel * (i - k) for i in after])
            vb, va = median0(ub), median0(ua)
            dv = va - vb
            step = float(np.hypot(*dv))
            faster = max(float(np.hypot(*vb)), float(np.hypot(*va)))
            noise = max(_sigma(ub, vb), _sigma(ua, va))
            bar = (
                max(POINT_JITTER, self.units.speed(SPEED_FLOOR), SPEED_SHARE * faster,
                    NOISE_K * noise) * self.k
            )  # fmt: skip
            if step <= bar or self._grounded(vb, va, xy[k, 1] > low):
                continue
            # Only a gain of speed along the way it was going: an obstacle the tracker cannot
            # see (behind scenery the model holds as backdrop) stops, slows, turns or
            # reverses a mover, and only a faster one pushing from behind speeds it up
            # along its path (TUNE clean clips: a ball reversing off an object hidden behind
            # a wall, d3131 63, held9191 65).
            speed_b, speed_a = float(np.hypot(*vb)), float(np.hypot(*va))
            along = float(np.dot(va, vb)) / max(1e-9, speed_a * speed_b)
            if speed_a - speed_b <= bar or not same_way(along):
                continue
            # The camera fit's own change at the object, read the same way.
            cam = median0(camera[after]) - median0(camera[before])
            if float(np.dot(cam, dv)) / step > CAMERA_SHARE * step:
                continue
            if self._collided(track.id, seg, k):
                continue
            # Points that read the part still while its whole mask travels are the
            # backdrop's, seen through the box (a gradient or a texture behind the object).
            steps_b = xy[before] - xy[np.array(before) - 1]
            steps_a = xy[after] - xy[np.array(after) - 1]
            mask_b, mask_a = median0(steps_b), median0(steps_a)
            if any(
                np.hypot(*mask) > bar and np.hypot(*pts) < 0.5 * np.hypot(*mask)
                for mask, pts in ((mask_b, vb), (mask_a, va))
            ):
                continue
            # The part's outline must show the change too (gravity's steady change removed
            # as from the points): the points read texture, and texture moving inside a part
            # whose outline does not follow is not the whole object speeding up (MASK_SHARE).
            mask_dv = median0(steps_a - np.outer(np.array(after) - k, accel)) - median0(
                steps_b - np.outer(np.array(before) - k, accel)
            )
            if float(np.dot(mask_dv, dv)) / step < MASK_SHARE * step:
                continue
            # ... and so must the part's path read as one arc with its own steady fall: where
            # the points under-read a slow stretch (an apex, their backdrop share agreeing
            # on "still"), their steady change, and the outline's step net of it, come out
            # too small; the path itself then lies on one parabola (MASK_SHARE again).
            arc_dv = _arc_kink(seg, lo, hi, k)
            if arc_dv is not None and float(np.dot(arc_dv, dv)) / step < MASK_SHARE * step:
                continue
            # The change is here, not at a boundary up to `span` away that the wide windows
            # also reach (a bounce or a collision there): the nearest steps either side
            # must differ by more than the bar too. The largest of these dates it.
            near = float(np.hypot(*(median0(ua[:LEAST_STEPS])
                                    - median0(ub[-LEAST_STEPS:]))))  # fmt: skip
            if near <= bar:
                continue
            found.append((near, step / bar, step, k))
        if not found:
            return []
        _, ratio, step, k = max(found)
        return [self._event("speed_jump", seg[k], track, ratio - 0.5,
                            f"changed speed by {step * self.scale:.1f} px/frame (its points) "
                            "with no contact")]  # fmt: skip

    def _grounded(self, vb: np.ndarray, va: np.ndarray, low: bool) -> bool:
        """Could the ground have made this change (as jumps.py reads it from its fits):
        falling onto it, hopping on it, or sliding along it and slowing down?"""
        dv = va - vb
        level = max(abs(vb[1]), abs(va[1])) < self.units.speed(LEVEL)
        return bool(
            floor_contact(vb, va, self.units)
            or (low and abs(dv[1]) > abs(dv[0]))
            or (low and level and np.hypot(*va) < np.hypot(*vb))
        )


def steps_from_frames(grays: dict[int, np.ndarray], tracks) -> dict:
    """The steps `_follow_points` keeps, computed afterwards from decoded gray frames and the
    tracks' background-model sightings (a replay of a cache made before they were kept)."""
    steps = {}
    for track in tracks:
        for p in track.points:
            if p.det is None or p.det.source != "motion" or p.frame + 1 not in grays:
                continue
            short = float(min(grays[p.frame].shape))
            box = tuple(p.det.bbox)
            steps[(p.frame, box)] = point_step(grays[p.frame], grays[p.frame + 1], box, short)
    return steps
