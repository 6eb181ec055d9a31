"""The concurrency limiter: its arithmetic on synthetic latencies, and shedding on a real server."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import grpc
import grpc.aio
import pytest

from pagemesh.product.v2 import product_pb2 as pb
from pagemesh.product.v2 import product_pb2_grpc as pb_grpc
from pagemesh.runtime import (
    ConcurrencyLimiter,
    GrpcServer,
    InvalidArgumentError,
    LimiterConfig,
    Settings,
    Transport,
    api_binding,
    health_status,
    limiter_from_setting,
)
from tests.harness import free_port


def run_calls(limiter: ConcurrencyLimiter, in_flight: int, latency: float, windows: int) -> None:
    """`windows` windows of calls that each took `latency` s, with `in_flight` calls in flight throughout."""
    for _ in range(windows * limiter.config.window):
        held = [limiter.try_acquire() for _ in range(in_flight)]
        admitted = sum(held)
        for index in range(admitted):
            # Only the first finishing call is a sample; the rest leave without one, as if still running.
            if index == 0:
                limiter.release(latency)
            else:
                limiter.in_flight -= 1


def test_a_static_limit_admits_that_many_and_sheds_the_rest() -> None:
    limiter = ConcurrencyLimiter(LimiterConfig(initial_limit=3, adaptive=False), name="product")
    assert [limiter.try_acquire() for _ in range(5)] == [True, True, True, False, False]
    assert limiter.shed == 2
    assert "product is overloaded: 3 calls in flight, at its concurrency limit of 3" in limiter.rejection()
    limiter.release(5.0)
    assert limiter.try_acquire()
    assert limiter.limit == 3  # latency never moves a static limit


def test_the_limit_shrinks_while_latency_climbs_and_recovers_when_it_falls() -> None:
    config = LimiterConfig(initial_limit=40, min_limit=4, max_limit=100)
    limiter = ConcurrencyLimiter(config)
    run_calls(limiter, in_flight=40, latency=0.002, windows=50)
    steady = limiter.limit
    assert steady > 40  # within the tolerance it grows by about sqrt(limit) per window, while used
    assert limiter.no_load == pytest.approx(0.002)
    run_calls(limiter, in_flight=int(limiter.limit), latency=0.020, windows=30)
    assert limiter.limit < steady / 4  # ten times the no-load latency: calls are queueing
    assert limiter.limit >= config.min_limit
    low = limiter.limit
    run_calls(limiter, in_flight=int(limiter.limit), latency=0.002, windows=40)
    assert limiter.limit > low + 10  # latency is back to normal and the limit is used: it grows again


def test_sustained_overload_does_not_become_the_new_normal() -> None:
    # A long average would learn the overloaded latency within seconds and let the limit climb back.
    limiter = ConcurrencyLimiter(LimiterConfig(initial_limit=20, min_limit=4))
    run_calls(limiter, in_flight=20, latency=0.002, windows=20)
    for _ in range(20):
        run_calls(limiter, in_flight=int(limiter.limit) + 5, latency=0.030, windows=10)
    assert int(limiter.limit) == 4
    assert limiter.no_load == pytest.approx(0.002)


def test_the_no_load_latency_is_relearned_once_it_leaves_the_window() -> None:
    clock = [0.0]
    limiter = ConcurrencyLimiter(LimiterConfig(initial_limit=20, no_load_seconds=10), clock=lambda: clock[0])
    run_calls(limiter, in_flight=20, latency=0.002, windows=5)
    clock[0] += 6
    run_calls(limiter, in_flight=2, latency=0.050, windows=5)  # a dependency got slower, at low load
    assert limiter.no_load == pytest.approx(0.002)
    clock[0] += 6
    run_calls(limiter, in_flight=2, latency=0.050, windows=5)
    assert limiter.no_load == pytest.approx(0.050)


def test_latency_under_the_floor_never_shrinks_the_limit() -> None:
    # Eight times the no-load latency, but under twice the floor: not worth shedding anything for.
    limiter = ConcurrencyLimiter(LimiterConfig(initial_limit=20, latency_floor=0.010))
    run_calls(limiter, in_flight=20, latency=0.001, windows=10)
    grown = limiter.limit
    run_calls(limiter, in_flight=int(limiter.limit), latency=0.008, windows=30)
    assert limiter.limit >= grown
    run_calls(limiter, in_flight=int(limiter.limit), latency=0.080, windows=30)
    assert limiter.limit < grown / 2  # beyond the floor it shrinks as before


def test_the_limit_does_not_grow_when_the_load_does_not_use_it() -> None:
    limiter = ConcurrencyLimiter(LimiterConfig(initial_limit=20))
    run_calls(limiter, in_flight=2, latency=0.002, windows=50)
    assert limiter.limit == 20


def test_the_limit_stays_within_its_bounds() -> None:
    limiter = ConcurrencyLimiter(LimiterConfig(initial_limit=10, min_limit=6, max_limit=12))
    run_calls(limiter, in_flight=10, latency=0.002, windows=20)
    run_calls(limiter, in_flight=12, latency=0.002, windows=50)
    assert limiter.limit == 12
    run_calls(limiter, in_flight=12, latency=1.0, windows=50)
    assert limiter.limit == 6


def test_the_setting_is_adaptive_off_or_a_number() -> None:
    adaptive = limiter_from_setting("adaptive")
    assert adaptive is not None
    assert adaptive.config.adaptive
    assert limiter_from_setting("off") is None
    static = limiter_from_setting("8")
    assert static is not None
    assert not static.config.adaptive
    assert static.limit == 8
    for bad in ("0", "-3", "many", ""):
        with pytest.raises(InvalidArgumentError, match="adaptive, off or a number"):
            limiter_from_setting(bad)
    with pytest.raises(InvalidArgumentError, match="PAGEMESH_CONCURRENCY_LIMIT"):
        Settings.from_environment({"PAGEMESH_CONCURRENCY_LIMIT": "lots"})
    assert Settings.from_environment({}).concurrency_limit == "adaptive"


def queued_limiter(
    clock: list[float], queue_timeout: float, standing_queue_timeout: float = 0.002
) -> ConcurrencyLimiter:
    """A static limit of one call, with the queue's timeouts, on a clock the test moves."""
    config = LimiterConfig(
        initial_limit=1,
        adaptive=False,
        queue_timeout=queue_timeout,
        standing_queue_timeout=standing_queue_timeout,
    )
    return ConcurrencyLimiter(config, clock=lambda: clock[0])


