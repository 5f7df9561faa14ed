"""A part born where the frame before showed the same picture in other colors: a recoloring.

The background model makes a new part wherever the picture departs from the backdrop it
holds. When the region that departs kept its picture (its light and dark, its edges and
texture) and only its colors turned, nothing came into view: what was there changed color.
That is an object at rest the model had learnt as backdrop, a patch of scenery, or a moving
object whose track the tracker ended at the switch without a track to join it to
(look_switch.py joins those it can). Permanence sees a part appear there; identity drift
says what it is. Measured on the edited-real hue switches and wild color switches of
session 21 (BENCHMARKS), where permanence alone called most of them appears.
"""

from __future__ import annotations

import collections
import dataclasses

import cv2
import numpy as np

from checkers.hue_turn import hue_bar
from checkers.identity_motion import hold_frames
from checkers.look_switch import AREA_RATIO  # one object's area either side of a switch
from checkers.tracking.confidence import TRUSTED
from checkers.tracking.looks import core_chroma, hue_shift

# Normalized correlation of the pictures' values before and after (free of gain and offset,
# so exposure and a hue turned at constant value keep it near 1; a new object in front of
# the old picture does not). Gray would not do: a hue turned on a many-colored patch moves
# its gray levels about (a textured patch turned half-way round: 0.52).
SAME_PICTURE = 0.8
# Spread under which a crop has no picture to compare (a flat patch): a flat
# object appearing on a flat wall would otherwise match anything.
MIN_DETAIL = 4.0  # gray levels (0-255) of the value's standard deviation
# How far the picture may have moved between the frames, in shares of the part's size
# (camera shake and the object's own motion over one frame).
REACH = 0.25
# A recoloring that takes this long is read against the picture this far back too (the
# edited-real hue drifts turn over 0.5 s; a camera moving meanwhile is followed by its shift).
DRIFT_SECONDS = 0.5
# Analysis pixels a side below which a correlation means nothing, whatever the scale (like
# the jitter floors of units.py); such parts are far under the trusted size anyway.
MIN_PIXELS = 4


@dataclasses.dataclass(frozen=True)
class Birth:
    """A new background-model part and what the frame before showed where it was born."""

    frame: int
    det: object  # the part's first Detection
    before: np.ndarray  # (a, b) chroma of the middle of the matched picture, the frame before
    after: np.ndarray  # the same, on the part's first frame
    same_picture: float  # normalized correlation of the pictures' values
    # The analysis frame's height and width; (0, 0) in checker state cached before it was kept
    # (identity_replay), where the in-view test is skipped.
    frame_size: tuple[int, int] = (0, 0)


@dataclasses.dataclass(frozen=True)
class Drift:
    """A part DRIFT_SECONDS after its birth against the picture DRIFT_SECONDS before it.

    A patch whose colors turn over a few frames departs from the backdrop model part way
    through its turn, when the frame before already shows most of it, and only its most
    changed spot at first: so the whole part, once the turn could be over, is matched
    against the picture from before the turn (at the place the camera's motion puts it)."""

    before: np.ndarray  # (a, b) chroma of the middle of the matched picture, before
    now: np.ndarray  # the same, on the part DRIFT_SECONDS after its birth
    same_picture: float  # normalized correlation of the pictures' values


