"""A development certificate authority and one short-lived certificate per identity of the mesh.

Every part (the six services and the aggregator) and the `operator` identity (people and tools) gets an EC
P-256 key and a certificate whose URI SAN is its SPIFFE ID, `spiffe://pagemesh.local/ns/<namespace>/sa/<part>`:
that is what the authorization policy matches. DNS and IP SANs name where a part listens (its own name, as a
Kubernetes Service would be called, `localhost` and the loopback addresses), so clients can also check they
reached the part they meant.

Files in the PKI directory: `ca.pem` and `ca-key.pem`, then `<identity>.pem` and `<identity>-key.pem`. Making
certificates again keeps a CA that is still valid for long enough and reissues every identity, which is how
rotation works: servers and clients pick up the new files without a restart. Keys are written with mode 0600,
each file replaced atomically.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from pagemesh.runtime._config import AGGREGATOR, SERVICES
from pagemesh.runtime._errors import PagemeshError

__all__ = [
    "IDENTITIES",
    "OPERATOR",
    "TRUST_DOMAIN",
    "CertificateError",
    "IdentityFiles",
    "certificate_lifetime_left",
    "identity_files",
    "issue_certificates",
    "spiffe_id",
]

TRUST_DOMAIN = "pagemesh.local"
OPERATOR = "operator"
"""The identity of people and tools (grpcurl, `pagemesh page`, the SDK examples)."""
IDENTITIES: tuple[str, ...] = (*SERVICES, AGGREGATOR, OPERATOR)
"""Every identity `pagemesh certs` issues by default."""

_CA_LIFETIME = datetime.timedelta(days=365)
_CLOCK_SKEW = datetime.timedelta(minutes=5)
"""Certificates are valid from a little before now, so a peer whose clock is slightly behind accepts them."""


class CertificateError(PagemeshError):
    """Certificates cannot be made, or a part's certificate files are missing or unreadable."""


def spiffe_id(identity: str, namespace: str = "default") -> str:
    """The SPIFFE ID of a part or of `operator` in `namespace`."""
    return f"spiffe://{TRUST_DOMAIN}/ns/{namespace}/sa/{identity}"


@dataclass(frozen=True)
class IdentityFiles:
    """Where one identity's certificate and key are, beside the CA that signed them."""

    ca: Path
    certificate: Path
    key: Path

    def read(self) -> tuple[bytes, bytes, bytes]:
        """(CA certificate, certificate, key) as PEM bytes; `CertificateError` naming what is missing."""
        try:
            return self.ca.read_bytes(), self.certificate.read_bytes(), self.key.read_bytes()
        except OSError as error:
            raise CertificateError(
                f"cannot read {error.filename}: {error.strerror}; make the certificates with "
                f"`pagemesh certs --out {self.ca.parent}` or set PAGEMESH_TLS=plaintext"
            ) from None

    def stamp(self) -> tuple[int, ...]:
        """Changes whenever one of the three files is replaced (modification times and inodes)."""
        stamp: list[int] = []
        for path in (self.ca, self.certificate, self.key):
            try:
                status = path.stat()
            except OSError:
                stamp += [0, 0]
                continue
            stamp += [status.st_mtime_ns, status.st_ino]
        return tuple(stamp)


def identity_files(pki_dir: Path, identity: str) -> IdentityFiles:
    """The files of `identity` in `pki_dir`."""
    return IdentityFiles(pki_dir / "ca.pem", pki_dir / f"{identity}.pem", pki_dir / f"{identity}-key.pem")


def _write_atomically(path: Path, data: bytes, mode: int) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(handle, mode)
        os.write(handle, data)
        os.fsync(handle)
    finally:
        os.close(handle)
    os.replace(temporary, path)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _load_ca(
    pki_dir: Path, needed_until: datetime.datetime
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey] | None:
    """The CA in `pki_dir` if there is one that is valid until `needed_until`."""
    try:
        certificate = x509.load_pem_x509_certificate((pki_dir / "ca.pem").read_bytes())
        key = serialization.load_pem_private_key((pki_dir / "ca-key.pem").read_bytes(), password=None)
    except (OSError, ValueError):
        return None
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        return None
    now = datetime.datetime.now(datetime.UTC)
    if certificate.not_valid_before_utc > now or certificate.not_valid_after_utc < needed_until:
        return None
    return certificate, key