async def test_a_burst_beyond_the_limit_waits_for_a_place_instead_of_being_shed() -> None:
    limiter = queued_limiter([0.0], queue_timeout=30)
    assert await limiter.acquire()
    waiting = [asyncio.ensure_future(limiter.acquire()) for _ in range(2)]
    await asyncio.sleep(0)
    assert limiter.queued == 2
    assert not limiter.try_acquire()  # the no-wait path never jumps the queue
    limiter.release(0.001)
    assert await waiting[0]
    assert not waiting[1].done()
    limiter.release(0.001)
    assert await waiting[1]
    assert (limiter.admitted, limiter.shed, limiter.in_flight, limiter.queued) == (3, 1, 1, 0)


async def test_a_call_that_waits_out_the_queue_timeout_is_shed() -> None:
    limiter = queued_limiter([0.0], queue_timeout=0.05)
    assert await limiter.acquire()
    assert not await asyncio.wait_for(limiter.acquire(), timeout=30)
    assert (limiter.shed, limiter.in_flight, limiter.queued) == (1, 1, 0)


async def test_under_sustained_overload_a_call_waits_only_the_short_timeout() -> None:
    clock = [0.0]
    limiter = queued_limiter(clock, queue_timeout=0.1, standing_queue_timeout=0)
    assert await limiter.acquire()
    clock[0] = 0.05
    burst = asyncio.ensure_future(limiter.acquire())  # no place free for 50 ms: still a burst, it waits
    await asyncio.sleep(0)
    assert limiter.queued == 1
    clock[0] = 0.2
    # No call found a place free for 200 ms: overload. The newcomer is shed at once, and the call that
    # came during the burst gets no longer than the rest now.
    assert not await limiter.acquire()
    assert not await asyncio.wait_for(burst, timeout=30)
    assert (limiter.shed, limiter.queued) == (2, 0)
    limiter.release(0.001)
    assert await limiter.acquire()  # a place found free is taken at once


