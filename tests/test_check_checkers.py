"""The checkers library on small synthetic clips drawn here (no vidgen import).

Each case draws moving shapes with OpenCV, injects one violation at a known frame, and
asserts the right check fires within 2 frames of it, on the right object, and that the
clean twin passes.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from checkers.runner import check_frames

W, H = 320, 192
RED, BLUE, GREEN, GRAY = (220, 30, 30), (35, 75, 225), (30, 165, 50), (128, 128, 128)


def draw(img, shape, color, x, y, r):
    if shape == "ball":
        cv2.circle(img, (round(x * 16), round(y * 16)), round(r * 16), color, -1, cv2.LINE_AA, 4)
    else:
        pts = np.array([[x - r, y - r], [x + r, y - r], [x + r, y + r], [x - r, y + r]])
        cv2.fillPoly(img, [np.round(pts * 16).astype(np.int32)], color, cv2.LINE_AA, 4)


def synth(n=32, violation=None, at=14, bg=(240, 240, 240), noise=0.0, seed=0, occluder=False):
    """Frames of a red ball moving right and a blue square falling under gravity.

    `violation` edits the clip from frame `at` on: vanish, appear, teleport, color_drift,
    size_change, speed_jump, gravity_reversal.
    """
    rng = np.random.default_rng(seed)
    frames = []
    for t in range(n):
        img = np.empty((H, W, 3), np.uint8)
        img[:] = bg
        after = violation is not None and t >= at
        # ball: constant velocity to the right
        bx = 40 + 5.0 * t
        if after and violation == "teleport":
            bx += 70
        if after and violation == "speed_jump":
            bx = 40 + 5.0 * at + 15.0 * (t - at)
        color = RED
        if after and violation == "color_drift":
            k = min(1.0, (t - at + 1) / 8)
            color = tuple(int(round((1 - k) * a + k * b)) for a, b in zip(RED, GREEN, strict=True))
        r = 12.0
        if after and violation == "size_change":
            r = 12.0 * (1 + 0.8 * min(1.0, (t - at + 1) / 6))
        if not (after and violation == "vanish"):
            draw(img, "ball", color, bx, 60, r)
        # square: bounces elastically on y = 150 every 16 frames under gravity 2 px/frame^2
        # (like the shapes world's at this size)
        tau = t % 16
        sy = 150 - 16 * tau + tau * tau
        if after and violation == "gravity_reversal":
            t0 = at % 16
            y0, v0 = 150 - 16 * t0 + t0 * t0, -16 + 2 * t0
            sy = y0 + v0 * (t - at) - (t - at) ** 2
        draw(img, "square", BLUE, 230, sy, 10)
        if after and violation == "appear":
            draw(img, "ball", GREEN, 150, 130, 11)
        if occluder:
            cv2.rectangle(img, (120, 20), (150, 110), GRAY, -1)
        if noise:
            img = np.clip(img + rng.normal(0, noise, img.shape), 0, 255).astype(np.uint8)
        frames.append(img)
    return frames


EXPECT = [
    pytest.param("vanish", "object_permanence", id="vanish"),
    pytest.param("appear", "object_permanence", id="appear"),
    pytest.param("teleport", "physics_sanity", id="teleport"),
    pytest.param("speed_jump", "physics_sanity", id="speed_jump"),
    pytest.param("gravity_reversal", "physics_sanity", id="gravity_reversal"),
    pytest.param("color_drift", "identity_drift", id="color_drift"),
    pytest.param("size_change", "identity_drift", id="size_change"),
]


@pytest.mark.parametrize("noise", [0.0, 4.0], ids=["clean", "noisy"])
def test_clean_clip_passes(noise):
    report = check_frames(synth(noise=noise), fps=16)
    assert report.verdict == "pass", [e.message for e in report.events]
    assert report.frames == 32
    assert set(report.checks) == {"identity_drift", "object_permanence", "physics_sanity"}


@pytest.mark.parametrize("violation,check", EXPECT)
def test_violation_found_at_its_frame(violation, check):
    at = 14
    report = check_frames(synth(violation=violation, at=at, noise=2.0), fps=16)
    assert report.verdict == "fail"
    found = [e for e in report.events if e.check == check and abs(e.frame - at) <= 2]
    assert found, [(e.check, e.kind, e.frame) for e in report.events]
    # Nothing is blamed long before the violation started.
    assert all(e.frame >= at - 2 for e in report.events)


def test_occluder_hides_without_vanish():
    # The ball passes behind a gray wall at x 120..150: hidden, not vanished.
    report = check_frames(synth(occluder=True, n=40), fps=16)
    assert report.checks["object_permanence"].verdict == "pass", [e.message for e in report.events]


def test_leaving_the_frame_is_not_a_vanish():
    frames = []
    for t in range(30):
        img = np.full((H, W, 3), 30, np.uint8)
        draw(img, "ball", RED, 200 + 9 * t, 90, 12)  # leaves at the right edge
        frames.append(img)
    report = check_frames(frames, fps=16)
    assert report.verdict == "pass", [e.message for e in report.events]


def test_pan_with_textured_background_passes():
    # The camera pans: the whole textured background and a resting ball drift left.
    rng = np.random.default_rng(1)
    cells = rng.uniform(-1, 1, (8, 24)).astype(np.float32)
    strip = np.clip(200 + 12 * cv2.resize(cells, (W * 2, H), interpolation=cv2.INTER_CUBIC), 0, 255)
    frames = []
    for t in range(32):
        off = 3 * t
        img = np.repeat(strip[:, off : off + W, None], 3, axis=2).astype(np.uint8)
        draw(img, "ball", BLUE, 250 - 3 * t, 100, 12)
        draw(img, "square", RED, 120, 50 + 4 * t, 9)
        frames.append(img)
    report = check_frames(frames, fps=16)
    assert report.verdict == "pass", [e.message for e in report.events]


def test_event_fields_and_boxes_in_display_pixels():
    report = check_frames(synth(violation="vanish", at=14), fps=16)
    event = next(e for e in report.events if e.check == "object_permanence")
    assert event.kind == "vanish"
    assert math.isclose(event.time, event.frame / 16, abs_tol=1e-6)
    x, y, w, h = event.bbox
    # The ball was at about (40 + 5 * 13, 60) with radius 12 in the 320x192 frame.
    assert abs(x + w / 2 - 105) < 8 and abs(y + h / 2 - 60) < 8
    assert 0 < event.severity <= 1


def test_sensitivity_orders_event_counts():
    frames = synth(violation="size_change", at=14, noise=3.0)
    counts = [len(check_frames(frames, fps=16, sensitivity=s).events) for s in ("low", "high")]
    assert counts[0] <= counts[1]


def test_selected_checks_only():
    report = check_frames(synth(violation="vanish"), fps=16, checks=("physics_sanity",))
    assert list(report.checks) == ["physics_sanity"]
    assert all(e.check == "physics_sanity" for e in report.events)


def test_perceptual_distance_is_used_when_asked(monkeypatch):
    import checkers.perceptual

    calls = []

    class FakeLpips:  # stands in for LPIPS, whose AlexNet weights are not on this machine
        def distance(self, a, b):
            calls.append(1)
            a = cv2.resize(a, (16, 16)).astype(float)
            b = cv2.resize(b, (16, 16)).astype(float)
            return float(np.abs(a - b).mean() / 255)

    def fake_load(mode):
        return FakeLpips() if mode == "lpips" else None

    monkeypatch.setattr(checkers.perceptual, "load_perceptual", fake_load)
    frames = synth(violation="color_drift", at=14)
    report = check_frames(frames, fps=16, perceptual="lpips")
    assert calls and report.checks["identity_drift"].extra["perceptual"] == "lpips"
    assert any(e.check == "identity_drift" and abs(e.frame - 14) <= 2 for e in report.events)
    plain = check_frames(frames, fps=16)
    assert plain.checks["identity_drift"].extra["perceptual"] == "classical"


def test_counted_median_matches_the_lower_middle_value():
    from collections import Counter

    from checkers.permanence import _counted_median

    assert _counted_median(Counter({40: 3, 41: 1, 90: 1})) == 40
    assert _counted_median(Counter({10: 1, 20: 1})) == 10
    assert _counted_median(Counter({7: 5})) == 7


@pytest.mark.parametrize("start,end", [(12.5, 22.5), (20.5, 21.5), (7.3, 40.0)])
def test_onset_fit_dates_a_change_where_it_begins(start, end):
    # A slow ramp crosses any fixed bar several frames after it begins; the fit finds its
    # bend, in every column at once, with noise on top.
    from checkers.identity import onset

    rng = np.random.default_rng(3)
    frames = np.arange(0, 45, dtype=float)
    ramp = np.clip((frames - start) / (end - start), 0, 1)
    values = np.stack([10 + 6 * ramp, -3 * ramp], axis=1) + rng.normal(0, 0.15, (45, 2))
    assert abs(onset(frames, values) - start) <= 1.0


def test_onset_of_a_series_already_changing_is_its_first_frame():
    from checkers.identity import onset

    frames = np.arange(20, 40, dtype=float)
    assert onset(frames, np.minimum(frames - 20, 12.0)) < 20.5


@pytest.mark.parametrize("frames_to_change,kind", [(1, "color_jump"), (10, "color_drift")])
def test_color_change_named_by_how_long_it_took(frames_to_change, kind):
    # The fitted ramp's length names the change: one frame is a jump, ten are a drift.
    # (Toward orange: a jump far larger than this is another object to the tracker.)
    orange = (220, 110, 40)
    frames = []
    for t in range(32):
        img = np.full((H, W, 3), 240, np.uint8)
        k = float(np.clip((t - 13) / frames_to_change, 0.0, 1.0))
        color = tuple(int(round((1 - k) * a + k * b)) for a, b in zip(RED, orange, strict=True))
        draw(img, "ball", color, 40 + 5.0 * t, 60, 12.0)
        frames.append(img)
    events = check_frames(frames, fps=16).events
    assert [(e.kind, abs(e.frame - 14) <= 2) for e in events] == [(kind, True)]


def _slow_ball(n, colors):
    """Frames of a ball crossing slowly (on screen for all `n`), colored `colors(t)`."""
    frames = []
    for t in range(n):
        img = np.full((H, W, 3), 240, np.uint8)
        draw(img, "ball", colors(t), 30 + 250.0 * t / n, 90, 12.0)
        frames.append(img)
    return frames


def _blend(a, b, k):
    return tuple(int(round((1 - k) * x + k * y)) for x, y in zip(a, b, strict=True))


def test_a_change_late_in_a_long_clip_is_dated_on_the_sightings_around_it(monkeypatch):
    # The onset fit's work grows with the cube of the sightings it sees (a 300-frame track
    # took 15 s and 1.8 GB): it sees only those around the sighting it dates.
    import checkers.identity as identity

    seen = []
    real = identity.bends

    def counting(frames, values):
        seen.append(len(frames))
        assert len(frames) <= identity.DATING_BEFORE + identity.DATING_AFTER + 1, len(frames)
        return real(frames, values)

    monkeypatch.setattr(identity, "bends", counting)
    orange = (220, 110, 40)
    frames = _slow_ball(300, lambda t: _blend(RED, orange, float(np.clip((t - 250) / 10, 0, 1))))
    events = check_frames(frames, fps=16).events
    assert [(e.kind, abs(e.frame - 250) <= 2) for e in events] == [("color_drift", True)], [
        (e.kind, e.frame) for e in events
    ]
    assert seen


def test_a_later_larger_change_does_not_take_over_the_dating():
    # A slow drift begins at frame 13; a larger one follows from 40. Fitted on the whole
    # track, the later change won the fit and the first was dated where it crossed the bar.
    orange, yellow = (220, 110, 40), (235, 215, 40)

    def colors(t):
        if t < 40:
            return _blend(RED, orange, float(np.clip((t - 13) / 20, 0, 1)))
        return _blend(orange, yellow, float(np.clip((t - 40) / 10, 0, 1)))

    events = check_frames(_slow_ball(64, colors), fps=16).events
    assert [(e.kind, abs(e.frame - 13) <= 2) for e in events] == [("color_drift", True)], [
        (e.kind, e.frame) for e in events
    ]


def test_a_change_long_before_a_contact_does_not_explain_it():
    # An identity change of an object explains its through_object only when it began about
    # when the contact did; one 30 frames earlier is a violation of its own.
    from checkers.base import CheckResult, Event
    from checkers.explained import explained
    from checkers.identity import KINDS

    def event(check, kind, frame, end):
        return Event(check, kind, frame, end, frame / 16, 0, 0.5, None, kind)

    def results(change_at):
        return [
            CheckResult("identity_drift", "fail", 0.5, [event("identity_drift", KINDS["size"], change_at, 60)]),
            CheckResult("physics_sanity", "fail", 0.5, [event("physics_sanity", "through_object", 34, 40)]),
        ]  # fmt: skip

    kept = {at: [e.kind for r in explained(results(at)) for e in r.events] for at in (5, 32, 36)}
    assert kept == {
        5: ["size_change", "through_object"],
        32: ["size_change"],
        36: ["size_change"],
    }
