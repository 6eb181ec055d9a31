"""The aggregator's HTTP side for browsers, on the same event loop as its gRPC server.

Routes: `GET /` (the catalogue, paged), `GET /products/{id}` (the HTML product page; `?user=ID` for a
signed-in visitor), `GET /api/v2/products/{id}` (the v2 page as proto JSON), `GET /healthz` and
`GET /statz` (per-backend calls, hedges, client-side throttling and API version, and under `events` the
page-view events published and each consumer group's lag, as JSON; under `pagemesh up`, also each part's
replicas and restarts). A degraded section is shown as "temporarily unavailable"; an unknown product is a
real 404 page. Each page served publishes a `ProductViewed` event, which never delays or fails the page.

Pages share the process's concurrency limit with gRPC pages: a page beyond it is shed at once with
503 and `Retry-After`, as is a page whose product service is overloaded (RESOURCE_EXHAUSTED).
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable, Container
from html import escape
from pathlib import Path
from typing import Any

import grpc
from aiohttp import web
from google.protobuf.json_format import MessageToJson

from aggregator._adapters import FORMAT_NAMES, money_as_float
from aggregator._assembler import PageAssembler, PageResult
from aggregator._backends import CataloguePage
from aggregator._downstream import BackendError, request_metadata
from aggregator._service import server_timing
from aggregator._telemetry import incoming_trace
from pagemesh.events.v1 import events_pb2
from pagemesh.product.v2 import product_pb2 as product_v2
from pagemesh.runtime import REQUEST_ID_KEY, ConcurrencyLimiter, PagemeshError, latency_sample, new_request_id
from pagemesh.supervisor import read_restarts

__all__ = ["ASSEMBLER_KEY", "RETRY_AFTER_SECONDS", "make_app", "render_page"]

ASSEMBLER_KEY = web.AppKey("assembler", PageAssembler)
DATA_DIR_KEY = web.AppKey("data_dir", Path)
LIMITER_KEY = web.AppKey("limiter", ConcurrencyLimiter)
RETRY_AFTER_SECONDS = 1
"""What `Retry-After` says on a page shed for overload."""
_CATALOGUE_PAGE_SIZE = 24
_HTTP_STATUS = {
    grpc.StatusCode.INVALID_ARGUMENT: 400,
    grpc.StatusCode.NOT_FOUND: 404,
    grpc.StatusCode.DEADLINE_EXCEEDED: 504,
    grpc.StatusCode.UNAVAILABLE: 503,
    grpc.StatusCode.RESOURCE_EXHAUSTED: 503,
}
_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
_NO_MINOR_UNITS = frozenset({"JPY", "KRW"})
_STYLE = """
body{font-family:system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{background:#1d2330;color:#fff;padding:.8rem 1.5rem}header a{color:#fff;text-decoration:none}
main{max-width:60rem;margin:1.5rem auto;padding:0 1rem}
section{background:#fff;border-radius:8px;padding:1rem 1.25rem;margin:0 0 1rem;box-shadow:0 1px 2px #0002}
h1{margin:.2rem 0}.subtitle{color:#555;margin-top:0}.price{font-size:1.4rem;font-weight:600}
.stars{color:#d89b00;letter-spacing:.1em}.unavailable{color:#8a5a00;font-style:italic}
ul.cards{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(14rem,1fr));gap:.6rem}
ul.cards li{border:1px solid #e3e5ea;border-radius:6px;padding:.5rem .7rem}
.review{border-top:1px solid #eee;padding:.5rem 0}.muted{color:#666;font-size:.9rem}
"""


def _money(money: product_v2.Money) -> str:
    decimals = 0 if money.currency_code in _NO_MINOR_UNITS else 2
    amount = f"{money_as_float(money):,.{decimals}f}"
    symbol = _SYMBOLS.get(money.currency_code)
    return f"{symbol}{amount}" if symbol else f"{amount} {money.currency_code}"


def _stars(rating: float) -> str:
    full = round(rating)
    return (
        f'<span class="stars" role="img" aria-label="{rating:.1f} out of 5 stars">'
        f"{'★' * full}{'☆' * (5 - full)}</span>"
    )


def _document(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f'<body><header><a href="/">pagemesh books</a></header><main>{body}</main></body></html>'
    )


def _section(name: str, heading: str, content: str, degraded: Container[str]) -> str:
    if name in degraded:
        content = (
            f'<p class="unavailable">{escape(heading)} are temporarily unavailable. '
            "The rest of the page is up to date; try again in a moment.</p>"
        )
        state = "unavailable"
    else:
        state = "ok"
    return (
        f'<section id="{name}" data-section="{name}" data-state="{state}">'
        f"<h2>{escape(heading)}</h2>{content}</section>"
    )


def _cards(items: list[tuple[str, str, str]], empty: str, user: str) -> str:
    if not items:
        return f'<p class="muted">{escape(empty)}</p>'
    suffix = f"?user={escape(user)}" if user else ""
    lis = "".join(
        f'<li><a href="/products/{escape(pid)}{suffix}">{escape(title)}</a>'
        f"{f'<div class=muted>{escape(note)}</div>' if note else ''}</li>"
        for pid, title, note in items
    )
    return f'<ul class="cards">{lis}</ul>'


def render_page(result: PageResult, user: str) -> str:
    """The HTML product page of an assembled page."""
    page = result.page
    product = page.product
    degraded = set(result.degraded)
    authors = ", ".join(escape(a.display_name) for a in page.authors)
    byline = (
        '<p class="unavailable">Author details are temporarily unavailable.</p>'
        if "authors" in degraded
        else f'<p class="byline">by <span id="author">{authors or "an unknown author"}</span></p>'
    )
    rating = ""
    if page.HasField("reviews"):
        rating = (
            f'<p id="rating">{_stars(page.reviews.average_rating)} '
            f"{page.reviews.average_rating:.1f} from {page.reviews.total_count} reviews</p>"
        )
    head = (
        f'<section id="product" data-section="product"><h1>{escape(product.title)}</h1>'
        + (f'<p class="subtitle">{escape(product.subtitle)}</p>' if product.subtitle else "")
        + byline
        + f'<p><span class="price" id="price">{escape(_money(product.price))}</span> · '
        f'<span id="format">{escape(FORMAT_NAMES.get(product.format, "Book"))}</span> · '
        f"{product.page_count or 'no'} pages · ISBN {escape(product.isbn)}</p>"
        + rating
        + f"<p>{escape(product.description)}</p></section>"
    )
    about = "".join(
        f"<p><strong>{escape(a.display_name)}</strong>: {escape(a.biography)}</p>" for a in page.authors
    )
    reviews = "".join(
        f'<div class="review">{_stars(r.rating)} <strong>{escape(r.title)}</strong>'
        f'<div class="muted">{escape(r.reviewer_name)}'
        f"{' · verified purchase' if r.verified_purchase else ''}</div>"
        f"<p>{escape(r.body)}</p></div>"
        for r in page.reviews.reviews
    )
    body = "".join(
        [
            head,
            _section(
                "authors", "About the authors", about or '<p class="muted">No biography yet.</p>', degraded
            ),
            _section("reviews", "Reviews", reviews or '<p class="muted">No reviews yet.</p>', degraded),
            _section(
                "recommendations",
                "Recommendations",
                _cards(
                    [(r.product_id, r.title, r.explanation) for r in page.recommendations],
                    "No recommendations yet.",
                    user,
                ),
                degraded,
            ),
            _section(
                "sponsored",
                "Sponsored",
                _cards(
                    [
                        (s.product_id, s.title, f"{_money(s.price)} · {s.advertiser_name}")
                        for s in page.sponsored
                    ],
                    "No sponsored listings.",
                    user,
                ),
                degraded,
            ),
        ]
    )
    if user:
        body += _section(
            "recently_viewed",
            "Recently viewed",
            _cards([(v.product_id, v.title, "") for v in page.recently_viewed], "Nothing viewed yet.", user),
            degraded,
        )
    return _document(f"{product.title} · pagemesh books", body)


def _error_page(status: int, title: str, message: str) -> web.Response:
    body = (
        f'<section id="error"><h1>{escape(title)}</h1><p>{escape(message)}</p>'
        '<p><a href="/">Browse the catalogue</a></p></section>'
    )
    return web.Response(
        status=status, text=_document(f"{title} · pagemesh books", body), content_type="text/html"
    )


def _overload_headers(code: grpc.StatusCode) -> dict[str, str]:
    return {"Retry-After": str(RETRY_AFTER_SECONDS)} if code is grpc.StatusCode.RESOURCE_EXHAUSTED else {}


_Handler = Callable[[web.Request], Awaitable[web.Response]]


def _limited(handler: _Handler, *, json_errors: bool = False) -> _Handler:
    """`handler` under the process's concurrency limit (when it has one): beyond it and its short queue,
    503."""

    async def limited(request: web.Request) -> web.Response:
        limiter = request.app.get(LIMITER_KEY)
        if limiter is None:
            return await handler(request)
        if not await limiter.acquire():
            headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "X-Request-Id": _request_id(request)}
            if json_errors:
                body = {"error": {"code": "RESOURCE_EXHAUSTED", "message": limiter.rejection()}}
                return web.json_response(body, status=503, headers=headers)
            response = _error_page(503, "Too busy right now", limiter.rejection())
            response.headers.update(headers)
            return response
        started = time.perf_counter()
        token = latency_sample.set(None)
        try:
            return await handler(request)
        finally:
            sample = latency_sample.get()
            limiter.release(time.perf_counter() - started if sample is None else sample)
            latency_sample.reset(token)

    return limited


def _request_id(request: web.Request) -> str:
    given = request.headers.get(REQUEST_ID_KEY, "")
    return given[:64] if given else new_request_id()


async def _product_page(request: web.Request) -> web.Response:
    assembler = request.app[ASSEMBLER_KEY]
    product_id = request.match_info["product_id"]
    user = request.query.get("user", "")
    request_id = _request_id(request)
    try:
        with incoming_trace(request.headers.get("traceparent", "")):
            result = await assembler.assemble(product_id, user, request_id=request_id)
    except PagemeshError as error:
        status = _HTTP_STATUS.get(error.code, 503)
        title = "Product not found" if status == 404 else "Page unavailable"
        response = _error_page(status, title, error.message)
        response.headers.update({"X-Request-Id": request_id, **_overload_headers(error.code)})
        return response
    assembler.page_viewed(
        result, user, api_version="v2", surface=events_pb2.SURFACE_HTML, request_id=request_id
    )
    return web.Response(
        text=render_page(result, user),
        content_type="text/html",
        headers={"X-Request-Id": request_id, "Server-Timing": server_timing(result)},
    )


async def _api_page(request: web.Request) -> web.Response:
    assembler = request.app[ASSEMBLER_KEY]
    request_id = _request_id(request)
    headers = {"X-Request-Id": request_id}
    try:
        with incoming_trace(request.headers.get("traceparent", "")):
            result = await assembler.assemble(
                request.match_info["product_id"], request.query.get("user", ""), request_id=request_id
            )
    except PagemeshError as error:
        body = {"error": {"code": error.code.name, "message": error.message}}
        headers.update(_overload_headers(error.code))
        return web.json_response(body, status=_HTTP_STATUS.get(error.code, 503), headers=headers)
    assembler.page_viewed(
        result,
        request.query.get("user", ""),
        api_version="v2",
        surface=events_pb2.SURFACE_JSON,
        request_id=request_id,
    )
    headers["Server-Timing"] = server_timing(result)
    return web.Response(text=MessageToJson(result.page), content_type="application/json", headers=headers)


async def _catalogue(request: web.Request) -> web.Response:
    assembler = request.app[ASSEMBLER_KEY]
    client = assembler.clients["product"]
    token = request.query.get("page", "")
    deadline = time.monotonic() + assembler.config.deadline
    try:
        version, response, _ = await client.read(
            client.backend.reads["catalogue"],
            CataloguePage(token, _CATALOGUE_PAGE_SIZE),
            deadline=deadline,
            metadata=request_metadata(_request_id(request)),
            hedge=False,
        )
    except BackendError as error:
        status = 400 if error.code is grpc.StatusCode.INVALID_ARGUMENT else 503
        response = _error_page(status, "Catalogue unavailable", error.message)
        response.headers.update(_overload_headers(error.code))
        return response
    rows = []
    for product in response.products:
        price = _money(product.price) if version == "v2" else f"{product.price:,.2f} {product.currency_code}"
        rows.append(
            f'<li><a href="/products/{escape(product.id)}">{escape(product.title)}</a>'
            f'<div class="muted">{escape(price)}</div></li>'
        )
    more = (
        f'<p><a id="next" href="/?page={escape(response.next_page_token)}">More books</a></p>'
        if response.next_page_token
        else ""
    )
    body = f'<section id="catalogue"><h1>Books</h1><ul class="cards">{"".join(rows)}</ul>{more}</section>'
    return web.Response(text=_document("pagemesh books", body), content_type="text/html")


async def _healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "SERVING"})


async def _statz(request: web.Request) -> web.Response:
    assembler = request.app[ASSEMBLER_KEY]
    stats: dict[str, Any] = assembler.stats()
    if assembler.page_views is not None:
        stats["events"] = await assembler.page_views.stats()
    data_dir = request.app.get(DATA_DIR_KEY)
    if data_dir is not None:
        # Written by `pagemesh up`'s supervisor: each part's replicas and how often they were restarted.
        for part, counts in read_restarts(data_dir).items():
            stats.setdefault(part, {}).update(counts)
    return web.Response(text=json.dumps(stats, indent=2), content_type="application/json")


async def _not_found(request: web.Request) -> web.Response:
    return _error_page(404, "Not found", f"There is no page at {request.path}.")


def make_app(
    assembler: PageAssembler, data_dir: Path | None = None, *, limiter: ConcurrencyLimiter | None = None
) -> web.Application:
    """The aiohttp application over `assembler`; `data_dir` is where a supervisor's state may be.

    Pages are admitted by `limiter` (the gRPC server's), when there is one.
    """
    app = web.Application()
    app[ASSEMBLER_KEY] = assembler
    if data_dir is not None:
        app[DATA_DIR_KEY] = data_dir
    if limiter is not None:
        app[LIMITER_KEY] = limiter
    app.router.add_get("/", _limited(_catalogue))
    app.router.add_get("/products/{product_id}", _limited(_product_page))
    app.router.add_get("/api/v2/products/{product_id}", _limited(_api_page, json_errors=True))
    app.router.add_get("/healthz", _healthz)
    app.router.add_get("/statz", _statz)
    app.router.add_get("/{tail:.*}", _not_found)
    return app
