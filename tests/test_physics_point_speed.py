"""Speed jumps read from the object's own points (checkers/physics/point_speed.py).

A textured square slides over a plain backdrop; its background-model part is built in code
(as in test_motion_physics.py) while the frames are drawn, so the points the checker follows
are the square's own. Around the change the part's cut takes in a shadow trailing the
square: its box grows 1.5 times and its centroid falls back, so the mask is not steady and
the centroid's speed is not the object's. The points still read the square's motion: a real
change of speed is reported, and the same cut change on a steady slide is not.
"""

from __future__ import annotations

import numpy as np

from checkers.physics import PhysicsChecker
from checkers.segment import Detection
from checkers.tracking import FrameObservation, Point, Track
from checkers.units import Units
from checkers.video import Frame

FPS = 16.0
H, W = 180, 320
SIDE = 20  # the square's side, px (11% of the short side)
SHADOW = 10  # px of shadow the cut takes in behind the square
N = 28
CHANGE = 14  # the first frame of the new speed
Y = 80


def texture(seed: int = 3) -> np.ndarray:
    """The square's face: 4 px blocks of random colors (corners for the points)."""
    blocks = np.random.default_rng(seed).integers(30, 230, size=(SIDE // 4, SIDE // 4, 3))
    return np.kron(blocks, np.ones((4, 4, 1))).astype(np.uint8)


def det(x0: float, w: float) -> Detection:
    cx, cy = x0 + w / 2, Y + SIDE / 2
    return Detection(
        cx, cy, (int(round(x0)), Y, int(round(w)), SIDE), w * SIDE,
        np.array([50.0, 40.0, 20.0]), 5.0, np.zeros(64), np.zeros(3), False, source="motion",
    )  # fmt: skip


def judge(speed_before: float, speed_after: float) -> list[tuple[str, int]]:
    """Physics events (kind, frame) for the square sliding right, its speed changing at
    CHANGE, its cut taking in the shadow behind it from CHANGE + 1 on."""
    face = texture()
    track = Track(0, units=Units(float(H), FPS))
    checker = PhysicsChecker()
    checker.begin(1.0, FPS, H)
    x = 30.0
    for i in range(N):
        image = np.full((H, W, 3), 128, np.uint8)
        left = int(round(x))
        image[Y : Y + SIDE, left : left + SIDE] = face
        shadow = SHADOW if i > CHANGE else 0
        image[Y : Y + SIDE, left - shadow : left] = 40
        d = det(left - shadow, SIDE + shadow)
        track.points.append(Point(i, i / FPS, d.cx, d.cy, d, "motion", False))
        obs = FrameObservation(i, i / FPS, [d], {0: 0}, {0: track}, (0.0, 0.0), 0.01,
                               True, 1.0, 1.0, 1.0)  # fmt: skip
        checker.process(i, Frame(i, i / FPS, image), obs)
        x += speed_before if i < CHANGE - 1 else speed_after
    assert track.solid  # a trusted motion part: the physics checks judge it
    return [(e.kind, e.frame) for e in checker.finalize().events]


def test_a_speed_jump_under_a_changing_cut_is_read_from_the_points():
    events = judge(2.0, 7.0)
    assert [kind for kind, _ in events] == ["speed_jump"], events
    assert abs(events[0][1] - CHANGE) <= 2, events


def test_a_changing_cut_on_a_steady_slide_is_no_speed_jump():
    assert judge(4.0, 4.0) == []


def judge_window(speed_before: float, speed_after: float, drift: float = 1.0) -> list:
    """Physics events for a part whose box drifts right at `drift` px a frame over a
    textured band that slides right under it, its speed changing at CHANGE: the points
    read the band, the outline does not follow it (a backdrop in motion, a person's striped
    shirt behind a part, cut as one region with it)."""
    rng = np.random.default_rng(5)
    band = np.kron(rng.integers(30, 230, size=(SIDE // 4, 200, 3)), np.ones((4, 4, 1)))
    band = band.astype(np.uint8)  # (SIDE, 800, 3)
    track = Track(0, units=Units(float(H), FPS))
    checker = PhysicsChecker()
    checker.begin(1.0, FPS, H)
    x, shift = 40.0, 0.0
    for i in range(N):
        image = np.full((H, W, 3), 128, np.uint8)
        start = 400 - int(round(shift))
        image[Y : Y + SIDE, :] = band[:, start : start + W]
        d = det(x, 2 * SIDE)
        track.points.append(Point(i, i / FPS, d.cx, d.cy, d, "motion", False))
        obs = FrameObservation(i, i / FPS, [d], {0: 0}, {0: track}, (0.0, 0.0), 0.01,
                               True, 1.0, 1.0, 1.0)  # fmt: skip
        checker.process(i, Frame(i, i / FPS, image), obs)
        x += drift
        shift += speed_before if i < CHANGE - 1 else speed_after
    return [(e.kind, e.frame) for e in checker.finalize().events]


def test_texture_speeding_up_inside_an_outline_that_does_not_follow_is_no_speed_jump():
    # Its points speed up three times; its outline drifts on at one pixel a frame. Spent
    # wild seeds (session 28): 8989 clip 195 (a striped shirt behind a pendulum) and fresh4711
    # clip 128 (an object coming out from behind a post, the post's edge among its points)
    # were clean clips' speed jumps read from points alone.
    assert judge_window(2.0, 6.0) == []


def _path(ys) -> list[Point]:
    return [
        Point(f, f / FPS, 40.0 + 2.0 * f, float(y), det(30.0 + 2.0 * f, SIDE), "motion", False)
        for f, y in enumerate(ys)
    ]


def test_one_arc_through_an_apex_shows_no_kink_and_a_speed_jump_does():
    from checkers.physics.point_speed import _arc_kink

    # Spent wild 1955 clip 262: a bounced triangle over its apex, 1.3 px/frame^2 of fall;
    # its points under-read the slow frames there and read a speed jump the path does not.
    t = np.arange(12.0)
    arc = _path(80.0 - 6.0 * t + 0.65 * t * t)
    assert np.abs(_arc_kink(arc, 0, 12, 6)).max() < 0.05
    # The same arc with 12 px/frame more from frame 6 on: a kink of the whole step.
    jump = 80.0 - 6.0 * t + 0.65 * t * t + 12.0 * np.maximum(t - 5, 0.0)
    kink = _arc_kink(_path(jump), 0, 12, 6)
    assert abs(kink[1] - 12.0) < 0.05 and abs(kink[0]) < 0.05, kink
