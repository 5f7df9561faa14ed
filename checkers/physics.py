"""physics_sanity: teleports, speed jumps with no contact, gravity reversing, bounces gaining
energy; flow warping-error spikes where there are no clean objects to follow.

Works on each track's positions in scene coordinates (camera shift removed), over runs of
consecutive sightings. The second difference of position is the acceleration; each track's
own median acceleration (gravity, or zero) is subtracted, and what is left is compared with
the clip's own jitter (robust sigma), so compression noise and smooth camera motion set the
bar. Contact with another part or the frame edge excuses a change of motion.
"""

from __future__ import annotations

import math

import numpy as np

from checkers.base import Checker, CheckResult, Event, score_from_events
from checkers.stats import robust_sigma, robust_threshold
from checkers.tracking import FrameObservation, Point, Track

ACCEL_FLOOR = 1.2  # analysis px/frame^2: smaller velocity changes are within detection jitter
GRAVITY_FLOOR = 0.12  # px/frame^2: weaker sustained upward acceleration is not a reversal
SUSTAINED = 3  # frames a reversed acceleration must last


def _segments(track: Track) -> list[list[Point]]:
    """Runs of sightings in consecutive frames."""
    out: list[list[Point]] = []
    for p in track.points:
        if p.det is None:
            if out and out[-1]:
                out.append([])
            continue
        if not out or (out[-1] and out[-1][-1].frame != p.frame - 1):
            out.append([])
        out[-1].append(p)
    return [s for s in out if len(s) >= 3]


def _quiet(seg: list[Point], i: int) -> bool:
    """No contact, edge, or occlusion-driven area change around sighting i."""
    for p in seg[max(0, i - 1) : i + 2]:
        if p.near or p.at_edge:
            return False
    areas = [p.det.area for p in seg[max(0, i - 1) : i + 2]]
    return max(areas) / max(1.0, min(areas)) < 1.3


