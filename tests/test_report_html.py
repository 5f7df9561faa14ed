"""`--report DIR`: the HTML report of check, verify and make --check, and a real browser."""

from __future__ import annotations

import html.parser
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest
from click.testing import CliRunner
from test_check_checkers import synth
from test_check_cli import write_mp4

from checkers.html.clip import around, strip_frames
from checkers.html.folder import MARKER
from checkers.html.keeper import FrameKeeper
from checkers.html.plots import metrics_png, panels_for
from vidgen.cli import cli

VOID = {"meta", "img", "br", "link", "input", "hr", "source", "wbr"}
ODD_NAME = 'odd <b>&"name'  # a file name a page must escape


def run(*args: str):
    return CliRunner().invoke(cli, [*map(str, args)])


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("report-clips")
    write_mp4(root / "good.mp4", synth(n=24))
    write_mp4(root / "vanish.mp4", synth(n=24, violation="vanish", at=12))
    write_mp4(root / f"{ODD_NAME}.mp4", synth(n=32, violation="teleport", at=14))
    return root


@pytest.fixture(scope="module")
def report(clips, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "rep"
    result = run("check", "--features", "classical", "--report", out, clips)
    assert result.exit_code == 1, result.output  # vanish and teleport fail
    assert "index.html" in result.stderr
    return out


class Page(html.parser.HTMLParser):
    """Collects links and images, and checks that every opened tag is closed in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.links: list[str] = []
        self.images: list[str] = []
        self.problems: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "img":
            self.images.append(values.get("src") or "")
        if tag == "a":
            self.links.append(values.get("href") or "")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text())
    page.close()
    assert not page.problems and not page.stack, (path, page.problems, page.stack)
    return page


def pages(report: Path) -> list[Path]:
    return [report / "index.html", *sorted((report / "clips").glob("*.html"))]


def test_every_linked_image_and_page_exists(report):
    for path in pages(report):
        page = parse(path)
        assert page.images or path.name == "index.html"
        for target in page.images + page.links:
            local = target.split("#")[0]
            assert not re.match(r"^[a-z]+:|^//", target), (path, target)  # relative only
            if local:
                from urllib.parse import unquote

                assert (path.parent / unquote(local)).is_file(), (path, target)


def test_nothing_refers_to_a_network_address(report):
    for path in report.rglob("*.html"):
        text = path.read_text()
        assert not re.search(r"https?:|ftp:|src=\"//|href=\"//|@import|url\(", text), path


def test_index_has_a_row_per_clip_failures_first(report):
    page = parse(report / "index.html")
    rows = (report / "index.html").read_text().count("<tr>") - 1  # less the header
    assert rows == 3
    names = [t for t in page.text if t.endswith(".mp4") and "/" not in t]
    assert names[:2] == sorted([f"{ODD_NAME}.mp4", "vanish.mp4"]) and names[2] == "good.mp4"
    marker = json.loads((report / MARKER).read_text())
    assert marker["schema"] == "vidgen.report/1" and len(marker["clips"]) == 3


def test_event_card_shows_the_frames_around_the_event(report):
    (page_path,) = (report / "clips").glob("vanish-*.html")
    text = page_path.read_text()
    assert "object_permanence / vanish</b> at frame 12" in text
    assert "frame 12 (event)" in text
    folder = page_path.with_suffix("")
    shown = sorted(p.name for p in folder.glob("event01-*.jpg"))
    assert shown == ["event01-00008.jpg", "event01-00012.jpg", "event01-00016.jpg"]
    # The box is drawn at the event frame: red pixels the clean clip does not have there.
    at = cv2.imread(str(folder / "event01-00012.jpg"))[:, :, ::-1]
    red = (at[:, :, 0] > 200) & (at[:, :, 1] < 90) & (at[:, :, 2] < 90)
    assert red.sum() > 20  # the ball is gone at frame 12: only the drawn box is red
    assert len(list(folder.glob("strip-*.jpg"))) == 12
    assert (folder / "metrics.png").is_file()


def test_images_are_small_thumbnails(report):
    sizes = []
    for image in report.rglob("*.jpg"):
        h, w = cv2.imread(str(image)).shape[:2]
        sizes.append(min(h, w))
        assert image.stat().st_size < 40_000
    assert sizes and all(s <= 240 for s in sizes)  # the test clips are 320x192: no upscaling


def test_user_strings_are_escaped(report):
    (page_path,) = [p for p in (report / "clips").glob("*.html") if p.name.startswith("odd-b")]
    text = page_path.read_text()
    assert "odd &lt;b&gt;&amp;&quot;name.mp4" in text and "<b>&" not in text


def test_plain_clip_page_says_no_events(report):
    (page_path,) = (report / "clips").glob("good-*.html")
    assert "No events" in page_path.read_text()
    assert "Provenance" in page_path.read_text()  # the summary of vidgen verify


def test_report_to_a_file_or_a_foreign_folder_is_refused(clips, tmp_path):
    clip = clips / "good.mp4"
    result = run("check", "--report", clip, clip)
    assert result.exit_code == 2 and "--report" in result.stderr and "is a file" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    result = run("check", "--report", foreign, clip)
    assert result.exit_code == 2 and "vidgen did not write" in result.stderr
    assert sorted(os.listdir(foreign)) == ["notes.txt"]


def test_report_folder_is_reused_and_verify_joins_it(clips, tmp_path):
    out = tmp_path / "rep"
    out.mkdir()  # an empty folder is fine
    clip = clips / "good.mp4"
    assert run("check", "--features", "classical", "-q", "--report", out, clip).exit_code == 0
    (out / "my-notes.txt").write_text("mine")  # a user file added later stays
    result = run("verify", "--report", out, clip)
    assert result.exit_code == 1  # a synthetic clip has no provenance
    (page_path,) = (out / "clips").glob("good-*-verify.html")
    text = parse(page_path) and page_path.read_text()
    assert "manifest</dt><dd>absent: no signed manifest" in text
    assert "watermark</dt><dd>absent" in text and "sidecar</dt><dd>absent" in text
    index = (out / "index.html").read_text()
    assert "provenance missing" in index and "-verify.html" in index
    assert (out / "my-notes.txt").read_text() == "mine"
    assert not [p for p in out.rglob("*") if p.name.startswith(".tmp-")]


def test_workers_write_the_same_pages(clips, tmp_path):
    out = tmp_path / "rep"
    args = ["check", "--features", "classical", "-q", "-j", "2", "--report", out]
    result = run(*args, clips / "good.mp4", clips / "vanish.mp4")
    assert result.exit_code == 1
    assert len(list((out / "clips").glob("*.html"))) == 2
    assert len(list((out / "clips").glob("vanish-*/event01-*.jpg"))) == 3


def test_make_report_needs_check(tmp_path):
    prompts = tmp_path / "p.txt"
    prompts.write_text("a red ball\n")
    result = run("make", "-o", tmp_path / "o", "--report", tmp_path / "r", prompts)
    assert result.exit_code == 2 and "add --check" in result.stderr
    result = run("make", "--report", tmp_path / "r", "a red ball")
    assert result.exit_code == 2 and "batches" in result.stderr


def test_make_check_report(tiny_wan_dir, tmp_path):
    prompts = tmp_path / "p.txt"
    prompts.write_text("a red ball\n")
    small = ["--frames", "9", "--height", "32", "--width", "32", "--steps", "2"]
    out, rep = tmp_path / "o", tmp_path / "rep"
    args = ["make", "-q", "--model", tiny_wan_dir, *small, "-o", out, "--check", "--report", rep]
    result = run(*args, prompts)
    assert result.exit_code in (0, 1), result.output
    (page_path,) = (rep / "clips").glob("*.html")
    parse(page_path)
    assert "a-red-ball" in (rep / "index.html").read_text()


def test_keeper_reads_back_the_frames_it_saw():
    from checkers.runner import check_frames  # noqa: F401 - the observer is check_clip's

    frames = synth(n=10)
    with FrameKeeper() as keeper:

        class Obs:
            assigned, detections = {}, []

        from checkers.video import Frame

        for i, image in enumerate(frames):
            keeper(Frame(i, i / 16, image), Obs())
        assert keeper.frames == list(range(10))
        back = keeper.image(7)
        assert back.shape == frames[7].shape
        assert np.abs(back.astype(int) - frames[7]).mean() < 3  # JPEG, quality 90
        assert keeper.image(10) is None


def test_strip_and_around_stay_inside_the_clip():
    assert strip_frames(5) == [0, 1, 2, 3, 4]
    picked = strip_frames(100)
    assert len(picked) == 12 and picked[0] == 0 and picked[-1] == 99
    from checkers.base import Event

    event = Event("c", "k", 0, 0, 0.0, None, 1.0, None, "m")
    assert around(event, 10, 16) == [0, 0, 4]


def test_plot_is_a_png_and_none_without_data():
    rows = [{"frame": i, "a": float(i), "b": float("nan")} for i in range(20)]
    panels = panels_for(rows, [("c", ["a", "b"], {"a": 10.0}, [12])])
    assert [p.label for p in panels] == ["c: a"]  # b has no finite value
    png = metrics_png(panels)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    image = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
    # The event line (red) and the threshold (orange) are drawn; antialiasing blends a thin
    # line with the white around it, so "red" is red well above green and blue.
    b, g, r = (image[:, :, i].astype(int) for i in range(3))
    assert ((r > 180) & (r - g > 90) & (abs(g - b) < 30)).sum() > 20
    assert ((r > 200) & (g > 100) & (g < 190) & (r - b > 120)).sum() > 20
    assert metrics_png(panels_for(rows, [("c", ["b"], {}, [])])) is None


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(
    _chromium() is None,
    reason="Chromium is not installed (Debian: apt-get install -y chromium; .ci/run does it)",
)
def test_clip_page_renders_in_headless_chromium(report, tmp_path):
    (page_path,) = (report / "clips").glob("vanish-*.html")
    shot = tmp_path / "shot.png"
    width, height = 412, 1600  # a phone's width
    command = [
        _chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        # No network: every host name fails to resolve, and a proxy that is not there.
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--proxy-server=http://127.0.0.1:9",
        f"--user-data-dir={tmp_path / 'profile'}",
        f"--window-size={width},{height}",
        f"--screenshot={shot}",
        page_path.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and shot.is_file(), done.stderr[-2000:]
    image = cv2.imread(str(shot))
    assert image.shape[:2] == (height, width)
    # Not a blank page: many colours, and the red of the verdict and the event card.
    assert len(np.unique(image.reshape(-1, 3), axis=0)) > 200
    assert ((image[:, :, 2] > 180) & (image[:, :, 1] < 80) & (image[:, :, 0] < 80)).sum() > 50
    # The page fits a phone: no column of the right edge is left blank while content
    # overflowed (an overflowing page would be cut off there, which a screenshot shows as
    # content touching the very last column on many rows).
    edge = image[:, -2:, :].astype(int)
    assert (np.abs(edge - image[0, -1]).sum(axis=2) > 60).mean() < 0.2


def test_unreadable_clip_gets_a_page_that_says_why(tmp_path):
    bad = tmp_path / "broken.mp4"
    bad.write_text("not a video\n")
    out = tmp_path / "rep"
    result = run("check", "-q", "--report", out, bad)
    assert result.exit_code == 2
    (page_path,) = (out / "clips").glob("broken-*.html")
    parse(page_path)
    assert 'class="verdict error"' in page_path.read_text()
    assert "broken.mp4" in (out / "index.html").read_text()
