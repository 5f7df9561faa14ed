"""Signing credentials: the user's own certificate chain, or a local CA that vidgen creates once.

c2pa-rs refuses a self-signed end-entity certificate, so the local identity is two
certificates: a root CA (the trust anchor `vidgen verify` uses by default) and a leaf
issued by it with the extensions C2PA asks of a signer (CA:FALSE, critical
digitalSignature, EKU emailProtection + documentSigning, SKI/AKI). Private keys are
written with mode 0600 before any byte of key material reaches the disk.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from vidgen.errors import UsageError

ROOT_CERT = "c2pa-root-ca.pem"
ROOT_KEY = "c2pa-root-ca.key"
LEAF_CERT = "c2pa-signer.pem"  # leaf followed by the root: the chain c2pa embeds
LEAF_KEY = "c2pa-signer.key"

_DOCUMENT_SIGNING_OID = "1.3.6.1.5.5.7.3.36"  # id-kp-documentSigning (RFC 9336)


@dataclass(frozen=True)
class SigningIdentity:
    """PEM bytes ready for c2pa.C2paSignerInfo, plus where they came from."""

    chain_pem: bytes  # end-entity first, then intermediates/root
    key_pem: bytes
    alg: str  # c2pa algorithm name: es256, es384, ps256, ed25519
    source: str  # "user" or "local"
    anchor_pem: bytes | None  # the local root, when source == "local"


def vidgen_home(home: str | os.PathLike | None = None) -> Path:
    """$VIDGEN_HOME, else ~/.config/vidgen (a `home` argument wins over both)."""
    if home is not None:
        return Path(home)
    env = os.environ.get("VIDGEN_HOME")
    return Path(env) if env else Path.home() / ".config" / "vidgen"


def local_anchor_pem(home: str | os.PathLike | None = None) -> bytes | None:
    """The local root CA certificate, if vidgen has created one."""
    path = vidgen_home(home) / ROOT_CERT
    return path.read_bytes() if path.is_file() else None


def load_identity(
    cert: str | os.PathLike | None = None,
    key: str | os.PathLike | None = None,
    home: str | os.PathLike | None = None,
) -> SigningIdentity:
    """The user's chain (arguments, then $VIDGEN_SIGN_CERT/$VIDGEN_SIGN_KEY), else the local CA."""
    cert = cert or os.environ.get("VIDGEN_SIGN_CERT") or None
    key = key or os.environ.get("VIDGEN_SIGN_KEY") or None
    if cert is None and key is None:
        return _local_identity(vidgen_home(home))
    if cert is None or key is None:
        missing = "--sign-cert (or VIDGEN_SIGN_CERT)" if cert is None else "--sign-key"
        raise UsageError(f"signing needs both a certificate chain and a key: pass {missing} too")
    return _user_identity(Path(cert), Path(key))


def _user_identity(cert_path: Path, key_path: Path) -> SigningIdentity:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    chain_pem = _read(cert_path, "certificate")
    key_pem = _read(key_path, "private key")
    try:
        chain = x509.load_pem_x509_certificates(chain_pem)
    except ValueError:
        raise UsageError(
            f"{cert_path}: not a PEM certificate chain; pass the signer certificate "
            "(then its issuers) in PEM format to --sign-cert"
        ) from None
    try:
        private_key = serialization.load_pem_private_key(key_pem, password=None)
    except (ValueError, TypeError):
        raise UsageError(
            f"{key_path}: not an unencrypted PEM private key; pass a PKCS#8 or "
            "traditional PEM key without a passphrase to --sign-key"
        ) from None
    leaf = chain[0]
    pub = serialization.PublicFormat.SubjectPublicKeyInfo
    enc = serialization.Encoding.DER
    if private_key.public_key().public_bytes(enc, pub) != leaf.public_key().public_bytes(enc, pub):
        raise UsageError(
            f"{key_path}: this key does not belong to the first certificate in {cert_path}; "
            "pass the key of the signer certificate"
        )
    if leaf.issuer == leaf.subject:
        raise UsageError(
            f"{cert_path}: the signer certificate is self-signed, which C2PA rejects; "
            "use a certificate issued by a CA (or omit --sign-cert to use vidgen's local CA)"
        )
    return SigningIdentity(chain_pem, key_pem, _alg_for(private_key, key_path), "user", None)


