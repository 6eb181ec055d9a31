"""One backend as the page sees it: version negotiation, hedging and throttling over a `Downstream`.

Every call, hedges included, first asks the backend's `AdaptiveThrottle` (client-side adaptive
throttling): while the backend sheds load, a share of calls is refused here, RESOURCE_EXHAUSTED, without
being sent, so retries and hedges do not keep a saturated backend saturated.

Every call goes to the backend's newest API version first. When that answers UNIMPLEMENTED (an older
deployment in a rolling upgrade), the same call is sent in the next version (v1) and the answer adapted;
the backend is then called in v1 for `version_memory` seconds before v2 is tried again, so an upgrade is
noticed without a restart. A read is hedged only when the page asks (optional sections) and its contract
declares the method safe to send twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Generator
from dataclasses import asdict, dataclass, replace
from typing import Any, TypeVar

import grpc
from google.protobuf.message import Message

from aggregator._backends import Backend, Call, Read
from aggregator._config import AggregatorConfig
from aggregator._downstream import BackendError, Downstream, ForwardingCall, Metadata, Pending
from aggregator._hedging import Hedger
from aggregator._telemetry import BackendTelemetry
from aggregator._throttling import AdaptiveThrottle
from pagemesh.runtime import SHED_CODES, log_event

__all__ = ["BackendClient", "BackendStats"]

_logger = logging.getLogger("pagemesh.aggregator")
R = TypeVar("R")
T = TypeVar("T")


@dataclass(frozen=True)
class BackendStats:
    """A snapshot of one backend's counters, for logs, `/statz` and the benchmark."""

    calls: int
    hedges: int
    hedge_wins: int
    hedges_withheld: int
    hedge_delay_ms: float | None
    """The delay the next hedge would wait, or None when none would be sent now."""
    version: str
    """The API version the next call will use."""
    fallbacks: int
    """How often the backend answered UNIMPLEMENTED and was called in an older version instead."""
    throttled: int
    """Calls held back by client-side throttling, never sent."""
    shed_by_backend: int
    """Calls sent but not accepted (RESOURCE_EXHAUSTED, still in flight, or cancelled before an answer)."""

    def as_dict(self) -> dict[str, Any]:
        """The snapshot as JSON-ready data."""
        return asdict(self)


