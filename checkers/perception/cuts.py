"""Shot cuts: the whole picture is replaced between two frames.

Two signs must agree, so that neither a fast pan nor a flash alone reads as a cut: the
camera tracker loses the scene (almost no corner of the previous frame can be followed into
this one), and either the color histogram of the frame changes a lot at once
(PySceneDetect's content detector works on color statistics, in HSV) or the frame's coarse
layout (a 32x18 thumbnail) no longer correlates with the previous one (two shots with the
same colors). Within one shot, even a fast swing keeps the thumbnails correlated above 0.5
on ../shared/gen-clips; its two flickering Text2Video-Zero clips drop to 0.22-0.24. A cut is reported as its own event kind and
splits the clip into shots: nothing before it is compared with anything after it.
"""

from __future__ import annotations

import cv2
import numpy as np

from checkers.perception.camera import MIN_POINTS, CameraStep

# Half the L1 distance of two normalized Lab histograms (0 same colors, 1 disjoint). Fast
# pans and people walking through keep it under 0.3 on real footage; cuts between unrelated
# shots give 0.5 and more.
HISTOGRAM_JUMP = 0.35
LAYOUT_LOST = 0.35  # thumbnail correlation below which the picture was replaced
# ... and above which it was not, whatever its colors did: the same picture in other colors
# is an exposure or white-balance change. A plain backdrop near a histogram bin's edge flips
# bins under a small exposure step (wild seed 2121, clean: 0.40 and 0.46 of the histogram
# moved, layout 0.996 and 0.998, camera lost on 7 and 11 corners). Every splice of the
# edited-real development seeds (16 cuts) had a layout under 0.43, or none to compare.
LAYOUT_KEPT = 0.9
THUMBNAIL = (32, 18)
LAYOUT_SPREAD = 8.0  # Lab units of spread per cell and channel a thumbnail needs to compare
# A nearly uniform picture whose thumbnail moved by less than this (Lab units, mean over
# cells, in the channel that moved most: a lightness cut between two greys moves L alone) is
# the same plain picture, whatever its histogram did: a plain
# backdrop brightening by half a unit moved 0.40 of its histogram across a bin edge (spent
# wild seed 3141, clean clip 132, a sand-colored wall). A cut between two plain shots moves
# the whole picture by the distance of their colors.
PLAIN_KEPT = 3.0
LOST_SCENE = 0.35  # share of corners followed into the new frame, below which the scene is lost
HIST_BINS = (8, 5, 5)  # odd a/b counts: grey sits mid-bin, its noise does not flip bins


def color_histogram(lab: np.ndarray) -> np.ndarray:
    """Normalized Lab histogram (L 0..100, a and b centred on 0). Lab rather than HSV: the
    hue of dark, grey pixels is noise, and a noisy black backdrop would jump every frame."""
    hist = cv2.calcHist([lab], [0, 1, 2], None, list(HIST_BINS), [0, 100.01, -64, 64, -64, 64])
    hist = hist.ravel()
    return hist / max(1.0, float(hist.sum()))


def histogram_change(a: np.ndarray, b: np.ndarray) -> float:
    return 0.5 * float(np.abs(a - b).sum())


def thumbnail(lab: np.ndarray) -> np.ndarray:
    """The frame's coarse layout: mean Lab of a 32x18 grid, (576, 3)."""
    return cv2.resize(lab, THUMBNAIL, interpolation=cv2.INTER_AREA).reshape(-1, 3)


def layout_correlation(a: np.ndarray, b: np.ndarray) -> float | None:
    """Correlation of two thumbnails (1 same layout); for nearly uniform ones, 1 when they
    are the same plain picture (PLAIN_KEPT) and None otherwise."""
    plain_step = float(np.abs(a - b).mean(axis=0).max())
    a, b = a - a.mean(axis=0), b - b.mean(axis=0)
    energy = float(np.sqrt((a * a).sum() * (b * b).sum()))
    # Under ~8 Lab units of spread (a plain backdrop with a few small objects) moving one
    # object reshuffles the correlation: no layout to compare. What is left to compare is
    # the plain picture itself.
    if energy < LAYOUT_SPREAD**2 * a.size:
        return 1.0 if plain_step < PLAIN_KEPT else None
    return float((a * b).sum() / energy)


def could_be_cut(change: float, layout: float | None) -> bool:
    """Whether the colors jump or the layout is another, and the layout is not kept: `is_cut`
    is False without it, so where it is False the camera step need not be fitted to decide a
    cut. `layout` None: no layout to compare (a nearly uniform frame)."""
    if layout is None:
        return change >= HISTOGRAM_JUMP
    if layout >= LAYOUT_KEPT:
        return False
    return change >= HISTOGRAM_JUMP or layout < LAYOUT_LOST


def is_cut(change: float, layout: float | None, camera: CameraStep) -> bool:
    """The camera tracker cannot follow the scene, and the colors jump or the layout is
    another."""
    if not could_be_cut(change, layout):
        return False
    if camera.corners < MIN_POINTS:
        # Too few corners to follow (a plain backdrop): the colors jumping decides.
        return change >= HISTOGRAM_JUMP
    return (not camera.fitted) or camera.tracked_share * camera.inlier_share < LOST_SCENE