def _alg_for(private_key, key_path: Path) -> str:
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

    if isinstance(private_key, ec.EllipticCurvePrivateKey):
        by_curve = {"secp256r1": "es256", "secp384r1": "es384", "secp521r1": "es512"}
        if private_key.curve.name in by_curve:
            return by_curve[private_key.curve.name]
    elif isinstance(private_key, rsa.RSAPrivateKey):
        return "ps256"
    elif isinstance(private_key, ed25519.Ed25519PrivateKey):
        return "ed25519"
    raise UsageError(
        f"{key_path}: unsupported key type for C2PA; use an EC P-256/P-384/P-521, RSA or Ed25519 key"
    )


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise UsageError(
            f"{path}: cannot read the {what} ({error.strerror}); check the path"
        ) from None


def _local_identity(home: Path) -> SigningIdentity:
    try:
        return _local_identity_in(home)
    except OSError as error:
        what = "is a file" if home.is_file() else (error.strerror or type(error).__name__)
        raise UsageError(
            f"VIDGEN_HOME {home}: cannot keep the local signing keys there ({what}); set "
            "VIDGEN_HOME to a writable folder, or pass --no-sign"
        ) from None


def _local_identity_in(home: Path) -> SigningIdentity:
    paths = [home / name for name in (ROOT_CERT, ROOT_KEY, LEAF_CERT, LEAF_KEY)]
    if not all(p.is_file() for p in paths):
        home.mkdir(parents=True, exist_ok=True)
        with _locked(home / ".c2pa-ca.lock"):
            # torchrun ranks start together: one creates, the others find it made
            created = not all(p.is_file() for p in paths)
            if created:
                _create_local_ca(home)
    else:
        created = False
    if created:
        # Said once, through the "vidgen" logger: the CLI shows it on stderr unless -q.
        logging.getLogger("vidgen").warning(
            "created a local signing CA and key in %s (keys readable by you only); clips are "
            "signed with it and `vidgen verify` trusts it on this machine",
            home,
        )
    _warn_if_readable(home / LEAF_KEY, home / ROOT_KEY)
    chain_pem = (home / LEAF_CERT).read_bytes()
    key_pem = (home / LEAF_KEY).read_bytes()
    return SigningIdentity(chain_pem, key_pem, "es256", "local", (home / ROOT_CERT).read_bytes())


_WARNED: set[tuple[str, int]] = set()


def _warn_if_readable(*keys: Path) -> None:
    """vidgen writes its keys 0600; one that others can read since is said, not used quietly."""
    for key in keys:
        mode = key.stat().st_mode & 0o777
        if mode & 0o077 and (str(key), mode) not in _WARNED:
            _WARNED.add((str(key), mode))  # once a process, not once a clip
            logging.getLogger("vidgen").warning(
                "%s is readable by other users (mode %s): anyone who can read it can sign as "
                "you; run chmod 600 %s",
                key,
                oct(mode)[2:].zfill(4),
                key,
            )


@contextlib.contextmanager
def _locked(path: Path):
    import fcntl

    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_private(path: Path, data: bytes) -> None:
    # O_EXCL|0600 from the start: the key is never readable by others, not even briefly.
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


def _write_public(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _create_local_ca(home: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    home.mkdir(parents=True, exist_ok=True)
    os.chmod(home, 0o700)
    root_key = ec.generate_private_key(ec.SECP256R1())
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    root_cert, leaf_cert = make_chain(root_key, leaf_key, "vidgen local")

    def key_bytes(key) -> bytes:
        return key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    pem = serialization.Encoding.PEM
    # Keys first, certificates last: a half-finished run leaves no usable-looking identity.
    _write_private(home / ROOT_KEY, key_bytes(root_key))
    _write_private(home / LEAF_KEY, key_bytes(leaf_key))
    _write_public(home / ROOT_CERT, root_cert.public_bytes(pem))
    _write_public(home / LEAF_CERT, leaf_cert.public_bytes(pem) + root_cert.public_bytes(pem))


def make_chain(root_key, leaf_key, name: str, days: int = 3650):
    """A root CA certificate and a C2PA-acceptable signing leaf issued by it (both x509 objects)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)
    until = now + dt.timedelta(days=days)
    root_name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, name),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{name} root CA"),
        ]
    )
    leaf_name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, name),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{name} signer"),
        ]
    )
    root_ski = x509.SubjectKeyIdentifier.from_public_key(root_key.public_key())
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(until)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(root_ski, critical=False)
        .sign(root_key, hashes.SHA256())
    )
    leaf = (
        x509.CertificateBuilder()
        .subject_name(leaf_name)
        .issuer_name(root_name)
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(until)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage(
                [
                    ExtendedKeyUsageOID.EMAIL_PROTECTION,
                    x509.ObjectIdentifier(_DOCUMENT_SIGNING_OID),
                ]
            ),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(leaf_key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(root_ski), False
        )
        .sign(root_key, hashes.SHA256())
    )
    return root, leaf