class BackendClient:
    """Calls one backend for the page: newest version first, hedged when allowed, within a deadline."""

    def __init__(
        self,
        backend: Backend,
        downstream: Downstream,
        config: AggregatorConfig,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.backend = backend
        self.downstream = downstream
        self.throttle = AdaptiveThrottle(config.throttle_k, config.throttle_window)
        self.hedger = Hedger(
            enabled=config.hedging,
            fixed_delay=config.hedge_delay,
            min_delay=config.hedge_min_delay,
            budget=config.hedge_budget,
            window=config.latency_window,
            admit=self.throttle.allow,
        )
        self.telemetry = BackendTelemetry(backend, downstream.address)
        self._memory = config.version_memory
        self._clock = clock
        self._newest, *older = backend.versions
        self._fallback = older[0] if older else None
        self._fallback_until = 0.0
        self._fallbacks = 0

    @property
    def name(self) -> str:
        """The backend's service name."""
        return self.backend.name

    @property
    def version(self) -> str:
        """The API version the next call will use."""
        if self._fallback is not None and self._clock() < self._fallback_until:
            return self._fallback
        return self._newest

    @property
    def where(self) -> str:
        """The backend in words, for messages: "the product service at 127.0.0.1:50051"."""
        address = self.downstream.address
        return f"the {self.name} service{f' at {address}' if address else ''}"

    def snapshot(self) -> BackendStats:
        """This backend's counters now."""
        hedging = self.hedger.snapshot()
        throttling = replace(self.throttle.stats)
        delay = self.hedger.delay()
        return BackendStats(
            calls=hedging.calls,
            hedges=hedging.hedges,
            hedge_wins=hedging.hedge_wins,
            hedges_withheld=hedging.hedges_withheld,
            hedge_delay_ms=None if delay is None else round(delay * 1000, 3),
            version=self.version,
            fallbacks=self._fallbacks,
            throttled=throttling.throttled,
            shed_by_backend=throttling.requests - throttling.throttled - throttling.accepts,
        )

    async def read(
        self, read: Read[R, T], request: R, *, deadline: float, metadata: Metadata, hedge: bool
    ) -> tuple[str, T, bool]:
        """(version answered, the answer as page data, hedged) of a read, or `BackendError`.

        `deadline` is in `time.monotonic()` seconds; each attempt gets what remains of it as its gRPC
        timeout, which grpcio sends to the backend as `grpc-timeout` (deadline propagation).
        """

        async def attempt(version: str) -> tuple[Any, bool]:
            method, message = read.call(version, request)
            allowed = hedge and self.backend.repeatable(version, method)
            return await self._call(version, (method, message), deadline, metadata, hedge=allowed)

        version, (response, hedged) = await self._negotiate(attempt)
        return version, read.adapt(version, response), hedged

    async def _negotiate(self, attempt: Callable[[str], Awaitable[T]]) -> tuple[str, T]:
        """(version, result) of `attempt` in the current version, falling back once on UNIMPLEMENTED."""
        version = self.version
        if version == self._newest and self._fallback is not None:
            try:
                return version, await attempt(version)
            except BackendError as error:
                if error.code is not grpc.StatusCode.UNIMPLEMENTED:
                    raise
                self._fallback_until = self._clock() + self._memory
                self._fallbacks += 1
                log_event(
                    _logger,
                    logging.WARNING,
                    f"falling back to {self._fallback}",
                    service=self.name,
                    reason=error.message,
                    for_seconds=self._memory,
                )
            version = self._fallback
        return version, await attempt(version)

    def _admit(self) -> None:
        """Raises RESOURCE_EXHAUSTED when the throttle holds this call back."""
        if not self.throttle.allow():
            raise BackendError(
                self.name,
                grpc.StatusCode.RESOURCE_EXHAUSTED,
                f"not sent: {self.name} has been shedding load, so the aggregator holds back "
                f"{self.throttle.rejection_probability():.0%} of its calls for now (client-side throttling)",
            )

    async def _call(
        self, version: str, call: Call, deadline: float, metadata: Metadata, *, hedge: bool
    ) -> tuple[Any, bool]:
        method, request = call
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise BackendError(
                self.name, grpc.StatusCode.DEADLINE_EXCEEDED, "no time left before the deadline"
            )

        def send(with_trace: Metadata) -> Pending[Message]:
            return self.downstream.start(
                version,
                method,
                request,
                time_limit=max(deadline - time.monotonic(), 0.001),
                metadata=with_trace,
            )

        attempts = 0

        def start() -> Pending[Message]:
            # Every attempt after the first is a hedge: its own client span, beside the first one's.
            nonlocal attempts
            attempts += 1
            traced = self.telemetry.start(version, method, metadata, send, hedge=attempts > 1)
            return _Counted(traced, self.throttle)

        self._admit()
        if not hedge:
            return await self.hedger.unhedged(start), False
        return await self.hedger.run(start, remaining)


class _Counted(ForwardingCall):
    """A call in flight that tells the throttle, once awaited, whether the backend accepted it."""

    __slots__ = ("_throttle",)

    def __init__(self, call: Pending[Message], throttle: AdaptiveThrottle) -> None:
        super().__init__(call)
        self._throttle = throttle

    def __await__(self) -> Generator[Any, None, Message]:
        try:
            response: Message = yield from self._call.__await__()
        except BackendError as error:
            # A call this process cancels (a lost hedge) is never awaited; CANCELLED here came from the
            # backend, whose gRPC core refuses calls so when its queue is full: overloaded, as shed is.
            self._throttle.answered(accepted=error.code not in SHED_CODES)
            raise
        self._throttle.answered(accepted=True)
        return response