class Recolors:
    """Watches new background-model parts while the clip plays (`add` on each frame)."""

    def __init__(self) -> None:
        self._previous: np.ndarray | None = None
        # The last DRIFT_SECONDS of analysis frames, each with the camera's accumulated shift.
        self._past: collections.deque = collections.deque()
        self.births: dict[int, Birth] = {}  # track id -> its birth, where one was readable
        # Track id -> the chroma at the birth's place on the frames after it, while the
        # part's own sightings may stop: a recolored patch of something larger (a dress, a
        # cup in a hand) is soon cut as one blob with it, and its own track ends.
        self.after: dict[int, list[np.ndarray]] = {}
        self._following: dict[int, tuple[float, float]] = {}  # id -> camera shift at birth
        # Track id -> (frame, shift) from DRIFT_SECONDS before its birth, until the part is
        # read against it DRIFT_SECONDS after (then the drift is kept, the frame dropped).
        self._waiting: dict[int, tuple[int, np.ndarray, tuple[float, float]]] = {}
        self.drifts: dict[int, Drift] = {}

    def add(self, index: int, image: np.ndarray, born: list[tuple[int, object]], fps: float,
            seen=None) -> None:  # fmt: skip
        """`born`: (track id, Detection) of each part that began a track on this frame;
        `seen`: the tracker's FrameObservation (its parts and the camera's shift)."""
        shift = seen.shift if seen is not None else (0.0, 0.0)
        previous, self._previous = self._previous, image
        # The picture DRIFT_SECONDS back, once the clip is that long.
        past = self._past[0] if len(self._past) == _drift(fps) else None
        self._past.append((image, shift))
        while len(self._past) > _drift(fps):
            self._past.popleft()
        for tid, then in list(self._following.items()):
            # The birth's place in this frame: the camera moved the scene by the shift since.
            det = self.births[tid].det
            moved = dataclasses.replace(det, cx=det.cx + then[0] - shift[0],
                                        cy=det.cy + then[1] - shift[1])  # fmt: skip
            self.after[tid].append(core_chroma(image, moved))
            if len(self.after[tid]) >= hold_frames(fps):
                del self._following[tid]
        self._read_drifts(index, image, shift, seen, fps)
        if previous is None or previous.shape != image.shape:
            return
        for tid, det in born:
            birth = _birth(index, previous, image, det)
            if birth is None:
                continue
            self.births[tid] = birth
            self.after[tid] = []
            self._following[tid] = shift
            if past is not None and past[0].shape == image.shape:
                self._waiting[tid] = (index, *past)

    def _read_drifts(self, index: int, image: np.ndarray, shift, seen, fps: float) -> None:
        current = {tid: seen.detections[j] for j, tid in seen.assigned.items()} if seen else {}
        for tid, (born, before, then) in list(self._waiting.items()):
            if index - born < _drift(fps):
                continue
            del self._waiting[tid]
            det = current.get(tid)
            if det is None or det.at_edge or min(det.bbox[2:]) < MIN_PIXELS:
                continue
            found = _match(before, image, det, (shift[0] - then[0], shift[1] - then[1]))
            if found is not None:
                # Less the whole frame's change of tint over that second (white balance,
                # light), as chroma_step nets it out of one-frame steps.
                tint = _frame_chroma(image) - _frame_chroma(before)
                self.drifts[tid] = Drift(found[0], core_chroma(image, det) - tint, found[1])

    def found(self, tracks, chroma, fps: float, bar: float, k: float = 1.0):
        """`recolored` on the births seen so far."""
        # No `after` or `drifts` in checker state cached before they were kept (identity_replay).
        return recolored(self.births, tracks, chroma, fps, bar, getattr(self, "after", None),
                         getattr(self, "drifts", None), k)  # fmt: skip


def _birth(index: int, previous: np.ndarray, image: np.ndarray, det) -> Birth | None:
    x, y, w, h = det.bbox
    if det.at_edge or min(w, h) < MIN_PIXELS:
        return None
    if float(_value(image[y : y + h, x : x + w]).std()) < MIN_DETAIL:
        return None
    found = _match(previous, image, det)
    if found is None:
        return None
    return Birth(index, det, found[0], core_chroma(image, det), found[1], previous.shape[:2])


