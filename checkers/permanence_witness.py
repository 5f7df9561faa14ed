"""Is an object the tracker just lost still in the frame? The frame, not the model, is the witness.

The background model loses objects that are still plainly there: one resting or rolling
slowly is learnt into the backdrop, one whose colour is close to the backdrop's drops under
the model's distance floor. Its track then ends in open view, which reads as a vanish. An
object that vanishes leaves the backdrop where it stood; one that is still there shows its
own look again, moved by at most its own motion. So when a track is lost, the core of its
last sighting (the middle of its box, mostly object) is looked for in the new frame around
where it was: the best match's difference is measured against the core's contrast with the
backdrop ring around the box, which is what a vanish leaves behind. The core must go on
showing, as it was when lost, for HOLD seconds (followed as it moves): an object fading out
stays close to itself from one frame to the next, but not for long to its look at the loss.

Wild TUNE corpora and the spent held-out seeds 2121 and 8989 (session 27, 38 vanish events):
the 28 true vanishes left 0.44-1.6 of that contrast (0.9 on a typical one); five of the seven
clean false vanishes left 0.02-0.15 (objects that stayed in view: a ball learnt into the model
at rest, a dull diamond on a backdrop of its own hue); the other two went behind a post the
model holds as backdrop (0.31 and 0.62) and are left to occlusion.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from checkers.units import Units

# Short sides: both frames are softened this much (compression noise, a little motion blur),
# and the backdrop ring around the box is this wide.
BLUR = 0.01
RING = 0.01
CORE = 0.5  # the core is the middle of the box, this share of its width and height
# The core is searched for this many times its own extent around where it was. Per frame,
# not per second, on purpose: an object that moved further between two frames cannot be told
# from a look-alike, and is left a vanish (the safe side).
REACH = 1.5
# The best match leaves under this share of the core's contrast with the backdrop ring: the
# object is still there. Over the 38 events above: clean false 0.02-0.15, true 0.44 and up.
STILL_THERE = 0.25
# ... and under this share of what the best look-alike elsewhere in the frame before leaves.
LOOK_ALIKE = 0.5
# A core this close to its ring (gray levels, RMS) shows nothing to tell by.
LEAST_CONTRAST = 3.0


# The object must go on showing this long, as long as an absence must last to count on the
# background model's parts (permanence.py MIN_GONE_MODEL): a thing fading out stays close to
# itself from one frame to the next, but not to its look when it was lost.
HOLD = 0.3


@dataclass
class _Held:
    """A lost object's core as last seen, and where it was last found."""

    core: np.ndarray  # softened gray
    contrast: float  # RMS against the backdrop ring when it was lost
    x: int  # the core's top-left corner in the frame
    y: int
    until: int = 0  # the last frame it must still show in


class LossWitness:
    """Fed every frame. Keeps the frame before and the cores of objects lost within HOLD,
    so memory is flat in clip length."""

    def __init__(self) -> None:
        self._before: np.ndarray | None = None
        self._held: dict[tuple[int, int], _Held] = {}
        self.still_there: set[tuple[int, int]] = set()  # (track id, frame it was lost in)

    def update(self, index: int, image: np.ndarray, tracks: dict, units: Units) -> None:
        before, self._before = self._before, image
        if before is None or before.shape != image.shape:
            return
        for key, held in list(self._held.items()):
            track = tracks.get(key[0])
            lost = track is not None and _lost_at(track, index)
            if not lost or not _follow(held, image, units):
                del self._held[key]  # back in view, or no longer shown: no witness
            elif index >= held.until:
                self.still_there.add(key)
                del self._held[key]
        for track in tracks.values():
            points = track.points
            if len(points) < 2 or not _lost_at(track, index):
                continue
            last = points[-2]
            if last.det is None or last.frame != index - 1:
                continue  # lost earlier, or never seen: judged when it was first lost
            held = first_sighting(before, image, last.det.bbox, units)
            if held is None:
                continue
            held.until = index + units.frames(HOLD) - 1
            if index >= held.until:
                self.still_there.add((track.id, index))
            else:
                self._held[(track.id, index)] = held


def _lost_at(track, index: int) -> bool:
    return bool(track.points) and track.points[-1].frame == index and track.points[-1].det is None


def still_visible(before: np.ndarray, now: np.ndarray, box, units: Units) -> bool:
    """Does `now` show the core of what `before` showed in `box` (x, y, w, h), within reach?"""
    return first_sighting(before, now, box, units) is not None


