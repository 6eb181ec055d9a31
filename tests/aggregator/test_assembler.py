"""The page logic against in-memory backends: fan-out, deadlines, degraded sections, fallback, hedging."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import grpc
import pytest
from google.protobuf.message import Message

import aggregator
from aggregator import (
    AggregatorConfig,
    BackendClient,
    BackendError,
    FunctionDownstream,
    Hedger,
    LatencyWindow,
    PageAssembler,
    PageError,
    PageRequest,
    PageViews,
    page_budget,
    page_v1_from_v2,
    render_page,
)
from pagemesh.bus import Bus, open_envelope, parse_bus_url
from pagemesh.events.v1 import events_pb2
from pagemesh.history.v2 import history_pb2 as history_v2
from pagemesh.page.v2 import page_pb2 as page_v2
from pagemesh.runtime import REQUEST_ID_KEY, InvalidArgumentError, free_port
from tests.aggregator import doubles

T = TypeVar("T")


def test_public_names_are_pinned() -> None:
    assert sorted(aggregator.__all__) == sorted(
        [
            "BACKENDS",
            "PRODUCT",
            "SECTIONS",
            "TIMING_KEY",
            "AggregatorConfig",
            "Backend",
            "BackendClient",
            "BackendError",
            "BackendStats",
            "ChannelConfig",
            "Contract",
            "Downstream",
            "FunctionDownstream",
            "GrpcDownstream",
            "HedgeStats",
            "Hedger",
            "LatencyWindow",
            "PageAssembler",
            "PageError",
            "PageRequest",
            "PageResult",
            "PageServiceV1",
            "PageServiceV2",
            "PageViews",
            "Pending",
            "Read",
            "SectionSpec",
            "make_app",
            "page_bindings",
            "page_budget",
            "page_v1_from_v2",
            "render_page",
        ]
    )


async def test_complete_page_has_every_section_and_carries_the_request_id() -> None:
    backends = doubles.backends()
    result = await PageAssembler(backends).assemble("P00001", "u-alice", request_id="rid-123")
    page = result.page
    assert page.product.title == "Archive of Silent Cartographers"
    assert page.product.price.units == 25
    assert [a.display_name for a in page.authors] == ["Farid Takahashi"]
    assert page.reviews.average_rating == 4.0
    assert [r.title for r in page.recommendations] == ["Iron Clockmakers"]
    assert [s.advertiser_name for s in page.sponsored] == ["Acme Press"]
    assert [v.title for v in page.recently_viewed] == ["The Last Bridge"]
    assert list(page.degraded_sections) == []
    assert set(result.timings_ms) == {
        "product",
        "authors",
        "reviews",
        "recommendations",
        "sponsored",
        "recently_viewed",
    }
    for downstream in backends.values():
        assert [call[3] for call in downstream.calls] == [{REQUEST_ID_KEY: "rid-123"}]


async def test_anonymous_page_does_not_call_history() -> None:
    backends = doubles.backends()
    result = await PageAssembler(backends).assemble("P00001")
    assert backends["history"].calls == []
    assert list(result.page.recently_viewed) == []
    assert list(result.page.degraded_sections) == []


async def test_v1_page_has_the_same_data() -> None:
    result = await PageAssembler(doubles.backends()).assemble("P00001", "u-alice")
    v1 = page_v1_from_v2(result.page)
    assert v1.product.price == pytest.approx(25.99)
    assert v1.product.currency_code == "GBP"
    assert v1.product.format == "Hardcover"
    assert v1.author.name == "Farid Takahashi"
    assert v1.average_rating == 4.0
    assert v1.review_count == 1
    assert [s.price for s in v1.sponsored] == [12.5]
    assert [v.title for v in v1.recently_viewed] == ["The Last Bridge"]


async def test_the_backends_are_called_concurrently() -> None:
    handlers = {name: doubles.slow(handler, 0.2) for name, handler in doubles.HANDLERS.items()}
    assembler = PageAssembler(doubles.backends(**handlers), AggregatorConfig(deadline=2.0, hedging=False))
    started = time.perf_counter()
    result = await assembler.assemble("P00001", "u-alice")
    elapsed = time.perf_counter() - started
    assert list(result.page.degraded_sections) == []
    # One after another would take 6 x 0.2 s = 1.2 s.
    assert elapsed < 0.8


@pytest.mark.parametrize(
    ("service", "section"),
    [
        ("authors", page_v2.SECTION_AUTHORS),
        ("reviews", page_v2.SECTION_REVIEWS),
        ("recommendations", page_v2.SECTION_RECOMMENDATIONS),
        ("sponsored", page_v2.SECTION_SPONSORED),
        ("history", page_v2.SECTION_RECENTLY_VIEWED),
    ],
)
async def test_a_failed_optional_section_is_degraded_and_the_page_still_returned(
    service: str, section: page_v2.Section.ValueType
) -> None:
    backends = doubles.backends(**{service: doubles.failing(service, grpc.StatusCode.UNAVAILABLE, "down")})
    result = await PageAssembler(backends).assemble("P00001", "u-alice")
    assert result.page.product.id == "P00001"
    assert [(d.section, d.code, d.message) for d in result.page.degraded_sections] == [
        (section, grpc.StatusCode.UNAVAILABLE.value[0], "down")
    ]
    others = [s for s in ("authors", "recommendations", "sponsored") if s != service]
    for name in others:
        assert len(getattr(result.page, name)) == 1


async def test_history_not_found_is_an_empty_section_not_a_degraded_one() -> None:
    backends = doubles.backends(history=doubles.failing("history", grpc.StatusCode.NOT_FOUND, "no views"))
    result = await PageAssembler(backends).assemble("P00001", "u-new")
    assert list(result.page.recently_viewed) == []
    assert list(result.page.degraded_sections) == []


async def test_a_late_section_is_degraded_within_the_deadline() -> None:
    backends = doubles.backends(reviews=doubles.slow(doubles.reviews, 5.0))
    assembler = PageAssembler(backends, AggregatorConfig(deadline=0.2))
    started = time.perf_counter()
    result = await assembler.assemble("P00001")
    elapsed = time.perf_counter() - started
    assert elapsed < 0.2 + 0.3
    (degraded,) = result.page.degraded_sections
    assert degraded.section == page_v2.SECTION_REVIEWS
    assert degraded.code == grpc.StatusCode.DEADLINE_EXCEEDED.value[0]
    assert "200 ms" in degraded.message
    assert not result.page.HasField("reviews")


async def test_each_backend_gets_what_remains_of_the_budget() -> None:
    seen: list[float] = []

    class Recording(FunctionDownstream):
        async def call(
            self, version: str, method: str, request: Message, *, time_limit: float, metadata: object
        ) -> Message:
            seen.append(time_limit)
            return await super().call(version, method, request, time_limit=time_limit, metadata=())

    backends = {name: Recording(name, handler) for name, handler in doubles.HANDLERS.items()}
    await PageAssembler(backends, AggregatorConfig(deadline=5.0)).assemble("P00001", budget=0.25)
    assert seen
    assert all(0.1 < limit <= 0.25 for limit in seen)


def test_the_callers_shorter_deadline_wins() -> None:
    config = AggregatorConfig(deadline=0.3, response_margin=0.004)
    assert page_budget(config, None) == 0.3
    assert page_budget(config, 10.0) == 0.3
    assert page_budget(config, 0.1) == pytest.approx(0.096)
    assert page_budget(config, 0.001) == 0.0


async def test_unknown_product_is_not_found_and_stops_the_other_calls() -> None:
    backends = doubles.backends(reviews=doubles.slow(doubles.reviews, 5.0))
    started = time.perf_counter()
    with pytest.raises(PageError) as raised:
        await PageAssembler(backends).assemble("P99999")
    assert raised.value.code is grpc.StatusCode.NOT_FOUND
    assert "P99999" in raised.value.message
    assert time.perf_counter() - started < 0.25


async def test_unreachable_product_service_is_unavailable() -> None:
    backends = doubles.backends(
        product=doubles.failing("product", grpc.StatusCode.UNAVAILABLE, "connect failed")
    )
    with pytest.raises(PageError) as raised:
        await PageAssembler(backends).assemble("P00001")
    assert raised.value.code is grpc.StatusCode.UNAVAILABLE
    assert "product service" in raised.value.message
    assert "connect failed" in raised.value.message


async def test_empty_product_id_is_invalid() -> None:
    with pytest.raises(InvalidArgumentError, match="product_id"):
        await PageAssembler(doubles.backends()).assemble(" ")


async def test_a_v1_only_backend_is_adapted_and_remembered() -> None:
    now = [0.0]
    downstream = FunctionDownstream("authors", doubles.v1_only("authors", doubles.authors))
    backend = aggregator.BACKENDS["authors"]
    client = BackendClient(backend, downstream, AggregatorConfig(version_memory=30.0), clock=lambda: now[0])
    deadline = time.monotonic() + 1.0
    (spec,) = backend.sections
    request = PageRequest("P00001", "", AggregatorConfig())

    async def read() -> str:
        version, authors, _ = await client.read(
            spec.read, request, deadline=deadline, metadata=(), hedge=False
        )
        assert [a.display_name for a in authors] == ["Farid Takahashi"]
        return version

    assert await read() == "v1"
    assert [c[0] for c in downstream.calls] == ["v2", "v1"]
    assert await read() == "v1"
    assert [c[0] for c in downstream.calls] == ["v2", "v1", "v1"]
    now[0] = 31.0
    assert await read() == "v1"
    assert [c[0] for c in downstream.calls] == ["v2", "v1", "v1", "v2", "v1"]
    assert client.snapshot().fallbacks == 2


async def test_page_from_a_v1_only_backend_is_complete() -> None:
    backends = doubles.backends(authors=doubles.v1_only("authors", doubles.authors))
    result = await PageAssembler(backends).assemble("P00001")
    assert list(result.page.degraded_sections) == []
    assert [(a.display_name, a.family_name) for a in result.page.authors] == [
        ("Farid Takahashi", "Takahashi")
    ]
    assert result.versions["authors"] == "v1"


def sent(attempt: Callable[[], Awaitable[T]]) -> Callable[[], asyncio.Task[T]]:
    """What `Hedger.run` takes: a function that sends one call and hands it back in flight."""
    return lambda: asyncio.ensure_future(attempt())


async def test_hedge_answers_when_the_first_call_is_slow_and_the_slow_one_is_cancelled() -> None:
    hedger = Hedger(fixed_delay=0.02)
    cancelled: list[int] = []
    attempts = [0]

    async def attempt() -> str:
        attempts[0] += 1
        number = attempts[0]
        try:
            await asyncio.sleep(5.0 if number == 1 else 0.01)
        except asyncio.CancelledError:
            cancelled.append(number)
            raise
        return f"answer {number}"

    started = time.perf_counter()
    result, hedged = await hedger.run(sent(attempt), remaining=1.0)
    assert (result, hedged) == ("answer 2", True)
    assert time.perf_counter() - started < 1.0
    await asyncio.sleep(0)
    assert cancelled == [1]
    assert (hedger.snapshot().calls, hedger.snapshot().hedges, hedger.snapshot().hedge_wins) == (1, 1, 1)


async def test_no_hedge_when_the_first_call_answers_in_time() -> None:
    hedger = Hedger(fixed_delay=0.5)

    async def attempt() -> str:
        return "fast"

    assert await hedger.run(sent(attempt), remaining=1.0) == ("fast", False)
    assert hedger.snapshot().hedges == 0


async def test_a_failed_hedge_waits_for_the_original() -> None:
    hedger = Hedger(fixed_delay=0.01)
    attempts = [0]

    async def attempt() -> str:
        attempts[0] += 1
        if attempts[0] == 2:
            raise BackendError("reviews", grpc.StatusCode.UNAVAILABLE, "hedge failed")
        await asyncio.sleep(0.05)
        return "original"

    assert await hedger.run(sent(attempt), remaining=1.0) == ("original", True)


async def test_hedges_stay_within_the_budget() -> None:
    hedger = Hedger(fixed_delay=0.001, budget=0.05)

    async def attempt() -> str:
        await asyncio.sleep(0.005)
        return "slow-ish"

    for _ in range(300):
        await hedger.run(sent(attempt), remaining=1.0)
    assert hedger.snapshot().calls == 300
    assert hedger.snapshot().hedges <= 0.05 * 300 + 10


def test_latency_window_p95() -> None:
    window = LatencyWindow(size=100, min_samples=20)
    for _ in range(19):
        window.record(0.010)
    assert window.value() is None
    for i in range(81):
        window.record(0.010 + i / 10_000)
    value = window.value()
    assert value is not None
    assert 0.0170 <= value <= 0.0180


async def test_degraded_section_renders_as_temporarily_unavailable() -> None:
    backends = doubles.backends(reviews=doubles.failing("reviews", grpc.StatusCode.UNAVAILABLE))
    result = await PageAssembler(backends).assemble("P00001", "u-alice")
    html = render_page(result, "u-alice")
    assert "<title>Archive of Silent Cartographers" in html
    assert 'id="reviews" data-section="reviews" data-state="unavailable"' in html
    assert "Reviews are temporarily unavailable" in html
    assert 'data-section="recommendations" data-state="ok"' in html
    assert "£25.99" in html


async def test_a_page_view_is_published_as_an_event_not_recorded_by_rpc(tmp_path: Path) -> None:
    bus_url = parse_bus_url(f"sqlite:///{tmp_path / 'bus.sqlite3'}")
    backends = doubles.backends()
    assembler = PageAssembler(backends, page_views=await PageViews.start(bus_url, tmp_path / "outbox"))
    result = await assembler.assemble("P00001", "u-alice")
    assembler.page_viewed(
        result, "u-alice", api_version="v1", surface=events_pb2.SURFACE_GRPC, request_id="r-1"
    )
    bus = await Bus.connect(bus_url)
    subscription = await bus.subscribe("test", "test-1", [events_pb2.ProductViewed])
    try:
        deliveries = await subscription.fetch(10, 10.0)
        (delivery,) = deliveries
        view = events_pb2.ProductViewed.FromString(open_envelope(delivery.value).payload)
        assert (view.product_id, view.user_id, view.api_version, view.request_id) == (
            "P00001",
            "u-alice",
            "v1",
            "r-1",
        )
        assert view.product_title == result.page.product.title
        assert view.surface == events_pb2.SURFACE_GRPC
        stats = await assembler.page_views.stats() if assembler.page_views else {}
        assert (stats["published"], stats["refused"], stats["publish_failures"]) == (1, 0, 0)
        assert [g["group"] for g in stats["groups"]] == ["test"]
    finally:
        await subscription.close()
        await bus.close()
        await assembler.close()
    assert "RecordView" not in [c[1] for c in backends["history"].calls]


async def test_a_page_view_that_cannot_be_published_never_fails_the_page(tmp_path: Path) -> None:
    # Nothing listens there: the schema can never be confirmed, so every publish is refused.
    nowhere = parse_bus_url(f"redis://127.0.0.1:{free_port()}/0")
    assembler = PageAssembler(doubles.backends(), page_views=await PageViews.start(nowhere, tmp_path))
    try:
        result = await assembler.assemble("P00001", "u-alice")
        started = time.perf_counter()
        for _ in range(3):
            assembler.page_viewed(result, "u-alice", api_version="v2", surface=events_pb2.SURFACE_HTML)
        assert time.perf_counter() - started < 1.0
        assert assembler.page_views is not None
        assert assembler.page_views.failures == 3
        assert assembler.page_views.publisher.refused == 3
    finally:
        await assembler.close()


def test_retries_and_hedges_follow_the_contracts_idempotency_level() -> None:
    history = aggregator.BACKENDS["history"]
    assert history.retryable_methods() == [
        ("pagemesh.history.v2.HistoryService", "ListViewedProducts"),
        ("pagemesh.history.v1.HistoryService", "ListViewedProducts"),
    ]
    assert not history.repeatable("v2", "RecordView")
    for backend in aggregator.BACKENDS.values():
        for section in backend.sections:
            for version in backend.versions:
                method, _ = section.read.call(version, PageRequest("P00001", "u-alice", AggregatorConfig()))
                assert backend.repeatable(version, method), (backend.name, version, method)


async def test_a_call_the_contract_does_not_let_repeat_is_never_hedged() -> None:
    # A read aimed at history's write method: slow enough to be hedged, if hedging were allowed.
    backend = aggregator.BACKENDS["history"]
    downstream = FunctionDownstream("history", doubles.slow(doubles.history, 0.05))
    client = BackendClient(backend, downstream, AggregatorConfig(hedge_delay=0.001))
    as_write: aggregator.Read[PageRequest, Message] = aggregator.Read(
        v2=lambda r: ("RecordView", history_v2.RecordViewRequest(user_id=r.user_id, product_id=r.product_id)),
        v1=lambda r: ("RecordView", history_v2.RecordViewRequest()),
        from_v2=lambda response: response,
        from_v1=lambda response: response,
    )
    request = PageRequest("P00001", "u-alice", AggregatorConfig())
    deadline = time.monotonic() + 1.0
    _, _, hedged = await client.read(as_write, request, deadline=deadline, metadata=(), hedge=True)
    assert not hedged
    assert len(downstream.calls) == 1
    assert client.snapshot().hedges == 0


async def test_sequential_mode_calls_one_after_another() -> None:
    handlers = {name: doubles.slow(handler, 0.05) for name, handler in doubles.HANDLERS.items()}
    assembler = PageAssembler(doubles.backends(**handlers), AggregatorConfig(deadline=2.0, sequential=True))
    started = time.perf_counter()
    result = await assembler.assemble("P00001", "u-alice")
    assert time.perf_counter() - started >= 6 * 0.05
    assert list(result.page.degraded_sections) == []


async def test_concurrent_calls_cannot_overspend_the_hedge_budget() -> None:
    hedger = Hedger(fixed_delay=0.001, budget=0.05)

    async def attempt() -> str:
        await asyncio.sleep(0.01)
        return "slow"

    for batch in range(1, 11):
        # Twenty calls start together, all before any of them is due to hedge.
        await asyncio.gather(*(hedger.run(sent(attempt), remaining=1.0) for _ in range(20)))
        assert hedger.snapshot().calls == 20 * batch
        assert hedger.snapshot().hedges <= 0.05 * hedger.snapshot().calls + 10


async def test_hedges_that_never_win_are_mostly_withheld() -> None:
    # Every call is equally late (an overloaded machine): a hedge never answers first.
    hedger = Hedger(fixed_delay=0.001, budget=1.0)

    async def attempt() -> str:
        await asyncio.sleep(0.004)
        return "late"

    for _ in range(200):
        await hedger.run(sent(attempt), remaining=1.0)
    stats = hedger.snapshot()
    assert stats.hedge_wins == 0
    # 20 hedges to learn that they do not pay, then one in ten of the rest as probes.
    assert 20 <= stats.hedges <= 20 + 200 // 10 + 1
    assert stats.hedges_withheld >= 150


async def test_hedges_that_win_keep_being_sent() -> None:
    hedger = Hedger(fixed_delay=0.002, budget=1.0)
    attempts = [0]

    async def attempt() -> str:
        # Every other call is slow; its hedge answers first.
        attempts[0] += 1
        await asyncio.sleep(0.05 if attempts[0] % 2 else 0.0)
        return "answer"

    for _ in range(100):
        await hedger.run(sent(attempt), remaining=1.0)
    assert hedger.snapshot().hedges_withheld == 0
    assert hedger.snapshot().hedge_wins >= 30
