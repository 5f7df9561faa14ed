"""A speed jump at a low frame rate parts its own fits (physics/jumps.py `CHANGE_GAP`,
session 31).

The two fits either side of a boundary meet half a frame step from each sighting only if
the speed changed mid-step; changed at a sighting, they are up to half the change apart
there. A speed jump was read only where every nearby pair of fits met within 0.6 object
sizes, so a small fast object tripling its speed at 8-10 fps was never read (spent wild 6043
clip 164). Tracks built in code, as in test_physics_wild.py.
"""

from __future__ import annotations

from test_physics_wild import det, kinds, run

SIZE = 12.0  # px: the fits' gap bar for this object is 0.6 of it


def sliding(before: float, after: float, change: int = 10) -> list[dict]:
    """A small part slides right at `before` px a frame, from frame `change` at `after`."""
    frames, x = [], 20.0
    for i in range(17):
        frames.append({0: det(x, 90.0, SIZE, SIZE)})
        x += before if i < change - 1 else after
    return frames


def test_a_small_fast_object_tripling_its_speed_is_a_speed_jump():
    # Fails before session 31: the fits met 11 px apart, over the 7.2 px bar.
    assert run(sliding(8.0, 24.0)) == [("speed_jump", 9)]


def test_a_steady_fast_slide_is_no_speed_jump():
    assert "speed_jump" not in kinds(run(sliding(8.0, 8.0)))
    assert "speed_jump" not in kinds(run(sliding(24.0, 24.0)))
