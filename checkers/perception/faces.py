"""Face tracks: who each face is, sampled a few times a second, for identity drift.

dlib's frontal detector finds faces on sampled frames (SAMPLES_PER_S; its ResNet costs about
0.1 s a face on this project's CPU, so not every frame); a face is linked to the track whose
last box it overlaps, and embedded with the 128-D identity model (checkers/features/faces.py).
When a sampled sighting reads as someone else and the one before did not, the frames in
between (kept in a short buffer) are embedded at the same box, so the change is dated to
the frame, not to the sampling step.
A track's identity is judged against its own first confident sightings, calibrated on their
spread (checkers.features.Calibration), never against an absolute cut-off alone.

Faces smaller than MIN_FACE_PX displayed pixels are skipped: one person's own distances
reach dlib's "other person" range there (issue 17's measurement).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

SAMPLES_PER_S = 2.0
MIN_FACE_PX = 80  # displayed pixels
LINK_IOU = 0.3  # a face overlapping a track's last box this much is that track
LINK_GAP_S = 1.0  # a track not seen for this long ends
REFERENCE_LOOKS = 3  # first sightings a track's identity is calibrated on
# Cosine distance of dlib's normalized vectors: the same person stays under about 0.02 on
# large faces, another person is 0.13-0.15 (checkers/features/faces.py). A change must pass
# this and stand out from the track's own early spread.
OTHER_PERSON = 0.07
MIN_Z = 6.0
CONFIRM = 2  # consecutive sampled sightings past the bar


@dataclass
class FaceSighting:
    frame: int
    time: float
    box: tuple[int, int, int, int]  # analysis pixels
    vector: np.ndarray


@dataclass
class FaceTrack:
    id: int
    sightings: list[FaceSighting] = field(default_factory=list)
    calibration: object | None = None  # checkers.features.Calibration, once early looks exist


@dataclass
class IdentityChange:
    track: int
    frame: int  # the first sampled frame showing the other identity
    time: float
    box: tuple[int, int, int, int]
    distance: float
    z: float


class FaceTracks:
    """Feed every analysis frame; faces are looked for on a few frames a second."""

    def __init__(self, embedder, fps: float, scale: float):
        self.embedder = embedder
        fps = fps if fps and np.isfinite(fps) and fps > 0 else 16.0
        self.every = max(1, int(round(fps / SAMPLES_PER_S)))
        self.gap = max(1, int(round(LINK_GAP_S * fps)))
        # dlib's detector finds faces of about 80 px and more; smaller analysis faces need
        # the frame doubled first (4x the cost).
        self.min_size = max(16, int(round(MIN_FACE_PX / max(scale, 1e-6))))
        self.upsample = 1 if self.min_size < 80 else 0
        self.tracks: list[FaceTrack] = []
        self._recent: deque[tuple[int, float, np.ndarray]] = deque(maxlen=self.every)
        self._bar = OTHER_PERSON

    def update(self, index: int, time: float, rgb: np.ndarray) -> None:
        if index % self.every:
            self._recent.append((index, time, rgb))
            return
        between, self._recent = list(self._recent), deque(maxlen=self.every)
        faces = self.embedder.detect(rgb, min_size=self.min_size, upsample=self.upsample)
        if not faces:
            return
        boxes = [box for box, _ in faces]
        vectors = self.embedder.embed(rgb, boxes)
        live = [t for t in self.tracks if index - t.sightings[-1].frame <= self.gap]
        taken: set[int] = set()
        for box, vector in zip(boxes, vectors, strict=True):
            best = max(
                (t for t in live if t.id not in taken),
                key=lambda t: _iou(t.sightings[-1].box, box),
                default=None,
            )
            if best is None or _iou(best.sightings[-1].box, box) < LINK_IOU:
                best = FaceTrack(len(self.tracks))
                self.tracks.append(best)
            taken.add(best.id)
            sighting = FaceSighting(index, time, tuple(box), vector)
            if self._turned(best, sighting):
                self._date(best, sighting, between)
            best.sightings.append(sighting)
            if best.calibration is None and len(best.sightings) >= REFERENCE_LOOKS:
                from checkers.features import Calibration

                early = np.stack([s.vector for s in best.sightings[:REFERENCE_LOOKS]])
                best.calibration = Calibration.from_early(early, self.embedder.noise_floor)

    def _past(self, track: FaceTrack, vectors: np.ndarray) -> np.ndarray:
        distances = track.calibration.distances(vectors)
        return (distances > self._bar) & (track.calibration.z(vectors) > MIN_Z)

    def _turned(self, track: FaceTrack, sighting: FaceSighting) -> bool:
        """This sighting reads as someone else and the track's last one did not."""
        if track.calibration is None:
            return False
        pair = np.stack([track.sightings[-1].vector, sighting.vector])
        before, now = self._past(track, pair)
        return bool(now and not before)

    def _date(self, track: FaceTrack, sighting: FaceSighting, between) -> None:
        """Embed the buffered frames since the last sighting at this box, in order."""
        last = track.sightings[-1].frame
        frames = [(i, t, im) for i, t, im in between if i > last]
        for i, t, image in frames:
            vector = self.embedder.embed(image, [sighting.box])[0]
            track.sightings.append(FaceSighting(i, t, sighting.box, vector))

    def changes(self, k: float = 1.0) -> list[IdentityChange]:
        """The first identity change of each face track (at most one a track)."""
        out = []
        for track in self.tracks:
            seen = track.sightings
            if track.calibration is None or len(seen) < REFERENCE_LOOKS + CONFIRM:
                continue
            calibration = track.calibration
            later = seen[REFERENCE_LOOKS:]
            looks = np.stack([s.vector for s in later])
            distances, z = calibration.distances(looks), calibration.z(looks)
            past = (distances > OTHER_PERSON * k) & (z > MIN_Z * k)
            for i in range(len(later) - CONFIRM + 1):
                if past[i : i + CONFIRM].all():
                    s = later[i]
                    out.append(
                        IdentityChange(
                            track.id, s.frame, s.time, s.box, float(distances[i]), float(z[i])
                        )
                    )
                    break
        return out


def _iou(a, b) -> float:
    x0, y0 = max(a[0], b[0]), max(a[1], b[1])
    x1, y1 = min(a[0] + a[2], b[0] + b[2]), min(a[1] + a[3], b[1] + b[3])
    inter = max(0, x1 - x0) * max(0, y1 - y0)
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0
