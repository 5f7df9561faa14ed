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
