"""Output naming: safe slugs and never clobbering a file."""

from __future__ import annotations

import pytest

from vidgen.output import first_free, plan_path, slugify


@pytest.mark.parametrize(
    ("prompt", "slug"),
    [
        ("A red ball falls!", "a-red-ball-falls"),
        ("../../etc/passwd", "etc-passwd"),
        ("tab\tnew\nline\x00nul", "tab-new-line-nul"),
        ("Ünïcödé café", "unicode-cafe"),
        ("???", "clip"),
        ("x" * 200, "x" * 60),
    ],
)
def test_slug_is_safe(prompt, slug):
    result = slugify(prompt)
    assert result == slug
    assert "/" not in result and ".." not in result and len(result) <= 60


def test_first_free_skips_clips_and_sidecars(tmp_path):
    (tmp_path / "a-1.mp4").write_text("")
    (tmp_path / "a-1-1.json").write_text("")
    assert first_free(tmp_path / "a-1.mp4") == tmp_path / "a-1-2.mp4"


def test_plan_path_in_a_folder(tmp_path):
    assert (
        plan_path(tmp_path / "new", "Hi there", 7, overwrite=False)
        == tmp_path / "new" / "hi-there-7.mp4"
    )
    assert (tmp_path / "new").is_dir()
