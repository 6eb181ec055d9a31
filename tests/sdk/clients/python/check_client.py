"""The Python typed client against a live mesh: what tests/sdk/sdk_e2e.py asserts, printed line by line.

usage: check_client.py sync|asyncio PAGE_ADDRESS HISTORY_ADDRESS PKI_DIR PRODUCT_ID

The history service must answer the first call of each method UNAVAILABLE (`--inject fail_first=1`) and
take far longer than 100 ms per call (`latency=1000`); the other clients allow 10 s a call, for busy
machines. Prints, in order:
  page: TITLE              a page through the aggregator, v2
  not found: CODE          an unknown product (RpcError.code)
  write: CODE              RecordView's first call failed, and a write is not retried
  write again: OK
  read: OK N               ListViewedProducts' first call failed and was retried
  deadline: CODE           a client whose default deadline (100 ms) is shorter than the call
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from pagemesh.client import AsyncPagemeshClient, PagemeshClient, RpcError, Tls
from pagemesh.history.v2 import history_pb2
from pagemesh.page.v2 import page_pb2

USER = "u-sdk-python"
PATIENT = 10.0


def run_sync(page_address: str, history_address: str, tls: Tls, product_id: str) -> None:
    with PagemeshClient(page_address, tls=tls, timeout=PATIENT) as pages:
        page = pages.v2.page.get_product_page(page_pb2.GetProductPageRequest(product_id=product_id))
        print(f"page: {page.product.title}")
        try:
            pages.v2.page.get_product_page(page_pb2.GetProductPageRequest(product_id="P99999"))
        except RpcError as error:
            print(f"not found: {error.code.name}")
    record = history_pb2.RecordViewRequest(user_id=USER, product_id=product_id, title="seen")
    listing = history_pb2.ListViewedProductsRequest(user_id=USER)
    with PagemeshClient(history_address, tls=tls, timeout=PATIENT) as history:
        try:
            history.v2.history.record_view(record)
        except RpcError as error:
            print(f"write: {error.code.name}")
        history.v2.history.record_view(record)
        print("write again: OK")
        print(f"read: OK {len(history.v2.history.list_viewed_products(listing).views)}")
    with PagemeshClient(history_address, tls=tls, timeout=0.1) as hurried:
        try:
            hurried.v2.history.list_viewed_products(listing)
        except RpcError as error:
            print(f"deadline: {error.code.name}")


async def run_asyncio(page_address: str, history_address: str, tls: Tls, product_id: str) -> None:
    async with AsyncPagemeshClient(page_address, tls=tls, timeout=PATIENT) as pages:
        page = await pages.v2.page.get_product_page(page_pb2.GetProductPageRequest(product_id=product_id))
        print(f"page: {page.product.title}")
        try:
            await pages.v2.page.get_product_page(page_pb2.GetProductPageRequest(product_id="P99999"))
        except RpcError as error:
            print(f"not found: {error.code.name}")
    record = history_pb2.RecordViewRequest(user_id=USER, product_id=product_id, title="seen")
    listing = history_pb2.ListViewedProductsRequest(user_id=USER)
    async with AsyncPagemeshClient(history_address, tls=tls, timeout=PATIENT) as history:
        try:
            await history.v2.history.record_view(record)
        except RpcError as error:
            print(f"write: {error.code.name}")
        await history.v2.history.record_view(record)
        print("write again: OK")
        print(f"read: OK {len((await history.v2.history.list_viewed_products(listing)).views)}")
    async with AsyncPagemeshClient(history_address, tls=tls, timeout=0.1) as hurried:
        try:
            await hurried.v2.history.list_viewed_products(listing)
        except RpcError as error:
            print(f"deadline: {error.code.name}")


def main(argv: list[str]) -> int:
    flavour, page_address, history_address, pki_dir, product_id = argv
    pki = Path(pki_dir)
    tls = Tls(ca=pki / "ca.pem", certificate=pki / "operator.pem", key=pki / "operator-key.pem")
    if flavour == "asyncio":
        asyncio.run(run_asyncio(page_address, history_address, tls, product_id))
    else:
        run_sync(page_address, history_address, tls, product_id)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
