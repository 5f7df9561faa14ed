"""Shared fixtures: tiny pipelines saved once per session, offline hub, real clips folder."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

REAL_CLIPS = Path(__file__).resolve().parents[2] / "shared" / "real-clips"


@pytest.fixture(scope="session")
def vidgen_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("vidgen-home")


@pytest.fixture(autouse=True)
def offline_hub(monkeypatch, vidgen_home):
    # Tests never reach the network: a hub id must come from the local cache or fail clearly.
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    # Signing keys go to a throwaway home, never the developer's ~/.config/vidgen.
    monkeypatch.setenv("VIDGEN_HOME", str(vidgen_home))
    # Files built once (dlib's face detector) go to a throwaway cache, never ~/.cache/vidgen
    # or ~/.cache/checkers, whether vidgen lends its folder to checkers or checkers names its own.
    monkeypatch.setenv("VIDGEN_CACHE", str(vidgen_home / "cache"))
    monkeypatch.setenv("CHECKERS_CACHE", str(vidgen_home / "cache"))


@pytest.fixture(scope="session")
def tiny_wan_dir(tmp_path_factory) -> Path:
    from tiny_pipelines import tiny_wan

    return tiny_wan(tmp_path_factory.mktemp("tiny") / "wan21")


@pytest.fixture(scope="session")
def tiny_wan22_dir(tmp_path_factory) -> Path:
    from tiny_pipelines import tiny_wan

    return tiny_wan(tmp_path_factory.mktemp("tiny") / "wan22-ti2v", ti2v=True)


@pytest.fixture(scope="session")
def tiny_ltx_dir(tmp_path_factory) -> Path:
    from tiny_pipelines import tiny_ltx

    return tiny_ltx(tmp_path_factory.mktemp("tiny") / "ltx")


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """A fresh, empty VIDGEN_HOME and no signing keys from the environment."""
    path = tmp_path / "vidgen-home"
    monkeypatch.setenv("VIDGEN_HOME", str(path))
    monkeypatch.delenv("VIDGEN_SIGN_CERT", raising=False)
    monkeypatch.delenv("VIDGEN_SIGN_KEY", raising=False)
    return path


@pytest.fixture
def real_clips() -> Path:
    if not REAL_CLIPS.is_dir():
        pytest.skip("../shared/real-clips is not present (fresh clone)")
    return REAL_CLIPS


@pytest.fixture(scope="session")
def tiny_wan_i2v_dir(tmp_path_factory) -> Path:
    from tiny_pipelines import tiny_wan_i2v

    return tiny_wan_i2v(tmp_path_factory.mktemp("tiny") / "wan21-i2v")


@pytest.fixture(scope="session")
def tiny_wan_flf2v_dir(tmp_path_factory) -> Path:
    from tiny_pipelines import tiny_wan_i2v

    return tiny_wan_i2v(tmp_path_factory.mktemp("tiny") / "wan21-flf2v", last_frame=True)


@pytest.fixture(scope="session")
def red_square(tmp_path_factory) -> Path:
    from tiny_pipelines import tiny_image

    return tiny_image(tmp_path_factory.mktemp("images") / "red.png")


@pytest.fixture(scope="session")
def tiny_lora_file(tiny_wan_dir, tmp_path_factory) -> Path:
    from tiny_pipelines import tiny_lora

    return tiny_lora(tiny_wan_dir, tmp_path_factory.mktemp("lora"))


@pytest.fixture(scope="session")
def tiny_cogvideox_i2v_dir(tmp_path_factory) -> Path:
    from tiny_pipelines import tiny_cogvideox_i2v

    return tiny_cogvideox_i2v(tmp_path_factory.mktemp("tiny") / "cogvideox-i2v")


@pytest.fixture
def one_torch_thread():
    """One torch thread: tiny ops gain nothing from two, and on a busy machine the second
    thread's spin-waiting makes them many times slower."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
