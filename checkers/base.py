"""The Checker interface and the result types every checker shares.

A checker scores each frame in `process()` and decides only in `finalize()`, once it has
seen the whole clip: its thresholds come from the clip's own statistics, so scoring and
deciding are kept apart (as PySceneDetect keeps `process_frame` apart from `post_process`).
Metric names are declared as data (`Checker.metrics`) so the per-frame CSV has a fixed
column order without running anything.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from checkers.units import TUNED_SHORT_SIDE, Units

if TYPE_CHECKING:
    from checkers.perception.bursts import Burst
    from checkers.tracking import FrameObservation
    from checkers.video import Frame

SENSITIVITIES = ("low", "medium", "high")

# How far outside its clip's usual spread (in robust standard deviations) a signal must be
# to count, per sensitivity. `high` finds more and risks more false alarms.
SENSITIVITY_K = {"low": 1.35, "medium": 1.0, "high": 0.75}


class CheckError(Exception):
    """A clip the checkers cannot judge; the message names the clip and what to do.

    `exit_code` follows ../shared/DESIGN.md: 2 for unreadable or unusable input.
    """

    exit_code = 2


class UnreadableVideo(CheckError):
    """The file is missing, empty, not a video, or has no decodable frame."""


class DecodeStopped(CheckError):
    """The decoder failed mid-stream; `frame` is the first frame that could not be decoded."""

    def __init__(self, message: str, frame: int):
        super().__init__(message)
        self.frame = frame


class TooShort(CheckError):
    """Fewer frames than the checkers need to judge motion."""


class PerceptualUnavailable(CheckError):
    """`--perceptual lpips` was asked for but its weights are not on this machine."""


@dataclass
class Event:
    """One localized violation: what, where in time, which object, how sure."""

    check: str
    kind: str
    frame: int  # the first frame showing the violation
    end_frame: int
    time: float  # seconds, from the stream's timestamps
    object: int | None
    severity: float  # 0..1, how far past the threshold (1 = far past)
    bbox: list[int] | None  # x, y, w, h in pixels of the displayed (rotated) video
    message: str

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        # Plain Python numbers: a numpy float from a detector would stop JSON output.
        out["frame"], out["end_frame"] = int(self.frame), int(self.end_frame)
        out["time"] = round(float(self.time), 4)
        out["severity"] = round(float(self.severity), 3)
        if self.bbox is not None:
            out["bbox"] = [int(v) for v in self.bbox]
        return out


@dataclass
class CheckResult:
    """A checker's decision on one clip."""

    name: str
    verdict: str  # "pass" | "fail"
    score: float  # 0..1, 1 = fully consistent
    events: list[Event] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # additive report fields
    # The bar a per-frame metric had to pass, by metric name, where one bar holds for the
    # whole clip (for plots; not part of the JSON).
    thresholds: dict[str, float] = field(default_factory=dict)


class Checker(ABC):
    """Scores frames one at a time; decides once at the end.

    Subclasses declare `name` and `metrics` (the per-frame values `process` returns, in CSV
    order). `process` sees the analysis frame and the tracker's observation of it.
    """

    name: ClassVar[str]
    metrics: ClassVar[tuple[str, ...]]

    def __init__(self, sensitivity: str = "medium"):
        if sensitivity not in SENSITIVITIES:
            raise ValueError(f"sensitivity must be one of {SENSITIVITIES}, not {sensitivity!r}")
        self.sensitivity = sensitivity
        self.k = SENSITIVITY_K[sensitivity]
        self.scale = 1.0  # displayed pixels per analysis pixel (for event boxes)
        self.fps = 0.0
        self.units = Units.of(TUNED_SHORT_SIDE, 0.0)  # thresholds in scene units

    def begin(self, scale: float, fps: float, short_side: int = TUNED_SHORT_SIDE) -> None:
        """Called once before the first frame with the clip's geometry (`short_side`: the
        analysis frames' short side)."""
        self.scale, self.fps = scale, fps
        self.units = Units.of(short_side, fps)

    def box(self, bbox: tuple[int, int, int, int] | None) -> list[int] | None:
        """An analysis-pixel box in displayed pixels."""
        return None if bbox is None else [round(v * self.scale) for v in bbox]

    @abstractmethod
    def process(self, index: int, frame: Frame, tracks: FrameObservation) -> dict[str, float]:
        """Score one frame; return a value (or NaN) for each name in `metrics`."""

    def watch(self, index: int, frame: Frame) -> None:  # noqa: B027 - optional hook
        """Work on the frame alone, needing no tracks (face tracks): called for every frame
        in order, on a thread of its own, possibly some frames behind `process`
        (checkers/overlap.py). It must touch no state that `process` reads; what it finds is
        read in `finalize`, after the last call has returned."""

    def scene_ended(self, bursts: list[Burst]) -> None:  # noqa: B027 - optional hook
        """Called once after the last frame with the scene bursts decided only then (the
        clip's last second); checkers that read scene bursts override it."""

    @abstractmethod
    def finalize(self) -> CheckResult:
        """Decide on the clip from everything seen."""


def score_from_events(events: list[Event]) -> float:
    """A 0..1 consistency score: each event costs in proportion to its severity."""
    cost = sum(0.25 + 0.5 * e.severity for e in events)
    return round(max(0.0, 1.0 - cost), 4)
