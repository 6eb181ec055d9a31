"""One backend as the page sees it: version negotiation, hedging and throttling over a `Downstream`.

Every call, hedges included, first asks the backend's `AdaptiveThrottle` (client-side adaptive
throttling): while the backend sheds load, a share of calls is refused here, RESOURCE_EXHAUSTED, without
being sent, so retries and hedges do not keep a saturated backend saturated.

Every read goes to the backend's v2 first. When v2 answers UNIMPLEMENTED (an older deployment in a
rolling upgrade), the same read is sent in v1 and the answer adapted; the backend is then called in v1
for `version_memory` seconds before v2 is tried again, so an upgrade is noticed without a restart.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Generator
from typing import Any

import grpc
from google.protobuf.message import Message

from aggregator._config import AggregatorConfig
from aggregator._downstream import BackendError, Downstream, ForwardingCall, Metadata, Pending
from aggregator._hedging import Hedger
from aggregator._telemetry import BackendTelemetry
from aggregator._throttling import AdaptiveThrottle
from pagemesh.runtime import log_event

__all__ = ["BackendClient", "Read"]

_logger = logging.getLogger("pagemesh.aggregator")

Read = tuple[str, Message]
"""A method name and its request."""


class BackendClient:
    """Calls one backend for the page: v2 with fallback to v1, hedged when asked, within a deadline."""

    def __init__(
        self,
        downstream: Downstream,
        config: AggregatorConfig,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
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
        self.telemetry = BackendTelemetry(downstream.name, getattr(downstream, "address", ""))
        self._memory = config.version_memory
        self._clock = clock
        self._v1_until = 0.0
        self.fallbacks = 0

    @property
    def name(self) -> str:
        """The backend's service name."""
        return self.downstream.name

    @property
    def version(self) -> str:
        """The API version the next read will use."""
        return "v1" if self._clock() < self._v1_until else "v2"

    async def read(
        self, v2: Read, v1: Read, *, deadline: float, metadata: Metadata, hedge: bool
    ) -> tuple[str, Any, bool]:
        """(version answered, response, hedged) of a read, or `BackendError`.

        `deadline` is in `time.monotonic()` seconds; each attempt gets what remains of it as its gRPC
        timeout, which grpcio sends to the backend as `grpc-timeout` (deadline propagation).
        """
        if self.version == "v2":
            try:
                response, hedged = await self._call("v2", v2, deadline, metadata, hedge)
                return "v2", response, hedged
            except BackendError as error:
                if error.code is not grpc.StatusCode.UNIMPLEMENTED:
                    raise
                self._v1_until = self._clock() + self._memory
                self.fallbacks += 1
                log_event(
                    _logger,
                    logging.WARNING,
                    "falling back to v1",
                    service=self.name,
                    reason=error.message,
                    for_seconds=self._memory,
                )
        response, hedged = await self._call("v1", v1, deadline, metadata, hedge)
        return "v1", response, hedged

    async def write(self, method: str, request: Message, *, time_limit: float, metadata: Metadata) -> Message:
        """One unhedged, unretried call in the negotiated version (writes are never sent twice)."""
        self._admit()
        version = self.version

        def send(with_trace: Metadata) -> Pending[Message]:
            return self.downstream.start(version, method, request, time_limit=time_limit, metadata=with_trace)

        return await _Counted(self.telemetry.start(version, method, metadata, send), self.throttle)

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
        self, version: str, read: Read, deadline: float, metadata: Metadata, hedge: bool
    ) -> tuple[Any, bool]:
        method, request = read
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
            self.hedger.stats.calls += 1
            return await start(), False
        return await self.hedger.run(start, remaining)


_REFUSED = frozenset({grpc.StatusCode.RESOURCE_EXHAUSTED, grpc.StatusCode.CANCELLED})
"""What a backend answers when it turns a call away for overload."""


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
            self._throttle.answered(accepted=error.code not in _REFUSED)
            raise
        self._throttle.answered(accepted=True)
        return response
