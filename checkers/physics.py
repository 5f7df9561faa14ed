"""physics_sanity: teleports, speed jumps with no contact, gravity reversing, bounces gaining
energy, falling through the floor or through another object; flow warping-error spikes
where there are no clean objects to follow.

Works on each track's positions in scene coordinates (camera shift removed) over runs of
consecutive sightings. At every frame boundary the motion just before and just after is fitted
separately (a line after removing the track's own steady acceleration, i.e. gravity), and the
two fits are compared where they meet: a gap in position is a teleport, a gap in velocity a
speed jump. Fitting several frames on each side averages out detection jitter; the clip's own
spread of these gaps (robust sigma) sets the bar, so compression noise cannot. Contact with
another part, the floor or the frame edge excuses a change of motion.
"""

from __future__ import annotations

import math

import numpy as np

from checkers.base import Checker, CheckResult, Event, score_from_events
from checkers.kinematics import (
    SIDE,
    bounce_points,
    floor_contact,
    floor_contact_at,
    gap_noise,
    segments,
    side_fit,
    swept_box,
    touching_anything,
    trimmed_mean,
    usual_area,
)
from checkers.stats import robust_threshold
from checkers.tracking import (
    CONTACT_MARGIN,
    FrameObservation,
    Point,
    Track,
    box_gap,
    clean_scene,
)

TELEPORT_FLOOR = 6.0  # analysis px: smaller position gaps are detection jitter
SPEED_FLOOR = 1.2  # analysis px/frame
ACCEL_NOISE = 0.25  # px/frame^2: a steadier acceleration than this is taken as none
ACCEL_SPAN = 7  # sightings each side used to estimate the steady acceleration
GRAVITY_FLOOR = 0.6  # px/frame^2: weaker sustained upward acceleration is not a reversal
OCCLUDER_CHROMA = 12.0  # Lab chroma below which a part is colorless (white, gray, black)
SPIKE_RATIO = 8.0  # warp error over the clip's median that counts as a spike
SUSTAINED = 3  # frames a reversed acceleration must last
TOUCH = 5.0  # analysis px between boxes that touch: edge cutting trims ~2 px off each part
HIDDEN_REACH = 2.0  # px a hidden object's height may be off by
LEVEL = 0.5  # px/frame: vertical speed below which a track moves level
REVERSAL_REACH = 6  # frames before a gravity reversal whose other events it explains
WHOLE = 0.9  # share of its usual area a sighting beside scenery needs to count as unhidden
SAME_COLOR = 12.0  # Lab distance within which two touching parts are one object's pieces
BELOW = 3.0  # analysis px past the floor line that a sinking object must show
SINK = 0.3  # share of its height an object may sink below the floor line (anti-aliasing)


