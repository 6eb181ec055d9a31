"""Prints a product page's title through the v1 API: old clients keep working against today's mesh.

usage: python get_page_v1.py ADDRESS PRODUCT_ID [PKI_DIR]

v1 pages have no per-section status (a failed section is simply empty), so this prints what v1 can say.
PKI_DIR as in get_page.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pagemesh.client import PagemeshClient, RpcError, Tls
from pagemesh.page.v1 import page_pb2

DEADLINE_SECONDS = 5.0


def tls_settings(pki: str | None) -> Tls | None:
    """The operator's certificate from `pagemesh certs`' folder, or None for plaintext."""
    if pki is None:
        return None
    folder = Path(pki)
    return Tls(ca=folder / "ca.pem", certificate=folder / "operator.pem", key=folder / "operator-key.pem")


def main(argv: list[str]) -> int:
    """Fetches one page with the v1 API and prints `title: ...`; returns the exit code."""
    if len(argv) not in (2, 3):
        print("usage: get_page_v1.py ADDRESS PRODUCT_ID [PKI_DIR]", file=sys.stderr)
        return 2
    address, product_id, *pki = argv
    tls = tls_settings(pki[0] if pki else None)
    with PagemeshClient(address, tls=tls, timeout=DEADLINE_SECONDS) as client:
        try:
            page = client.v1.page.get_product_page(page_pb2.GetProductPageRequest(product_id=product_id))
        except RpcError as error:
            print(f"error: {error.code.name}: {error.details}", file=sys.stderr)
            return 1
    print(f"title: {page.product.title}")
    print("degraded: not reported by v1 (failed sections are left empty)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
