"""Weight hashes in the record: free for hub-cache blobs, computed once for local folders."""

from __future__ import annotations

import hashlib
import os

from vidgen.provenance import record


def test_hub_blob_name_is_its_hash(tmp_path):
    blob = tmp_path / "blobs" / ("ab" * 32)
    blob.parent.mkdir()
    blob.write_bytes(b"weights")  # the content does not match: the name is trusted, not re-read
    snapshot = tmp_path / "snapshots" / "rev" / "transformer"
    snapshot.mkdir(parents=True)
    (snapshot / "model.safetensors").symlink_to(blob)
    hashes = record.weight_hashes(tmp_path / "snapshots" / "rev")
    assert hashes == {"transformer/model.safetensors": "ab" * 32}


def test_local_hashes_are_right_and_cached_on_disk(tmp_path, monkeypatch):
    monkeypatch.setenv("VIDGEN_HOME", str(tmp_path / "home"))
    record._hash_cache.cache_clear()
    record._sha256.cache_clear()
    weights = tmp_path / "model" / "vae" / "w.safetensors"
    weights.parent.mkdir(parents=True)
    weights.write_bytes(b"abc" * 1000)
    expected = hashlib.sha256(b"abc" * 1000).hexdigest()
    assert record.weight_hashes(tmp_path / "model") == {"vae/w.safetensors": expected}
    assert expected in (tmp_path / "home" / "weight-hashes.json").read_text()
    # A changed file (new size and mtime) is hashed again, not served from the cache.
    weights.write_bytes(b"different")
    os.utime(weights, ns=(1, 1))
    record._sha256.cache_clear()
    assert (
        record.weight_hashes(tmp_path / "model")["vae/w.safetensors"]
        == hashlib.sha256(b"different").hexdigest()
    )


def test_settings_from_record_flags_win_and_the_rest_comes_from_the_record():
    from vidgen.generate import Request
    from vidgen.loading import RuntimeOptions
    from vidgen.make import settings_from_record

    recorded = {
        "schema": "vidgen.record/1",
        "prompt": "a red ball falls",
        "seed": 5,
        "frames": 17,
        "height": 64,
        "width": 64,
        "steps": 20,
        "model": {"requested": "shapes"},
        "device": "cpu",
        "dtype": "float32",
        "runtime": {"cache": "fbc", "vae_tiling": False},
    }
    given = Request(prompt=None, steps=4)  # only --steps on the command line
    request, model, runtime = settings_from_record(
        recorded, given, None, RuntimeOptions(dtype="bfloat16")
    )
    assert (request.prompt, request.seed, request.frames, request.steps) == (
        "a red ball falls",
        5,
        17,
        4,
    )
    assert model == "shapes"
    assert runtime.device == "cpu" and runtime.cache == "fbc"  # defaults take the record
    assert runtime.dtype == "bfloat16"  # a flag the user set wins
    _, other, _ = settings_from_record(recorded, given, "wan2.1", RuntimeOptions())
    assert other == "wan2.1"
