"""Overload in the page: client-side throttling of a shedding backend, shed sections and pages, HTTP 503."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator

import aiohttp
import grpc
import pytest
from aiohttp import web
from google.protobuf.message import Message

from aggregator import (
    BACKENDS,
    AggregatorConfig,
    BackendClient,
    BackendError,
    FunctionDownstream,
    PageAssembler,
    PageError,
    PageRequest,
)
from aggregator._downstream import Handler
from aggregator._http import RETRY_AFTER_SECONDS, make_app
from aggregator._throttling import AdaptiveThrottle
from pagemesh.page.v2 import page_pb2 as page_v2
from pagemesh.product.v2 import product_pb2 as product_v2
from pagemesh.runtime import ConcurrencyLimiter, LimiterConfig, latency_sample
from tests.aggregator import doubles
from tests.harness import free_port

SHED = grpc.StatusCode.RESOURCE_EXHAUSTED


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_nothing_is_throttled_while_the_backend_accepts_enough() -> None:
    throttle = AdaptiveThrottle(k=2.0, clock=Clock(), rng=lambda: 0.0)
    for index in range(1000):
        assert throttle.allow()
        throttle.answered(accepted=index % 2 == 0)  # half accepted: exactly 1/K
    assert throttle.rejection_probability() == 0.0
    assert throttle.stats.throttled == 0


def test_calls_still_in_flight_do_not_count() -> None:
    # A burst at start-up: everything sent, nothing answered yet. That is not a backend that rejects.
    throttle = AdaptiveThrottle(k=2.0, clock=Clock(), rng=lambda: 0.0)
    assert all(throttle.allow() for _ in range(100))
    assert throttle.rejection_probability() == 0.0


def test_the_refusal_rate_follows_the_sre_formula_and_forgets_old_windows() -> None:
    clock = Clock()
    draws = random.Random(7)
    refusing = [False]
    throttle = AdaptiveThrottle(
        k=2.0, window=10.0, clock=clock, rng=lambda: draws.random() if refusing[0] else 1.0
    )
    for index in range(100):
        assert throttle.allow()
        throttle.answered(accepted=index < 10)
    refusing[0] = True
    # (requests - K * accepts) / (requests + 1) = (100 - 20) / 101
    assert throttle.rejection_probability() == pytest.approx(80 / 101)
    # While the backend keeps rejecting, refused calls count as requests too, so nearly all are refused;
    # a few still go out, and would show when it accepts again.
    before = throttle.stats.throttled
    sent = sum(throttle.allow() for _ in range(1000))
    assert 0 < sent < 100
    assert throttle.stats.throttled - before == 1000 - sent
    assert throttle.rejection_probability() > 0.95
    clock.now += 11  # the whole window has passed: the backend's past rejections are forgotten
    assert throttle.rejection_probability() == 0.0
    assert throttle.allow()


async def test_a_shedding_backend_is_sent_fewer_calls_and_refusals_are_resource_exhausted() -> None:
    downstream = FunctionDownstream("reviews", doubles.failing("reviews", SHED, "reviews is overloaded"))
    backend = BACKENDS["reviews"]
    client = BackendClient(backend, downstream, AggregatorConfig(hedging=False))
    (reviews,) = backend.sections
    request = PageRequest("P00001", "", AggregatorConfig())
    codes: list[str] = []
    for _ in range(400):
        with pytest.raises(BackendError) as raised:
            await client.read(reviews.read, request, deadline=time.monotonic() + 10, metadata=(), hedge=False)
        assert raised.value.code is SHED
        codes.append("throttled" if "client-side throttling" in raised.value.message else "shed")
    assert len(codes) == 400
    # The backend saw a small share of the calls: the rest were held back here, without a round trip.
    assert len(downstream.calls) == codes.count("shed")
    assert codes.count("throttled") > 300
    assert client.snapshot().throttled == codes.count("throttled")


async def test_a_shed_optional_section_is_degraded_and_a_shed_product_is_resource_exhausted() -> None:
    shed_reviews = doubles.backends(reviews=doubles.failing("reviews", SHED, "reviews is overloaded"))
    page = (await PageAssembler(shed_reviews).assemble("P00001", "u-alice")).page
    assert page.product.id == "P00001"
    assert [(d.section, d.code) for d in page.degraded_sections] == [(page_v2.SECTION_REVIEWS, SHED.value[0])]
    shed_product = doubles.backends(product=doubles.failing("product", SHED, "product is overloaded"))
    with pytest.raises(PageError) as raised:
        await PageAssembler(shed_product).assemble("P00001")
    assert raised.value.code is SHED
    assert "overloaded" in raised.value.message
    assert "back" in raised.value.message


async def blocked_product(release: asyncio.Event, entered: asyncio.Event) -> Handler:
    async def product(version: str, method: str, request: Message) -> Message:
        entered.set()
        await release.wait()
        return product_v2.GetProductResponse(product=doubles.product_v2_message())

    return product


@pytest.fixture
async def http_pages() -> AsyncIterator[tuple[str, asyncio.Event, asyncio.Event, ConcurrencyLimiter]]:
    release, entered = asyncio.Event(), asyncio.Event()
    assembler = PageAssembler(
        doubles.backends(product=await blocked_product(release, entered)), AggregatorConfig(deadline=30)
    )
    limiter = ConcurrencyLimiter(LimiterConfig(initial_limit=1, adaptive=False), name="aggregator")
    runner = web.AppRunner(make_app(assembler, limiter=limiter), access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield f"http://127.0.0.1:{port}", release, entered, limiter
    release.set()
    await runner.cleanup()


async def test_http_pages_beyond_the_limit_are_503_with_retry_after(
    http_pages: tuple[str, asyncio.Event, asyncio.Event, ConcurrencyLimiter],
) -> None:
    base, release, entered, limiter = http_pages
    async with aiohttp.ClientSession() as session:
        held = asyncio.ensure_future(session.get(f"{base}/products/P00001"))
        await asyncio.wait_for(entered.wait(), timeout=30)
        async with session.get(f"{base}/products/P00001") as shed:
            assert shed.status == 503
            assert shed.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
            assert "overloaded" in await shed.text()
        async with session.get(f"{base}/api/v2/products/P00001") as shed_json:
            assert shed_json.status == 503
            assert shed_json.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
            assert (await shed_json.json())["error"]["code"] == "RESOURCE_EXHAUSTED"
        async with session.get(f"{base}/healthz") as health:
            assert health.status == 200  # probes are never shed
        release.set()
        async with await held as served:
            assert served.status == 200
    assert limiter.shed == 2
    assert limiter.in_flight == 0


async def test_a_page_whose_product_service_sheds_is_503_with_retry_after() -> None:
    assembler = PageAssembler(
        doubles.backends(product=doubles.failing("product", SHED, "product is overloaded"))
    )
    runner = web.AppRunner(make_app(assembler), access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        async with aiohttp.ClientSession() as session:
            for path in ("/products/P00001", "/api/v2/products/P00001"):
                async with session.get(f"http://127.0.0.1:{port}{path}") as response:
                    assert response.status == 503
                    assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    finally:
        await runner.cleanup()


async def test_the_limiter_counts_a_page_without_its_waits_for_failed_sections() -> None:
    # Reviews hangs until the deadline: the page takes the whole deadline, but the aggregator was idle.
    backends = doubles.backends(reviews=doubles.slow(doubles.HANDLERS["reviews"], 5.0))
    assembler = PageAssembler(backends, AggregatorConfig(deadline=0.3))

    async def page() -> tuple[float | None, float]:
        started = time.monotonic()
        token = latency_sample.set(None)
        try:
            await assembler.assemble("P00001", "u-alice")
            return latency_sample.get(), time.monotonic() - started
        finally:
            latency_sample.reset(token)

    own, took = await page()
    assert took >= 0.3
    assert own is not None
    assert own < 0.2  # the healthy sections' time and the assembly, not the 300 ms wait for reviews
    healthy = PageAssembler(doubles.backends(), AggregatorConfig(deadline=0.3))
    token = latency_sample.set(None)
    try:
        result = await healthy.assemble("P00001", "u-alice")
        assert latency_sample.get() == pytest.approx(result.duration_ms / 1000)
    finally:
        latency_sample.reset(token)
