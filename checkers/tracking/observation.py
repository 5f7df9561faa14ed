"""What the tracker saw in one frame: the one object every checker's `process` receives.

Kept apart from the Tracker so checkers (and checkers/base.py) can name it without
depending on how tracks are built.
"""

from __future__ import annotations

from dataclasses import dataclass

from checkers.perception.scene import SceneStep
from checkers.segment import Detection
from checkers.tracking.tracks import Track


@dataclass
class FrameObservation:
    """What the tracker saw in one frame; handed to every checker's `process`."""

    index: int
    time: float
    detections: list[Detection]
    assigned: dict[int, int]  # detection index -> track id
    tracks: dict[int, Track]  # every track so far (live and dead)
    shift: tuple[float, float]  # camera's accumulated shift, analysis pixels
    foreground_fraction: float
    reliable: bool  # the frame has few, clean parts: object-level reasoning applies
    warp_error: float  # flow-compensated difference to the previous frame (NaN at frame 0)
    frame_similarity_first: float
    frame_similarity_prev: float
    floor_y: int | None = None  # row of a ground line across the frame, if one is seen
    scene: SceneStep | None = None  # the scene-level perception of this frame (any footage)
    # The camera's change of scale since the previous frame (its fitted step's zoom; 1 on the
    # plain path or where no camera was fitted): an object resized at once by it is the camera.
    zoom: float = 1.0
