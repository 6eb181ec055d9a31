"""`pagemesh certs`: a development CA and a short-lived certificate for every identity of the mesh."""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

from pagemesh.cli import ArgumentParser
from pagemesh.runtime import PagemeshError, Settings
from pagemesh.security._certs import IDENTITIES, issue_certificates, spiffe_id

__all__ = ["build_parser", "main"]


def build_parser() -> ArgumentParser:
    """The options of `pagemesh certs`."""
    parser = ArgumentParser(
        prog="pagemesh certs",
        description="Make (or renew) the mesh's certificates: a development CA, kept while it is valid, "
        "and a fresh key and certificate per identity, whose URI SAN is its SPIFFE ID. Running it again "
        "rotates them; servers and the aggregator pick the new files up without a restart.",
    )
    parser.add_argument(
        "--out", type=Path, help="the directory to write to (default: PAGEMESH_PKI_DIR or <data dir>/pki)"
    )
    parser.add_argument(
        "--days", type=float, default=1.0, help="how long the certificates are valid (default 1, i.e. 24 h)"
    )
    parser.add_argument(
        "--identity",
        action="append",
        metavar="NAME",
        help=f"issue only for this identity (repeatable; default: {', '.join(IDENTITIES)})",
    )
    parser.add_argument(
        "--host",
        action="append",
        default=[],
        metavar="NAME_OR_IP",
        help="one more DNS name or IP address for every certificate's SANs (repeatable)",
    )
    parser.add_argument("--new-ca", action="store_true", help="replace the CA too (every peer must reload)")
    return parser


def main(argv: list[str]) -> int:
    """Writes the certificates and prints what it wrote."""
    parser = build_parser()
    options = parser.parse_args(argv)
    if options.days <= 0:
        parser.error(f"--days must be more than 0, got {options.days:g}")
    try:
        settings = Settings.from_environment()
        out: Path = options.out or settings.pki
        issued = issue_certificates(
            out,
            namespace=settings.namespace,
            lifetime=datetime.timedelta(days=options.days),
            identities=options.identity or IDENTITIES,
            extra_hosts=options.host,
            new_ca=options.new_ca,
        )
    except PagemeshError as error:
        print(f"pagemesh certs: {error.message}", file=sys.stderr)
        return 1
    print(f"CA      {out / 'ca.pem'}")
    for files in issued:
        identity = files.certificate.name.removesuffix(".pem")
        print(f"{identity:<16} {files.certificate}  {spiffe_id(identity, settings.namespace)}")
    print(f"valid for {options.days:g} day(s); run again before then to rotate")
    return 0