class PhysicsChecker(Checker):
    name = "physics_sanity"
    metrics = ("warp_error", "accel_max")

    def __init__(self, sensitivity: str = "medium"):
        super().__init__(sensitivity)
        self._tracks: dict[int, Track] = {}
        self._warp: list[tuple[int, float, float, bool]] = []

    def process(self, index, frame, tracks: FrameObservation) -> dict[str, float]:
        self._tracks = tracks.tracks
        self._warp.append((index, frame.time, tracks.warp_error, tracks.reliable))
        accel = 0.0
        for tid in tracks.assigned.values():
            pts = tracks.tracks[tid].points[-3:]
            if len(pts) == 3 and all(p.det is not None for p in pts):
                ax = pts[2].x - 2 * pts[1].x + pts[0].x
                ay = pts[2].y - 2 * pts[1].y + pts[0].y
                accel = max(accel, math.hypot(ax, ay))
        return {"warp_error": tracks.warp_error, "accel_max": accel}

    def finalize(self) -> CheckResult:
        segs = {t.id: _segments(t) for t in self._tracks.values() if len(t.seen) >= 4}
        residuals = []
        for seg_list in segs.values():
            for seg in seg_list:
                acc = _accelerations(seg)
                if len(acc) >= 3:
                    residuals += list(np.linalg.norm(acc - np.median(acc, axis=0), axis=1))
        sigma = robust_sigma(residuals) if len(residuals) >= 8 else 0.0
        jump_bar = max(ACCEL_FLOOR, 8.0 * sigma) * self.k
        events: list[Event] = []
        for tid, seg_list in segs.items():
            track = self._tracks[tid]
            events += self._jumps(track)
            for seg in seg_list:
                events += self._motion(track, seg, jump_bar, sigma)
        events += self._flow_spikes()
        events = _dedupe(sorted(events, key=lambda e: e.frame))
        verdict = "fail" if events else "pass"
        return CheckResult(self.name, verdict, score_from_events(events), events)

    def _jumps(self, track: Track) -> list[Event]:
        """Sightings the tracker could only link by appearance: the object moved too far."""
        events = []
        for i, p in enumerate(track.points):
            if p.how != "jump" or i == 0:
                continue
            prev = track.points[i - 1]
            dist = math.hypot(p.x - prev.x, p.y - prev.y)
            events.append(
                self._event("teleport", p, track, 1.0, f"jumped {dist * self.scale:.0f} px")
            )
        return events

    def _motion(self, track: Track, seg: list[Point], jump_bar: float, sigma: float) -> list[Event]:
        acc = _accelerations(seg)  # acc[i] is centred on seg[i + 1]
        if len(acc) < 2:
            return []
        base = np.median(acc, axis=0)
        res = acc - base
        mag = np.linalg.norm(res, axis=1)
        events = []
        i = 0
        while i < len(acc):
            p = seg[i + 1]
            bounce = _is_bounce(seg, i + 1)
            if mag[i] > jump_bar and _quiet(seg, i + 1) and not bounce:
                nxt = mag[i + 1] if i + 1 < len(acc) else 0.0
                opposite = i + 1 < len(acc) and float(np.dot(res[i], res[i + 1])) < 0
                if nxt > jump_bar and opposite:
                    events.append(
                        self._event(
                            "teleport",
                            seg[i + 1],
                            track,
                            mag[i] / jump_bar,
                            f"jumped {mag[i] * self.scale:.0f} px off its path",
                        )
                    )
                    i += 2
                    continue
                events.append(
                    self._event(
                        "speed_jump",
                        seg[i + 1],
                        track,
                        mag[i] / jump_bar,
                        f"velocity changed by {mag[i] * self.scale:.1f} px/frame with no contact",
                    )
                )
                i += 1
                continue
            del p
            i += 1
        events += self._gravity(track, seg, acc, sigma)
        events += self._bounces(track, seg, acc)
        return events

    def _gravity(self, track, seg, acc, sigma) -> list[Event]:
        bar = max(GRAVITY_FLOOR, 5.0 * sigma) * self.k
        up = [
            acc[i, 1] < -bar and _quiet(seg, i + 1) and not _is_bounce(seg, i + 1)
            for i in range(len(acc))
        ]
        run = 0
        for i, flag in enumerate(up):
            run = run + 1 if flag else 0
            if run == SUSTAINED:
                start = i - SUSTAINED + 1
                p = seg[start + 1]
                strength = float(-np.median(acc[start : i + 1, 1]))
                return [
                    self._event(
                        "gravity_reversal",
                        p,
                        track,
                        strength / bar - 0.5,
                        f"accelerates upward in free flight ({strength * self.scale:.2f} px/frame^2)",
                    )
                ]
        return []

    def _bounces(self, track, seg, acc) -> list[Event]:
        g = float(np.median(acc[:, 1]))
        if g < GRAVITY_FLOOR:
            return []
        ys = np.array([p.y for p in seg])
        vy = np.diff(ys)  # vy[i]: from seg[i] to seg[i + 1]
        bounces = [i for i in range(1, len(vy)) if vy[i - 1] > 0 and vy[i] < 0]
        events = []
        edges = [0] + [b + 1 for b in bounces] + [len(seg)]
        for n, b in enumerate(bounces):
            before = range(edges[n] + 1, b)  # interior sightings of the fall
            after = range(b + 2, edges[n + 2] - 1)
            if len(before) < 2 or len(after) < 2:
                continue
            floor_y = ys[b : b + 2].max()

            def height(idx, floor_y=floor_y):
                # Height the motion reaches: potential plus kinetic energy, in pixels.
                vc = (ys[idx + 1] - ys[idx - 1]) / 2.0
                return (floor_y - ys[idx]) + vc * vc / (2 * g)

            h_before = float(np.median([height(i) for i in before]))
            h_after = float(np.median([height(i) for i in after]))
            if h_after > 1.1 * h_before + 1.5 / max(self.k, 0.1) and _quiet(seg, b + 1):
                events.append(
                    self._event(
                        "energy_gain",
                        seg[b + 1],
                        track,
                        h_after / max(1.0, h_before) - 1,
                        f"bounced higher than it fell ({h_after * self.scale:.0f} px vs "
                        f"{h_before * self.scale:.0f} px)",
                    )
                )
        return events

    def _flow_spikes(self) -> list[Event]:
        values = [w for _, _, w, _ in self._warp if math.isfinite(w)]
        if len(values) < 8:
            return []
        bar = robust_threshold(values, 10.0 * self.k, floor=8.0)
        bar = max(bar, 3.0 * float(np.median(values)))
        events = []
        for index, time, w, reliable in self._warp:
            if math.isfinite(w) and w > bar and not reliable:
                events.append(
                    Event(
                        self.name,
                        "flow_spike",
                        index,
                        index,
                        time,
                        None,
                        min(1.0, w / bar - 0.5),
                        None,
                        f"content changed beyond what motion explains (warp error {w:.1f})",
                    )
                )
        return events

    def _event(self, kind, p: Point, track: Track, severity: float, detail: str) -> Event:
        det = p.det
        return Event(
            self.name,
            kind,
            p.frame,
            p.frame,
            p.time,
            track.id,
            float(min(1.0, max(0.1, severity))),
            self.box(det.bbox if det else None),
            f"object {track.id} {detail}",
        )


def _accelerations(seg: list[Point]) -> np.ndarray:
    xy = np.array([(p.x, p.y) for p in seg])
    return xy[2:] - 2 * xy[1:-1] + xy[:-2]  # (n - 2, 2)


def _is_bounce(seg: list[Point], i: int) -> bool:
    """Sighting i is at (or next to) floor contact: falling, then rising or stopped."""
    for j in range(max(1, i - 1), min(len(seg) - 1, i + 2)):
        down = seg[j].y - seg[j - 1].y
        after = seg[j + 1].y - seg[j].y
        if down > 0.3 and after < 0.3 * down:
            return True
    return False


def _dedupe(events: list[Event]) -> list[Event]:
    """One event per object within 2 frames (a teleport also reads as accelerations)."""
    out: list[Event] = []
    for e in events:
        if any(o.object == e.object and abs(o.frame - e.frame) <= 2 for o in out):
            continue
        out.append(e)
    return out
