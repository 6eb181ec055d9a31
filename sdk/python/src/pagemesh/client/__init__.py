"""pagemesh-client: typed clients of every pagemesh service, generated from the contracts in proto/.

    from pagemesh.client import PagemeshClient, Tls
    from pagemesh.page.v2 import page_pb2

    tls = Tls(ca="pki/ca.pem", certificate="pki/operator.pem", key="pki/operator-key.pem")
    with PagemeshClient("127.0.0.1:50050", tls=tls, timeout=5.0) as client:
        page = client.v2.page.get_product_page(page_pb2.GetProductPageRequest(product_id="P00001"))

`client.v1` and `client.v2` hold every service in that API version (`client.v2.product`, ...), each RPC a
method `(request, *, timeout=None, metadata=())`. Reads (`idempotency_level = NO_SIDE_EFFECTS` in the
contract) are retried on UNAVAILABLE; writes never are. A failed call raises `RpcError` with its `code`.
`AsyncPagemeshClient` is the same for asyncio. Messages and stubs: `pagemesh.<area>.<version>`.
"""

from __future__ import annotations

from importlib.metadata import version

from pagemesh.client._errors import RpcError
from pagemesh.client._services import AsyncPagemeshClient, PagemeshClient
from pagemesh.client._settings import DEFAULT_TIMEOUT, RetryPolicy, Tls, is_retryable

__all__ = [
    "DEFAULT_TIMEOUT",
    "AsyncPagemeshClient",
    "PagemeshClient",
    "RetryPolicy",
    "RpcError",
    "Tls",
    "is_retryable",
]
__version__ = version("pagemesh-client")
