"""The motion gate and merged sightings (physics/motion_gate.py, session 30).

A bounce's heights are read from sightings touching nothing, so a merged (partly hidden)
sighting near the bounce is left out of the reading; the mask's steadiness test left it in
and refused the gain for a cut nobody read (spent wild 2357 clip 120: a bounce gain one
frame after a merged sighting of 0.7 the part's area). Tracks built in code, as in
test_physics_wild.py.
"""

from __future__ import annotations

from test_physics_wild import FPS, RED, SIDE, det, kinds, run

from checkers.kinematics import whole_sides
from checkers.physics import PhysicsChecker
from checkers.tracking import Point

FLOOR = 150.0


def bouncing(merged_at: int | None = None) -> list[dict]:
    """A background-model part falls from y 60 and bounces 1.3 times as fast as it hit
    (frame 9, then 32); with `merged_at`, that frame's sighting is cut at half its area."""
    frames, y, vy = [], 60.0, 0.0
    for i in range(40):
        if y >= FLOOR and vy > 0:
            y, vy = FLOOR, -vy * 1.3
        side = SIDE * 0.7 if i == merged_at else SIDE
        frames.append({0: det(100.0, y, side, side, lab=RED)})
        vy += 2.0
        y += vy
    return frames


def test_a_bounce_gain_is_found_across_a_merged_sighting_its_reading_skips():
    assert run(bouncing()) == [("energy_gain", 10)]
    # Fails before session 30: the merged sighting two frames before the bounce refused it.
    assert run(bouncing(merged_at=7), merged={(0, 7)}) == [("energy_gain", 10)]


def test_a_cut_changing_on_sightings_the_reading_uses_still_refuses_it():
    # The same shrunken cut, not marked merged: the reading takes it, so the mask's
    # steadiness test still holds it against the gain.
    assert "energy_gain" not in kinds(run(bouncing(merged_at=7)))


def sliding(factor: float, merged_at: int | None = None) -> list[dict]:
    """A background-model part slides right 4 px a frame, and `factor` times as fast from the
    step out of frame 13; with `merged_at`, that frame's sighting is cut at 0.6 of its width,
    its centroid pulled back 5 px (a part merged with another, or cut by scenery)."""
    frames, x = [], 40.0
    for i in range(30):
        if i == merged_at:
            frames.append({0: det(x - 5.0, 90.0, SIDE * 0.6, SIDE, lab=RED)})
        else:
            frames.append({0: det(x, 90.0, lab=RED)})
        x += 4.0 * (factor if i + 1 >= 14 else 1.0)
    return frames


def test_a_speed_jump_is_read_without_a_merged_sighting_its_fits_leave_out():
    assert run(sliding(2.7)) == [("speed_jump", 13)]
    # A merged sighting inside the fits after the jump: main fitted its centroid and refused
    # the jump for its cut (spent wild 6997 clip 269, 3389 clip 190: a sighting cut by the
    # frame's edge or merged within the fits). It is neither fitted nor tested now.
    assert run(sliding(2.7, merged_at=16), merged={(0, 16)}) == [("speed_jump", 13)]


def test_a_merged_sighting_makes_no_speed_jump_of_a_steady_slide():
    assert run(sliding(1.0, merged_at=16), merged={(0, 16)}) == []
    # Not marked merged, the same cut is fitted, and the mask's steadiness test refuses it.
    assert "speed_jump" not in kinds(run(sliding(2.7, merged_at=16)))


def _sightings(cut: dict[int, str]) -> list[Point]:
    """Eight sightings of a slider; `cut`: frame -> "edge" or "merged"."""
    points = []
    for f in range(8):
        p = Point(f, f / FPS, 40.0 + 4 * f, 90.0, det(40.0 + 4 * f, 90.0), "motion",
                  cut.get(f) == "edge")  # fmt: skip
        p.merged = cut.get(f) == "merged"
        points.append(p)
    return points


def test_a_jumps_fits_leave_out_sightings_cut_by_the_edge_or_merged():
    seg = _sightings({1: "edge", 6: "merged"})
    assert whole_sides(seg, 0, 4, 8) == ([0, 2, 3], [4, 5, 7])
    # With fewer than two whole sightings a side keeps them all (a line needs two points);
    # the jump's `fitted` then counts its whole ones only (physics/jumps.py).
    seg = _sightings({5: "edge", 6: "merged", 7: "merged"})
    assert whole_sides(seg, 0, 4, 8) == ([0, 1, 2, 3], [4, 5, 6, 7])


def test_a_side_fitted_on_cut_sightings_counts_only_its_whole_ones():
    checker = PhysicsChecker()
    checker.begin(1.0, FPS, 180)
    seg = _sightings({5: "edge", 6: "merged", 7: "merged"})
    at_four = next(b for b in checker._breaks(seg) if b.k == 4)
    assert at_four.fitted == 1  # f4 alone is whole after the boundary: too few to read
    assert next(b for b in checker._breaks(_sightings({})) if b.k == 4).fitted == 4
