"""physics_sanity on shapes-world scenes it once got wrong: bounces, gravity and speed fits,
contacts, and objects that lose area without passing through anything. Each test names the
mistake and the corpus clip it came from.
"""

from __future__ import annotations

import numpy as np
from world_scenes import (
    BASE,
    as_mp4,
    obj,
    occluder,
    render,
    render_small,
    scene,
    violation,
)

from checkers.runner import check_frames


def test_reversal_after_a_bounce_is_one_event():
    # Reversed gravity right after a bounce lifts the rise: not also "the bounce gained
    # energy" three frames earlier (seed 13, clip 22).
    spec = scene(
        [
            obj(
                "red",
                "triangle",
                "thrown_left",
                0.0690,
                1.5189,
                0.8598,
                -0.3394,
                -1.3372,
                True,
                0.25,
                0.5505,
            )
        ],
        violation("gravity_reversal", 0, 1.625),
        background="white",
        floor_visible=False,
        floor_y=0.98,
        noise=0.0,
        seed=1464503097,
        texture=12.98,
    )
    events = [e for e in check_frames(render(spec), fps=16).events]
    assert [(e.kind, abs(e.frame - 27) <= 2) for e in events] == [("gravity_reversal", True)]


def test_bounce_gain_alone_and_no_speed_jump_after_the_next_bounce():
    # The arc after a bounce near the clip's end is short; its steady acceleration must not
    # include the bounce itself, or the fits read a speed jump there (seed 2026, clip 134).
    spec = scene(
        [
            obj(
                "red",
                "square",
                "thrown_left",
                0.0880,
                1.3638,
                0.6648,
                -0.3931,
                -1.2436,
                True,
                0.25,
                0.5186,
            )
        ],
        violation("bounce_gain", 0, 1.3833, restitution=1.2114),
        background="black",
        floor_y=0.8371,
        noise=4.72,
        seed=208487401,
    )
    events = check_frames(render(spec), fps=16).events
    assert [(e.kind, abs(e.frame - 23) <= 2) for e in events] == [("energy_gain", True)]


def test_collision_behind_a_wall_is_contact():
    # Drawn: a blue ball slides behind a dark wall; a red ball beside the wall's edge
    # bounces off it there. The wall hides the contact but not the cause.
    import cv2

    rng = np.random.default_rng(1)
    frames = []
    hit = (280 - 100 - 24) / 8.0  # the frame time the two balls meet
    for t in range(40):
        img = np.full((192, 320, 3), 230, np.uint8)
        s = min(t, hit) - max(0.0, t - hit)  # distance travelled, turned round at `hit`
        for color, x in (((35, 75, 225), 100 + 4 * s), ((220, 30, 30), 280 - 4 * s)):
            cv2.circle(img, (round(x * 16), 1600), 192, color, -1, cv2.LINE_AA, 4)
        cv2.rectangle(img, (130, 30), (190, 170), (40, 40, 40), -1)
        frames.append(np.clip(img + rng.normal(0, 2.0, img.shape), 0, 255).astype(np.uint8))
    report = check_frames(frames, fps=16)
    assert report.verdict == "pass", [(e.check, e.kind, e.frame) for e in report.events]


def test_sliding_to_rest_on_the_ground_passes(tmp_path):
    # A thrown triangle lands and slides to a stop under friction; after H.264 the stop
    # read as a speed jump (seed 2026, clip 194: a clean clip). Written as an MP4 because
    # compression is what makes the stop's kink stand out.
    from checkers.runner import check_clip

    spec = {
        **BASE,
        "objects": [
            obj(
                "green",
                "triangle",
                "thrown_left",
                0.0675,
                1.5832,
                0.6885,
                -0.3061,
                -1.1148,
                True,
                0.25,
                0.5441,
            )
        ],
        "violations": [],
        "background": "gray",
        "floor_visible": False,
        "floor_y": 0.98,
        "noise": 4.15,
        "seed": 1648335414,
    }
    report = check_clip(as_mp4(spec, tmp_path / "slide.mp4"))
    assert report.verdict == "pass", [(e.check, e.kind, e.frame) for e in report.events]


def test_a_shrunken_object_touching_another_did_not_pass_through_it():
    # A ball morphs into a smaller triangle, then touches a square: it lost its area before
    # they met, not to the square (seed 2026, clip 152).
    spec = scene(
        [
            obj("purple", "ball", "moves_down", 0.0842, 0.3008, 0.3886, 0.0, 0.1150),
            obj(
                "orange",
                "square",
                "thrown_left",
                0.0695,
                1.5347,
                0.6836,
                -0.3646,
                -1.5556,
                True,
                0.25,
                0.6246,
            ),
        ],
        {**violation("shape_morph", 0, 1.0583, to="triangle"), "t_end": 1.6875},
        background="black",
        floor_y=0.8559,
        noise=0.0,
        seed=899948675,
    )
    events = check_frames(render(spec), fps=16).events
    assert [e.check for e in events] == ["identity_drift"], [(e.kind, e.frame) for e in events]


