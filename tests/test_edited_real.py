"""The edited-real corpus maker (benchmarks/edited_real.py) on a tiny synthetic source clip:
every edit kind gives a clip of the labeled length with a frame-exact label, and a seed
gives the same corpus twice."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import cv2
import imageio_ffmpeg
import numpy as np
import pytest
from benchmark_scripts import load_benchmark


@pytest.fixture(scope="module")
def bench():
    return load_benchmark("edited_real")


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    """36 frames at 12 fps, 128x96: a textured backdrop and two moving coloured blocks."""
    rng = np.random.default_rng(0)
    backdrop = cv2.GaussianBlur(rng.integers(0, 255, (96, 128, 3), dtype=np.uint8), (0, 0), 3)
    path = tmp_path_factory.mktemp("src") / "tiny.mp4"
    writer = imageio_ffmpeg.write_frames(str(path), (128, 96), fps=12, macro_block_size=1,
                                         ffmpeg_log_level="error")  # fmt: skip
    writer.send(None)
    for i in range(36):
        frame = backdrop.copy()
        cv2.rectangle(frame, (10 + i, 20), (30 + i, 40), (220, 40, 40), -1)
        cv2.circle(frame, (100 - i // 2, 70), 10, (40, 200, 60), -1)
        writer.send(np.ascontiguousarray(frame))
    writer.close()
    return path


def make(bench, source: Path, out: Path, seed: int, n: int, kinds=None) -> list[dict]:
    args = argparse.Namespace(
        seed=seed, n=n, out=str(out), sources=[str(source)], faces=None, kinds=kinds
    )
    bench.make(args)
    return [json.loads(line) for line in (out / "labels.jsonl").read_text().splitlines()]


def decoded_frames(path: Path) -> int:
    cap = cv2.VideoCapture(str(path))
    return sum(1 for _ in iter(cap.grab, False))


def test_every_edit_kind_gives_a_clip_and_a_frame_exact_label(bench, source, tmp_path):
    labels = make(bench, source, tmp_path, seed=3, n=2 * len(bench.KINDS))
    assert len(labels) == 2 * len(bench.KINDS)
    edited = [r for r in labels if r["edit"]]
    assert sorted(r["edit"] for r in edited) == sorted(bench.KINDS)
    for rec in labels:
        assert decoded_frames(tmp_path / rec["clip"]) == rec["frames"] >= 24
        assert (rec["width"], rec["height"]) == (128, 96)
    for rec in edited:
        check, kind, tol = bench.KINDS[rec["edit"]]
        assert (rec["check"], rec["event_kind"], rec["tolerance"]) == (check, kind, tol)
        assert 0.25 * rec["frames"] <= rec["start_frame"] <= 0.75 * rec["frames"]
        x, y, w, h = rec["box"]
        assert x >= 0 and y >= 0 and x + w <= 128 and y + h <= 96 and w > 0 and h > 0
        if rec["edit"] != "splice":
            assert max(w, h) >= 0.08 * 96 - 2 and min(w, h) <= 0.2 * 96 * 1.2
    assert all(r["change"] > 0 for r in edited if r["edit"] in ("appear", "teleport", "splice"))


def test_kinds_deals_out_only_the_named_edits(bench, source, tmp_path):
    labels = make(bench, source, tmp_path, seed=4, n=6, kinds=["hue_switch"])
    assert [r["edit"] for r in labels if r["edit"]] == ["hue_switch"] * 3
    with pytest.raises(SystemExit, match="unknown edit 'hue_flip'"):
        make(bench, source, tmp_path / "b", seed=4, n=6, kinds=["hue_flip"])


def test_a_seed_gives_the_same_corpus(bench, source, tmp_path):
    a = make(bench, source, tmp_path / "a", seed=5, n=4)
    b = make(bench, source, tmp_path / "b", seed=5, n=4)
    c = make(bench, source, tmp_path / "c", seed=6, n=4)
    assert a == b != c
    assert sum(bool(r["edit"]) for r in a) == 2
    for rec in a:
        assert (tmp_path / "a" / rec["clip"]).read_bytes() == (
            tmp_path / "b" / rec["clip"]
        ).read_bytes()


def test_score_counts_an_event_of_the_labeled_check_within_the_tolerance(bench):
    edit = {"edit": "vanish", "check": "object_permanence", "event_kind": None, "tolerance": 2,
            "start_frame": 20, "box": [10, 10, 20, 20], "change": 30.0}  # fmt: skip
    labels = [{"clip": "a.mp4", **edit}, {"clip": "b.mp4", **edit}, {"clip": "c.mp4", "edit": None}]

    def event(check, frame, bbox=None):
        return {"check": check, "kind": "k", "frame": frame, "bbox": bbox}

    results = {
        "a.mp4": {"verdict": "fail", "events": [event("object_permanence", 22, [25, 25, 9, 9])]},
        "b.mp4": {
            "verdict": "fail",
            "events": [event("object_permanence", 23), event("identity_drift", 20)],
        },  # fmt: skip
        "c.mp4": {"verdict": "fail", "events": [event("physics_sanity", 5)]},
    }
    t = bench.tally(labels, results)
    assert t["kinds"]["vanish"]["found"] == 1 and t["kinds"]["vanish"]["localized"] == 1
    assert t["checks"]["object_permanence"] == {"labeled": 2, "found": 1}
    assert (t["unedited"]["clips"], t["unedited"]["failed"]) == (1, 1)
