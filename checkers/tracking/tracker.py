"""The Tracker: builds object tracks frame by frame.

Each frame: segment foreground parts (checkers/segment.py), estimate the camera's global
shift, predict every live track (constant acceleration, in scene coordinates so a pan does
not read as motion), assign parts to tracks (Hungarian on position + color cost), then
reason about what was left over:

- a track with no part is *missing*; the point records whether it could be hidden (near
  the frame edge, or overlapping another part that may be in front of it): missing.py;
- a far-away part that looks like a just-lost track is the same object *jumping* (looks.py
  says how alike two parts look);
- a new part next to a same-colored track that shrank is a *split* from it: splits.py;
- any other new part is a new track, noting whether it came in at an edge or from behind
  another part.
"""

from __future__ import annotations

import numpy as np

from checkers.flow import FlowMeter
from checkers.perception.background import MotionBackground, background_model_enabled
from checkers.perception.clean_plate import clean_plate
from checkers.perception.seen_before import seen_before
from checkers.segment import Detection, Segmentation, segment
from checkers.tracking.assignment import assign
from checkers.tracking.backdrop import plain_path, plain_reliable
from checkers.tracking.boxes import CONTACT_MARGIN, box_gap
from checkers.tracking.confidence import START_SECONDS
from checkers.tracking.looks import appearance_cost
from checkers.tracking.missing import MAX_GAP, ONCE_GAP, missing_point
from checkers.tracking.observation import FrameObservation
from checkers.tracking.occlusion import GROW_SECONDS, GROWN, mark_partial
from checkers.tracking.splits import beside_same_color, split_parent
from checkers.tracking.tracks import Point, Track
from checkers.units import Units
from checkers.video import Frame

# Units (checkers/units.py): seconds and short sides per second, converted per clip; each
# converts back to the value it replaced at 180 px and 16 fps (24 px).
UNMATCHED = 1e6
FIRST_STEP = 32 / 15  # short sides/s (2.133) an object may go between its first two frames
EMERGE_SECONDS = 1.0  # a ghost found this long after a track's birth still explains it