def test_leaving_at_the_edge_beside_another_is_not_passing_through_it():
    # A square leaves across the top edge next to a ball: the edge, not the ball, takes
    # its area (seed 14, clip 35, a clean clip).
    spec = scene(
        [
            obj("red", "ball", "moves_right", 0.0720, 0.4417, 0.2555, 0.3003, 0.0),
            obj("purple", "square", "moves_up_right", 0.0765, 1.0567, 0.6092, 0.1494, -0.1494),
        ],
        violation("speed_jump", 0, 1.0),
        background="white",
        floor_visible=False,
        floor_y=0.98,
        noise=0.0,
        seed=1736969520,
        pan=-0.0611,
        occluder=occluder("gray", "wall", 0.6408, 0.8874, 0.1145, 1.05),
    )
    report = check_frames(render({**spec, "violations": []}), fps=16)
    assert report.verdict == "pass", [(e.check, e.kind, e.frame) for e in report.events]


def test_shrinking_on_the_floor_is_not_sinking_into_it():
    # A triangle resting on the floor shrinks: its top comes down, but nothing shows below
    # the floor line (seed 14, clip 107). Only identity_drift has something to say.
    spec = scene(
        [
            obj(
                "purple",
                "triangle",
                "falls_bounces",
                0.0806,
                1.2061,
                0.1990,
                0.0,
                0.0,
                True,
                0.2,
                0.5526,
            )
        ],
        {**violation("size_change", 0, 0.9083, factor=0.5608), "t_end": 1.6625},
        background="black",
        floor_y=0.8327,
        noise=2.45,
        seed=263586332,
        pan=-0.0824,
    )
    events = check_frames(render(spec), fps=16).events
    assert [e.check for e in events] == ["identity_drift"], [(e.kind, e.frame) for e in events]


def test_a_part_covering_another_has_no_look_of_its_own(tmp_path):
    # A purple triangle slides into a blue square: in one frame the square's part swallows
    # the hidden triangle's rim and its mean color shifts; that frame, the square's only
    # clear sighting after they met, read as a color jump (seed 3031, clip 270; it shows
    # after H.264, so the scene is written as an MP4).
    from checkers.runner import check_clip

    spec = scene(
        [
            obj("blue", "square", "slides_right", 0.0669, 0.3547, 0.7334, 0.2792, 0.0, True, 0.02),
            obj(
                "purple",
                "triangle",
                "slides_left",
                0.0613,
                1.3797,
                0.7390,
                -0.2820,
                0.0,
                True,
                0.02,
            ),
        ],
        violation("through_object", 0, 1.7875, other=1),
        background="gray",
        floor_y=0.8002,
        noise=0.0,
        seed=1723600028,
        texture=13.21,
    )
    events = check_clip(as_mp4(spec, tmp_path / "cover.mp4")).events
    assert [e.check for e in events] == ["physics_sanity"], [(e.kind, e.frame) for e in events]


# A red square falling and bouncing; at 8 fps its second bounce falls between frames 12 and 13,
# leaving a hop of four sightings before the clip ends (the adherence benchmark's validation
# caption 27).
SHORT_HOP = scene(
    [obj("red", "square", "falls_bounces", 0.113, 0.393, 0.257, 0.0, 0.0, True, 0.2, 0.72)],
    None,
    violations=[],
    aspect=1.0,
    background="black",
    duration=2.0,
    floor_visible=False,
    floor_y=0.97,
    noise=0.0,
)


def test_a_short_hop_between_bounces_keeps_the_tracks_gravity():
    # The hop's own arc is too short to measure gravity; taking none made its free fall read
    # as a 6.5 px/frame speed jump at frame 15. The track's flight elsewhere supplies it.
    report = check_frames(render_small(SHORT_HOP), fps=8)
    assert report.verdict == "pass", [(e.check, e.kind, e.frame) for e in report.events]


def test_a_speed_jump_in_a_short_hop_is_still_found():
    spec = {**SHORT_HOP, "violations": [violation("speed_jump", 0, 1.75, factor=3.0)]}
    events = check_frames(render_small(spec), fps=8).events
    assert [(e.kind, abs(e.frame - 14) <= 2) for e in events] == [("speed_jump", True)]
