"""What a background-model part's resize must show beyond its step (checkers/resize_gates.py,
judged in checkers/identity_motion.py).

On tracks built by hand (12 fps, a square cut): a resize the part was followed through, that
took in no part it hid, and whose old size was a level, is a size change; the same step on a
track lost for 0.9 s between its sizes, on a part that grew over a neighbour whose track
ended there, or on a cut already shrinking from its first sightings, is none (held-out wild
9595 clips 172, 200 and 237: clean clips failed on main). Nor is a growth from the sighting
after a track was found again, or a step made in one frame beside another part (TUNE dev1515
15 and 25). And a change of hue whose new color shows only on a much smaller part is none
(`kept_size`: clean wild 8049 clip 292, a track found again on another object).
"""

from __future__ import annotations

import numpy as np

from checkers.identity_motion import MotionLooks
from checkers.segment import Detection
from checkers.tracking import Point, Track

FPS, SIGHTINGS = 12.0, 40


def _side(f: int, start: int, frames: int, old: float, new: float) -> float:
    return old + (new - old) * float(np.clip((f - start) / frames, 0.0, 1.0))


def _track(tid, sides: dict[int, float], hides=(), seed=3, cx=115.0) -> Track:
    rng = np.random.default_rng(seed)
    points = []
    for f, side in sides.items():
        area = side * side * (1.0 + 0.02 * rng.standard_normal())
        box = (round(cx - side / 2), 60, round(side), round(side))
        det = Detection(cx, 75.0, box, area, np.zeros(3), 1.0, np.zeros(64),
                        np.array([0.78, 0.98, 1.0]), False, "motion")  # fmt: skip
        hidden = [2] if f in hides else []
        points.append(Point(f, f / FPS, cx, 75.0, det, "motion", False, hides=hidden))
    return Track(tid, points)


def _change(track: Track, others: dict[int, Track] | None = None):
    looks = MotionLooks()
    image = np.full((160, 240, 3), (40, 160, 60), np.uint8)
    for p in track.points:
        looks.add(track.id, p.frame, image, p.det)
    tracks = () if others is None else (others,)  # every track by id, when the test has several
    return looks.change(track, dict.fromkeys(range(SIGHTINGS), True), FPS, 1.0, *tracks)


def _growth(frames) -> dict[int, float]:
    return {f: _side(f, 12, 8, 16.0, 30.0) for f in frames}


def test_a_growth_followed_throughout_is_a_size_change():
    change = _change(_track(1, _growth(range(SIGHTINGS))))
    assert change is not None and change.key == "size", change


def test_the_same_sizes_either_side_of_a_track_lost_for_a_while_are_no_change():
    # Seen at the old size to frame 9, lost, found again whole from frame 21.
    seen = [f for f in range(SIGHTINGS) if f < 10 or f > 20]
    assert _change(_track(1, _growth(seen))) is None


def _over_a_neighbour(neighbour_frames) -> tuple[Track, dict[int, Track]]:
    track = _track(1, _growth(range(SIGHTINGS)), hides=range(11, 16))
    other = _track(2, {f: 14.0 for f in neighbour_frames}, seed=4, cx=60.0)
    return track, {1: track, 2: other}


def test_a_growth_over_a_neighbour_that_is_seen_again_is_a_size_change():
    track, tracks = _over_a_neighbour([*range(0, 13), *range(24, SIGHTINGS)])
    change = _change(track, tracks)
    assert change is not None and change.key == "size", change


def test_a_growth_over_a_neighbour_whose_track_ends_there_is_no_change():
    track, tracks = _over_a_neighbour(range(0, 13))
    assert _change(track, tracks) is None


# A cut's area (analysis px) as held-out wild 9595 clip 237 read it at a clip's start: still
# shrinking onto (and past) its object from the first sighting, then steady.
SETTLING = [544, 540, 504, 482, 434, 445, 423, 404, 390, 392, 357, 270, 218, 206, 190, 186, 183]


def _areas(areas: list[float]) -> Track:
    areas = areas + [areas[-1]] * (SIGHTINGS - len(areas))
    track = _track(1, {f: float(np.sqrt(a)) for f, a in enumerate(areas)})
    for p, area in zip(track.points, areas, strict=True):
        p.det.area = float(area)  # the area as read, noise and all
    return track


def test_a_shrink_after_a_steady_size_is_a_size_change():
    steady = [float(SETTLING[0]) * (1.0 + 0.02 * np.sin(f)) for f in range(7)]
    change = _change(_areas(steady + SETTLING[7:]))
    assert change is not None and change.key == "size", change


def test_a_cut_already_shrinking_from_its_first_sightings_is_no_change():
    assert _change(_areas([float(a) for a in SETTLING])) is None


def test_a_growth_long_after_the_track_was_found_again_is_a_size_change():
    # Seen to frame 2, unseen 1.2 s, found again at frame 17 and steady to 22: it grows then.
    seen = [0, 1, 2, *range(17, SIGHTINGS + 10)]
    change = _change(_track(1, {f: _side(f, 22, 8, 16.0, 30.0) for f in seen}))
    assert change is not None and change.key == "size", change


def test_a_part_growing_as_soon_as_it_is_found_again_is_no_change():
    # The same part growing from the sighting after it was found again: coming into view
    # (TUNE dev1515 15; a size change on main).
    seen = [0, 1, 2, *range(17, SIGHTINGS + 10)]
    assert _change(_track(1, {f: _side(f, 18, 8, 16.0, 30.0) for f in seen})) is None


