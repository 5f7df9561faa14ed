"""The camera's motion between two frames, as the background model (background.py) and its
clean plate (clean_plate.py) carry the backdrop by it.

Corners are followed as in camera.py (Shi-Tomasi, LK with a forward-backward check) and a
similarity is fitted to them. The strongest corners of a soft, dark or plain backdrop are a
crisp object's, so a fit to them alone follows the object; a fit to corners spread over the
frame, and no motion at all, are weighed against it, and the one that aligns the frame best
is the camera's.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import cv2
import numpy as np

from checkers.perception.camera import (
    CORNER_SPACING,
    INLIER_RADIUS,
    MAX_CORNERS,
    MIN_POINTS,
    ROUND_TRIP,
)
from checkers.perception.cuts import LOST_SCENE

# The camera fit (camera_similarity): a backdrop that is soft, dark or plain has only faint
# corners, far weaker than a crisp object's, and the fit followed the object (wild TUNE
# corpora: a tiled backdrop panned under two objects held them in the model as backdrop).
STRONG = 0.01  # quality level (share of the strongest corner's) of a strong corner, as camera.py
FAINT = 0.001  # quality level (share of the strongest corner's) of a faint corner
CELL = 0.25  # short sides: the patches over which the corners are spread
PER_CELL = 4  # corners each patch contributes at most to the fit
MISALIGNED = 24  # gray levels: a pixel this far off counts as misaligned, however far
# The strong corners' bar (camera_fit._corners) from one search: the edge's Shi-Tomasi measure
# recomputed on strips this deep (pixels: the measure's own reach, not a size of the frame)
# agrees with the whole frame's to float rounding (relative 1e-6 on TUNE and gen-clips frames),
# far inside this relative error.
EDGE_STRIP = 6
EDGE_ERROR = 1e-4
BETTER = 0.9  # another fit replaces the strong corners' when it leaves this share of misalignment
# Where the strong corners were not followed (an object's, gone; sensor noise's): the share
# of the frame objects may cover (background.py's bound on clean frames); more pixels than that misaligned by
# MISALIGNED gray levels under the camera's best motion is a new scene.
MAX_FOREGROUND = 0.25
# Where the camera stood still over a longer span (camera_lag.py), a step fit that moves the
# frame by less than this (short sides) is noise or an object's pull, not the camera.
STILL_STEP = 0.004


def camera_similarity(
    prev: np.ndarray, cur: np.ndarray, span: Span | None = None
) -> np.ndarray | None:
    """The camera's motion from `prev` to `cur` (uint8 gray) as a 3x3 similarity (shift,
    zoom, roll), or None when the scene was lost (a shot cut): when the strong corners are
    not followed, the scene is lost only where no still or spread fit aligns all but the
    share objects may cover.

    `span`: asked, only where the step took no motion or one under STILL_STEP, whether the
    camera moved over a longer span ending here (camera_lag.py): True, False or None (it
    cannot say). The pixels of one step cannot tell a slow pan or a faint drift from no
    motion (a fitted motion is resampled and blurred, no motion is not), so where the span
    moved no motion is not a candidate, and where it stood still a fit under STILL_STEP is
    taken as none. A lost scene stays lost whatever the span says: a cut is a cut.

    Corners are followed as in camera.py (Shi-Tomasi, LK with a forward-backward check), but
    the fit is a similarity, not a homography: the model is carried by every step's fit in
    turn, and a homography's perspective terms, poorly pinned by corners bunched on one
    textured region, skew the rest of the frame a little more each step. A frame with too
    few corners to follow (a plain backdrop) is taken as a still camera.
    """
    return camera_fit(prev, cur, span)[0]


# How camera_fit reached its motion: the frame had too few corners to follow (no motion was
# taken by default); its strong corners were not followed (an object that left took them
# along, or sensor noise: no motion stands unless the spread corners align clearly better);
# or the strong corners were followed and fitted.
PLAIN, LOST, FOLLOWED = "plain", "lost", "followed"


# Whether the camera moved over a longer span: True, False, or None when the span cannot say.
Span = Callable[[], "bool | None"]


def camera_fit(
    prev: np.ndarray, cur: np.ndarray, span: Span | None = None
) -> tuple[np.ndarray | None, str]:
    """camera_similarity's motion, and how it was reached (PLAIN, LOST or FOLLOWED)."""
    short = float(min(prev.shape))
    faint, strong = _corners(prev, short)
    if strong < MIN_POINTS:
        return np.eye(3), PLAIN
    # The strong corners and those spread over the frame share many: each is followed once
    # (LK follows every corner on its own, so a corner's track does not depend on the rest).
    spread = _spread(faint, prev.shape, short)
    # Their union, ascending and without repeats (np.union1d's, without its sort): the
    # strong corners are the head 0..strong-1 and `spread` is ascending.
    followed = np.concatenate([np.arange(strong), spread[spread >= strong]])
    ahead, good = _follow(prev, cur, faint[followed], short)
    # `followed` is sorted and holds 0..strong-1, so the strong corners are its head.
    src, dst, kept = faint[:strong], ahead[:strong], good[:strong]
    at = np.searchsorted(followed, spread)
    spread_points = (faint[spread], ahead[at], good[at])
    fitted = None
    if kept.sum() >= LOST_SCENE * strong and kept.sum() >= MIN_POINTS:
        radius = max(0.75, INLIER_RADIUS * short)
        fit, inliers = cv2.estimateAffinePartial2D(src[kept], dst[kept], method=cv2.RANSAC,
                                                   ransacReprojThreshold=radius)  # fmt: skip
        if fit is not None and inliers is not None and inliers.mean() * kept.mean() >= LOST_SCENE:
            fitted = np.vstack([fit, [0.0, 0.0, 1.0]])
    if fitted is not None:
        candidates = [fitted, STILL, *_spread_fit(spread_points, short)]
        costs = _misalignment(prev, cur, candidates)
        chosen = _backdrop_fit(candidates, costs)

        def moving_fit() -> np.ndarray:
            return _backdrop_fit(candidates, costs, moving=True)

        return _judged_over_span(chosen, span, prev.shape, moving_fit), FOLLOWED
    # On a plain backdrop the strong corners are the objects': an object that vanished or
    # turned took its corners along while the backdrop's were followed (wild TUNE: 7 of 10
    # missed vanishes restarted the model on the vanish frame). On a noise backdrop they are
    # the sensor noise's, which LK cannot follow from one frame to the next (perc25, session
    # 25: about 20 of 160 kept on every frame of a still shot, so the model restarted each
    # frame). Either way no motion stands unless the spread corners' fit aligns the frame
    # clearly better, and the scene is kept only if at most the share objects may cover is
    # misaligned under it: a cut misaligns most of the frame.
    candidates = [STILL, *_spread_fit(spread_points, short)]
    diffs, keep = _differences(prev, cur, candidates)
    costs = [float(d[keep].mean()) if keep.any() else 0.0 for d in diffs]
    spread_better = len(costs) > 1 and costs[1] < BETTER * costs[0]

    def lost_fit(moving: bool) -> np.ndarray | None:
        best = 1 if len(costs) > 1 and (spread_better or moving) else 0
        misaligned = _misaligned_share(diffs[best], keep)
        if best == 1 and not spread_better and misaligned >= MAX_FOREGROUND:
            # Taken only because the span moved, the spread fit must not lose a scene that
            # no motion keeps: that would restart the model as at a cut.
            best, misaligned = 0, _misaligned_share(diffs[0], keep)
        return candidates[best] if misaligned < MAX_FOREGROUND else None

    chosen = lost_fit(moving=False)
    if chosen is None:
        return None, LOST
    return _judged_over_span(chosen, span, prev.shape, lambda: lost_fit(moving=True)), LOST


