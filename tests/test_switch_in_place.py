"""Color switches found at the place itself (checkers/switch_in_place.py).

On tracks built by hand (16 fps, analysis short side 180): a ball moving right is cut in
its old, backdrop-like color smaller than in its new one (the background model cuts a color
close to the backdrop's thin), so its area jumps 2.2x at the switch and look_switch, which
keeps one object's area within 1.4x, joins nothing (spent wild seeds, session 35: 21 of 48
color switches found nothing). The new part born over the old one's box the next frame, in
another hue, with the old track ended, is a switch. It is none where:
- the old part goes on in its own color (another object came into view over it), or is
  found again in it within 2 s (it passed behind the new part);
- the old part is a fragment seen under 0.3 s (a patch the model flagged a moment before an
  object appeared there);
- a part seen there the frame before (or between the two, past a frame caught mid-switch)
  already showed the new color (a re-cut);
- the old part showed the new color before (it returns to a color it had);
- the new color is only the old one darker (shading, not a hue switch).
"""

from __future__ import annotations

import numpy as np

from checkers.identity_motion import HUE_SHIFT
from checkers.look_switch import motion_switches
from checkers.segment import Detection
from checkers.switch_in_place import in_place_switches
from checkers.tracking import Point, Track
from checkers.units import Units

FPS = 16.0
UNITS = Units.of(180, FPS)
SWITCH = 15
SPEED, PAN = 8.0, 12.0  # px a frame: a new part 24 px across moves a third of itself
GREEN_AB, RED_AB = np.array([-30.0, 25.0]), np.array([60.0, 40.0])


def _track(tid: int, frames, side: int, x0: float = 20.0) -> Track:
    """A square part of `side` px moving right SPEED px a frame in the picture, centred on the
    same path, while the camera pans: its scene position (Point.x) runs PAN px a frame
    further, so a rule reading the scene's motion for the picture's misplaces the box."""
    points = []
    for f in frames:
        cx = x0 + SPEED * f
        box = (int(cx - side / 2), int(90 - side / 2), side, side)
        det = Detection(cx, 90.0, box, float(side * side), np.zeros(3), 1.0, np.zeros(64),
                        np.zeros(3), False, "motion")  # fmt: skip
        how = "new" if f == frames[0] else "motion"
        points.append(Point(f, f / FPS, cx + PAN * f, 90.0, det, how, False))
    return Track(tid, points, units=UNITS)


def _found(tracks: list[Track], chroma) -> list:
    reliable = dict.fromkeys(range(40), True)
    by_id = {t.id: t for t in tracks}
    return in_place_switches(by_id, reliable, chroma, FPS, 1.0)


def _colors(old_ab, new_ab, blend_first=False):
    def chroma(tid, frame):
        if tid == 1:
            return old_ab
        if blend_first and frame == SWITCH:
            return 0.5 * (old_ab + new_ab)  # the switch frame caught mid-way
        return new_ab

    return chroma


def test_a_part_cut_smaller_in_its_old_color_then_born_whole_in_another_is_a_switch():
    old, new = _track(1, range(0, SWITCH), 16), _track(2, range(SWITCH, 40), 24)
    found = _found([old, new], _colors(GREEN_AB, RED_AB, blend_first=True))
    assert [(o.id, n.id, f) for o, n, f, _ in found] == [(1, 2, SWITCH)], found
    assert found[0][3] > HUE_SHIFT, found
    # look_switch's join refuses the pair (the area jumps past its 1.4x): the gap this fills.
    reliable = dict.fromkeys(range(40), True)
    trusted = {1: old, 2: new}
    assert motion_switches(trusted, FPS, reliable, _colors(GREEN_AB, RED_AB)) == []


def test_an_object_coming_into_view_over_one_that_goes_on_is_no_switch():
    old, new = _track(1, range(0, 40), 16), _track(2, range(SWITCH, 40), 24)
    assert _found([old, new], _colors(GREEN_AB, RED_AB)) == []


def test_a_part_that_showed_the_new_color_the_frame_before_is_no_switch():
    old, new = _track(1, range(0, SWITCH), 16), _track(2, range(SWITCH, 40), 24)
    there = _track(3, range(0, SWITCH), 10, x0=24.0)  # a piece of the place, already red

    def chroma(tid, frame):
        return RED_AB if tid in (2, 3) else GREEN_AB

    assert _found([old, new, there], chroma) == []


def test_a_piece_in_the_new_color_between_the_old_part_and_the_new_is_a_re_cut():
    # The old part is last seen two frames back; the frame between shows a red piece there.
    old, new = _track(1, range(0, SWITCH - 1), 16), _track(2, range(SWITCH, 40), 24)
    piece = _track(3, [SWITCH - 1], 10)

    def chroma(tid, frame):
        return GREEN_AB if tid == 1 else RED_AB

    assert _found([old, new, piece], chroma) == []


def test_a_part_returning_to_a_color_it_showed_before_is_no_switch():
    old, new = _track(1, range(0, SWITCH), 16), _track(2, range(SWITCH, 40), 24)

    def chroma(tid, frame):
        return RED_AB if tid == 2 or frame < 5 else GREEN_AB

    assert _found([old, new], chroma) == []


def test_a_part_only_darker_after_is_judged_under_the_hue_bar():
    # 50 Lab units nearer gray along its own hue line: over the bar as a plain distance,
    # none off the hue line.
    old, new = _track(1, range(0, SWITCH), 16), _track(2, range(SWITCH, 40), 24)
    found = _found([old, new], _colors(RED_AB, 0.3 * RED_AB))
    assert len(found) == 1 and found[0][3] < HUE_SHIFT, found


def test_the_old_part_two_frames_back_is_joined_past_a_frame_caught_mid_switch():
    old, new = _track(1, range(0, SWITCH - 1), 16), _track(2, range(SWITCH, 40), 24)
    found = _found([old, new], _colors(GREEN_AB, RED_AB))
    assert [(o.id, n.id, f) for o, n, f, _ in found] == [(1, 2, SWITCH)], found


def test_an_object_found_again_in_its_old_color_after_passing_behind_is_no_switch():
    # The green object is lost behind the red part's cut for 0.5 s and found again.
    old = _track(1, [*range(0, SWITCH), *range(SWITCH + 8, 40)], 16)
    new = _track(2, range(SWITCH, 40), 24)
    assert _found([old, new], _colors(GREEN_AB, RED_AB)) == []


def test_a_fragment_seen_a_moment_before_an_object_appears_there_is_no_old_self():
    # A patch the model flagged for 0.25 s (under MIN_SECONDS) where an object then appears.
    old, new = _track(1, range(SWITCH - 4, SWITCH), 16), _track(2, range(SWITCH, 40), 24)
    assert _found([old, new], _colors(GREEN_AB, RED_AB)) == []


def test_the_old_track_handed_later_to_a_blob_cut_with_another_part_still_switched():
    # 3389 clip 229: a dull gray old look, its track handed 1.1 s on to a merged gray blob,
    # whose middle is not the object's own.
    old = _track(1, [*range(0, SWITCH), *range(SWITCH + 18, 40)], 16)
    for p in old.points:
        p.merged = p.frame > SWITCH
    new = _track(2, range(SWITCH, 40), 24)
    found = _found([old, new], _colors(GREEN_AB, RED_AB))
    assert [(o.id, n.id, f) for o, n, f, _ in found] == [(1, 2, SWITCH)], found