def _new_ca(pki_dir: Path, now: datetime.datetime) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "pagemesh"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"pagemesh development CA ({TRUST_DOMAIN})"),
        ]
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _CLOCK_SKEW)
        .not_valid_after(now + _CA_LIFETIME)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
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
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_atomically(pki_dir / "ca-key.pem", _key_pem(key), 0o600)
    _write_atomically(pki_dir / "ca.pem", certificate.public_bytes(serialization.Encoding.PEM), 0o644)
    return certificate, key


def _dns_names(identity: str, namespace: str, extra_hosts: Iterable[str]) -> list[str]:
    names = [
        identity,
        f"{identity}.{namespace}",
        f"{identity}.{namespace}.svc",
        f"{identity}.{namespace}.svc.cluster.local",
        "localhost",
    ]
    return list(dict.fromkeys([*names, *extra_hosts]))


def _issue(
    identity: str,
    *,
    ca: tuple[x509.Certificate, ec.EllipticCurvePrivateKey],
    namespace: str,
    not_before: datetime.datetime,
    not_after: datetime.datetime,
    extra_hosts: Sequence[str],
) -> tuple[bytes, bytes]:
    ca_certificate, ca_key = ca
    key = ec.generate_private_key(ec.SECP256R1())
    hosts = [h for h in extra_hosts if not _is_ip(h)]
    ips = [ipaddress.ip_address(h) for h in ["127.0.0.1", "::1", *extra_hosts] if _is_ip(h)]
    san: list[x509.GeneralName] = [x509.UniformResourceIdentifier(spiffe_id(identity, namespace))]
    san += [x509.DNSName(name) for name in _dns_names(identity, namespace, hosts)]
    san += [x509.IPAddress(ip) for ip in dict.fromkeys(ips)]
    certificate = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(NameOID.ORGANIZATION_NAME, "pagemesh"),
                    x509.NameAttribute(NameOID.COMMON_NAME, identity),
                ]
            )
        )
        .issuer_name(ca_certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName(san), critical=False)
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM), _key_pem(key)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def issue_certificates(
    pki_dir: Path,
    *,
    namespace: str = "default",
    lifetime: datetime.timedelta = datetime.timedelta(hours=24),
    identities: Sequence[str] = IDENTITIES,
    extra_hosts: Sequence[str] = (),
    valid_from: datetime.datetime | None = None,
    new_ca: bool = False,
) -> list[IdentityFiles]:
    """Makes (or reuses) the CA in `pki_dir` and issues a fresh key and certificate for each identity.

    The certificates are valid from `valid_from` (default: now) for `lifetime`; tests pass a past
    `valid_from` to make certificates that have already expired.
    """
    if lifetime <= datetime.timedelta(0):
        raise CertificateError("the certificate lifetime must be positive")
    for identity in identities:
        if not identity or not set(identity) <= set("abcdefghijklmnopqrstuvwxyz0123456789-"):
            raise CertificateError(f"identity {identity!r} must be lower-case letters, digits and '-'")
    now = datetime.datetime.now(datetime.UTC)
    start = valid_from or now
    try:
        pki_dir.mkdir(parents=True, exist_ok=True)
        ca = None if new_ca else _load_ca(pki_dir, max(now, start + lifetime))
        ca = ca or _new_ca(pki_dir, now)
        issued = []
        for identity in identities:
            certificate, key = _issue(
                identity,
                ca=ca,
                namespace=namespace,
                not_before=start - _CLOCK_SKEW,
                not_after=start + lifetime,
                extra_hosts=extra_hosts,
            )
            files = identity_files(pki_dir, identity)
            # The key first: a reader that sees the new certificate with the old key notices the mismatch
            # and keeps what it had (see pagemesh.runtime's credential loading), then sees both.
            _write_atomically(files.key, key, 0o600)
            _write_atomically(files.certificate, certificate, 0o644)
            issued.append(files)
    except OSError as error:
        raise CertificateError(f"cannot write certificates to {pki_dir}: {error.strerror}") from None
    return issued


def certificate_lifetime_left(path: Path, now: datetime.datetime | None = None) -> float:
    """The fraction of the certificate at `path`'s validity still ahead (0 when expired or unreadable)."""
    try:
        certificate = x509.load_pem_x509_certificate(path.read_bytes())
    except (OSError, ValueError):
        return 0.0
    now = now or datetime.datetime.now(datetime.UTC)
    total = (certificate.not_valid_after_utc - certificate.not_valid_before_utc).total_seconds()
    left = (certificate.not_valid_after_utc - now).total_seconds()
    return max(0.0, min(1.0, left / total)) if total > 0 else 0.0