def _judged_over_span(
    chosen: np.ndarray, span: Span | None, shape, moving_fit
) -> np.ndarray | None:
    """`chosen`, the step the pixels chose, judged with the span where it can change it: a
    still span turns a step under STILL_STEP into none, and a moving one replaces no motion
    with `moving_fit()`, the choice without the no-motion candidate. The span is fitted only
    here, for those steps: its fit costs as much as the step's."""
    if span is None or not _moves_less(chosen, shape):
        return chosen
    moving = span()
    if moving is None:
        return chosen
    if not moving:
        return STILL
    return moving_fit() if np.array_equal(chosen, STILL) else chosen


def _misaligned_share(diff: np.ndarray, keep: np.ndarray) -> float:
    """The share of the pixels in view (`keep`) misaligned by MISALIGNED gray levels."""
    return float((diff[keep] >= MISALIGNED).mean()) if keep.any() else 0.0


STILL = np.eye(3)


def _corners(prev: np.ndarray, short: float) -> tuple[np.ndarray, int]:
    """The faint corners of `prev` (N x 2, strongest first) and how many of them, from the
    head, are the strong ones (quality level STRONG) that camera.py's search finds.

    One Shi-Tomasi search serves both: it keeps corners strongest first, each unless a kept
    one lies within the spacing, so the corners above the strong bar are taken as a
    strong-only search takes them, and the faint ones only after them.
    """
    spacing = max(2.0, CORNER_SPACING * short)
    found, quality = cv2.goodFeaturesToTrackWithQuality(prev, MAX_CORNERS, FAINT, spacing, None)
    if found is None or len(found) == 0:
        return np.zeros((0, 2), np.float32), 0
    quality = quality.ravel()
    # The strong bar is the level times the strongest corner measure of the whole frame.
    # Corners are sought off the frame's edge only, so that measure is the first corner's
    # or one on the edge, recomputed here to within EDGE_ERROR. Where no corner's measure
    # lies that close to the bar, the count of those above it is exact, however OpenCV
    # rounds the bar; otherwise the strong search is run as camera.py runs it.
    edge = _edge_peak(prev)
    low = max(float(quality[0]), edge * (1 - EDGE_ERROR)) * STRONG * (1 - EDGE_ERROR)
    high = max(float(quality[0]), edge * (1 + EDGE_ERROR)) * STRONG * (1 + EDGE_ERROR)
    strong = int(np.count_nonzero(quality > high))
    if strong == np.count_nonzero(quality > low):
        return found.reshape(-1, 2), strong
    strong = cv2.goodFeaturesToTrack(prev, MAX_CORNERS, qualityLevel=STRONG, minDistance=spacing)
    return found.reshape(-1, 2), 0 if strong is None else len(strong)