def first_sighting(before: np.ndarray, now: np.ndarray, box, units: Units) -> _Held | None:
    """The core of what `before` showed in `box` (x, y, w, h), found in `now` within reach
    (and better than any look-alike the backdrop offers), or None."""
    height, width = before.shape[:2]
    x, y, w, h = (int(round(v)) for v in box)
    cw, ch = max(2, int(w * CORE)), max(2, int(h * CORE))
    cx, cy = x + (w - cw) // 2, y + (h - ch) // 2
    ring = max(1, int(round(units.length(RING))))
    reach = int(REACH * max(cw, ch))
    # One window around the box, its reach and the ring, cut from both frames and softened.
    x0, y0 = max(0, min(cx - reach, x - ring)), max(0, min(cy - reach, y - ring))
    x1 = min(width, max(cx + cw + reach, x + w + ring))
    y1 = min(height, max(cy + ch + reach, y + h + ring))
    if cx < x0 or cy < y0 or cx + cw > x1 or cy + ch > y1:
        return None  # the box leaves the frame: edges are the tracker's business
    sigma = _sigma(units)
    old, new = (_soft(f[y0:y1, x0:x1], sigma) for f in (before, now))
    core = old[cy - y0 : cy - y0 + ch, cx - x0 : cx - x0 + cw]
    around = _ring(old, (x - x0, y - y0, w, h), ring)
    if around.size == 0:
        return None
    contrast = float(np.sqrt(np.mean((core - np.median(around)) ** 2)))
    if contrast < LEAST_CONTRAST:
        return None
    match = cv2.matchTemplate(new, core, cv2.TM_SQDIFF)
    found = float(np.sqrt(match.min() / core.size))
    if found >= STILL_THERE * contrast:
        return None
    # A busy backdrop can hold a look-alike of the core within reach: then a good match in
    # the new frame proves nothing. The frame before shows what the backdrop offers away
    # from the object's own place (the core shifted within the object still matches it).
    before_map = cv2.matchTemplate(old, core, cv2.TM_SQDIFF)
    own_x, own_y = cx - x0, cy - y0
    ys, xs = np.ogrid[: before_map.shape[0], : before_map.shape[1]]
    own = (np.abs(xs - own_x) <= w // 2) & (np.abs(ys - own_y) <= h // 2)
    elsewhere = before_map[~own]
    if elsewhere.size and found >= LOOK_ALIKE * float(np.sqrt(elsewhere.min() / core.size)):
        return None
    my, mx = np.unravel_index(int(match.argmin()), match.shape)
    return _Held(core, contrast, x0 + int(mx), y0 + int(my))


def _follow(held: _Held, now: np.ndarray, units: Units) -> bool:
    """Is the core, as it was when lost, still shown within reach of where it was last
    found? Moves `held` there."""
    height, width = now.shape[:2]
    ch, cw = held.core.shape
    reach = int(REACH * max(cw, ch))
    x0, y0 = max(0, held.x - reach), max(0, held.y - reach)
    x1, y1 = min(width, held.x + cw + reach), min(height, held.y + ch + reach)
    if x1 - x0 < cw or y1 - y0 < ch:
        return False
    match = cv2.matchTemplate(_soft(now[y0:y1, x0:x1], _sigma(units)), held.core, cv2.TM_SQDIFF)
    if np.sqrt(match.min() / held.core.size) >= STILL_THERE * held.contrast:
        return False
    my, mx = np.unravel_index(int(match.argmin()), match.shape)
    held.x, held.y = x0 + int(mx), y0 + int(my)
    return True


def _sigma(units: Units) -> float:
    return max(0.5, units.length(BLUR))


def _soft(image: np.ndarray, sigma: float) -> np.ndarray:
    gray = cv2.cvtColor(np.ascontiguousarray(image), cv2.COLOR_RGB2GRAY).astype(np.float32)
    return cv2.GaussianBlur(gray, (0, 0), sigma)


def _ring(image: np.ndarray, box, width: int) -> np.ndarray:
    """Pixels in a band `width` wide just outside `box` (clipped to the image)."""
    x, y, w, h = box
    height, full = image.shape
    sides = [
        image[max(0, y - width) : max(0, y), max(0, x) : x + w],
        image[y + h : y + h + width, max(0, x) : x + w],
        image[max(0, y) : y + h, max(0, x - width) : max(0, x)],
        image[max(0, y) : y + h, x + w : min(full, x + w + width)],
    ]
    return np.concatenate([s.ravel() for s in sides])
