"""Output naming: safe slugs and never clobbering a file."""

from __future__ import annotations

import pytest

from vidgen.errors import UsageError
from vidgen.output import check_writable_folder, first_free, make_folder, plan_path, slugify


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
    # Planning creates nothing: the folder is made when the clip is written (make_folder).
    assert not (tmp_path / "new").exists()


def test_checking_a_new_folder_creates_nothing(tmp_path):
    check_writable_folder(tmp_path / "a" / "b")
    assert list(tmp_path.iterdir()) == []
    make_folder(tmp_path / "a" / "b")
    assert (tmp_path / "a" / "b").is_dir()


def test_a_file_on_the_way_is_refused_before_anything_is_made(tmp_path):
    (tmp_path / "taken").write_text("x")
    with pytest.raises(UsageError, match="taken is a file"):
        check_writable_folder(tmp_path / "taken" / "sub" / "deeper")
