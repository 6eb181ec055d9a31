"""Prints a product page's title and its degraded sections, through the pagemesh-client SDK (v2 API).

usage: python get_page.py ADDRESS PRODUCT_ID      e.g. python get_page.py 127.0.0.1:50050 P00001

Install the SDK first: `pip install ./sdk/python`.
"""

from __future__ import annotations

import sys

import grpc

from pagemesh.page.v2 import page_pb2, page_pb2_grpc

DEADLINE_SECONDS = 5.0


def main(argv: list[str]) -> int:
    """Fetches one page and prints `title: ...` and `degraded: ...`; returns the exit code."""
    if len(argv) != 2:
        print("usage: get_page.py ADDRESS PRODUCT_ID", file=sys.stderr)
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
    degraded = [page_pb2.Section.Name(d.section) for d in page.degraded_sections]
    print(f"title: {page.product.title}")
    print(f"degraded: {', '.join(degraded) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
