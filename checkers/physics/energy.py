"""Speed jumps of a pendulum's bob, read from its energy.

A swinging bob changes speed and direction all along its arc, so the free-flight jump test
(two fits either side of a boundary, jumps.py) reads every turn as a change. What a swing
keeps is its energy: v^2 + 2 g h is the same everywhere on it, so its squared speed is a
straight line of its depth, v^2 = a + b y (image y grows downward), and a turn, where v is
zero, is always at the same height. A speed jump multiplies the speed at one instant and
moves that line: the bob turns at a new height from then on.

Only a gain counts: the bob turning higher after the break than before. Nothing in a swing
gives it energy, while air and the pivot take some (a real pendulum's turns sink), and a bad
cut of the bob near one turn reads as either (TUNE+spent seeds, session 28: wild 2121 clip
297, a clean swing's energy read 0.82 sizes lower after its break).

The bob's energy is written as the height it would turn at, y - v^2 / b (its speed spent
climbing), in object sizes. The model is fitted with one break, at the step that explains the
squared speeds best (one slope b, one intercept either side); the break counts when it moves
the turning height by ENERGY_SIZES. Works on the track's scene coordinates (camera removed).
"""

from __future__ import annotations

import numpy as np

from checkers.tracking import Point, Track

# TUNE (session 19): recognised swings on clean clips moved their turning height by up to
# 0.41 object sizes at the best break (noise of the cut and of speeds read over one frame);
# the one labeled jump mid-swing moved it by 0.63 (one near a turn, where the speed it
# multiplied was small, by 0.31: not found).
ENERGY_SIZES = 0.5
SIDE_STEPS = 4  # the least steps of one frame either side of the break


def energy_break(track: Track) -> tuple[Point, float] | None:
    """The sighting after the break of a swing's energy, and the height the break gave the
    bob to spend in object sizes (zero for a loss), or None where the swing's speeds cannot
    be read (too few steps, no speed gained downward)."""
    # Steps between consecutive sightings of the whole, untouched bob: a cut merged with
    # another part, clipped by the frame or touching another part moves the centroid.
    seen = [p for p in track.seen if not p.at_edge and not p.merged and not p.near]
    steps = [(p, q) for p, q in zip(seen, seen[1:], strict=False) if q.frame == p.frame + 1]
    if len(steps) < 2 * SIDE_STEPS:
        return None
    v2 = np.array([(q.x - p.x) ** 2 + (q.y - p.y) ** 2 for p, q in steps])
    depth = np.array([(p.y + q.y) / 2.0 for p, q in steps])
    k, slope = one_break(v2, depth)
    if slope <= 0:
        return None  # not faster where lower: no swing's energy to read
    size = float(np.median([p.det.size for p in seen]))
    # The break's size from each side's median turning height: one sighting's bad cut
    # squares into v^2 and pulls a least-squares intercept, not a median.
    turn = depth - v2 / slope
    # Image y grows downward: a bob with more to spend turns higher, at a smaller y.
    gained = float(np.median(turn[:k]) - np.median(turn[k:]))
    return steps[k][1], max(0.0, gained) / size


def one_break(v2: np.ndarray, depth: np.ndarray) -> tuple[int, float]:
    """The step k that best splits v2 = a + b * depth into two intercepts (steps before k,
    from k on) sharing one slope b, and that slope. Needs 2 * SIDE_STEPS steps."""
    n = len(v2)
    best: tuple[float, int, float] | None = None
    for k in range(SIDE_STEPS, n - SIDE_STEPS + 1):
        after = (np.arange(n) >= k).astype(float)
        design = np.c_[1.0 - after, after, depth]
        coef, *_ = np.linalg.lstsq(design, v2, rcond=None)
        rss = float(np.sum((design @ coef - v2) ** 2))
        if best is None or rss < best[0]:
            best = (rss, k, float(coef[2]))
    assert best is not None
    return best[1], best[2]
