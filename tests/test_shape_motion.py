"""Shape change of a background-model part (checkers/shape_motion.py).

A flat-colored object slides across a panned, zooming textured backdrop with the model on.
Its outline turning from a hexagon into a square inside the same box (as the shapes world
morphs; the area grows by less than a resize) is an identity event dated where the morph
began; the same hexagon unchanged, or turning on itself, is none. And a resize made while
in front of another part, borne out by the open-view sizes either side of it.
"""

from __future__ import annotations

import cv2
import numpy as np
from test_background_model import H, W, camera, model_events, texture

from checkers.identity_motion import MotionLooks
from checkers.segment import Detection
from checkers.tracking import Point, Track

FRAMES = 48
START, SPAN = 20, 10  # the morph begins at frame 20 and takes 10 frames (0.6 s at 16 fps)
RADIUS = 15.0
RAYS = 48
_ANGLES = -np.pi / 2 + 2 * np.pi * np.arange(RAYS) / RAYS


def _on_rays(vertices: np.ndarray) -> np.ndarray:
    """Where rays from the center at _ANGLES leave the convex or star polygon `vertices`."""
    out = np.zeros((RAYS, 2))
    edges = list(zip(vertices, np.roll(vertices, -1, axis=0), strict=True))
    for k, a in enumerate(_ANGLES):
        d = np.array([np.cos(a), np.sin(a)])
        best = np.inf
        for p, q in edges:
            e = q - p
            den = d[0] * e[1] - d[1] * e[0]
            if abs(den) < 1e-12:
                continue
            s = (p[0] * e[1] - p[1] * e[0]) / den
            u = (p[0] * d[1] - p[1] * d[0]) / den
            if s > 0 and -1e-9 <= u <= 1 + 1e-9:
                best = min(best, s)
        out[k] = d * best
    return out


_HEXAGON = _on_rays(
    np.array(
        [(np.cos(np.radians(-90 + 60 * i)), np.sin(np.radians(-90 + 60 * i))) for i in range(6)]
    )
)
_SQUARE = _on_rays(np.array([(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)]))


def morph(t: int) -> float:
    return float(np.clip((t - START) / SPAN, 0.0, 1.0))


def scene(
    amount=lambda t: 0.0, turn=lambda t: 0.0, shapes=None, rgb=(40, 90, 220), backdrop_seed=7
) -> list[np.ndarray]:
    """A flat part on a panned texture, its outline blended from shapes[0] to shapes[1]
    (hexagon to square by default) by amount(t) and turned by turn(t) radians."""
    first, last = shapes if shapes is not None else (_HEXAGON, _SQUARE)
    backdrop = texture(backdrop_seed)
    frames = []
    for t in range(FRAMES):
        view = cv2.warpPerspective(backdrop, camera(t), (W, H), flags=cv2.INTER_LINEAR)
        w = amount(t)
        outline = (1.0 - w) * first + w * last
        c, s = np.cos(turn(t)), np.sin(turn(t))
        outline = outline @ np.array([[c, s], [-s, c]])
        center = np.array([50 + 4.5 * t, 95 + 0.3 * t])
        pts = np.round((center + RADIUS * outline) * 16).astype(np.int32)
        cv2.fillPoly(view, [pts], rgb, lineType=cv2.LINE_AA, shift=4)
        frames.append(view)
    return frames


def identity_events(frames):
    return model_events(frames, "identity_drift")


def test_a_hexagon_morphing_into_a_square_is_an_identity_event_where_it_began():
    events = identity_events(scene(amount=morph))
    assert [kind for kind, _ in events] == ["shape_change"], events
    assert abs(events[0][1] - START) <= 2, events


def test_the_same_hexagon_unchanged_or_turning_is_no_event():
    assert identity_events(scene()) == []
    # Turning by half a side over the clip: its box changes, its shape does not.
    assert identity_events(scene(turn=lambda t: np.radians(30) * t / FRAMES)) == []


# A resize made in front of another part (identity_motion._size_behind), on a track built by
# hand: a ball seen in open view, then in front of a lost part for a second while it grows,
# then in open view again. Its area in front of the lost part might be the lost part's rim;
# the open-view sizes either side say whether it grew.
FPS = 15.0  # of the tracks built by hand


def _sighting(f: int, side: float, hides: bool = False) -> Point:
    """A ball's background-model sighting at frame f, its box `side` px square."""
    det = Detection(100.0, 60.0, (88, 48, int(side), int(side)), side * side * 0.8,
                    np.zeros(3), 1.0, np.zeros(64), np.array([0.8, 0.96, 0.79]), False,
                    "motion")  # fmt: skip
    return Point(f, f / FPS, 100.0, 60.0, det, "motion", False, hides=[9] if hides else [])


def _ball_track(after_side: float) -> Track:
    points = []
    for f in range(37):
        hides = 7 <= f <= 23
        if hides:  # growing from frame 12 to 21, with the lost part's rim taken in at 8
            side = 25.0 + (after_side - 25.0) * float(np.clip((f - 12) / 9, 0, 1))
            side += 4.0 if f == 8 else 0.0
        else:
            side = 25.0 if f < 7 else after_side
        points.append(_sighting(f, side, hides))
    return Track(1, points)


def _motion_change(track: Track):
    looks = MotionLooks()
    image = np.full((120, 200, 3), (40, 160, 60), np.uint8)
    for p in track.points:
        looks.add(track.id, p.frame, image, p.det)
    return looks.change(track, dict.fromkeys(range(37), True), FPS, 1.0)


def test_a_resize_in_front_of_a_lost_part_is_dated_where_it_began():
    change = _motion_change(_ball_track(after_side=46.0))
    assert change is not None and change.key == "size", change
    assert abs(change.start.frame - 12) <= 2, change


def test_a_size_seen_only_in_front_of_a_lost_part_is_no_resize():
    # Back to its own size in open view: what grew was the lost part's rim.
    assert _motion_change(_ball_track(after_side=25.0)) is None


# A part of an object sliding behind scenery or out of the frame shrinks for a sighting or
# two and is then lost: no resize. A resize holds its new size (HOLD_SECONDS) in open view.
def _shrinking_track(held_after: int) -> Track:
    # 25 -> 12 px over 0.4 s from frame 20, then `held_after` more sightings.
    sides = [25.0 - 13.0 * float(np.clip((f - 20) / 5, 0, 1)) for f in range(26 + held_after)]
    return Track(1, [_sighting(f, side) for f, side in enumerate(sides)])


def test_a_part_shrinking_as_it_is_lost_is_no_resize():
    assert _motion_change(_shrinking_track(held_after=1)) is None


def test_a_part_shrinking_and_staying_small_is_a_resize():
    change = _motion_change(_shrinking_track(held_after=8))
    assert change is not None and change.key == "size", change
    assert abs(change.start.frame - 20) <= 2, change
