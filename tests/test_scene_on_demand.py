"""The scene perception on demand (checkers/perception/on_demand.py) hands the checkers the
cuts and bursts of the full perception run from the first frame, however late it is asked."""

from pathlib import Path

import cv2
import numpy as np
import pytest

import checkers.runner as runner
from checkers.perception.camera import IDENTITY_STEP
from checkers.perception.on_demand import KEEP_FRAMES, OnDemandScene
from checkers.perception.scene import SceneStep
from checkers.video import Frame

GEN = Path(__file__).resolve().parents[2] / "shared" / "gen-clips" / "clips"


class _Perception:
    """Stands in for ScenePerception: one burst per frame fed, named by its index."""

    def __init__(self, bursts: bool):
        self.bursts = bursts
        self.fed: list[int] = []

    def shrink(self, rgb):
        return rgb

    def update(self, index, time, rgb) -> SceneStep:
        self.fed.append(index)
        found = [f"burst {index}"] if self.bursts else []
        return SceneStep(index, time, IDENTITY_STEP, index == 7, 0.0, 0.0, 0.0, found)

    def flush(self) -> list:
        return ["late"] if self.bursts else []


def _run(frames: int, ask_at: int | None, keep: int, read_at_end: bool):
    made: list[_Perception] = []
    decoded_again: list[int] = []
    image = np.zeros((4, 4, 3), np.uint8)

    def make(bursts):
        made.append(_Perception(bursts))
        return made[-1]

    def replay():
        for i in range(frames):
            decoded_again.append(i)
            yield Frame(i, i / 16, image)

    scene = OnDemandScene(make, replay, keep=keep)
    bursts, cuts = [], []
    for i in range(frames):
        if i == ask_at:
            scene.want_bursts()
        step = scene.update(i, i / 16, image)
        bursts += step.bursts
        cuts += [i] if step.cut else []
    bursts += scene.flush(read_at_end, frames)
    return scene, made, bursts, cuts, decoded_again


EVERY = [f"burst {i}" for i in range(12)] + ["late"]


@pytest.mark.parametrize(
    "ask_at, keep, read_at_end, replayed",
    [
        pytest.param(5, 32, False, 0, id="asked mid-clip, frames at hand"),
        pytest.param(5, 3, False, 5, id="asked mid-clip, decoded again"),
        pytest.param(None, 32, True, 0, id="read at the end, frames at hand"),
        pytest.param(None, 3, True, 12, id="read at the end: all frames again"),
        pytest.param(0, 3, False, 0, id="asked before the first frame"),
    ],
)
def test_bursts_are_those_of_a_full_run_from_the_first_frame(ask_at, keep, read_at_end, replayed):
    scene, made, bursts, cuts, decoded_again = _run(12, ask_at, keep, read_at_end)
    assert bursts == EVERY
    assert cuts == [7]
    assert made[-1].fed == list(range(12))  # the full perception saw every frame, in order
    assert scene.replayed == replayed and len(decoded_again) == replayed


def test_bursts_never_read_cost_no_full_perception():
    scene, made, bursts, cuts, decoded_again = _run(12, None, 32, False)
    assert bursts == [] and cuts == [7]
    assert [p.bursts for p in made] == [False] and not decoded_again


def _clip(path: Path, repeat: int = 1) -> str:
    """A plain grey stage with a disc (clean frames), then a textured wall (not clean) on which
    a patch appears at frame 30 and stays: a burst the full perception must find. With
    `repeat`, each picture is shown that many times, at 16 * repeat fps (tests/test_cadence.py)."""
    rng = np.random.default_rng(3)
    texture = cv2.GaussianBlur(rng.integers(0, 255, (192, 320, 3), np.uint8), (0, 0), 3)
    texture = cv2.normalize(texture, None, 40, 220, cv2.NORM_MINMAX)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 16 * repeat, (320, 192))
    for i in range(48):
        if i < 12:
            frame = np.full((192, 320, 3), 128, np.uint8)
            cv2.circle(frame, (40 + 6 * i, 96), 14, (200, 40, 40), -1)
        else:
            frame = texture.copy()
            if i >= 30:
                frame[70:120, 200:260] = (30, 200, 60)
        for _ in range(repeat):
            writer.write(frame)
    writer.release()
    return str(path)


def keep_scenes(monkeypatch, keep: int) -> list[OnDemandScene]:
    """Make the runner's scene perception keep `keep` frames; the scenes it makes are listed
    in the returned list as they are made."""
    made = []

    class _Kept(OnDemandScene):
        def __init__(self, make, replay):
            super().__init__(make, replay, keep=keep)
            made.append(self)

    monkeypatch.setattr(runner, "OnDemandScene", _Kept)
    return made


class _FullFromStart(OnDemandScene):
    """The scene perception as it ran before: in full on every frame from the first."""

    def __init__(self, make, replay, keep=0):
        super().__init__(make, None)


def _decisions(report):
    return report.verdict, [e.as_dict() for e in report.events]


@pytest.mark.parametrize("keep", [32, 2], ids=["frames at hand", "decoded again"])
def test_on_demand_decides_as_the_full_perception(tmp_path, monkeypatch, keep):
    clip = _clip(tmp_path / "stage_then_wall.mp4")
    full = None
    with monkeypatch.context() as m:
        m.setattr(runner, "OnDemandScene", _FullFromStart)
        full = runner.check_clip(clip, features="classical")
    made = keep_scenes(monkeypatch, keep)
    on_demand = runner.check_clip(clip, features="classical")
    assert full.verdict != "error", full.error
    assert _decisions(on_demand) == _decisions(full)
    assert any(e.kind == "appear_in_place" for e in full.events), full.events
    assert made[0].full and (made[0].replayed > 0) == (keep == 2)


