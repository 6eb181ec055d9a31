"""`pagemesh certs`: the CA, one certificate per identity with its SPIFFE ID, rotation that keeps the CA."""

from __future__ import annotations

import datetime
import ipaddress
import stat
import subprocess
from pathlib import Path

from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID

from pagemesh.runtime import pagemesh_command
from pagemesh.security import IDENTITIES, certificate_lifetime_left, issue_certificates, spiffe_id
from tests.harness import clean_environment


def _certificate(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def test_certs_command_issues_every_identity_with_its_spiffe_id(tmp_path: Path) -> None:
    out = tmp_path / "pki"
    result = subprocess.run(
        [*pagemesh_command(["certs", "--out", str(out), "--host", "pagemesh.example.com"])],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=clean_environment({"PAGEMESH_NAMESPACE": "shop"}),
    )
    assert result.returncode == 0, result.stderr
    ca = _certificate(out / "ca.pem")
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    for identity in IDENTITIES:
        certificate = _certificate(out / f"{identity}.pem")
        assert certificate.issuer == ca.subject
        san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        assert san.get_values_for_type(x509.UniformResourceIdentifier) == [spiffe_id(identity, "shop")]
        dns = san.get_values_for_type(x509.DNSName)
        assert identity in dns
        assert f"{identity}.shop.svc.cluster.local" in dns
        assert "pagemesh.example.com" in dns
        assert ipaddress.ip_address("127.0.0.1") in san.get_values_for_type(x509.IPAddress)
        usages = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        assert ExtendedKeyUsageOID.CLIENT_AUTH in usages
        assert ExtendedKeyUsageOID.SERVER_AUTH in usages
        lifetime = certificate.not_valid_after_utc - certificate.not_valid_before_utc
        assert datetime.timedelta(hours=24) <= lifetime <= datetime.timedelta(hours=24, minutes=6)
        assert stat.S_IMODE((out / f"{identity}-key.pem").stat().st_mode) == 0o600
        assert spiffe_id(identity, "shop") in result.stdout


def test_rotation_keeps_the_ca_and_renews_every_certificate(tmp_path: Path) -> None:
    first = issue_certificates(tmp_path)
    ca_before = (tmp_path / "ca.pem").read_bytes()
    serials = {f.certificate: _certificate(f.certificate).serial_number for f in first}
    issue_certificates(tmp_path)
    assert (tmp_path / "ca.pem").read_bytes() == ca_before
    assert all(_certificate(path).serial_number != serial for path, serial in serials.items())
    issue_certificates(tmp_path, new_ca=True)
    assert (tmp_path / "ca.pem").read_bytes() != ca_before


def test_lifetime_left_reads_expired_and_fresh_certificates(tmp_path: Path) -> None:
    issue_certificates(tmp_path / "fresh", identities=["operator"])
    assert certificate_lifetime_left(tmp_path / "fresh" / "operator.pem") > 0.99
    issue_certificates(
        tmp_path / "old",
        identities=["operator"],
        valid_from=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=2),
    )
    assert certificate_lifetime_left(tmp_path / "old" / "operator.pem") == 0.0
    assert certificate_lifetime_left(tmp_path / "missing.pem") == 0.0


def test_bad_arguments_are_one_line_and_exit_1(tmp_path: Path) -> None:
    for args, message in (
        (["--days", "0"], "--days must be more than 0"),
        (["--identity", "Bad Name"], "must be lower-case letters"),
    ):
        result = subprocess.run(
            pagemesh_command(["certs", "--out", str(tmp_path), *args]),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            env=clean_environment(),
        )
        assert result.returncode == 1
        assert result.stderr.count("\n") == 1
        assert message in result.stderr
