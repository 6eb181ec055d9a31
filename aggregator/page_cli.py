"""`pagemesh page PRODUCT_ID`: fetches one page through the aggregator and prints it."""

from __future__ import annotations

import secrets
import sys

import grpc
from google.protobuf.json_format import MessageToJson

from aggregator._adapters import FORMAT_NAMES, money_as_float
from pagemesh.cli import ArgumentParser
from pagemesh.page.v1 import page_pb2 as page_v1
from pagemesh.page.v1 import page_pb2_grpc as page_v1_grpc
from pagemesh.page.v2 import page_pb2 as page_v2
from pagemesh.page.v2 import page_pb2_grpc as page_v2_grpc
from pagemesh.runtime import AGGREGATOR, PagemeshError, Settings, Transport
from pagemesh.telemetry import TRACEPARENT

__all__ = ["build_parser", "main"]


def build_parser() -> ArgumentParser:
    """The options of `pagemesh page`."""
    parser = ArgumentParser(
        prog="pagemesh page", description="Fetch one product page through the aggregator."
    )
    parser.add_argument("product_id", help="the product's ID, e.g. P00001")
    parser.add_argument(
        "--api", choices=("v1", "v2"), default="v2", help="the PageService version (default v2)"
    )
    parser.add_argument("--json", action="store_true", help="print the response as proto JSON")
    parser.add_argument("--user", default="", help="a signed-in user's ID, e.g. u-alice")
    parser.add_argument(
        "--address", help="the aggregator (default: PAGEMESH_AGGREGATOR_ADDR or 127.0.0.1:50050)"
    )
    parser.add_argument(
        "--trace",
        action="store_true",
        help="trace this page whatever the sampling (prints its trace id for `pagemesh trace`)",
    )
    parser.add_argument("--timeout", type=float, default=2.0, help="seconds to wait for the page (default 2)")
    return parser


def _text_v2(page: page_v2.GetProductPageResponse) -> list[str]:
    product = page.product
    price = f"{money_as_float(product.price):.2f} {product.price.currency_code}"
    lines = [
        f"{product.title} ({product.id})",
        f"  by {', '.join(a.display_name for a in page.authors) or '-'}",
        f"  {price} · {FORMAT_NAMES.get(product.format, '-')}",
    ]
    if page.HasField("reviews"):
        lines.append(f"  rating {page.reviews.average_rating:.1f} from {page.reviews.total_count} reviews")
    lines.append(f"  recommendations: {', '.join(r.title for r in page.recommendations) or '-'}")
    lines.append(f"  sponsored: {', '.join(s.title for s in page.sponsored) or '-'}")
    if page.recently_viewed:
        lines.append(f"  recently viewed: {', '.join(v.title for v in page.recently_viewed)}")
    for degraded in page.degraded_sections:
        name = page_v2.Section.Name(degraded.section)
        lines.append(f"  degraded: {name} (code {degraded.code}) {degraded.message}")
    return lines


def _text_v1(page: page_v1.GetProductPageResponse) -> list[str]:
    product = page.product
    return [
        f"{product.title} ({product.id})",
        f"  by {page.author.name or '-'}",
        f"  {product.price:.2f} {product.currency_code} · {product.format or '-'}",
        f"  rating {page.average_rating:.1f} from {page.review_count} reviews",
        f"  recommendations: {', '.join(r.title for r in page.recommendations) or '-'}",
        f"  sponsored: {', '.join(s.title for s in page.sponsored) or '-'}",
    ]


def main(argv: list[str]) -> int:
    """Prints the page; one line on stderr and exit 1 when it cannot be fetched."""
    options = build_parser().parse_args(argv)
    try:
        settings = Settings.from_environment()
        address = options.address or settings.addresses[AGGREGATOR]
        # People and tools call as `operator`, with its certificate under mutual TLS.
        transport = Transport.from_settings(settings, "operator")
    except PagemeshError as error:
        print(f"pagemesh page: {error.message}", file=sys.stderr)
        return 1
    try:
        with transport.blocking_channel(address, server_name=AGGREGATOR) as channel:
            metadata: tuple[tuple[str, str], ...] = ()
            if options.trace:
                # A sampled traceparent of our own: this page is traced whatever the mesh's sampling.
                trace_id = secrets.token_hex(16)
                metadata = ((TRACEPARENT, f"00-{trace_id}-{secrets.token_hex(8)}-01"),)
                print(f"trace {trace_id}: see it with `pagemesh trace {trace_id}`", file=sys.stderr)
            if options.api == "v1":
                response_v1 = page_v1_grpc.PageServiceStub(channel).GetProductPage(
                    page_v1.GetProductPageRequest(product_id=options.product_id, user_id=options.user),
                    timeout=options.timeout,
                    metadata=metadata,
                )
                print(MessageToJson(response_v1) if options.json else "\n".join(_text_v1(response_v1)))
            else:
                response_v2 = page_v2_grpc.PageServiceStub(channel).GetProductPage(
                    page_v2.GetProductPageRequest(product_id=options.product_id, user_id=options.user),
                    timeout=options.timeout,
                    metadata=metadata,
                )
                print(MessageToJson(response_v2) if options.json else "\n".join(_text_v2(response_v2)))
    except grpc.RpcError as error:
        code = error.code() if isinstance(error, grpc.Call) else grpc.StatusCode.UNKNOWN
        details = error.details() if isinstance(error, grpc.Call) else str(error)
        print(f"pagemesh page: {code.name} from the aggregator at {address}: {details}", file=sys.stderr)
        return 1
    return 0