def _match(earlier: np.ndarray, image: np.ndarray, det, offset=(0.0, 0.0)):
    """(chroma, correlation) of the picture in `earlier` that best matches the part's values,
    searched within REACH of its box moved by `offset` (frame px); None where there is no
    picture to compare (a flat patch, or the box out of the frame)."""
    x, y, w, h = det.bbox
    value_now = _value(image[y : y + h, x : x + w])
    r = max(1, int(round(REACH * det.size)))
    H, W = earlier.shape[:2]
    ox, oy = int(round(x + offset[0])), int(round(y + offset[1]))
    x0, y0 = max(0, ox - r), max(0, oy - r)
    # Clamped at 0 too: a place left of or above the earlier frame must not wrap around.
    x1, y1 = max(0, min(W, ox + w + r)), max(0, min(H, oy + h + r))
    region = earlier[y0:y1, x0:x1]
    if region.shape[0] < h or region.shape[1] < w:
        return None
    value_before = _value(region)
    scores = cv2.matchTemplate(value_before, value_now, cv2.TM_CCOEFF_NORMED)
    _, best, _, (bx, by) = cv2.minMaxLoc(scores)
    if float(value_before[by : by + h, bx : bx + w].std()) < MIN_DETAIL:
        return None
    moved = dataclasses.replace(det, cx=det.cx + (x0 + bx - x), cy=det.cy + (y0 + by - y))
    return core_chroma(earlier, moved), float(best)


def _frame_chroma(rgb: np.ndarray) -> np.ndarray:
    """The whole frame's median (a, b) chroma, from every 4th pixel each way."""
    lab = cv2.cvtColor(np.ascontiguousarray(rgb[::4, ::4]), cv2.COLOR_RGB2Lab)
    return np.median(lab.reshape(-1, 3)[:, 1:].astype(np.float32), axis=0) - 128.0


def _value(rgb: np.ndarray) -> np.ndarray:
    """The HSV value (the largest channel): a hue turned at constant value keeps it exactly,
    and a shaded object's color scaled into another keeps its pattern."""
    return np.ascontiguousarray(rgb.max(axis=2))


def recolored(births, tracks, chroma, fps: float, bar: float, after=None, drifts=None,
              k: float = 1.0):  # fmt: skip
    """(track, birth, hue shift, drift, bar passed) for each trusted background-model part
    born on a picture the frame before showed in other colors, whose new colors held for
    HOLD_SECONDS (drift None), or whose picture DRIFT_SECONDS before its birth showed it in
    other colors DRIFT_SECONDS after (its Drift).
    `chroma(track_id, frame)` is a sighting's middle (a, b) or None; `bar` is identity's
    hue bar (Lab units off the old hue line, looks.hue_shift), lowered for a turn of a
    low-chroma hue (hue_turn.py; `k` the sensitivity)."""
    out = []
    need = hold_frames(fps)
    for tid, birth in births.items():
        track = tracks.get(tid)
        if track is None or not (track.from_background_model and _behaves_as_one(track)):
            continue
        held = [p for p in track.seen if p.frame > birth.frame][:need]
        stayed = _stayed(track, birth, [p for p in held if p.frame - birth.frame <= need])
        # A part touching others is trusted only where it stays: a hand sliding over a
        # cup is born on the cup's picture and then shows the hand's colors (edited-real
        # s113 er_0101, session 25); a recolored patch of a dress stays where it was.
        if track.confidence().apart < 1.0 and not stayed:
            continue
        later = [c for p in held if (c := chroma(tid, p.frame)) is not None]
        if len(later) < need and stayed:
            later = (after or {}).get(tid, [])[:need]
        if len(later) < need or not held:
            continue
        # One born much larger than it is the next frame was a passing cut of something
        # else (a strip along a wall's edge as an object came out from behind it, TUNE
        # held9191 38, session 22).
        if birth.det.area > AREA_RATIO * held[0].det.area:
            continue
        if _came_into_view(birth, held[0]):
            continue
        # Born whole, as an object recolored at once is: a part coming out from behind
        # scenery or into view grows over its first frames, and a sliver of it beside the
        # scenery's edge matches that edge the frame before (held-out wild 4848, session
        # 21). A drifting patch grows too, as more of it leaves the backdrop's colors: it
        # is read whole once its turn could be over (Drift), when an object coming out
        # from behind scenery no longer matches what stood there before.
        shift, need_bar = 0.0, bar
        # The frame before must show the same picture for the birth to be read; a drift is
        # read on its own picture DRIFT_SECONDS before (a switch cut with a sliver of its
        # surround at birth is matched whole then: edited-real s115 er_0033, 0.65 and 0.83).
        whole = birth.det.area * AREA_RATIO >= np.median([p.det.area for p in held])
        if birth.same_picture >= SAME_PICTURE and whole:
            now = np.median([birth.after, *later], axis=0)
            shift = hue_shift(birth.before, now)
            # A low-chroma hue's turn (hue_turn.py) is read here only where the part was
            # born turned: one born part-way through a turn over frames is a drift (Drift).
            if hue_shift(birth.before, birth.after) > hue_bar(birth.before, birth.after, bar, k):
                need_bar = hue_bar(birth.before, now, bar, k)
        if shift > need_bar:
            out.append((track, birth, float(shift), None, need_bar))
            continue
        drift = (drifts or {}).get(tid)
        shift = _drift_shift(drift)
        if drift is not None and shift > (need_bar := hue_bar(drift.before, drift.now, bar, k)):
            out.append((track, birth, float(shift), drift, need_bar))
    return out


