"""Prints a product page's title and its degraded sections, through the pagemesh-client SDK (v2 API).

usage: python get_page.py ADDRESS PRODUCT_ID [PKI_DIR]
       e.g. python get_page.py 127.0.0.1:50050 P00001 var/pki

With PKI_DIR (what `pagemesh certs` wrote; `make run` uses var/pki) it connects with mutual TLS as the
`operator` identity; without, in plaintext (a mesh started with `pagemesh up --plaintext`).
Install the SDK first: `pip install ./sdk/python`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pagemesh.client import PagemeshClient, RpcError, Tls
from pagemesh.page.v2 import page_pb2

DEADLINE_SECONDS = 5.0


def tls_settings(pki: str | None) -> Tls | None:
    """The operator's certificate from `pagemesh certs`' folder, or None for plaintext."""
    if pki is None:
        return None
    folder = Path(pki)
    return Tls(ca=folder / "ca.pem", certificate=folder / "operator.pem", key=folder / "operator-key.pem")


def main(argv: list[str]) -> int:
    """Fetches one page and prints `title: ...` and `degraded: ...`; returns the exit code."""
    if len(argv) not in (2, 3):
        print("usage: get_page.py ADDRESS PRODUCT_ID [PKI_DIR]", file=sys.stderr)
        return 2
    address, product_id, *pki = argv
    tls = tls_settings(pki[0] if pki else None)
    with PagemeshClient(address, tls=tls, timeout=DEADLINE_SECONDS) as client:
        try:
            page = client.v2.page.get_product_page(page_pb2.GetProductPageRequest(product_id=product_id))
        except RpcError as error:
            print(f"error: {error.code.name}: {error.details}", file=sys.stderr)
            return 1
    degraded = [page_pb2.Section.Name(d.section) for d in page.degraded_sections]
    print(f"title: {page.product.title}")
    print(f"degraded: {', '.join(degraded) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