class Tracker:
    def __init__(self, width: int, height: int, fps: float = 16.0, background: bool | None = None):
        self.width, self.height = width, height
        # The motion-compensated background model (perception/background.py) segments clips
        # whose first frame is not plain backdrop; `None` reads VIDGEN_BGMODEL (the runner
        # passes `--perception`).
        self._use_background = background_model_enabled() if background is None else background
        self._fps = fps
        self._background: MotionBackground | None = None
        self._mode: str | None = None  # "plain" or "motion", chosen on the first frame
        self.tracks: dict[int, Track] = {}
        self._next_id = 0
        self._shift = np.zeros(2)
        # Motion mode: this frame's pixels -> the first frame's (the scene's coordinates),
        # from the camera fit the background model was carried by.
        self._to_scene = np.eye(3)
        self._to_image: np.ndarray | None = None  # its inverse, made once a frame when asked
        self._scene_of: dict[int, tuple[float, float]] = {}  # id(det) -> _scene(det), this frame
        self._units = Units.of(min(width, height), fps)
        self._flow = FlowMeter()
        self._hiding: list[tuple[int, int]] = []  # (missing track, covering detection) this frame
        self._residue: np.ndarray | None = None  # this frame's raw foreground (motion mode)
        self._before: np.ndarray | None = None  # the previous analysis frame (motion mode)
        self._camera: np.ndarray | None = None  # the camera's motion since then (3x3)
        self._hidden_preds: dict[int, tuple[float, float]] = {}  # this frame's, by track id

    def update(self, frame: Frame) -> FrameObservation:
        seg, reliable = self._segment(frame)
        self._scene_of = {}  # this frame's parts (the ids of the last frame's may recur)
        self._residue = seg.residue
        # The model's camera fit carries the scene frame on its path: the flow's shift is
        # read on the plain path alone (a sixth of the flow meter's time).
        flow = self._flow.update(frame.image, seg.background_mask, self._mode != "motion")
        dets = seg.detections
        if self._mode == "motion":
            cx, cy = self.width / 2.0, self.height / 2.0
            self._shift = np.array(self._to_image_scene(cx, cy)) - (cx, cy)
        else:
            self._shift += flow.camera_shift
        live = [t for t in self.tracks.values() if t.alive]
        # A track lost while partly hidden was last seen as a sliver whose centroid is off
        # the object's centre: match it where its clean sightings say it is now.
        # Both predictions of each track at once: a lost track's point is placed with the
        # hidden one (missing.py), whichever the matching used.
        both = {t.id: t.predictions(frame.index) for t in live}
        preds = {
            t.id: both[t.id][0 if t.missing > 0 and bool(t.last_seen().near) else 1] for t in live
        }
        self._hidden_preds = {k: v[0] for k, v in both.items()}
        assigned = self._assign(frame, dets, live, preds)
        self._leftovers(frame, dets, live, preds, assigned)
        self._mark_contacts(frame.index, dets, assigned)
        if self._mode == "motion":
            self._before = frame.image
        return FrameObservation(
            frame.index,
            frame.time,
            dets,
            assigned,
            self.tracks,
            (float(self._shift[0]), float(self._shift[1])),
            seg.foreground_fraction,
            reliable,
            flow.warp_error,
            flow.similarity_first,
            flow.similarity_prev,
            seg.floor_y,
            zoom=self._zoom(),
        )

    def _zoom(self) -> float:
        """The camera's change of scale over this frame's step (FrameObservation.zoom)."""
        if self._mode != "motion" or self._camera is None:
            return 1.0
        return float(np.sqrt(abs(np.linalg.det(self._camera[:2, :2]))))

    def _segment(self, frame: Frame) -> tuple[Segmentation, bool]:
        """The frame's parts, and whether object-level reasoning applies to them.

        The path is chosen once, on the first frame, so a clip is never segmented two ways:
        a plain backdrop keeps the plain segmentation (the shapes world is unchanged);
        anything else goes to the background model when it is enabled.
        """
        if self._mode == "motion":
            step = self._background.update(frame.image)
            if step.camera is not None:
                # Carry the scene frame along with the fitted camera (shift, zoom, roll),
                # not the median flow: a zoom moves every part away from the centre.
                self._to_scene = self._to_scene @ np.linalg.inv(step.camera)
                self._to_image = None
            self._mark_emerged(frame.index, step.ghosts)
            self._camera = step.camera
            return step.segmentation, step.reliable
        seg = segment(frame.image)
        reliable = plain_reliable(seg)
        if self._mode is None:
            self._choose_mode(seg, reliable)
            if self._mode == "motion":
                return self._segment(frame)
        return seg, reliable

    def freeze(self) -> None:
        """The clip's last frame is tracked: every track is complete (tracks.Track.freeze)."""
        for track in self.tracks.values():
            track.freeze()

    @property
    def segmented_by(self) -> str | None:
        """What segmented the clip, for the report: "background model" or "plain backdrop"
        (None before the first frame)."""
        return {"motion": "background model", "plain": "plain backdrop"}.get(self._mode)

    @property
    def background(self) -> MotionBackground | None:
        """The background model that segments the clip (None on the plain path, or before
        the path is chosen)."""
        return self._background if self._mode == "motion" else None

    @property
    def looks_ahead(self) -> bool:
        """Whether `prime` may use the clip's leading frames (the background model is on)."""
        return self._use_background and self._mode is None

    def choose_path(self, image: np.ndarray) -> bool:
        """Choose the clip's path from its first analysis frame (once, before any `update`);
        whether the background model takes the clip (the plain path's clips need no look
        ahead)."""
        if self._mode is None:
            seg = segment(image)
            self._choose_mode(seg, plain_reliable(seg))
        return self._mode == "motion"

    def prime(self, images: list[np.ndarray]) -> None:
        """Look at the clip's leading analysis frames (uint8 RGB, in order) before the first
        `update`: on a clip the background model segments, it then starts from the first
        frame's backdrop without the objects that move away (perception/clean_plate.py)."""
        if not images or not self._use_background or self.tracks:
            return
        if self.choose_path(images[0]) and self._background.age == 0:
            steps = self._background.leading_steps(images)
            plate = clean_plate(images, steps)
            if plate is not None:
                self._background.start_from(plate, steps)

    def _choose_mode(self, seg: Segmentation, reliable: bool) -> None:
        """The path for the whole clip, from its first frame's plain segmentation."""
        plain = reliable and plain_path(seg)
        self._mode = "plain" if plain or not self._use_background else "motion"
        if self._mode == "motion":
            self._background = MotionBackground(self._fps, self.width, self.height)

    def _mark_emerged(self, index: int, ghosts) -> None:
        """Tracks born lately beside a ghost came out of the model's picture: an object the
        model held as backdrop (there since the shot began) that has started to move. The
        ghost is found once the object has cleared its old place, a few frames after birth."""
        if not ghosts:
            return
        recent = index - max(2, round(EMERGE_SECONDS * self._fps))
        for track in self.tracks.values():
            first = track.points[0]
            if first.frame < recent or first.det is None:
                continue
            if any(box_gap(first.det.bbox, g) <= CONTACT_MARGIN for g in ghosts):
                _emerged(first, "ghost")

    # -- assignment ------------------------------------------------------------------------

    def _scene(self, det: Detection) -> tuple[float, float]:
        # Once a part and frame: the assignment asks it of every part for every live track.
        # The camera's shift changes only at the start of `update`, before any part is asked.
        key = id(det)
        if key not in self._scene_of:
            if self._mode == "motion":
                self._scene_of[key] = self._to_image_scene(det.cx, det.cy)
            else:
                self._scene_of[key] = det.cx + self._shift[0], det.cy + self._shift[1]
        return self._scene_of[key]

    def _to_image_scene(self, x: float, y: float, inverse: bool = False) -> tuple[float, float]:
        """Image -> scene coordinates under the fitted camera (scene -> image with `inverse`)."""
        if inverse:
            # The same inverse for every missing track of a frame: made once, when first asked.
            if self._to_image is None:
                self._to_image = np.linalg.inv(self._to_scene)
            m = self._to_image
        else:
            m = self._to_scene
        px, py, pw = m @ (x, y, 1.0)
        return float(px / pw), float(py / pw)

    def _image(self, x: float, y: float) -> tuple[float, float]:
        if self._mode == "motion":
            return self._to_image_scene(x, y, inverse=True)
        return x - self._shift[0], y - self._shift[1]

    def _assign(self, frame, dets, live, preds) -> dict[int, int]:
        assigned: dict[int, int] = {}
        if not live or not dets:
            return assigned
        cost = np.full((len(live), len(dets)), UNMATCHED)
        for i, track in enumerate(live):
            last = track.last_seen()
            px, py = preds[track.id]
            step = frame.index - last.frame
            speed = np.hypot(*_velocity(track))
            gate = max(4.0, 0.9 * last.det.size + 1.6 * speed) * (1 + 0.25 * (step - 1))
            if len(track.points) == 1:
                # No velocity yet: a thrown object can be anywhere near.
                gate += self._units.speed(FIRST_STEP)
            for j, det in enumerate(dets):
                sx, sy = self._scene(det)
                d = np.hypot(sx - px, sy - py)
                if d > gate:
                    continue
                color = float(np.linalg.norm(det.lab - last.det.lab))
                ratio = det.area / max(1.0, last.det.area)
                if color > 40 or not 0.2 < ratio < 5:
                    continue
                cost[i, j] = d / gate + color / 20.0 + abs(np.log(ratio))
        for i, j in assign(cost, UNMATCHED):
            self._add(live[i], frame, dets[j], "motion")
            assigned[j] = live[i].id
        return assigned

    def _leftovers(self, frame, dets, live, preds, assigned) -> None:
        lost = [t for t in live if t.id not in assigned.values()]
        free = [j for j in range(len(dets)) if j not in assigned]
        # A part far away that looks just like a track lost this very frame: a jump.
        for track in [t for t in lost if t.missing == 0 and len(t.seen) >= 3]:
            ref = track.last_seen().det
            best, best_cost = None, 1.0
            for j in free:
                cost = appearance_cost(ref, dets[j])
                if cost < best_cost:
                    best, best_cost = j, cost
            if best is not None and not dets[best].at_edge:
                self._add(track, frame, dets[best], "jump")
                assigned[best] = track.id
                free.remove(best)
                lost.remove(track)
        # A part that looks just like a track lost earlier (behind something, or gone for
        # a while) is that object back, wherever its motion said it would be: a long gap
        # makes the prediction unreliable, not the object's look.
        for track in [t for t in lost if t.missing > 0 and len(t.seen) >= 3]:
            recent = track.recent()
            clear = [p for p in recent if not p.near and not p.at_edge]
            ref = (clear or recent)[-1].det
            best, best_cost = None, 1.0
            for j in free:
                cost = appearance_cost(ref, dets[j])
                if cost < best_cost and not beside_same_color(dets[j], dets, assigned):
                    best, best_cost = j, cost
            if best is not None:
                self._add(track, frame, dets[best], "jump")
                assigned[best] = track.id
                free.remove(best)
                lost.remove(track)
        for track in lost:
            self._add_missing(track, frame, dets)
        for j in free:
            det = dets[j]
            split = split_parent(det, dets, assigned, self.tracks)
            track = self._new_track(split[0] if split else None)
            self._add(track, frame, det, "split" if split else "new")
            track.origin = split[1] if split else frame.index
            assigned[j] = track.id

    def _new_track(self, parent: int | None) -> Track:
        track = Track(self._next_id, parent=parent, units=self._units)
        self.tracks[track.id] = track
        self._next_id += 1
        return track

    def _add(self, track: Track, frame: Frame, det: Detection, how: str) -> None:
        x, y = self._scene(det)
        track.points.append(Point(frame.index, frame.time, x, y, det, how, det.at_edge))
        track.missing = 0
        first = track.points[0]
        if len(track.points) == 1 and self._young():
            # Born while the model still holds the first frame (or the first after a cut)
            # wherever something stood: it came out of that picture, not out of nowhere.
            _emerged(first, "young")
            first.model_start = frame.index - self._background.age + 1
        if (
            how == "new"
            and det.source == "motion"
            and self._before is not None
            and seen_before(frame.image, self._before, det.bbox, self._units, self._camera)
        ):
            # In view the frame before, a little off where it is cut: an object the model
            # learnt while it stood still has started to move in place (seen_before.py).
            _emerged(first, "seen_before")
        if (
            det.source == "motion"
            and first.det is not None
            and frame.time - first.time <= GROW_SECONDS
            and first.det.area < GROWN * det.area
        ):
            _emerged(first, "grew")  # grew out from behind scenery, or out of its first place
            mark_partial(track.seen, det.area)

    def _add_missing(self, track: Track, frame: Frame, dets) -> None:
        size = (self.width, self.height)
        point, in_front = missing_point(
            track, frame, dets, self._image, size, self._units, self._residue,
            self._hidden_preds.get(track.id),
        )  # fmt: skip
        self._hiding += [(track.id, j) for j in in_front]
        track.points.append(point)
        track.missing += 1
        # A part seen once has no motion to predict it by, and the gate that waits for it
        # widens with every frame: kept long, it takes whatever part is born near its one
        # place (fresh4711 clip 164: four slivers of one unreliable frame took turns at the
        # copy an object split off 1.25 s later, so no track held the copy twice).
        gap = MAX_GAP if len(track.seen) > 1 else ONCE_GAP
        if track.missing > self._units.frames(gap):
            track.alive = False

    def _young(self) -> bool:
        """The background model has not yet seen behind what its first frame showed (a
        model started from a clean plate has)."""
        model = self._background if self._mode == "motion" else None
        return model is not None and not model.primed and model.age <= START_SECONDS * self._fps

    def _mark_contacts(self, index, dets, assigned) -> None:
        """Record which tracks touch each other this frame (contact excuses checks), and
        which parts cover a missing track."""
        for hidden, j in self._hiding:
            if j in assigned:
                self.tracks[assigned[j]].points[-1].hides.append(hidden)
        self._hiding = []
        items = list(assigned.items())
        for a in range(len(items)):
            ja, ta = items[a]
            for b in range(a + 1, len(items)):
                jb, tb = items[b]
                margin = CONTACT_MARGIN + 0.3 * min(dets[ja].size, dets[jb].size)
                if box_gap(dets[ja].bbox, dets[jb].bbox) <= margin:
                    self.tracks[ta].points[-1].near.append(tb)
                    self.tracks[tb].points[-1].near.append(ta)


def _emerged(first: Point, why: str) -> None:
    """Mark a track's first sighting emerged, noting why (once per reason)."""
    first.emerged = True
    if why not in first.emerged_why:
        first.emerged_why += (why,)


def _velocity(track: Track) -> tuple[float, float]:
    seen = [p for p in track.points[-6:] if p.det is not None][-2:]
    if len(seen) < 2:
        return 0.0, 0.0
    step = max(1, seen[1].frame - seen[0].frame)
    return (seen[1].x - seen[0].x) / step, (seen[1].y - seen[0].y) / step
