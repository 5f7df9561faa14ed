"""Signing keys: the local CA made once (private keys 0600, one CA for ranks that start
together, a leaf C2PA accepts), a user's own chain, and bad keys or certificates refused in
one line. Every test uses its own VIDGEN_HOME.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from provenance_clips import (
    make_sealed,
    textured_frames,
)

from vidgen.errors import UsageError
from vidgen.provenance import (
    ProvenanceOptions,
    verify_clip,
)


def test_local_ca_is_created_once_with_private_keys_0600(home, caplog):
    from vidgen.provenance.keys import load_identity

    with caplog.at_level("WARNING", logger="vidgen"):
        first = load_identity()
        second = load_identity()
    announcements = [r for r in caplog.records if str(home) in r.getMessage()]
    assert len(announcements) == 1  # said where the keys went, once
    for name in ("c2pa-root-ca.key", "c2pa-signer.key"):
        assert stat.S_IMODE(os.stat(home / name).st_mode) == 0o600
    assert first.chain_pem == second.chain_pem and first.source == "local"


def _identity_in(home: str, queue) -> None:
    from vidgen.provenance.keys import load_identity

    identity = load_identity(home=home)
    queue.put((identity.chain_pem, identity.key_pem))


def test_ranks_starting_together_share_one_local_ca(tmp_path):
    import multiprocessing

    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    procs = [context.Process(target=_identity_in, args=(str(tmp_path / "h"), queue)) for _ in "ab"]
    for proc in procs:
        proc.start()
    results = [queue.get(timeout=60) for _ in procs]
    for proc in procs:
        proc.join()
    assert results[0] == results[1]  # same chain and key: no rank signs with a stale pair


def test_local_leaf_has_the_extensions_c2pa_requires(home):
    from cryptography import x509
    from cryptography.x509.oid import ExtendedKeyUsageOID

    from vidgen.provenance.keys import load_identity

    leaf, root = x509.load_pem_x509_certificates(load_identity().chain_pem)
    assert leaf.issuer == root.subject != leaf.subject
    basic = leaf.extensions.get_extension_for_class(x509.BasicConstraints)
    assert basic.value.ca is False
    usage = leaf.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical and usage.value.digital_signature
    eku = leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert ExtendedKeyUsageOID.EMAIL_PROTECTION in eku
    assert x509.ObjectIdentifier("1.3.6.1.5.5.7.3.36") in eku
    leaf.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
    leaf.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier)


def _user_chain(folder: Path) -> tuple[Path, Path, Path]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from vidgen.provenance.keys import make_chain

    root_key, leaf_key = (
        ec.generate_private_key(ec.SECP384R1()),
        ec.generate_private_key(ec.SECP384R1()),
    )
    root, leaf = make_chain(root_key, leaf_key, "Example Studio")
    pem = serialization.Encoding.PEM
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "chain.pem").write_bytes(leaf.public_bytes(pem) + root.public_bytes(pem))
    (folder / "root.pem").write_bytes(root.public_bytes(pem))
    (folder / "signer.key").write_bytes(
        leaf_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return folder / "chain.pem", folder / "signer.key", folder / "root.pem"


def test_user_supplied_chain_signs_and_verifies(tmp_path, home):
    cert, key, root = _user_chain(tmp_path / "user")
    opts = ProvenanceOptions(sign_cert=cert, sign_key=key)
    clip, _, _ = make_sealed(tmp_path, textured_frames(9, 64, 96), opts)
    assert not (home / "c2pa-signer.key").exists()  # no local CA made when the user signs
    untrusted = verify_clip(clip)
    assert untrusted["manifest"]["state"] == "valid-untrusted"
    trusted = verify_clip(clip, trust_anchors=[str(root)])
    assert trusted["manifest"]["state"] == "trusted"
    assert trusted["manifest"]["signer"] == "Example Studio signer"
    assert trusted["status"] == "intact"


@pytest.mark.parametrize(
    "break_it, message",
    [
        pytest.param(lambda c, k: c.write_text("not a cert"), "not a PEM certificate", id="cert"),
        pytest.param(lambda c, k: k.write_text("garbage"), "not an unencrypted PEM", id="key"),
        pytest.param(lambda c, k: c.unlink(), "cannot read the certificate", id="missing"),
    ],
)
def test_bad_key_or_certificate_gets_a_clear_error(tmp_path, home, break_it, message):
    from vidgen.provenance import prepare

    cert, key, _ = _user_chain(tmp_path / "user")
    break_it(cert, key)
    with pytest.raises(UsageError, match=message):
        prepare(ProvenanceOptions(sign_cert=cert, sign_key=key))


def test_key_of_another_certificate_is_refused(tmp_path, home):
    from vidgen.provenance import prepare

    cert, _, _ = _user_chain(tmp_path / "a")
    _, other_key, _ = _user_chain(tmp_path / "b")
    with pytest.raises(UsageError, match="does not belong"):
        prepare(ProvenanceOptions(sign_cert=cert, sign_key=other_key))