def _edge_peak(gray: np.ndarray) -> float:
    """The largest Shi-Tomasi measure (blockSize 3, aperture 3, as goodFeaturesToTrack) on
    the frame's outermost rows and columns, from strips EDGE_STRIP pixels deep, the top and
    bottom ones stacked, the left and right ones side by side: the measure reaches two
    pixels in, so where the strips meet does not touch the outermost rows and columns."""
    d = EDGE_STRIP
    if min(gray.shape) < 2 * d:  # too small for strips: the whole frame
        rows = cols = cv2.cornerMinEigenVal(gray, 3, 3)
    else:
        rows = cv2.cornerMinEigenVal(np.vstack([gray[:d], gray[-d:]]), 3, 3)
        cols = cv2.cornerMinEigenVal(np.hstack([gray[:, :d], gray[:, -d:]]), 3, 3)
    return float(max(rows[0].max(), rows[-1].max(), cols[:, 0].max(), cols[:, -1].max()))


def _follow(prev, cur, points: np.ndarray, short: float) -> tuple[np.ndarray, np.ndarray]:
    """Where `points` (N x 2) of `prev` lie in `cur` and which of them LK followed there and
    back to within ROUND_TRIP."""
    lk = {"winSize": (13, 13), "maxLevel": 2}
    ahead, ok1, _ = cv2.calcOpticalFlowPyrLK(prev, cur, points, None, **lk)
    back, ok2, _ = cv2.calcOpticalFlowPyrLK(cur, prev, ahead, None, **lk)
    round_trip = np.linalg.norm(back - points, axis=1)
    good = (ok1.ravel() == 1) & (ok2.ravel() == 1) & (round_trip < ROUND_TRIP * short + 0.5)
    return ahead, good


def _backdrop_fit(candidates: list, costs: list[float], moving: bool = False) -> np.ndarray:
    """The camera's motion that best aligns the whole frame: the strong corners' fit
    (`fitted`), a fit to corners spread evenly over the frame (`spread`: them, where they
    went, which were followed), or no motion.

    The strongest corners of a soft, dark or plain backdrop are a crisp object's, and a fit
    to them follows the object (wild TUNE corpora: a dark tiled backdrop panned under two
    objects held them as backdrop; on a plain one, two objects sliding apart read as a
    zoom). Corners spread over the frame give each patch a bounded say, and the pixels
    decide between the fits: the backdrop covers most of the frame, so the fit that aligns
    most of it is the camera's. `candidates`: the strong corners' fit, no motion, and the
    spread corners' fit if any; `costs`: their misalignment; `moving`: the span moved, and
    no motion is not a candidate.
    """
    if moving:
        costs = [c if i != 1 else math.inf for i, c in enumerate(costs)]
    # The strong corners' fit stands unless another aligns the frame clearly better.
    best = int(np.argmin(costs))
    return candidates[best] if costs[best] < BETTER * costs[0] else candidates[0]