async def test_after_a_call_is_shed_the_next_ones_wait_only_the_short_timeout_for_a_while() -> None:
    clock = [0.0]
    limiter = queued_limiter(clock, queue_timeout=0.1, standing_queue_timeout=0)
    assert await limiter.acquire()
    clock[0] = 0.2
    assert not await limiter.acquire()  # overload: shed at once
    limiter.release(0.001)
    clock[0] = 0.21
    assert await limiter.acquire()  # the queue emptied: a place is free
    clock[0] = 0.22
    # A call was shed 20 ms ago: this is still overload, not a burst to wait out for 100 ms.
    refused = asyncio.ensure_future(limiter.acquire())
    await asyncio.sleep(0)
    assert refused.done()
    assert not refused.result()
    limiter.release(0.001)
    clock[0] = 0.4
    assert await limiter.acquire()
    clock[0] = 0.41
    # Nothing shed for 190 ms and a place found free 10 ms ago: a burst again, so the call waits.
    burst = asyncio.ensure_future(limiter.acquire())
    await asyncio.sleep(0)
    assert limiter.queued == 1
    limiter.release(0.001)
    assert await asyncio.wait_for(burst, timeout=30)


async def test_a_waiting_call_that_is_cancelled_leaves_no_place_taken() -> None:
    limiter = queued_limiter([0.0], queue_timeout=30)
    assert await limiter.acquire()
    waiting = asyncio.ensure_future(limiter.acquire())
    await asyncio.sleep(0)
    waiting.cancel()
    limiter.release(0.001)  # the place is given while the cancelled call has not yet woken up
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert (limiter.in_flight, limiter.queued) == (0, 0)
    assert await limiter.acquire()


class SlowProducts(pb_grpc.ProductServiceServicer):
    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.entered = 0
        self.both_entered = asyncio.Event()

    async def GetProduct(self, request: pb.GetProductRequest, context: object) -> pb.GetProductResponse:
        self.entered += 1
        if self.entered == 2:
            self.both_entered.set()
        await self.release.wait()
        return pb.GetProductResponse(product=pb.Product(id=request.id))

    async def ListProducts(self, request: pb.ListProductsRequest, context: object) -> pb.ListProductsResponse:
        return pb.ListProductsResponse()


@pytest.fixture
async def limited() -> AsyncIterator[tuple[GrpcServer, SlowProducts]]:
    servicer = SlowProducts()
    server = GrpcServer(
        "product",
        f"127.0.0.1:{free_port()}",
        [api_binding(pb.DESCRIPTOR, pb_grpc.add_ProductServiceServicer_to_server, servicer)],
        settings=Settings(tls="plaintext", concurrency_limit="2"),
        admin_address="127.0.0.1:0",
    )
    await server.start()
    yield server, servicer
    servicer.release.set()
    await server.stop(grace=1)


async def test_calls_beyond_the_limit_are_shed_fast_and_health_still_answers(
    limited: tuple[GrpcServer, SlowProducts],
) -> None:
    server, servicer = limited
    async with Transport("plaintext", "operator").channel(f"127.0.0.1:{server.port}") as channel:
        stub = pb_grpc.ProductServiceStub(channel)
        held = [asyncio.ensure_future(stub.GetProduct(pb.GetProductRequest(id=f"P{i}"))) for i in range(2)]
        await asyncio.wait_for(servicer.both_entered.wait(), timeout=30)
        started = time.perf_counter()
        with pytest.raises(grpc.aio.AioRpcError) as shed:
            await stub.GetProduct(pb.GetProductRequest(id="P9"), timeout=10)
        shed_seconds = time.perf_counter() - started
        assert shed.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert "concurrency limit of 2" in (shed.value.details() or "")
        # Not a speed assertion: shed means answered without waiting for a place (the held calls wait
        # until released, far longer than this bound).
        assert shed_seconds < 5
        assert (
            await asyncio.to_thread(
                health_status, f"127.0.0.1:{server.port}", transport=Transport("plaintext", "operator")
            )
            == "SERVING"
        )
        servicer.release.set()
        answers = await asyncio.gather(*held)
        assert [a.product.id for a in answers] == ["P0", "P1"]
        assert (await stub.GetProduct(pb.GetProductRequest(id="P3"))).product.id == "P3"
    assert server.limiter is not None
    assert server.limiter.in_flight == 0
    assert server.limiter.shed == 1
