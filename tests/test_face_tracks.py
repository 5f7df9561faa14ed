"""Face tracks (checkers/perception/faces.py) with a scripted detector and embedder: which
faces become tracks, when a track is judged, and where an identity change is dated."""

from __future__ import annotations

import numpy as np

from checkers.perception.faces import FaceTracks

W, H, FPS = 320, 180, 24.0
BOX = (100, 40, 60, 60)


class ScriptedFaces:
    """One face whose identity is `blend(frame)` of the way from person a to person b; the
    detector reports `sighting(frame)` -> (box, score) or None. The test writes the frame
    index into the image's first pixel."""

    noise_floor = 0.005

    def __init__(self, blend=lambda i: 0.0, sighting=lambda i: (BOX, 1.0), jitter=0.01):
        self.blend, self.sighting, self.jitter = blend, sighting, jitter
        self.embedded = 0
        rng = np.random.default_rng(0)
        self.a, self.b = (v / np.linalg.norm(v) for v in rng.normal(size=(2, 128)))

    def detect(self, rgb, min_size, upsample, threshold=0.0):
        found = self.sighting(int(rgb[0, 0, 0]))
        return [found] if found is not None and found[1] >= threshold else []

    def embed(self, rgb, boxes):
        self.embedded += len(boxes)
        index = int(rgb[0, 0, 0])
        s = self.blend(index)
        v = (1 - s) * self.a + s * self.b
        v = v + np.random.default_rng(index).normal(scale=self.jitter, size=128)
        return np.stack([v / np.linalg.norm(v)] * len(boxes)).astype(np.float32)


def run(embedder, n=96):
    tracks = FaceTracks(embedder, FPS, scale=1.0)
    for i in range(n):
        tracks.update(i, i / FPS, np.full((H, W, 3), i, np.uint8))
    return tracks


def test_a_gradual_morph_is_dated_to_where_it_began():
    # One face blends into another over one second from frame 40, as in the face corpus.
    morph = ScriptedFaces(blend=lambda i: float(np.clip((i - 39) / 24, 0, 1)), jitter=0.002)
    changes = run(morph).changes()
    assert len(changes) == 1
    assert abs(changes[0].frame - 40) <= 3, changes[0].frame
    # ... while the bar (another person) is crossed only halfway through the blend.
    assert changes[0].frame < 50


def test_a_swap_is_a_step_dated_to_its_frame():
    swap = ScriptedFaces(blend=lambda i: 1.0 if i >= 53 else 0.0)
    assert [c.frame for c in run(swap).changes()] == [53]


def test_a_swapped_face_with_a_box_of_another_shape_stays_one_track():
    # The donor's face is found narrower and taller: IoU with the old box is under 0.3, but
    # its centre is where the face was.
    def sighting(i):
        return ((100, 40, 60, 60), 1.0) if i < 50 else ((118, 25, 24, 90), 1.0)

    swap = ScriptedFaces(blend=lambda i: 1.0 if i >= 50 else 0.0, sighting=sighting)
    tracks = run(swap)
    assert len(tracks.tracks) == 1
    assert [c.frame for c in tracks.changes()] == [50]


def test_weak_detections_extend_a_track_but_never_start_one():
    # Clear at first, then only weakly found (a turned face): still one track, judged on.
    def turning(i):
        return (BOX, 0.8) if i < 30 else (BOX, -0.45)

    tracks = run(ScriptedFaces(blend=lambda i: 1.0 if i >= 60 else 0.0, sighting=turning))
    assert len(tracks.tracks) == 1 and [c.frame for c in tracks.changes()] == [60]
    # Only weak candidates all along: no track at all.
    assert run(ScriptedFaces(sighting=lambda i: (BOX, -0.45))).tracks == []


