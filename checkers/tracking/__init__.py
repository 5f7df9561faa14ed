"""Shared perception: object tracks over time, built once per clip for every checker.

- tracks.py: a track and its points (sightings and predictions), and its motion prediction
- observation.py: what the tracker saw in one frame, handed to every checker
- tracker.py: the Tracker, which builds the tracks frame by frame
- missing.py: a track with no part this frame, and whether it could be hidden
- splits.py: a new part that is a piece of a tracked object coming apart
- looks.py: how alike two parts look (color, size, shape)
- assignment.py: the cheapest assignment of tracks to parts
- boxes.py: box geometry (gaps, coverage) and the contact margin
- backdrop.py: when a frame, and a clip, is clean enough for object-level reasoning
- confidence.py: how far a track of the background model behaves as one object
- occlusion.py: objects going behind scenery the background model holds as backdrop

Checkers read the track histories; nothing here decides what is a violation.
"""

from checkers.tracking.backdrop import clean_scene, could_end_clean
from checkers.tracking.boxes import CONTACT_MARGIN, box_gap
from checkers.tracking.observation import FrameObservation
from checkers.tracking.tracker import Tracker
from checkers.tracking.tracks import Point, Track, accel_limit

__all__ = [
    "CONTACT_MARGIN",
    "FrameObservation",
    "Point",
    "Track",
    "accel_limit",
    "Tracker",
    "box_gap",
    "clean_scene",
    "could_end_clean",
]