def _beside(sides: dict[int, float], fps: float) -> Track:
    """A part at 24 fps beside another (touching it) from frame 20 to 31, in open view else."""
    track = _track(1, sides)
    for p in track.points:
        p.time = p.frame / fps
        if 20 <= p.frame <= 31:
            p.near = [2]
    return track


def _change_at(track: Track, fps: float):
    looks = MotionLooks()
    image = np.full((160, 240, 3), (40, 160, 60), np.uint8)
    for p in track.points:
        looks.add(track.id, p.frame, image, p.det)
    return looks.change(track, dict.fromkeys(range(60), True), fps, 1.0)


def test_a_shrink_made_beside_another_part_is_a_size_change():
    sides = {f: _side(f, 21, 10, 30.0, 16.0) for f in range(48)}
    change = _change_at(_beside(sides, 24.0), 24.0)
    assert change is not None and change.key == "size", change


def test_a_cut_that_lost_most_of_its_area_in_one_frame_beside_another_is_no_change():
    # Two collided objects' cut coming apart beside a third part: the area more than halves
    # from one 24 fps frame to the next, then settles (TUNE dev1515 25; a size change on
    # main, where the open-view sightings either side of the stretch beside the part and the
    # settling read as a slow shrink).
    sides = {f: 30.0 if f < 25 else _side(f, 32, 6, 18.4, 16.0) for f in range(48)}
    assert _change_at(_beside(sides, 24.0), 24.0) is None


def test_a_cut_that_lost_most_of_its_area_in_one_8_fps_frame_beside_another_is_no_change():
    # A collided pair at 8 fps: 0.86 of the step in one 0.125 s frame. A pace bar of 0.1 s
    # for the whole step asks for over 1.25 of it in one frame there, so main called it a
    # size change.
    sides = {f: 30.0 if f < 25 else _side(f, 32, 6, 17.5, 16.0) for f in range(48)}
    assert _change_at(_beside(sides, 8.0), 8.0) is None


def test_a_resize_eased_over_four_8_fps_frames_beside_another_is_a_size_change():
    # 0.4 s at 8 fps: at most about 0.4 of the step in one frame; still a size change.
    sides = {f: _side(f, 22, 4, 30.0, 16.0) for f in range(48)}
    change = _change_at(_beside(sides, 8.0), 8.0)
    assert change is not None and change.key == "size", change


# A cut's area (analysis px) as fresh wild 2727 clip 63 read it (12 fps, clean): open view to
# frame 23 (shrinking as it slid against a neighbour), cut as one blob with it 24-28, unseen
# 29-31, found again on a third of its old area from 32.
CUT_AND_LOST = [511, 500, 489, 503, 477, 469, 483, 461, 448, 431, 427, 417, 416, 424, 427, 400,
                409, 404, 404, 401, 380, 346, 313, 271, 242, 199, 173, 194, 218, None, None, None,
                138, 116, 125, 135, 140, 131, 128, 133]  # fmt: skip


def test_a_part_found_smaller_after_it_was_cut_with_another_and_lost_is_no_change():
    # Merged sightings do not show the part: it was not followed from its old size to its
    # new one, 0.75 s apart (on main, the merged sightings counted as seen: a size change;
    # also TUNE dev1515 171's early size change, 10 frames before its morph).
    seen = {f: a for f, a in enumerate(CUT_AND_LOST) if a is not None}
    track = _track(1, {f: float(np.sqrt(a)) for f, a in seen.items()})
    for p in track.points:
        p.det.area = float(seen[p.frame])
        p.merged = 24 <= p.frame <= 28
    assert _change(track) is None


def _recolored(sides: dict[int, float]):
    """`MotionLooks.change` of a square whose middle turns from red to blue over frames
    12-18 (0.5 s), with side `sides[frame]` on each frame it is seen."""
    track = _track(1, sides)
    looks = MotionLooks()
    for p in track.points:
        t = float(np.clip((p.frame - 12) / 6, 0.0, 1.0))
        rgb = (1 - t) * np.array([200.0, 50.0, 40.0]) + t * np.array([40.0, 70.0, 210.0])
        looks.add(track.id, p.frame, np.full((160, 240, 3), rgb, np.uint8), p.det)
    return looks.change(track, dict.fromkeys(range(SIGHTINGS), True), FPS, 1.0)


def test_a_recolor_that_keeps_its_size_is_a_color_drift():
    change = _recolored({f: 24.0 for f in range(SIGHTINGS)})
    assert change is not None and change.key == "color", change


def test_a_new_color_seen_only_on_a_much_smaller_part_is_no_color_drift():
    # Clean wild 8049 clip 292: a floor band's track found again on a cube a sixth its area.
    # The new color shows from frame 14 on a part of side 10 (0.17 of the old area).
    change = _recolored({f: 24.0 if f < 14 else 10.0 for f in range(SIGHTINGS)})
    assert change is None or change.key != "color", change


def test_a_shrink_begun_soon_after_the_part_came_into_view_is_a_size_change():
    # Wild 8049 clip 125, 6233 clip 157: the old size seen for 0.15-0.2 s only. At 12 fps
    # two sightings of it (HOLD_SECONDS asks three), then a shrink over 8 frames.
    change = _change(_track(1, {f: _side(f, 1, 8, 30.0, 16.0) for f in range(SIGHTINGS)}))
    assert change is not None and change.key == "size", change


def test_a_growth_from_the_second_sighting_is_no_size_change():
    # Coming into view: the part grows from its first sightings.
    assert _change(_track(1, {f: _side(f, 1, 8, 16.0, 30.0) for f in range(SIGHTINGS)})) is None
