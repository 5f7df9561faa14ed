"""identity_drift: an object's look departs from its own early look, slowly or at once.

For each established track the reference appearance is the median of its first clean
sightings (not at the frame edge, not touching another part, so occlusion cannot fake a
change). Each later clean sighting is compared with it on three descriptors: mean Lab color
(or LPIPS on the object crop, when asked for), area, and rotation-invariant shape numbers.
A change that stays past the clip-adaptive threshold is an event; its start is traced back
to where the change left the noise, so slow drifts are dated where they begin.
The frame-level signal (histogram similarity to the first and previous frame) is reported
per frame for content without clean objects.
"""

from __future__ import annotations

import numpy as np

from checkers.base import Checker, CheckResult, Event, score_from_events
from checkers.stats import robust_sigma
from checkers.tracking import FrameObservation, Point, Track, clean_scene

REFERENCE_POINTS = 3
# Floors per descriptor, in its own units: Lab distance, |log area ratio|, shape numbers.
FLOORS = {"color": 9.0, "size": 0.2, "shape": 0.12}
# Below these a change has not started yet (when dating a change back to its start).
START_FLOORS = {"color": 1.0, "size": 0.025, "shape": 0.03, "perceptual": 0.05}
MIN_SHAPE_AREA = 60.0  # analysis px; below this, shape numbers are mostly pixelation
KINDS = {
    "color": "color_drift",
    "size": "size_change",
    "shape": "shape_change",
    "perceptual": "appearance_drift",
}
PERCEPTUAL_FLOOR = 0.3  # LPIPS distance to the object's first crop that counts as a change


def _clean(p: Point) -> bool:
    return p.det is not None and not p.at_edge and not p.near and not p.merged


def _reference(track: Track) -> dict[str, np.ndarray] | None:
    clean = [p.det for p in track.points if _clean(p)][:REFERENCE_POINTS]
    if len(clean) < REFERENCE_POINTS:
        return None
    return {
        "color": np.median([d.lab for d in clean], axis=0),
        "size": np.median([np.log(d.area) for d in clean]),
        "shape": np.median([d.shape for d in clean], axis=0),
        "area": np.median([d.area for d in clean]),
    }


def _changes(ref, det) -> dict[str, float]:
    shape = float(np.abs(det.shape - ref["shape"]).max())
    if min(det.area, ref["area"]) < MIN_SHAPE_AREA:
        shape = 0.0
    return {
        "color": float(np.linalg.norm(det.lab - ref["color"])),
        "size": float(abs(np.log(det.area) - ref["size"])),
        "shape": shape,
    }


class IdentityChecker(Checker):
    name = "identity_drift"
    metrics = (
        "frame_similarity_first",
        "frame_similarity_prev",
        "color_change_max",
        "size_change_max",
    )

    def __init__(self, sensitivity: str = "medium", perceptual=None):
        super().__init__(sensitivity)
        self._tracks: dict[int, Track] = {}
        self._refs: dict[int, dict] = {}
        self._reliable: dict[int, bool] = {}
        self.perceptual = perceptual  # an object with .distance(crop_a, crop_b), or None
        self._crops: dict[int, np.ndarray] = {}  # first clean crop per object
        self._distances: dict[tuple[int, int], float] = {}  # (object, frame) -> distance

    def process(self, index, frame, tracks: FrameObservation) -> dict[str, float]:
        self._tracks = tracks.tracks
        self._reliable[index] = tracks.reliable
        color = size = 0.0
        for j, tid in tracks.assigned.items():
            track = tracks.tracks[tid]
            ref = self._refs.get(tid)
            if ref is None:
                ref = _reference(track)
                if ref is None:
                    continue
                self._refs[tid] = ref
            if _clean(track.points[-1]):
                change = _changes(ref, tracks.detections[j])
                color, size = max(color, change["color"]), max(size, change["size"])
                if self.perceptual is not None:
                    self._perceive(tid, index, frame.image, tracks.detections[j])
        return {
            "frame_similarity_first": tracks.frame_similarity_first,
            "frame_similarity_prev": tracks.frame_similarity_prev,
            "color_change_max": color,
            "size_change_max": size,
        }

    def _perceive(self, tid: int, index: int, image: np.ndarray, det) -> None:
        """LPIPS between this sighting's crop and the object's first clean crop."""
        x, y, w, h = det.bbox
        pad = max(2, int(0.15 * max(w, h)))
        crop = image[max(0, y - pad) : y + h + pad, max(0, x - pad) : x + w + pad]
        if crop.size == 0:
            return
        first = self._crops.setdefault(tid, crop)
        self._distances[(tid, index)] = self.perceptual.distance(first, crop)

    def finalize(self) -> CheckResult:
        series = {}
        tracks = self._tracks.values() if clean_scene(self._reliable) else []
        for track in tracks:
            ref = _reference(track) if track.solid else None
            if ref is None:
                continue
            pts = [p for p in track.points if _clean(p) and self._reliable.get(p.frame, False)]
            changes = [_changes(ref, p.det) for p in pts]
            if self.perceptual is not None:
                for p, change in zip(pts, changes, strict=True):
                    change["perceptual"] = self._distances.get((track.id, p.frame), 0.0)
            series[track.id] = (pts, changes)
        # Frame-to-frame jitter of each descriptor across the clip sets its noise level.
        noise = {}
        floors = dict(FLOORS, perceptual=PERCEPTUAL_FLOOR) if self.perceptual else FLOORS
        for key in floors:
            steps = [
                abs(b[key] - a[key])
                for _, changes in series.values()
                for a, b in zip(changes, changes[1:], strict=False)
            ]
            noise[key] = robust_sigma(steps) if len(steps) >= 6 else 0.0
        events = []
        for tid, (pts, changes) in series.items():
            for key, floor in floors.items():
                threshold = max(floor, 8.0 * noise[key]) * self.k
                event = self._first_change(self._tracks[tid], pts, changes, key, threshold)
                if event:
                    events.append(event)
                    break  # one identity event per object is enough to say what changed
        events.sort(key=lambda e: e.frame)
        verdict = "fail" if events else "pass"
        extra = {"perceptual": "lpips" if self.perceptual else "classical"}
        return CheckResult(self.name, verdict, score_from_events(events), events, extra)

    def _first_change(self, track, pts, changes, key, threshold) -> Event | None:
        values = [c[key] for c in changes]
        over = [v > threshold for v in values]
        for i in range(len(values)):
            # Stay past the threshold: two of the next three sightings (or all that are left).
            window = over[i : i + 3]
            if not over[i] or sum(window) < min(2, len(window)):
                continue
            # Trace the change back to where it left this object's own jitter.
            early = values[: REFERENCE_POINTS + 3]
            quiet = START_FLOORS[key]
            if early:
                quiet = max(quiet, float(np.median(early)) + 4.0 * robust_sigma(early))
            start = i
            while start > 0 and values[start - 1] > quiet:
                start -= 1
            p = pts[start]
            jump = values[start] - (values[start - 1] if start else 0.0)
            kind = KINDS[key]
            if key == "color" and jump > 0.7 * values[i]:
                kind = "color_jump"
            severity = min(1.0, values[i] / threshold - 0.5)
            return Event(
                check=self.name,
                kind=kind,
                frame=p.frame,
                end_frame=pts[min(len(pts) - 1, i + sum(over[i:]) - 1)].frame,
                time=p.time,
                object=track.id,
                severity=severity,
                bbox=self.box(pts[i].det.bbox),
                message=f"object {track.id} {kind.replace('_', ' ')}: {key} changed by "
                f"{values[i]:.2f} (threshold {threshold:.2f})",
            )
        return None