@pytest.mark.skipif(not GEN.exists(), reason="../shared/gen-clips is absent")
def test_a_clip_that_starts_clean_and_ends_unclean_keeps_its_look_change(monkeypatch):
    # Its first 34 frames are reliable, its last 15 not: the bursts are found at the end.
    clip = str(GEN / "videorepa_supp_cogvideox_12.mp4")
    on_demand = runner.check_clip(clip, features="classical")
    monkeypatch.setattr(runner, "OnDemandScene", _FullFromStart)
    full = runner.check_clip(clip, features="classical")
    assert _decisions(on_demand) == _decisions(full)
    assert ("look_change", 5) in [(e.kind, e.frame) for e in full.events]


def test_a_clip_unclean_from_its_start_switches_before_its_kept_frames_run_out(
    tmp_path, monkeypatch
):
    """Ten times longer than the scene keeps frames, and textured from the first frame: the
    full perception starts from the frames at hand, with nothing decoded again. (Unclean
    for the plain segmentation; the background model would see an empty, clean wall.)"""
    monkeypatch.setenv("VIDGEN_BGMODEL", "0")
    rng = np.random.default_rng(5)
    texture = cv2.GaussianBlur(rng.integers(0, 255, (120, 208, 3), np.uint8), (0, 0), 2)
    texture = cv2.normalize(texture, None, 0, 255, cv2.NORM_MINMAX)
    path = tmp_path / "wall.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 16, (208, 120))
    for i in range(40):
        writer.write(np.roll(texture, i, axis=1))
    writer.release()
    made = keep_scenes(monkeypatch, 4)
    on_demand = runner.check_clip(str(path), features="classical")
    assert on_demand.verdict != "error", on_demand.error
    assert made[0].full and made[0].replayed == 0
    monkeypatch.setattr(runner, "OnDemandScene", _FullFromStart)
    assert _decisions(runner.check_clip(str(path), features="classical")) == _decisions(on_demand)


def test_a_clip_of_repeated_frames_keeps_its_rows_and_events(tmp_path, monkeypatch):
    """Each picture shown three times (cadence.py): the scene, on demand or in full, sees the
    distinct pictures, and a repeated frame's row is its picture's, judged first."""
    from test_check_world import TELEPORT_UP
    from world_scenes import render

    from vidgen.world.corpus import write_mp4

    path = tmp_path / "tripled.mp4"
    write_mp4(path, np.stack([f for f in render(TELEPORT_UP) for _ in range(3)]), 48)
    on_demand = runner.check_clip(str(path), features="classical")
    monkeypatch.setattr(runner, "OnDemandScene", _FullFromStart)
    full = runner.check_clip(str(path), features="classical")
    assert on_demand.picture_fps == pytest.approx(16.0) and on_demand.events
    assert _decisions(on_demand) == _decisions(full)
    assert on_demand.rows == full.rows
    for k in range(0, len(on_demand.rows), 3):
        first, *repeats = on_demand.rows[k : k + 3]
        for row in repeats:
            assert {**row, "frame": first["frame"], "time": first["time"]} == first


def test_a_clip_asked_late_catches_up_from_frames_at_hand():
    """The background model keeps a real clip clean for a while and then cannot: asked at
    frame 166 of 300, the full perception starts from the frames kept, decoding none again."""
    scene, made, bursts, cuts, decoded_again = _run(300, 166, KEEP_FRAMES, False)
    assert made[-1].fed == list(range(300))
    assert scene.replayed == 0 and not decoded_again


def test_frames_are_kept_at_the_scenes_own_size():
    """What is kept is what the cuts-only perception ran on (a quarter of the pixels of the
    analysis frame), so many frames cost little memory; the full perception catching up from
    them decides as one fed the analysis frames."""
    from checkers.perception.scene import ScenePerception

    rng = np.random.default_rng(7)
    texture = cv2.GaussianBlur(rng.integers(0, 255, (180, 360, 3), np.uint8), (0, 0), 2)
    images = [np.ascontiguousarray(texture[:, i : i + 320]) for i in range(0, 40, 2)]
    images[12] = images[12].copy()
    images[12][60:110, 100:160] = (30, 200, 60)  # a patch that comes and goes: a burst
    scenes = []

    def make(bursts):
        scenes.append(ScenePerception(16.0, 320, 180, None, bursts))
        return scenes[-1]

    on_demand = OnDemandScene(make, lambda: iter(()))  # decoding again would raise
    steps = [on_demand.update(i, i / 16, im) for i, im in enumerate(images[:10])]
    assert {rgb.shape for _, _, rgb in on_demand._held} == {(96, 171, 3)}
    on_demand.want_bursts()
    steps += [on_demand.update(i, i / 16, im) for i, im in enumerate(images) if i >= 10]
    late = on_demand.flush(True, len(images))
    full = ScenePerception(16.0, 320, 180)
    expected = [full.update(i, i / 16, im) for i, im in enumerate(images)]
    assert on_demand.replayed == 0
    assert [s.cut for s in steps] == [s.cut for s in expected]
    found = [(b.frame, b.bbox) for s in steps for b in s.bursts] + [(b.frame, b.bbox) for b in late]
    wanted = [(b.frame, b.bbox) for s in expected for b in s.bursts] + [
        (b.frame, b.bbox) for b in full.flush()
    ]
    assert found == wanted