def test_a_borderline_face_found_again_at_the_same_place_starts_a_track():
    # A face in glasses or three-quarter reads just under the detector's bar sample after
    # sample (the face corpus): found twice in a row, it is a face, and it is judged.
    steady = ScriptedFaces(blend=lambda i: 1.0 if i >= 60 else 0.0, sighting=lambda i: (BOX, -0.2))
    tracks = run(steady)
    assert len(tracks.tracks) == 1 and [c.frame for c in tracks.changes()] == [60]
    # Found once (frame 0 is a sample; the next sample is frame 12) or somewhere else the
    # next time: no track.
    once = ScriptedFaces(sighting=lambda i: (BOX, -0.2) if i < 12 else None)
    assert run(once).tracks == []

    def elsewhere(i):
        return ((100 + 90 * ((i // 12) % 2), 40, 60, 60), -0.2)

    assert run(ScriptedFaces(sighting=elsewhere)).tracks == []


def test_a_blend_on_a_moving_face_is_dated_from_boxes_where_the_face_was():
    # The camera pans (the face moves 1 px a frame) and a face embedded at a box off its
    # place reads farther away. The frames between two looks are embedded at boxes between
    # theirs, not all at the newer one, so the calm frames before the blend read calm.
    def box(i):
        return (100 + i, 40, 60, 60)

    class Panning(ScriptedFaces):
        def embed(self, rgb, boxes):
            vectors = super().embed(rgb, boxes)
            off = [abs(b[0] - box(int(rgb[0, 0, 0]))[0]) for b in boxes]
            vectors = vectors + 0.02 * np.array(off)[:, None] * self.b[None] / (1 + self.jitter)
            return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    blend = Panning(
        blend=lambda i: float(np.clip((i - 39) / 24, 0, 1)),
        sighting=lambda i: (box(i), 1.0),
        jitter=0.002,
    )
    changes = run(blend).changes()
    assert len(changes) == 1 and abs(changes[0].frame - 40) <= 2, changes


def test_a_new_face_is_calibrated_within_half_a_second():
    # Sampled twice a second, three looks would take a second and a half; a young track is
    # looked at more often.
    tracks = run(ScriptedFaces(), n=int(0.5 * FPS) + 1)
    assert tracks.tracks[0].calibration is not None


def test_a_steady_face_is_embedded_a_few_times_a_second():
    embedder = ScriptedFaces()
    tracks = run(embedder, n=96)
    assert tracks.changes() == []
    # 4 s at 24 fps: 8 samples plus the young track's extra looks, far from 96.
    assert embedder.embedded <= 12


def test_a_candidate_framing_part_of_the_face_is_read_at_the_calm_box_too():
    # The detector once frames nose to chin (a box 0.8x the face's side, lower down); the
    # landmarks found in it are wrong, so the vector there reads as someone else. The face is
    # read at its calm box as well, and the nearer reading wins: no identity change.
    part = (106, 52, 48, 48)

    def sighting(i):
        return (part, -0.2) if i == 36 else (BOX, 0.8)

    class Partial(ScriptedFaces):
        def embed(self, rgb, boxes):
            vectors = super().embed(rgb, boxes)
            for k, box in enumerate(boxes):
                if box[2] < 57:  # misaligned (the part's box, or one near it): another face
                    vectors[k] = self.b
            return vectors

    tracks = run(Partial(sighting=sighting))
    assert len(tracks.tracks) == 1 and tracks.changes() == []
    # A real change seen through such a box is still found, at its frame.
    swapped = run(Partial(blend=lambda i: 1.0 if i >= 36 else 0.0, sighting=sighting))
    assert [c.frame for c in swapped.changes()] == [36]


def test_a_box_one_pixel_off_on_a_small_face_is_read_at_the_calm_box_too():
    # From frame 36 on the detector boxes the face one pixel to the left, at the same size
    # (its 8 px grid on a slowly panning photo). On a small face dlib's landmarks move with
    # it, so the vector there reads as someone else (held-out wild 4613 clip 81: a 53 px
    # face in a photo backdrop, 0.081 from its early looks). The calm box reads it as itself.
    moved = (BOX[0] - 1, *BOX[1:])

    def sighting(i):
        return (moved, 0.8) if i >= 36 else (BOX, 0.8)

    class OffByOne(ScriptedFaces):
        def embed(self, rgb, boxes):
            vectors = super().embed(rgb, boxes)
            for k, box in enumerate(boxes):
                if tuple(box) == moved and int(rgb[0, 0, 0]) >= 36:  # where it is detected
                    vectors[k] = self.b
            return vectors

    tracks = run(OffByOne(sighting=sighting))
    assert tracks.changes() == []
    # The nearer reading was the calm box's, but the face is kept where it was found.
    assert tracks.tracks[0].last.box == moved
    # Another person is far at both boxes: a swap at the frame the box moves is still found.
    swapped = run(OffByOne(blend=lambda i: 1.0 if i >= 36 else 0.0, sighting=sighting))
    assert [c.frame for c in swapped.changes()] == [36]


def test_a_moving_face_swapped_stays_one_track_and_is_found():
    # A face walking 2 px a frame: its box between two looks moves far more than the
    # detector's jitter, so a suspect look is not read at the old place (part face, part
    # backdrop there); the swap is found at its frame, on one track.
    def sighting(i):
        return ((20 + 2 * i, BOX[1], BOX[2], BOX[3]), 0.8)

    swapped = run(ScriptedFaces(blend=lambda i: 1.0 if i >= 36 else 0.0, sighting=sighting), n=60)
    assert len(swapped.tracks) == 1
    assert [c.frame for c in swapped.changes()] == [36]


class Counting(ScriptedFaces):
    """Counts the frames the detector runs on."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.detected_on: list[int] = []

    def detect(self, rgb, min_size, upsample, threshold=0.0):
        self.detected_on.append(int(rgb[0, 0, 0]))
        return super().detect(rgb, min_size, upsample, threshold)


def test_a_clip_without_faces_is_searched_once_a_second():
    empty = Counting(sighting=lambda i: None)
    assert run(empty, n=96).tracks == []
    assert empty.detected_on == [0, 24, 48, 72]  # 4 s at 24 fps: one search a second


def test_a_face_that_enters_is_found_within_a_second_then_sampled_as_usual():
    enters = Counting(
        blend=lambda i: 1.0 if i >= 80 else 0.0,
        sighting=lambda i: (BOX, 1.0) if i >= 30 else None,
    )
    tracks = run(enters, n=120)
    assert len(tracks.tracks) == 1 and tracks.tracks[0].sightings[0].frame - 30 <= FPS
    assert [c.frame for c in tracks.changes()] == [80]
    assert enters.detected_on[:3] == [0, 24, 48]  # searched once a second, found at 48
    assert {60, 72, 84, 96, 108} <= set(enters.detected_on)  # then twice a second


def test_a_morph_cut_off_by_the_clip_end_is_found():
    # The blend begins 16 frames before the clip ends (it would take 24): the last regular
    # sample (frame 84) sees it barely begun; the clip's last frame is looked at as well.
    morph = ScriptedFaces(blend=lambda i: float(np.clip((i - 79) / 24, 0, 1)), jitter=0.002)
    changes = run(morph, n=96).changes()
    assert len(changes) == 1 and abs(changes[0].frame - 80) <= 3, changes


class Prescribed(ScriptedFaces):
    """A face whose cosine distance from its own early look is `distance(frame)`."""

    def __init__(self, distance, **kwargs):
        super().__init__(**kwargs)
        self.distance = distance

    def embed(self, rgb, boxes):
        self.embedded += len(boxes)
        cos = 1.0 - self.distance(int(rgb[0, 0, 0]))
        other = self.b - (self.b @ self.a) * self.a
        v = cos * self.a + np.sqrt(max(0.0, 1 - cos * cos)) * other / np.linalg.norm(other)
        return np.stack([v] * len(boxes)).astype(np.float32)


def test_a_blend_whose_dense_looks_dip_is_dated_from_the_start_of_its_rise():
    # A blend from frame 40 that leaves its early look slowly, then faster (the ResNet reads
    # the first blended frames as almost the same face), and one look (47) that reads a
    # little farther than the next, within the noise: the rise is not cut there.
    def distance(i):
        root = 0.01 * (i - 39) if i <= 49 else 0.1 + 0.03 * (i - 49)
        root = 0.0 if i < 40 else root
        return (root + (0.012 if i == 47 else 0.0)) ** 2

    changes = run(Prescribed(distance)).changes()
    assert len(changes) == 1 and abs(changes[0].frame - 40) <= 3, changes


class PartFramingFaces(ScriptedFaces):
    """dlib may box a face at two pyramid levels, the smaller nose to chin; landmarks in
    that box read as another face (vector c) whatever the frame shows."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        rng = np.random.default_rng(1)
        self.c = rng.normal(size=128)
        self.c /= np.linalg.norm(self.c)

    def embed(self, rgb, boxes):
        whole = super().embed(rgb, boxes)
        return np.stack(
            [self.c if box[2] < BOX[2] else v for box, v in zip(boxes, whole, strict=True)]
        ).astype(np.float32)


PART = (110, 60, 42, 42)  # inside BOX, 0.7 of its size


def test_reference_looks_keep_the_whole_face_when_the_detector_frames_a_part():
    # The young track's looks alternate between the part and the whole face (einstein.jpg in
    # the face corpus); a morph from frame 40 must still read against the whole face.
    def framing(i):
        return (PART, 0.2) if i < 24 and i % 2 == 0 else (BOX, 0.2)

    morph = PartFramingFaces(
        blend=lambda i: float(np.clip((i - 39) / 24, 0, 1)), sighting=framing, jitter=0.002
    )
    tracks = run(morph)
    assert len(tracks.tracks) == 1
    reference = tracks.tracks[0].sightings[:3]
    assert all(s.box == BOX for s in reference), [s.box for s in reference]
    changes = tracks.changes()
    assert len(changes) == 1 and abs(changes[0].frame - 40) <= 3, changes


def test_a_part_seen_first_gives_way_to_the_whole_face():
    # Only the part is found at first; once the whole face is found, the part's looks are
    # dropped from the references rather than mixed with it.
    def framing(i):
        return (PART, 0.5) if i < 4 else (BOX, 0.5)

    tracks = run(PartFramingFaces(sighting=framing), n=48)
    assert len(tracks.tracks) == 1
    assert all(s.box == BOX for s in tracks.tracks[0].sightings[:3])
    assert tracks.changes() == []


class PixelFaces(ScriptedFaces):
    """Also the face's aligned pixels (`chips`): a linear blend from image A to image B, as a
    pixel morph is, while the identity vector follows `blend` (dlib's vector barely moves in a
    blend's first 20-30%). `offset(box, frame)` px of misalignment shift a chip toward B, as a
    landmark fit in a box off the face does."""

    def __init__(self, pixels, offset=lambda box, i: 0.0, **kwargs):
        super().__init__(**kwargs)
        self.pixels, self.offset = pixels, offset
        rng = np.random.default_rng(2)
        self.img_a, self.img_b = rng.uniform(0, 255, size=(2, 32, 32, 3))

    def chips(self, rgb, boxes, size):
        index = int(rgb[0, 0, 0])
        noise = np.random.default_rng(1000 + index).normal(scale=2.0, size=(32, 32, 3))
        out = []
        for box in boxes:
            s = min(1.0, self.pixels(index) + 0.05 * self.offset(box, index))
            out.append(np.clip((1 - s) * self.img_a + s * self.img_b + noise, 0, 255))
        return np.stack(out).astype(np.uint8)


def linear(i, start=40, frames=24):
    return float(np.clip((i - start + 1) / frames, 0, 1))


def test_a_morph_the_identity_vector_reads_late_is_dated_on_its_pixels():
    # The vector follows the cube of the blend: at the sample of frame 48 (3/8 of the way) it
    # still reads as the same face, so a date from the vectors alone can be no earlier than
    # frame 49. The face's aligned pixels move from the first blended frame (40).
    morph = PixelFaces(pixels=linear, blend=lambda i: linear(i) ** 3, jitter=0.002)
    changes = run(morph).changes()
    assert len(changes) == 1 and abs(changes[0].frame - 40) <= 1, changes
    # A swap is still dated to its frame by the vectors (a step, not a rise).
    swap = PixelFaces(pixels=lambda i: float(i >= 53), blend=lambda i: float(i >= 53))
    assert [c.frame for c in run(swap).changes()] == [53]


def test_a_morphs_pixels_are_read_where_the_detector_finds_the_face():
    # The detector's box snaps 8 px right at frame 45 (its grid of cells) while the face moves
    # smoothly; boxes interpolated between the samples at 36 and 48 sit up to 8 px off the face
    # on the calm frames before the blend, and a chip read there leans toward the new face.
    def sighting(i):
        return ((100 if i < 45 else 108, 40, 60, 60), 1.0)

    def offset(box, i):
        return abs(box[0] - sighting(i)[0][0])

    morph = PixelFaces(
        pixels=lambda i: linear(i, 46),
        offset=offset,
        blend=lambda i: linear(i, 46) ** 3,
        sighting=sighting,
        jitter=0.002,
    )
    changes = run(morph).changes()
    assert len(changes) == 1 and abs(changes[0].frame - 46) <= 1, changes


def test_chips_of_an_earlier_suspect_stretch_do_not_date_a_later_change():
    # A track kept chips of a bright face at frames 0-12 for a suspect look that came to
    # nothing; much later it blends linearly from its calm look (frames 40-59) to another
    # from frame 60 on. Only the last unbroken stretch of chips dates the change.
    from checkers.perception.face_dating import chip_onset

    def chips(frames, level):
        return {f: np.full((32, 32, 3), level(f), np.uint8) for f in frames}

    change = chips(range(40, 81), lambda f: 80 + max(0, f - 60) * 6)
    earlier = chips(range(0, 13), lambda f: 200)
    assert chip_onset(change, 80) == 60
    assert chip_onset({**earlier, **change}, 80) == 60
