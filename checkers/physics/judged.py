"""Which tracks physics judges: parts that move as one rigid object.

`Track.solid` asks a plain part to be flat-colored, as every shapes-world object is. Physics
reads only a track's path and its mask's size, not its look, so a shaded or textured object
cut from a plain backdrop (the wild world draws them) is as good a witness of motion as a
flat one once it behaves as one object: the same behaviour test the background model's parts
pass (tracking/confidence.py: size, length, a steady area, a coherent path).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from checkers.tracking import Track, clean_scene
from checkers.tracking.confidence import TRUSTED
from checkers.units import Units

MIN_SIGHTINGS = 4  # fewer sightings carry no acceleration to judge
# Short sides: the longest box a background-model part of one object has. The wild world's
# objects are 0.06-0.18 across; merged with its ghost or streaked by motion blur, one may
# reach twice that. Dev corpora (session 15): parts past it are floor bands and patches of
# a photo the model misregistered, up to the whole frame's width.
LARGEST = 0.45
# Share of a background-model clip's frames past the model's first warm-up that must be
# reliable.
MOTION_SHARE = 0.6
# Share of its sightings the other object of a meeting may spend touching something.
PARTNER_TOUCHING = 0.75


def judged(track: Track, units: Units) -> bool:
    """Does physics judge this track's motion?"""
    if len(track.seen) < MIN_SIGHTINGS:
        return False
    if track.from_background_model and largest_side(track) > units.length(LARGEST):
        return False  # a band of floor or a photo's patch the model misregistered
    if track.solid:
        return True
    # A plain part that is not flat-colored: trusted by how it behaves, like a motion part.
    return not track.from_background_model and track.confidence().value >= TRUSTED


def partner(track: Track, units: Units) -> bool:
    """Can a background-model part be the other object of a meeting (crossings.py)?

    Judged as `judged` does, but it may touch others for longer: an object that passes
    through another touches it, and a pendulum swinging past, for a good share of a short
    clip (dev1515 clip 91: 42% of its sightings, against the 30-50% `judged` allows). A part
    touching something nearly always is no object (clip 172: a patch beside a floor band).
    """
    seen = track.seen
    if not track.from_background_model or len(seen) < MIN_SIGHTINGS:
        return False
    if largest_side(track) > units.length(LARGEST):
        return False
    if np.mean([bool(p.near) for p in seen]) > PARTNER_TOUCHING:
        return False
    return replace(track.confidence(), apart=1.0).value >= TRUSTED


def largest_side(track: Track) -> float:
    """The typical long side of the track's box, analysis px."""
    return float(np.median([max(p.det.bbox[2], p.det.bbox[3]) for p in track.seen]))


def clip_judged(reliable: dict[int, bool], motion: bool) -> bool:
    """Do the clip's frames let physics judge its objects at all?

    The plain path asks most frames to be reliable (tracking.clean_scene). A clip of the
    background model is unreliable while the model warms up, at its start and after each
    restart, a fixed time that is a large share of a short clip at a high frame rate (dev:
    0.25 s of a 3 s clip at 30 fps is 9%, over clean_scene's 10%); its tracks are vouched for
    one by one (`Track.solid` through their confidence, and most of their sightings in
    reliable frames), so the clip only needs a share of reliable frames past its warm-up.
    """
    if clean_scene(reliable):
        return True
    if not motion:
        return False
    states = [reliable[f] for f in sorted(reliable)]
    start = next((i for i, ok in enumerate(states) if ok), len(states))
    rest = states[start:]
    return bool(rest) and sum(rest) >= MOTION_SHARE * len(rest)
