"""Face tracks: who each face is, sampled a few times a second, for identity drift.

dlib's frontal detector looks for faces on sampled frames (SAMPLES_PER_S; its ResNet costs
about 0.1 s a face on this project's CPU, so not every frame). Association is two-pass, as in
ByteTrack: clear detections (score >= 0) extend or start tracks, weak ones (turned or half-lit
faces, score >= WEAK_SCORE) only extend a live track. A face belongs to the track whose last
box it overlaps or whose centre is near (a face swapped in place has a box of another shape).

A new track is looked at more often (YOUNG_SAMPLES_PER_S, the face found nearest its box)
until it has its reference looks, so a face is judged from its first half second on, not
after REFERENCE_LOOKS slow samples. A track's identity is read against those looks,
calibrated on their spread (checkers.features.Calibration), never against an absolute
cut-off alone.

Dating: when a sampled face starts to read as someone else, the frames since its last look
(kept in a short buffer) are embedded at its box, and the face's aligned pixels (a small chip
on dlib's 5 landmarks, at the box the detector finds on each frame) are kept for the whole
buffer. A change counts once CONFIRM looks in a row are past the bar and one of them was a
fresh detection (a buffered look at an old box may miss a face that moved). A swap from one
frame to the next is a ramp of one step, dated to that frame; a gradual change is dated where
its aligned pixels start to move (checkers/perception/face_dating.py), or, without them,
where the identity distance's ramp, extrapolated back, leaves the calm level.

Faces smaller than MIN_FACE_PX displayed pixels are skipped: one person's own distances
reach dlib's "other person" range there (issue 17's measurement).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from checkers.perception.face_boxes import (
    box_between,
    linked,
    nearest_track,
    nudged,
    same_size,
    steady_box,
)
from checkers.perception.face_dating import (
    CHIP_PX,
    RISE_Z,
    calm_level,
    chip_onset,
    extrapolated,
    rise_onset,
)

SAMPLES_PER_S = 2.0
# While no face has been seen for LINK_GAP_S, frames are searched this often: the upsampled
# HOG detector was a quarter of a check's CPU on a clip without faces (benchmarks/
# check_stages.py), and a face that enters is still found within a second of entering.
SEARCH_SAMPLES_PER_S = 1.0
YOUNG_SAMPLES_PER_S = 8.0
MIN_FACE_PX = 80  # displayed pixels
WEAK_SCORE = -0.5  # HOG margin of a candidate that may extend a live track
# A candidate this strong starts a track when it is found again at the same place on the next
# sample: a three-quarter face or one in glasses reads -0.4 to 0 sample after sample (the face
# corpus, seed 7), and waiting for a clear look there meant the track began after the edit.
RECURRING_SCORE = -0.4
LINK_GAP_S = 1.0  # a track not seen for this long ends
BUFFER_S = 1.5  # seconds of frames kept to date a change between samples
REFERENCE_LOOKS = 3  # first sightings a track's identity is calibrated on
# Cosine distance of dlib's normalized vectors: the same person stays under about 0.02 on
# large faces, another person is 0.13-0.15 (checkers/features/faces.py). A change must pass
# this and stand out from the track's own early spread.
OTHER_PERSON = 0.07
MIN_Z = 6.0
SUSPECT_Z = 3.0  # a look this far beyond the early spread has the frames before it embedded
CONFIRM = 2  # consecutive looks past the bar


@dataclass
class FaceSighting:
    frame: int
    time: float
    box: tuple[int, int, int, int]  # analysis pixels
    vector: np.ndarray
    detected: bool = True  # False: embedded at a known box on a buffered frame


@dataclass
class FaceTrack:
    id: int
    sightings: list[FaceSighting] = field(default_factory=list)
    calibration: object | None = None  # checkers.features.Calibration, once early looks exist
    chips: dict[int, np.ndarray] = field(default_factory=dict)  # frame -> aligned face pixels

    @property
    def last(self) -> FaceSighting:
        return self.sightings[-1]


@dataclass
class IdentityChange:
    track: int
    frame: int  # where the identity began to leave
    time: float
    box: tuple[int, int, int, int]
    distance: float  # at the first look past the bar
    z: float


class FaceTracks:
    """Feed every analysis frame; faces are looked for on a few frames a second."""

    def __init__(self, embedder, fps: float, scale: float):
        self.embedder = embedder
        # Aligned face pixels to date a gradual change by; an embedder without them (a
        # test's stub) dates from the identity vectors alone.
        self._chips = getattr(embedder, "chips", None)
        self._chip_boxes: dict[int, tuple[int, int, int, int]] = {}  # track -> last chip's box
        fps = fps if fps and np.isfinite(fps) and fps > 0 else 16.0
        self.fps = fps
        self.every = max(1, int(round(fps / SAMPLES_PER_S)))
        self.search_every = max(self.every, int(round(fps / SEARCH_SAMPLES_PER_S)))
        self.young_every = max(1, int(round(fps / YOUNG_SAMPLES_PER_S)))
        self.gap = max(1, int(round(LINK_GAP_S * fps)))
        # dlib's detector finds faces of about 80 px and more; smaller analysis faces need
        # the frame doubled first (4x the cost).
        self.min_size = max(16, int(round(MIN_FACE_PX / max(scale, 1e-6))))
        self.upsample = 1 if self.min_size < 80 else 0
        self.tracks: list[FaceTrack] = []
        self._candidates: list[tuple[int, int, int, int]] = []  # last sample's unlinked faces
        self._recent: deque[tuple[int, float, np.ndarray]] = deque(
            maxlen=max(self.every, int(math.ceil(BUFFER_S * fps)))
        )
        self._sampled = -1  # the last frame sampled
        self._face_seen: int | None = None  # the last frame the detector found a face on
        self._found: dict[int, list] = {}  # frame -> the detector's faces, buffered frames only
        self._finished = False

    def update(self, index: int, time: float, rgb: np.ndarray) -> None:
        searching = self._face_seen is None or index - self._face_seen > self.gap
        if index % (self.search_every if searching else self.every) == 0:
            self._sample(index, time, rgb)
        elif index % self.young_every == 0:
            young = [t for t in self._live(index) if t.calibration is None]
            if young:
                self._look_again(young, index, time, rgb)
        self._recent.append((index, time, rgb))

    def finish(self) -> None:
        """Sample the clip's last frame when a face is still tracked there. A change under
        way when the clip ends (a morph cut off by it) otherwise has at most one look past
        the bar, or none: the last sample may come up to 1 / SAMPLES_PER_S before the end.
        Once per clip; `changes` calls it."""
        if self._finished or not self._recent:
            return
        self._finished = True
        index, time, rgb = self._recent[-1]
        if index != self._sampled and self._live(index):
            self._sample(index, time, rgb)

    def _live(self, index: int) -> list[FaceTrack]:
        return [t for t in self.tracks if index - t.last.frame <= self.gap]

    def _detect(self, index: int, rgb: np.ndarray) -> list[tuple[tuple[int, int, int, int], float]]:
        """The faces the detector finds on frame `index` (`rgb`), once a frame: dating a
        change looks again at buffered frames, some of them sampled already (about one in
        ten of the detections on gen-clips' face clips), and the detector's answer on a
        frame is the same every time."""
        if index not in self._found:
            self._found[index] = self.embedder.detect(
                rgb, min_size=self.min_size, upsample=self.upsample, threshold=WEAK_SCORE
            )
            for old in [i for i in self._found if i < index - self._recent.maxlen]:
                del self._found[old]  # out of the buffer: never asked again
        return self._found[index]

    def _sample(self, index: int, time: float, rgb: np.ndarray) -> None:
        self._sampled = index
        faces = sorted(self._detect(index, rgb), key=lambda f: -f[1])
        earlier, self._candidates = self._candidates, []
        if not faces:
            return
        self._face_seen = index
        live, taken = self._live(index), set()
        matched: list[tuple[FaceTrack, tuple[int, int, int, int]]] = []
        for box, score in faces:
            track = nearest_track(live, box, taken)
            if track is None:
                if score < RECURRING_SCORE:
                    continue  # a weak candidate never starts a track
                if score < 0.0:
                    self._candidates.append(tuple(box))
                    if not any(linked(seen, box) for seen in earlier):
                        continue  # a borderline face starts one only when found again
                track = FaceTrack(len(self.tracks))
                self.tracks.append(track)
            taken.add(track.id)
            matched.append((track, tuple(box)))
        if not matched:
            return
        vectors = self.embedder.embed(rgb, [box for _, box in matched])
        for (track, box), vector in zip(matched, vectors, strict=True):
            self._add(track, FaceSighting(index, time, box, vector), rgb)

    def _look_again(self, young: list[FaceTrack], index: int, time: float, rgb) -> None:
        """Young tracks' next reference looks: for each, the strongest face near its last box
        (one detection serves them all)."""
        faces = self._detect(index, rgb)
        for track in young:
            near = [f for f in faces if nearest_track([track], f[0], set()) is not None]
            if near:
                box = tuple(max(near, key=lambda f: f[1])[0])
                vector = self.embedder.embed(rgb, [box])[0]
                self._add(track, FaceSighting(index, time, box, vector), rgb)

    def _add(self, track: FaceTrack, sighting: FaceSighting, rgb: np.ndarray) -> None:
        if track.calibration is None and track.sightings:
            self._keep_one_framing(track, sighting, rgb)
        elif track.calibration is not None and not same_size(track.last.box, sighting.box):
            self._read_at_known_framing(track, sighting, rgb)
        if self._suspect(track, sighting.vector):
            calm = self._last_calm(track)
            if calm is not None and not same_size(calm.box, sighting.box):
                # A weak candidate may frame part of the face (nose to chin) and its
                # landmarks, hence its vector, are then another face's: read the face at
                # the calm box too and keep the nearer reading. Another person is far at both.
                self._keep_nearer_reading(track, sighting, rgb, calm.box)
            elif calm is not None and nudged(calm.box, sighting.box):
                # On a small face a box a pixel or two off moves dlib's landmarks as much:
                # the nearer of the two readings, at the box where the face is now found.
                self._keep_nearer_reading(track, sighting, rgb, calm.box, keep_box=True)
            # A rise under way is embedded frame by frame, so it can be dated; once past the
            # bar a face is sampled sparsely again.
            if self._suspect(track, sighting.vector) and not self._past(track, track.last.vector):
                self._embed_between(track, sighting, calm)
                self._keep_chips(track, sighting, rgb)
        track.sightings.append(sighting)
        if track.calibration is None and len(track.sightings) >= REFERENCE_LOOKS:
            from checkers.features import Calibration

            early = np.stack([s.vector for s in track.sightings[:REFERENCE_LOOKS]])
            track.calibration = Calibration.from_early(early, self.embedder.noise_floor)

    def _keep_one_framing(self, track: FaceTrack, sighting: FaceSighting, rgb) -> None:
        """A young track's reference looks all frame the face at one size. dlib's detector
        may box a face at two pyramid levels from one look to the next, the smaller box
        nose to chin; the landmarks in it, hence the vector, are then another face's, and
        reference looks mixing both framings spread as far as two people do (issue 17:
        einstein.jpg read 0.11 from itself, so a whole morph to another face stayed inside
        the spread). The larger box is the whole face: a larger one restarts the reference
        looks, a smaller one is read at the references' box instead."""
        reference = track.last
        if same_size(reference.box, sighting.box):
            return
        if sighting.box[2] * sighting.box[3] > reference.box[2] * reference.box[3]:
            track.sightings.clear()
        else:
            sighting.box = reference.box
            sighting.vector = self.embedder.embed(rgb, [reference.box])[0]

    def _read_at_known_framing(self, track: FaceTrack, sighting: FaceSighting, rgb) -> None:
        """A face the detector boxes at another size than its last look (another pyramid
        level) is read again at the last look's size, centred where it is found now, and
        the nearer reading is kept: a change of framing alone moves the vector (0.015 on
        einstein.jpg, twice its early spread), which would date a morph's rise early. A face
        that has become someone else reads far at both."""
        x, y, w, h = sighting.box
        lw, lh = track.last.box[2], track.last.box[3]
        box = (int(round(x + (w - lw) / 2)), int(round(y + (h - lh) / 2)), lw, lh)
        self._keep_nearer_reading(track, sighting, rgb, box)

    def _keep_nearer_reading(
        self, track: FaceTrack, sighting: FaceSighting, rgb, box, keep_box: bool = False
    ) -> None:
        """Read the face again at `box` and keep whichever reading is nearer the track's
        references (the same person may read far at a poor framing; another person reads
        far at both); with `keep_box`, the sighting keeps the box it was found at."""
        again = self.embedder.embed(rgb, [box])[0]
        both = np.stack([sighting.vector, again])
        if int(np.argmin(track.calibration.distances(both))) == 1:
            sighting.vector = again
            if not keep_box:
                sighting.box = tuple(box)

    def _suspect(self, track: FaceTrack, vector: np.ndarray) -> bool:
        if track.calibration is None:
            return False
        return bool(_reading(track.calibration, vector[None])[1][0] > SUSPECT_Z)

    def _past(self, track: FaceTrack, vector: np.ndarray) -> bool:
        if track.calibration is None:
            return False
        return bool(_past_bar(*_reading(track.calibration, vector[None]))[0])

    def _last_calm(self, track: FaceTrack) -> FaceSighting | None:
        """The track's last look within RISE_Z of its early spread."""
        _, z = _reading(track.calibration, np.stack([s.vector for s in track.sightings]))
        calm = [s for s, zs in zip(track.sightings, z, strict=True) if zs <= RISE_Z]
        return calm[-1] if calm else None

    def _embed_between(
        self, track: FaceTrack, sighting: FaceSighting, calm: FaceSighting | None
    ) -> None:
        """Embed the buffered frames since the track's last calm look `calm`, each at a box
        between the looks around it (a face embedded at a box a few pixels off reads farther
        away), or at the calm look's box when the new box is of another size (boxes between
        a whole face and a part of it frame neither).

        From the last calm look, not the last look: a blend's first looks may already read
        a little off (under SUSPECT_Z), and the frames between them are where it began."""
        since = calm.frame if calm is not None else track.last.frame
        keep_calm_box = calm is not None and not same_size(calm.box, sighting.box)
        seen = {s.frame for s in track.sightings}
        for i, t, image in self._recent:
            if since < i < sighting.frame and i not in seen:
                box = calm.box if keep_calm_box else box_between(track.sightings, sighting, i)
                vector = self.embedder.embed(image, [box])[0]
                track.sightings.append(FaceSighting(i, t, box, vector, detected=False))
        track.sightings.sort(key=lambda s: s.frame)

    def _keep_chips(self, track: FaceTrack, sighting: FaceSighting, rgb) -> None:
        """The aligned face pixels of the buffered frames not yet kept, and of this look, to
        date a gradual change by (face_dating.chip_onset). dlib's landmark fit moves by a
        few pixels when its box moves by one; the detector's boxes are steady (they lie on
        its grid of 8 px cells), so each frame's face is boxed where the detector finds it,
        at the size of the box before (another pyramid level frames the face otherwise)."""
        if self._chips is None:
            return
        kept = max(track.chips, default=track.sightings[0].frame - 1)
        box = self._chip_boxes.get(track.id)
        for i, _, image in self._recent:
            if kept < i < sighting.frame:
                guess = box or box_between(track.sightings, sighting, i)
                box = steady_box(guess, [f for f, _ in self._detect(i, image)])
                track.chips[i] = self._chips(image, [box], CHIP_PX)[0]
        box = steady_box(box or sighting.box, [sighting.box])
        track.chips[sighting.frame] = self._chips(rgb, [box], CHIP_PX)[0]
        self._chip_boxes[track.id] = box

    def changes(self, k: float = 1.0) -> list[IdentityChange]:
        """The first identity change of each face track (at most one a track), once the
        clip's last frame has been looked at (`finish`)."""
        self.finish()
        out = []
        for track in self.tracks:
            seen = track.sightings
            if track.calibration is None or len(seen) < REFERENCE_LOOKS + CONFIRM:
                continue
            calibration = track.calibration
            looks = np.stack([s.vector for s in seen])
            distances, z = _reading(calibration, looks)
            past = _past_bar(distances, z, k)
            for i in range(REFERENCE_LOOKS, len(seen) - CONFIRM + 1):
                run = range(i, i + CONFIRM)
                if past[i : i + CONFIRM].all() and any(seen[j].detected for j in run):
                    while i > REFERENCE_LOOKS and past[i - 1]:
                        i -= 1  # the confirmed run's first look past the bar
                    onset = rise_onset(distances, z, i, calibration.sigma, REFERENCE_LOOKS)
                    calm = calm_level(distances, z, onset, calibration.median)
                    frame = extrapolated(seen, distances, z, onset, i, calm)
                    pixels = chip_onset(track.chips, seen[i].frame) if onset < i else None
                    if pixels is not None:  # a gradual change; a step (a swap) is dated above
                        frame = min(pixels, seen[i].frame)
                    s = seen[onset]
                    out.append(
                        IdentityChange(
                            track.id,
                            frame,
                            s.time + (frame - s.frame) / self.fps,
                            s.box,
                            float(distances[i]),
                            float(z[i]),
                        )
                    )
                    break
        return out


def _reading(calibration, looks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each look's distance from the early looks, and how many sigmas past their spread."""
    distances = calibration.distances(looks)
    return distances, (distances - calibration.median) / calibration.sigma


def _past_bar(distances: np.ndarray, z: np.ndarray, k: float = 1.0) -> np.ndarray:
    """Looks that read as someone else: far in absolute terms and for this face."""
    return (distances > OTHER_PERSON * k) & (z > MIN_Z * k)
