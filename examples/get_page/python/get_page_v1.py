"""Prints a product page's title through the v1 API: old clients keep working against today's mesh.

usage: python get_page_v1.py ADDRESS PRODUCT_ID

v1 pages have no per-section status (a failed section is simply empty), so this prints what v1 can say.
"""

from __future__ import annotations

import sys

import grpc

from pagemesh.page.v1 import page_pb2, page_pb2_grpc

DEADLINE_SECONDS = 5.0


def main(argv: list[str]) -> int:
    """Fetches one page with the v1 API and prints `title: ...`; returns the exit code."""
    if len(argv) != 2:
        print("usage: get_page_v1.py ADDRESS PRODUCT_ID", file=sys.stderr)
        return 2
    address, product_id = argv
    with grpc.insecure_channel(address) as channel:
        stub = page_pb2_grpc.PageServiceStub(channel)
        try:
            page = stub.GetProductPage(
                page_pb2.GetProductPageRequest(product_id=product_id), timeout=DEADLINE_SECONDS
            )
        except grpc.RpcError as error:
            print(f"error: {error.code().name}: {error.details()}", file=sys.stderr)
            return 1
    print(f"title: {page.product.title}")
    print("degraded: not reported by v1 (failed sections are left empty)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