def _moves_less(motion: np.ndarray, shape: tuple[int, int]) -> bool:
    """Whether `motion` carries every corner of a frame of `shape` by less than STILL_STEP."""
    return corner_shift(motion, shape) < STILL_STEP * min(shape)


def corner_shift(motion: np.ndarray, shape: tuple[int, int]) -> float:
    """The farthest `motion` (3x3) carries any of the four corners of a frame of `shape`, px."""
    h, w = shape
    corners = np.array([[0, 0, 1], [w, 0, 1], [0, h, 1], [w, h, 1]], float).T
    moved = motion @ corners
    return float(np.abs(moved[:2] / moved[2] - corners[:2]).max())


def _spread_fit(spread: tuple, short: float) -> list[np.ndarray]:
    """The similarity fitted to the spread corners (`spread`: them, where they went, which
    were followed), as a list of one, or none when too few were followed or it fails."""
    points, ahead, good = spread
    if good.sum() < MIN_POINTS:
        return []
    radius = max(0.75, INLIER_RADIUS * short)
    fit, _ = cv2.estimateAffinePartial2D(points[good], ahead[good], method=cv2.RANSAC,
                                         ransacReprojThreshold=radius)  # fmt: skip
    return [] if fit is None else [np.vstack([fit, [0.0, 0.0, 1.0]])]


_HALF = np.diag([0.5, 0.5, 1.0])  # analysis pixels to half size
_HALF_INV = np.linalg.inv(_HALF)  # (exactly diag(2, 2, 1)), once rather than every candidate


def _misalignment(prev, cur, motions: list[np.ndarray]) -> list[float]:
    """Mean gray difference (clipped: an object's own motion counts no more than a patch of
    backdrop) between `cur` and `prev` carried by each motion, at half size, over the
    pixels every motion keeps in view."""
    diffs, keep = _differences(prev, cur, motions)
    if not keep.any():
        return [0.0] * len(motions)
    return [float(d[keep].mean()) for d in diffs]


def _differences(prev, cur, motions: list[np.ndarray]) -> tuple[list[np.ndarray], np.ndarray]:
    """The clipped gray differences between `cur` and `prev` carried by each motion, at half
    size, and the pixels every motion keeps in view."""
    small_prev = cv2.resize(prev, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    small_cur = cv2.resize(cur, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    h, w = small_cur.shape
    seen = np.ones((h, w), np.uint8)
    diffs = []
    for motion in motions:
        if np.array_equal(motion, np.eye(3)):
            # No motion warps every pixel onto itself: the frame as it is, all of it in view.
            diffs.append(np.minimum(cv2.absdiff(small_cur, small_prev), MISALIGNED))
            continue
        m = _HALF @ motion @ _HALF_INV
        moved = cv2.warpPerspective(small_prev, m, (w, h), flags=cv2.INTER_LINEAR)
        inside = cv2.warpPerspective(np.ones_like(seen), m, (w, h), flags=cv2.INTER_NEAREST)
        seen &= inside
        diffs.append(np.minimum(cv2.absdiff(small_cur, moved), MISALIGNED))
    return diffs, seen.astype(bool)


def _spread(corners: np.ndarray, shape: tuple[int, int], short: float) -> np.ndarray:
    """The indices (ascending) of at most PER_CELL of `corners` (strongest first, as
    goodFeaturesToTrack orders them) in each square cell of CELL short sides."""
    cell = max(4.0, CELL * short)
    h, w = shape
    cols = int(math.ceil(w / cell))
    ids = (corners[:, 1] // cell).astype(int) * cols + (corners[:, 0] // cell).astype(int)
    # A corner's rank in its cell: grouped by cell (a stable sort keeps the strongest-first
    # order within each), its place in the group.
    order = np.argsort(ids, kind="stable")
    grouped = ids[order]
    position = np.arange(len(ids))
    # Each position's group start: the last position at or before it where the cell changes.
    starts = np.concatenate([[True], grouped[1:] != grouped[:-1]])
    rank = position - np.maximum.accumulate(np.where(starts, position, 0))
    return np.sort(order[rank < PER_CELL]).astype(np.intp)
