"""Thresholds in the scene's units, converted to one clip's analysis pixels and frames.

A threshold written in analysis pixels per frame silently changes meaning with the analysis
size and the frame rate: at 30 fps a ball moves half as far between frames as at 16, so a
bar of "3 px a frame" asks for a change of motion twice as violent. The physics checks
therefore write their thresholds in two kinds of unit, and convert them here once per clip:

- lengths as shares of the frame's short side (what a viewer sees as size and distance);
- speeds and accelerations per second, for what the world does (gravity, a bounce turning a
  fall round, an object moving level), and durations in seconds.

Measurement noise is the exception: a centroid jitters by a fraction of an *analysis pixel*
per *sample* (the analysis grid, anti-aliased edges, compression), whatever the frame rate
and however large the scene is, so floors against jitter stay in analysis pixels per frame.
A threshold that guards against both takes the larger of the two. Measured on shapes-world
corpora rendered at 8, 16 and 30 fps and at 64x64 (BENCHMARKS.md, "Units, session 11"):
per-second speed floors failed clean clips at 30 fps and pixel floors scaled down to a 64 px
frame failed them at 64x64.

The values were tuned on the shapes world at a 180 px analysis short side and 16 fps, where
each converts back (to rounding) to the pixel value it replaced.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# When a clip's frame rate is unknown (a stream without timing), assume the common one.
FALLBACK_FPS = 16.0
TUNED_SHORT_SIDE = 180  # analysis px the thresholds were tuned at (until a clip says otherwise)


@dataclass(frozen=True)
class Units:
    short_side: float  # analysis pixels
    fps: float

    @classmethod
    def of(cls, short_side: float, fps: float) -> Units:
        fps = fps if fps and math.isfinite(fps) and fps > 0 else FALLBACK_FPS
        return cls(float(short_side), float(fps))

    def length(self, shares: float) -> float:
        """A length in shares of the short side, in analysis pixels."""
        return shares * self.short_side

    def speed(self, shares_per_second: float) -> float:
        """A speed in short sides per second, in analysis pixels per frame."""
        return shares_per_second * self.short_side / self.fps

    def accel(self, shares_per_second2: float) -> float:
        """An acceleration in short sides per second squared, in pixels per frame squared."""
        return shares_per_second2 * self.short_side / (self.fps * self.fps)

    def frames(self, seconds: float, least: int = 1) -> int:
        """A duration in seconds as a whole number of frames (at least `least`)."""
        return frames_in(seconds, self.fps, least)


def frames_in(seconds: float, fps: float, least: int = 1) -> int:
    """A duration in seconds as a whole number of frames at `fps` (at least `least`): the
    sightings a look must be seen in, where a finalize step has the clip's rate, not Units."""
    return max(least, round(seconds * fps))
