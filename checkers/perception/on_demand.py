"""The scene perception at the cost a clip needs: bursts only where a check will read them.

identity_drift and object_permanence read the scene's bursts only on clips that are not clean
(tracking/backdrop.py: `clean_scene`); every check reads its cuts, on every clip. The bursts
cost most of the scene's time (two dense flows a frame, the exposure fit, the burst cells),
the cuts little. So an `OnDemandScene` finds cuts alone until the runner says the clip can
no longer be clean (`want_bursts`). The full perception then starts over from the clip's
first frame, fed the frames still at hand or, past them, the clip decoded again, and goes on
with the live frames. A clip that ends unclean without having asked gets the full perception
over all its frames at the end (`flush`).

Nothing is decided differently: the cuts are the full perception's own (the cuts-only mode
runs the same camera, histogram and layout steps), and the bursts come from a full
perception that saw every frame from the first, in order, as when it runs from the start.
Only the frame a burst is handed over with moves: the checkers collect bursts and read them
when the clip ends.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterator

import numpy as np

from checkers.perception.bursts import Burst
from checkers.perception.scene import ScenePerception, SceneStep
from checkers.video import Frame

# Frames kept while only cuts are found, at the scene's own size (scene.py: 96 px short
# side; 320 frames of 171x96 are 16 MB, whatever the clip's length). A clip unclean from its
# start asks for bursts within its first tenth; one that the background model keeps clean
# for a while and then cannot asks later (a real clip of 300 frames asked at frame 166, and
# with 32 frames kept decoded those 166 frames a second time, about 4% of its CPU time).
# Both start the full perception from these, without decoding again.
KEEP_FRAMES = 320


class OnDemandScene:
    """Feed analysis frames in order with `update` (from one thread), as a ScenePerception.

    `make(bursts)` builds a ScenePerception (`bursts=False`: cuts alone). `replay()` decodes
    the clip again from its first frame; None runs the full perception from the start (frames
    that cannot be decoded again, such as `check_frames`'s).
    """

    def __init__(
        self,
        make: Callable[[bool], ScenePerception],
        replay: Callable[[], Iterator[Frame]] | None,
        keep: int = KEEP_FRAMES,
    ):
        self._make = make
        self._replay = replay
        self.full = replay is None
        self._scene = make(self.full)
        self.keep = keep
        self._held: deque[tuple[int, float, np.ndarray]] = deque(maxlen=keep)
        self._wanted = False
        self._caught_up: list[Burst] = []  # bursts of the frames the full perception caught up
        self.replayed = 0  # frames decoded again to catch up (0 when the frames at hand did)

    def want_bursts(self) -> None:
        """The bursts will be read: the full perception takes over from the next `update`.
        Called between frames by the thread that hands them out."""
        self._wanted = True

    def update(self, index: int, time: float, rgb: np.ndarray) -> SceneStep:
        if self._wanted and not self.full:
            self._catch_up(index)
        # Shrunk once: the frame the cuts-only perception runs on is the one held.
        rgb = self._scene.shrink(rgb)
        if not self.full:
            self._held.append((index, time, rgb))
        step = self._scene.update(index, time, rgb)
        if self._caught_up:
            step.bursts = self._caught_up + step.bursts
            self._caught_up = []
        return step

    def flush(self, bursts_read: bool, frames: int) -> list[Burst]:
        """Bursts decided once the clip has ended. `bursts_read`: the checks will read them
        (the clip ended unclean); `frames`: how many frames were fed."""
        if not self.full and (bursts_read or self._wanted):
            self._catch_up(frames)
        late, self._caught_up = self._caught_up, []
        return late + self._scene.flush()

    def _catch_up(self, upto: int) -> None:
        """Start the full perception and feed it frames 0 .. upto - 1."""
        held = list(self._held)
        at_hand = len(held) == upto and (not held or held[0][0] == 0)
        if at_hand:
            frames = held
        else:
            frames = ((f.index, f.time, f.image) for f in itertools.islice(self._replay(), upto))
        scene, bursts, fed = self._make(True), [], 0
        for index, time, rgb in frames:
            bursts += scene.update(index, time, rgb).bursts
            fed += 1
        if fed != upto:
            raise RuntimeError(f"the clip gave {fed} frames when decoded again, not {upto}")
        self.replayed += 0 if at_hand else upto
        self._scene, self.full, self._caught_up = scene, True, bursts
        self._held.clear()