class PhysicsChecker(Checker):
    name = "physics_sanity"
    metrics = ("warp_error", "accel_max")

    def __init__(self, sensitivity: str = "medium"):
        super().__init__(sensitivity)
        self._tracks: dict[int, Track] = {}
        self._warp: list[tuple[int, float, float, bool]] = []
        self._floor: list[int] = []
        self._reliable: dict[int, bool] = {}
        self._cuts: set[int] = set()  # shot cuts: object_permanence reports them

    def process(self, index, frame, tracks: FrameObservation) -> dict[str, float]:
        self._tracks = tracks.tracks
        self._warp.append((index, frame.time, tracks.warp_error, tracks.reliable))
        self._reliable[index] = tracks.reliable
        if tracks.scene is not None and tracks.scene.cut:
            self._cuts.add(index)
        if tracks.floor_y is not None:
            self._floor.append(tracks.floor_y)
        accel = 0.0
        for tid in tracks.assigned.values():
            pts = tracks.tracks[tid].points[-3:]
            if len(pts) == 3 and all(p.det is not None for p in pts):
                ax = pts[2].x - 2 * pts[1].x + pts[0].x
                ay = pts[2].y - 2 * pts[1].y + pts[0].y
                accel = max(accel, math.hypot(ax, ay))
        return {"warp_error": tracks.warp_error, "accel_max": accel}

    def finalize(self) -> CheckResult:
        tracks = [t for t in self._tracks.values() if len(t.seen) >= 4 and t.solid]
        tracks = [t for t in tracks if self._mostly_reliable(t)]
        if not clean_scene(self._reliable):
            tracks = []
        breaks = {t.id: [self._breaks(seg) for seg in segments(t)] for t in tracks}
        sigma_p = gap_noise([seg for per in breaks.values() for seg in per], 1)
        sigma_v = gap_noise([seg for per in breaks.values() for seg in per], 2)
        self._by_frame: dict[int, dict[int, Point]] = {}
        for t in self._tracks.values():
            for p in t.seen:
                self._by_frame.setdefault(p.frame, {})[t.id] = p
        self._usual = {t.id: usual_area(t) for t in self._tracks.values() if t.seen}
        # Assumes objects have a hue and scenery has none, as in the shapes world. On natural
        # footage a white, gray or black moving object would count as scenery here (its
        # collisions would not excuse a speed change); the object checks only run on
        # clean-backdrop clips (tracking.clean_scene), which keeps that case rare.
        self._scenery = {
            t.id: self._usual[t.id]
            for t in self._tracks.values()
            if t.seen and self._colorless(t.id)
        }
        # Objects gone behind scenery: (frame, scenery it was last seen touching, heights it
        # may be at, size, color). They can still hit what passes that scenery's edge.
        self._hidden: dict[int, list[tuple[set[int], tuple[float, float], float, np.ndarray]]] = {}
        for t in self._tracks.values():
            last: Point | None = None
            for p in t.points:
                if p.det is not None:
                    last = p
                elif last is not None and not p.at_edge and set(last.near) & set(self._scenery):
                    self._hidden.setdefault(p.frame, []).append(
                        (set(last.near), (last.y, p.y), last.det.size, last.det.lab)
                    )
        events: list[Event] = []
        for track in tracks:
            for seg, seg_breaks in zip(segments(track), breaks[track.id], strict=True):
                events += self._jumps(track, seg, seg_breaks, sigma_p, sigma_v)
                events += self._gravity(track, seg)
                events += self._bounces(track, seg)
            events += self._through_floor(track)
        events += self._through_objects(tracks)
        self._thresholds: dict[str, float] = {}
        events += self._flow_spikes()
        events = _dedupe(_explained(sorted(events, key=lambda e: (e.frame, -e.severity))))
        verdict = "fail" if events else "pass"
        return CheckResult(
            self.name, verdict, score_from_events(events), events, thresholds=self._thresholds
        )

    def _unreliable(self, p: Point, tid: int) -> bool:
        """Could something other than free motion move this sighting's centroid?

        Touching another object can push it, and a part cut by the frame edge or merged
        with another has a misleading centroid. Scenery (a colorless wall or box bigger
        than the object) pushes nothing: touching it only matters once it hides part of
        the object, which shows as a smaller area.
        """
        if p.at_edge or p.merged:
            return True
        usual = self._usual.get(tid, p.det.area)
        if any(self._scenery.get(o, 0.0) <= usual for o in p.near):
            return True
        if not p.near:
            return False
        if p.det.area < WHOLE * usual:
            return True
        # Something gone behind the same scenery at about its height may hit it there.
        # (Behind a wall only its height is known: where it was last seen, or predicted.)
        reach = CONTACT_MARGIN + HIDDEN_REACH
        return any(
            set(p.near) & near
            and min(abs(y - p.y) for y in heights) <= 0.6 * (p.det.size + size) + reach
            and float(np.linalg.norm(lab - p.det.lab)) >= SAME_COLOR  # not its own piece
            for near, heights, size, lab in self._hidden.get(p.frame, [])
        )

    def _quiet(self, seg: list[Point], lo: int, hi: int, tid: int) -> bool:
        """No contact, edge, merge or occlusion-driven area change among seg[lo:hi]."""
        pts = seg[max(0, lo) : hi]
        if any(self._unreliable(p, tid) for p in pts):
            return False
        areas = [p.det.area for p in pts]
        return max(areas) / max(1.0, min(areas)) < 1.35

    def _mostly_reliable(self, track: Track) -> bool:
        seen = track.seen
        return sum(self._reliable.get(p.frame, False) for p in seen) >= 0.8 * len(seen)

    # -- teleports and speed jumps -----------------------------------------------------------

    def _breaks(self, seg: list[Point]) -> list[tuple[int, float, float, float]]:
        """(k, position gap, velocity gap, speed, floor contact) per boundary seg[k-1] | seg[k]."""
        xy = np.array([(p.x, p.y) for p in seg])
        frames = np.array([p.frame for p in seg], dtype=float)
        d2 = xy[2:] - 2 * xy[1:-1] + xy[:-2]  # d2[i] centred on seg[i + 1]
        bounces = bounce_points(xy)
        flight_top = xy[:, 1].max() - max(4.0, 0.5 * float(np.median([p.det.size for p in seg])))
        # Gravity is the same all along a track: where a boundary's own arc is too short to
        # measure it (at 8 fps a hop of four sightings between bounces has two second
        # differences), the segment's flight stands in: second differences away from bounces
        # and above the lowest level, where a settled object's zeros would water gravity down.
        # Five or more, so that the trimmed mean drops a kink (a speed jump in flight).
        in_flight = [
            i
            for i in range(len(d2))
            if not bounces & {i, i + 1, i + 2} and xy[i + 1, 1] <= flight_top
        ]
        seg_accel = trimmed_mean(d2[in_flight]) if len(in_flight) >= 5 else np.zeros(2)
        out = []
        for k in range(2, len(seg) - 1):
            if any(k - 1 <= j <= k for j in bounces):
                continue  # the ground changed the motion here
            # Each side's fit stops short of a bounce's lowest points.
            lo = max([k - SIDE, 0] + [j + 1 for j in bounces if j < k])
            hi = min([k + SIDE, len(seg)] + [j for j in bounces if j > k])
            if k - lo < 2 or hi - k < 2:
                continue
            t0 = frames[k] - 0.5
            # The steady acceleration here (gravity in flight, zero at rest), from a wide
            # stretch of the arc between bounces: rendered edges snap to whole pixels, so
            # second differences over short windows alternate in sign.
            arc_lo = max([k - ACCEL_SPAN, 0] + [j + 1 for j in bounces if j < k])
            arc_hi = min([k + ACCEL_SPAN, len(seg)] + [j for j in bounces if j > k])
            # (Second differences reaching back to a bounce's lowest sighting straddle the
            # bounce, so they start one later there.)
            start = arc_lo if arc_lo - 1 in bounces else max(0, arc_lo - 1)
            local = d2[start : max(start, arc_hi - 2)]
            accel = trimmed_mean(local) if len(local) >= 3 else seg_accel.copy()
            accel[np.abs(accel) < ACCEL_NOISE] = 0.0
            pb, vb = side_fit(xy[lo:k], frames[lo:k], accel, t0)
            pa, va = side_fit(xy[k:hi], frames[k:hi], accel, t0)
            speed = float(max(np.hypot(*vb), np.hypot(*va)))
            dv = va - vb
            # Falling onto the ground, or hopping on it: vertical changes near the lowest level.
            low = xy[:, 1].max() - max(4.0, 0.5 * seg[k].det.size)
            grounded = abs(dv[1]) > abs(dv[0]) and xy[k, 1] > low
            # Sliding along its lowest level and slowing down: friction on the ground.
            sliding = (
                xy[k, 1] > low
                and max(abs(vb[1]), abs(va[1])) < LEVEL
                and np.hypot(*va) < np.hypot(*vb)
            )
            contact = floor_contact(vb, va) or grounded or sliding
            gap_p, gap_v = float(np.hypot(*(pa - pb))), float(np.hypot(*dv))
            out.append((k, gap_p, gap_v, speed, contact))
        return out

    def _jumps(self, track, seg, seg_breaks, sigma_p, sigma_v) -> list[Event]:
        size = float(np.median([p.det.size for p in seg]))
        bar_p = max(TELEPORT_FLOOR, 0.6 * size, 8.0 * sigma_p) * self.k
        events = []
        for k, dp, dv, speed, contact in seg_breaks:
            # Touching another object can change a velocity, never a position: contact
            # excuses speed jumps only.
            if any(p.at_edge or p.merged for p in seg[max(0, k - 1) : k + 1]):
                continue
            quiet = self._quiet(seg, k - 2, k + 2, track.id)
            bar_v = max(SPEED_FLOOR, 8.0 * sigma_v, 0.45 * speed) * self.k
            # The largest gap among boundaries whose fits share sightings dates the change.
            near = [b for b in seg_breaks if abs(b[0] - k) < SIDE]
            p = seg[k]
            same_look = 0.7 < seg[k].det.area / max(1.0, seg[k - 1].det.area) < 1.4
            if dp > bar_p and dp >= max(b[1] for b in near) and same_look:
                events.append(self._event("teleport", p, track, dp / bar_p - 0.5,
                                          f"jumped {dp * self.scale:.0f} px off its path"))  # fmt: skip
            elif (
                quiet
                and max(b[1] for b in near) <= bar_p  # a jump nearby bends these fits too
                and dv > bar_v
                and dv >= max(b[2] for b in near)
                and not contact
                and not self._collided(track.id, seg, k)
            ):
                events.append(self._event("speed_jump", p, track, dv / bar_v - 0.5,
                                          f"changed speed by {dv * self.scale:.1f} px/frame with no contact"))  # fmt: skip
        return events

    def _collided(self, tid: int, seg: list[Point], k: int) -> bool:
        """Could another object have hit this one around the boundary seg[k-1] | seg[k]?

        Collisions happen between frames, so two objects may never be seen touching: this
        object's box is swept along its motion relative to the other over each frame step
        near the boundary, and any other part the swept box reaches may have hit it.
        (Sweeping by the relative motion, not by both speeds added, keeps two objects
        gliding side by side from excusing each other's changes.)
        """
        for i in range(max(1, k - 1), min(len(seg), k + 2)):
            a0, a1 = seg[i - 1], seg[i]
            if a1.frame != a0.frame + 1:
                continue
            before = self._by_frame.get(a0.frame, {})
            after = self._by_frame.get(a1.frame, {})
            usual = self._usual.get(tid, a0.det.area)
            for oid in set(before) | set(after):
                if oid == tid or self._scenery.get(oid, 0.0) > usual:
                    continue  # scenery is passed behind, never hit
                q0, q1 = before.get(oid), after.get(oid)
                ref = q0 or q1
                margin = CONTACT_MARGIN + 0.3 * min(a0.det.size, ref.det.size)
                if q0 is None or q1 is None:
                    # Seen on one side only: allow for this object's own step.
                    a = a0 if q0 is not None else a1
                    step = math.hypot(a1.x - a0.x, a1.y - a0.y)
                    if box_gap(a.det.bbox, ref.det.bbox) <= margin + step:
                        return True
                    continue
                rx = (a1.x - a0.x) - (q1.x - q0.x)
                ry = (a1.y - a0.y) - (q1.y - q0.y)
                if box_gap(swept_box(a0.det.bbox, rx, ry), q0.det.bbox) <= margin:
                    return True
        return False

    # -- gravity and bounces -----------------------------------------------------------------

    def _gravity(self, track, seg) -> list[Event]:
        ys = np.array([p.y for p in seg])
        if len(ys) < SUSTAINED + 2:
            return []
        d2 = ys[2:] - 2 * ys[1:-1] + ys[:-2]  # d2[i] centred on seg[i + 1]
        bar = max(GRAVITY_FLOOR, 0.4 * max(0.0, float(np.median(d2)))) * self.k
        run = 0
        for i in range(len(d2)):
            quiet = self._quiet(seg, i, i + 3, track.id) and not floor_contact_at(ys, i + 1)
            run = run + 1 if (d2[i] < -bar and quiet) else 0
            if run == SUSTAINED:
                start = i - SUSTAINED + 1
                strength = float(-np.median(d2[start : i + 1]))
                # Frames at a bounce are skipped (the ground kinks the motion there), so a
                # reversal that starts just before a bounce shows first after it: date it
                # back across the bounce's frames while the motion there bends upward too.
                first = start + 1
                while (
                    first > start - 2
                    and first > 1
                    and floor_contact_at(ys, first - 1)
                    and d2[first - 2] < 0
                ):
                    first -= 1
                return [self._event("gravity_reversal", seg[first], track, strength / bar - 0.5,
                                    f"accelerates upward in free flight "
                                    f"({strength * self.scale:.2f} px/frame^2)")]  # fmt: skip
        return []

    def _bounces(self, track, seg) -> list[Event]:
        xy = np.array([(p.x, p.y) for p in seg])
        ys = xy[:, 1]
        if len(ys) < 6:
            return []
        d2 = ys[2:] - 2 * ys[1:-1] + ys[:-2]
        g = float(np.median(d2))
        if g < GRAVITY_FLOOR:
            return []
        points = bounce_points(xy)
        bounces = sorted(j for j in points if j - 1 not in points)
        edges = [0] + [b + 1 for b in bounces] + [len(seg)]
        events = []
        for n, b in enumerate(bounces):
            # Interior sightings of the fall and of the rise, where nothing hides part of it.
            before = [
                i for i in range(max(1, edges[n] + 1), b) if not self._unreliable(seg[i], track.id)
            ]
            after = [
                i for i in range(b + 2, edges[n + 2] - 1) if not self._unreliable(seg[i], track.id)
            ]
            if len(before) < 2 or len(after) < 2 or not self._quiet(seg, b, b + 2, track.id):
                continue
            floor_y = float(ys[b : b + 2].max())

            def height(i: int, floor_y: float = floor_y) -> float:
                # How high the motion reaches: potential plus kinetic energy, in pixels.
                vc = (ys[i + 1] - ys[i - 1]) / 2.0
                return (floor_y - ys[i]) + vc * vc / (2 * g)

            h_before = float(np.median([height(i) for i in before]))
            h_after = float(np.median([height(i) for i in after]))
            if h_after > (1.1 * h_before + 2.0) * self.k:
                events.append(self._event("energy_gain", seg[b + 1], track, h_after / max(1.0, h_before) - 1,
                                          f"bounced higher than it fell ({h_after * self.scale:.0f} px vs "
                                          f"{h_before * self.scale:.0f} px)"))  # fmt: skip
        return events

    # -- floor and other objects ---------------------------------------------------------------

    def _through_floor(self, track: Track) -> list[Event]:
        if len(self._floor) < 3:
            return []
        floor_y = float(np.median(self._floor))
        # Touching the floor's cut pieces is expected here, but a part cut by the frame edge
        # has a misleading top.
        seen = [p for p in track.seen if not p.at_edge]
        heights = [p.det.bbox[3] for p in seen if not touching_anything(p)][:5]
        if len(heights) < 3:
            return []
        height = float(np.median(heights))
        for prev, p in zip(seen, seen[1:], strict=False):
            # The floor line cuts a sinking object in two: a touching part of its own color
            # is its other piece, and the object's top is the higher of the two.
            pieces = self._pieces(p)
            if any(o not in pieces and not self._under_floor(p.frame, o, floor_y) for o in p.near):
                continue  # half hidden behind something: its top says nothing
            boxes = [p.det.bbox] + [self._by_frame[p.frame][o].det.bbox for o in pieces]
            if max(b[1] + b[3] for b in boxes) <= floor_y + BELOW:
                continue  # nothing shows below the line: shrinking on the floor, not sinking
            top = min(b[1] for b in boxes)
            sunk = top - (floor_y - height)
            if sunk > max(2.0, SINK * height) * self.k and p.det.bbox[1] > prev.det.bbox[1]:
                return [self._event("through_floor", p, track, sunk / height + 0.3,
                                    f"sank {sunk * self.scale:.0f} px into the floor")]  # fmt: skip
        return []

    def _pieces(self, p: Point) -> list[int]:
        """Touching parts of the same color as `p` (objects in a scene differ in color)."""
        here = self._by_frame.get(p.frame, {})
        return [
            o
            for o in p.near
            if o in here and float(np.linalg.norm(here[o].det.lab - p.det.lab)) < SAME_COLOR
        ]

    def _under_floor(self, frame: int, tid: int, floor_y: float) -> bool:
        """Is that part a piece below the floor line (cut off a sinking object)?"""
        q = self._by_frame.get(frame, {}).get(tid)
        return q is not None and q.det.bbox[1] >= floor_y - 3

    def _colorless(self, tid: int) -> bool:
        """Walls and boxes are white, gray or black; objects have a hue."""
        pts = [p for p in self._tracks[tid].points if p.det is not None]
        chroma = float(np.median([np.hypot(p.det.lab[1], p.det.lab[2]) for p in pts]))
        return chroma < OCCLUDER_CHROMA

    def _occluder(self, tid: int) -> bool:
        """Scenery in front of objects: never moves in the scene, or is a colorless slab
        (walls and boxes are white, gray or black; objects have a hue)."""
        pts = [p for p in self._tracks[tid].points if p.det is not None]
        xs, ys = [p.x for p in pts], [p.y for p in pts]
        if max(xs) - min(xs) < 4 and max(ys) - min(ys) < 4:
            return True
        return self._colorless(tid)

    def _through_objects(self, tracks: list[Track]) -> list[Event]:
        """An object sliding behind another of its own size instead of bouncing off it.

        Objects collide in the world, so one object losing its area to another it touches
        (rather than to an occluder far bigger than both) is passing through it. The event
        is dated where the two first touched.
        """
        ref = {}
        for t in tracks:
            areas = [p.det.area for p in t.seen if not touching_anything(p)][:5]
            if len(areas) >= 3:
                ref[t.id] = float(np.median(areas))
        events, pairs = [], set()
        for t in tracks:
            if t.id not in ref:
                continue
            for i, p in enumerate(t.points):
                if p.det is None or p.at_edge or p.det.area > 0.8 * ref[t.id]:
                    continue  # (the frame edge cuts parts too)
                # Not an occluder: those are static and bigger than what passes behind them.
                others = [
                    o
                    for o in p.near
                    if o in ref
                    and 0.2 < ref[o] / ref[t.id] < 5.0
                    and not (self._occluder(o) and ref[o] > ref[t.id])
                ]
                occluders = [
                    o for o in p.near if o in ref and self._occluder(o) and ref[o] > ref[t.id]
                ]
                if not others or occluders:
                    continue  # nothing to pass through, or the area went behind an occluder
                other = others[0]
                if other in pairs or t.id in pairs:
                    break  # the same crossing, seen again as the hidden object re-emerges
                # The area must go while they touch: an object that had already shrunk
                # (a morph, a size change) before meeting the other lost nothing to it.
                j = i
                while j > 0 and other in t.points[j - 1].near:
                    j -= 1
                before = [q for q in t.points[:j] if q.det is not None][-1:]
                if before and p.det.area > 0.8 * before[0].det.area:
                    continue
                pairs.update((t.id, other))
                start = i
                # Dated where the two really meet (the contact band starts a few pixels
                # before the boxes touch, which is a frame or two early).
                while start > 0 and self._touching(t.points[start - 1], other):
                    start -= 1
                first = t.points[start]
                event = self._event("through_object", first, t, 1 - p.det.area / ref[t.id],
                                    f"passed through object {other}")  # fmt: skip
                event.end_frame = p.frame  # where its area was gone
                events.append(event)
                break
        return events

    def _touching(self, p: Point, other: int) -> bool:
        """Do sighting p's box and the other track's box at that frame touch or overlap?"""
        q = self._by_frame.get(p.frame, {}).get(other)
        if p.det is None or q is None or other not in p.near:
            return False
        return box_gap(p.det.bbox, q.det.bbox) <= TOUCH

    # -- content without objects -------------------------------------------------------------

    def _flow_spikes(self) -> list[Event]:
        values = [w for _, _, w, _ in self._warp if math.isfinite(w)]
        if len(values) < 8:
            return []
        # Handheld footage reaches 6x its usual error in a fast swing (cockatoo.mp4); a cut
        # or a morph goes far beyond.
        bar = robust_threshold(values, 10.0 * self.k, floor=12.0)
        bar = max(bar, SPIKE_RATIO * self.k * float(np.median(values)))
        self._thresholds["warp_error"] = float(bar)
        events = []
        for index, time, w, reliable in self._warp:
            if math.isfinite(w) and w > bar and not reliable and index not in self._cuts:
                events.append(Event(self.name, "flow_spike", index, index, time, None,
                                    min(1.0, w / bar - 0.5), None,
                                    f"content changed beyond what motion explains "
                                    f"(warp error {w:.1f})"))  # fmt: skip
        return events

    def _event(self, kind, p: Point, track: Track, severity: float, detail: str) -> Event:
        det = p.det
        return Event(self.name, kind, p.frame, p.frame, p.time, track.id,
                     float(min(1.0, max(0.1, severity))), self.box(det.bbox if det else None),
                     f"object {track.id} {detail}")  # fmt: skip


def _explained(events: list[Event]) -> list[Event]:
    """Drop what a later gravity reversal of the same object explains.

    Reversed gravity lifts the rise after a bounce (read as the bounce gaining energy) and
    bends the fits of the boundaries around it (read as a speed jump): one cause, reported
    once, where it starts.
    """
    reversals = [(e.object, e.frame) for e in events if e.kind == "gravity_reversal"]

    def explained(e: Event) -> bool:
        for o, f in reversals:
            if o != e.object:
                continue
            if e.kind == "energy_gain" and 0 < f - e.frame <= REVERSAL_REACH:
                return True
            if e.kind == "speed_jump" and 0 < abs(f - e.frame) <= REVERSAL_REACH:
                return True  # the fits straddling the change of acceleration, either side
        return False

    return [e for e in events if not explained(e)]


def _dedupe(events: list[Event]) -> list[Event]:
    """One event per object within 2 frames (a teleport also reads as accelerations), and one
    per object and kind (a ball that gains energy at one bounce gains it at every bounce)."""
    out: list[Event] = []
    for e in events:
        if e.object is not None and any(
            o.object == e.object and (abs(o.frame - e.frame) <= 2 or o.kind == e.kind) for o in out
        ):
            continue
        out.append(e)
    return out