def _drift_shift(drift: Drift | None) -> float:
    """How far the part's colors DRIFT_SECONDS after its birth lie off the hue line of the
    same picture DRIFT_SECONDS before it (0 where it was not the same picture)."""
    if drift is None or drift.same_picture < SAME_PICTURE:
        return 0.0
    return hue_shift(drift.before, drift.now)


def _drift(fps: float) -> int:
    """Frames of DRIFT_SECONDS (more than the hold)."""
    return max(hold_frames(fps) + 1, round(DRIFT_SECONDS * fps))


def _stayed(track, birth: Birth, held) -> bool:
    """Did the part stay where it was born while it was seen over the hold (within REACH of
    its typical size, in the scene: a pan moves a recolored patch across the frame)? Then
    the picture at its birth's place tells whether the new colors held after its own track
    ended; a part that moved off would leave the backdrop there. It must be seen at least
    twice in the hold: a part lost at once says nothing about where it went. (A track picked
    up again much later may be on something else: those sightings are not asked.)"""
    start = track.points[0]
    if start.frame != birth.frame or len(held) < 2:
        return False
    # In the part's own typical size over the hold: a drifting patch is born as its most
    # changed spot and grows, its middle shifting by a fraction of it.
    reach = REACH * float(np.median([birth.det.size, *(p.det.size for p in held)]))
    return all(abs(p.x - start.x) <= reach and abs(p.y - start.y) <= reach for p in held)


def _behaves_as_one(track) -> bool:
    """Trusted as a part of its own by size, length, rigidity and smooth motion, whatever it
    touches. Apartness rules out a hand among fingers as an object that may vanish or appear;
    a recoloring is told by the picture itself (the same light and dark in other colors the
    frame before), and a recolored patch of a dress or a coat touches the person wearing it
    (edited-real hue switches on a torso and on a held cup, session 25)."""
    return track.confidence().behaves >= TRUSTED


def _came_into_view(birth: Birth, next_sighting) -> bool:
    """Was the part out of the frame the frame before? Its box moved back by its own motion
    (birth to the next sighting) keeps under half its area inside the frame: an object
    entering (falling in from the top, TUNE dev1515 11 and 67, session 22), whose frame
    before showed only the backdrop, matched by a gradient both share."""
    dt = max(1, next_sighting.frame - birth.frame)
    vx = (next_sighting.det.cx - birth.det.cx) / dt
    vy = (next_sighting.det.cy - birth.det.cy) / dt
    x, y, w, h = birth.det.bbox
    height, width = birth.frame_size
    if not height:
        return False
    inside_w = min(width, x + w - vx) - max(0.0, x - vx)
    inside_h = min(height, y + h - vy) - max(0.0, y - vy)
    return max(0.0, inside_w) * max(0.0, inside_h) < 0.5 * w * h
