"""Cache folders: checkers names its own (CHECKERS_CACHE, else an XDG `checkers` folder) and
never vidgen's; vidgen lends it VIDGEN_CACHE's folder when it runs checkers, unless the user
set CHECKERS_CACHE."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from checkers import cache as checkers_cache
from vidgen import cache as vidgen_cache
from vidgen.cli import cli


@pytest.fixture
def no_cache_settings(monkeypatch, tmp_path) -> Path:
    """Neither cache variable nor XDG_CACHE_HOME set; HOME is a fresh folder."""
    for name in ("CHECKERS_CACHE", "VIDGEN_CACHE", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_checkers_names_its_own_folder(no_cache_settings, monkeypatch, tmp_path):
    assert checkers_cache.cache_dir() == no_cache_settings / ".cache" / "checkers"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert checkers_cache.cache_dir() == tmp_path / "xdg" / "checkers"
    monkeypatch.setenv("CHECKERS_CACHE", str(tmp_path / "mine"))
    assert checkers_cache.cache_dir() == tmp_path / "mine"


def test_checkers_never_names_vidgens_folder(no_cache_settings, monkeypatch, tmp_path):
    monkeypatch.setenv("VIDGEN_CACHE", str(tmp_path / "vidgen-cache"))
    assert "vidgen" not in str(checkers_cache.cache_dir().relative_to(no_cache_settings))


def test_vidgen_keeps_its_folder_where_it_was(no_cache_settings, monkeypatch, tmp_path):
    assert vidgen_cache.cache_dir() == no_cache_settings / ".cache" / "vidgen"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert vidgen_cache.cache_dir() == tmp_path / "xdg" / "vidgen"
    monkeypatch.setenv("VIDGEN_CACHE", str(tmp_path / "v"))
    assert vidgen_cache.cache_dir() == tmp_path / "v"


def test_vidgen_lends_its_folder_to_checkers(no_cache_settings):
    vidgen_cache.lend_cache_to_checkers()
    assert os.environ["CHECKERS_CACHE"] == str(no_cache_settings / ".cache" / "vidgen")
    assert checkers_cache.cache_dir() == vidgen_cache.cache_dir()


def test_a_checkers_cache_the_user_set_wins(no_cache_settings, monkeypatch, tmp_path):
    monkeypatch.setenv("CHECKERS_CACHE", str(tmp_path / "mine"))
    monkeypatch.setenv("VIDGEN_CACHE", str(tmp_path / "v"))
    vidgen_cache.lend_cache_to_checkers()
    assert checkers_cache.cache_dir() == tmp_path / "mine"


def test_every_vidgen_command_lends_the_folder(no_cache_settings, monkeypatch, tmp_path):
    monkeypatch.setenv("VIDGEN_CACHE", str(tmp_path / "v"))
    result = CliRunner().invoke(cli, ["check", "--help"])
    assert result.exit_code == 0, result.output
    assert os.environ["CHECKERS_CACHE"] == str(tmp_path / "v")
