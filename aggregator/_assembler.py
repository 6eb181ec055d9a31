"""Assembling one product page: six concurrent backend reads under one deadline.

The product section is required: without it there is no page, and the caller gets the product
service's NOT_FOUND, UNAVAILABLE, DEADLINE_EXCEEDED or RESOURCE_EXHAUSTED (overloaded: back off) with a
message saying so. Every other section is
optional: a failed or late one is left out and named in the result's `degraded_sections`, and the page
is returned anyway. Late calls are cancelled when the deadline passes, which cancels their RPCs too.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import grpc

from aggregator._backends import BACKENDS, PRODUCT, SECTIONS, PageRequest, SectionSpec
from aggregator._client import BackendClient
from aggregator._config import AggregatorConfig
from aggregator._downstream import BackendError, Downstream, Metadata, request_metadata
from aggregator._events import PageViews
from aggregator._telemetry import PageTelemetry
from pagemesh.events.v1 import events_pb2
from pagemesh.page.v2 import page_pb2 as page_v2
from pagemesh.runtime import InvalidArgumentError, PagemeshError, latency_sample, log_event
from pagemesh.telemetry import current_traceparent

__all__ = ["PageAssembler", "PageError", "PageResult"]

_logger = logging.getLogger("pagemesh.aggregator")


class PageError(PagemeshError):
    """The page cannot be built because its required product section failed; `code` says how."""

    def __init__(self, code: grpc.StatusCode, message: str) -> None:
        super().__init__(message)
        self.code = code


_SECTION_NAMES = {spec.section: spec.name for spec in SECTIONS}
_ANONYMOUS_SECTIONS = tuple(spec for spec in SECTIONS if not spec.needs_user)


@dataclass
class _Outcome:
    spec: SectionSpec
    value: Any = None
    error: BackendError | None = None
    elapsed_ms: float = 0.0
    version: str = "v2"
    hedged: bool = False


@dataclass
class PageResult:
    """An assembled page (in the v2 model) and how it was made."""

    page: page_v2.GetProductPageResponse
    """The page; `degraded_sections` lists what is missing."""
    timings_ms: dict[str, float] = field(default_factory=dict)
    """Milliseconds each section's call took (to its answer, failure or the deadline)."""
    hedged: list[str] = field(default_factory=list)
    """Sections whose call was hedged."""
    versions: dict[str, str] = field(default_factory=dict)
    """The API version each backend answered in."""
    duration_ms: float = 0.0
    """The page's own time."""
    traceparent: str = ""
    """The W3C context of the page (its span's, or the unsampled trace's; '' when not tracing): what an
    event about this page carries in its envelope, so its consumers' spans link back to the page."""

    @property
    def degraded(self) -> list[str]:
        """The names of the missing optional sections."""
        return [_SECTION_NAMES[d.section] for d in self.page.degraded_sections]


class PageAssembler:
    """Builds pages from the six backends, one long-lived client per backend."""

    def __init__(
        self,
        backends: Mapping[str, Downstream],
        config: AggregatorConfig | None = None,
        page_views: PageViews | None = None,
    ) -> None:
        self.config = config or AggregatorConfig()
        self.page_views = page_views
        """Where page views are published as events; None publishes nothing (no bus)."""
        missing = set(BACKENDS) - set(backends)
        if missing:
            raise ValueError(f"no downstream for {', '.join(sorted(missing))}")
        self.clients = {
            name: BackendClient(BACKENDS[name], downstream, self.config)
            for name, downstream in backends.items()
        }
        self._telemetry = PageTelemetry()

    async def assemble(
        self, product_id: str, user_id: str = "", *, budget: float | None = None, request_id: str = ""
    ) -> PageResult:
        """The page for `product_id`, within `budget` seconds (default: the configured deadline).

        Raises `PageError` when the product section fails and `InvalidArgumentError` for an empty ID.
        """
        if not product_id.strip():
            raise InvalidArgumentError('product_id is required, e.g. product_id: "P00001"')
        started = time.monotonic()
        budget = self.config.deadline if budget is None else budget
        deadline = started + budget
        request = PageRequest(product_id, user_id, self.config)
        metadata = request_metadata(request_id)
        specs = SECTIONS if user_id else _ANONYMOUS_SECTIONS
        code = "OK"
        result = PageResult(page_v2.GetProductPageResponse())
        page_trace = self._telemetry.begin(product_id, bool(user_id), request_id)
        result.traceparent = current_traceparent()
        try:
            if self.config.sequential:
                outcomes = [await self._fetch(PRODUCT, request, deadline, metadata)]
                self._require_product(outcomes[0], budget)
                for spec in specs:
                    outcomes.append(await self._fetch(spec, request, deadline, metadata))
            else:
                outcomes = await self._fetch_concurrently(specs, request, deadline, metadata, budget)
            self._fill(result, outcomes, budget)
        except PagemeshError as error:
            code = error.code.name
            raise
        except asyncio.CancelledError:
            code = grpc.StatusCode.CANCELLED.name
            raise
        finally:
            elapsed = time.monotonic() - started
            result.duration_ms = round(elapsed * 1000, 3)
            self._telemetry.end(
                page_trace,
                code=code,
                seconds=elapsed,
                degraded=[
                    (_SECTION_NAMES[d.section], d.code, d.message) for d in result.page.degraded_sections
                ],
                versions=result.versions,
            )
            if result.timings_ms:
                latency_sample.set(self._own_latency(result))
            log_event(
                _logger,
                logging.INFO,
                "page",
                product_id=product_id,
                signed_in=bool(user_id),
                request_id=request_id,
                code=code,
                duration_ms=result.duration_ms,
                budget_ms=round(budget * 1000, 1),
                sections_ms=result.timings_ms,
                degraded=result.degraded,
                hedged=result.hedged,
                v1_backends=sorted(k for k, v in result.versions.items() if v == "v1"),
            )
        return result

    def _own_latency(self, result: PageResult) -> float:
        """Seconds of the page that say how busy the aggregator is: without the waits for failed sections.

        A section that failed (its backend down, slow or shedding) keeps the page waiting up to its deadline
        while the aggregator itself idles; counted, it would make the concurrency limiter shed pages that
        would have been served (degraded) in time.
        """
        degraded = set(result.degraded)
        timings = result.timings_ms
        if self.config.sequential:
            waited = sum(ms for name, ms in timings.items() if name in degraded)
            return max(0.0, result.duration_ms - waited) / 1000
        slowest = max(timings.values())
        healthy = max((ms for name, ms in timings.items() if name not in degraded), default=0.0)
        return max(0.0, result.duration_ms - (slowest - healthy)) / 1000

    async def _fetch_concurrently(
        self,
        specs: Sequence[SectionSpec],
        request: PageRequest,
        deadline: float,
        metadata: Metadata,
        budget: float,
    ) -> list[_Outcome]:
        product = asyncio.ensure_future(self._fetch(PRODUCT, request, deadline, metadata))
        others = {
            spec: asyncio.ensure_future(self._fetch(spec, request, deadline, metadata)) for spec in specs
        }
        try:
            # The calls time out on their own (their gRPC timeout is the deadline); the wait's timeout
            # is the backstop that keeps the page on time even if one did not.
            await asyncio.wait((product,), timeout=max(deadline - time.monotonic(), 0))
            first = self._late(PRODUCT, budget) if not product.done() else product.result()
            self._require_product(first, budget)
            await asyncio.wait(others.values(), timeout=max(deadline - time.monotonic(), 0))
            return [
                first,
                *(
                    task.result() if task.done() else self._late(spec, budget)
                    for spec, task in others.items()
                ),
            ]
        finally:
            for task in (product, *others.values()):
                task.cancel()

    def _late(self, spec: SectionSpec, budget: float) -> _Outcome:
        return _Outcome(
            spec,
            error=BackendError(
                spec.backend, grpc.StatusCode.DEADLINE_EXCEEDED, "no answer before the deadline"
            ),
            elapsed_ms=round(budget * 1000, 3),
        )

    async def _fetch(
        self, spec: SectionSpec, request: PageRequest, deadline: float, metadata: Metadata
    ) -> _Outcome:
        started = time.monotonic()
        client = self.clients[spec.backend]
        outcome = _Outcome(spec)
        try:
            outcome.version, outcome.value, outcome.hedged = await client.read(
                spec.read, request, deadline=deadline, metadata=metadata, hedge=not spec.required
            )
        except BackendError as error:
            if spec.empty_on_not_found and error.code is grpc.StatusCode.NOT_FOUND:
                outcome.value = []
            else:
                outcome.error = error
            outcome.version = client.version
        outcome.elapsed_ms = round((time.monotonic() - started) * 1000, 3)
        return outcome

    def _require_product(self, outcome: _Outcome, budget: float) -> None:
        error = outcome.error
        if error is None:
            return
        where = self.clients[PRODUCT.backend].where
        if error.code is grpc.StatusCode.NOT_FOUND:
            raise PageError(error.code, error.message or "the product does not exist")
        if error.code is grpc.StatusCode.INVALID_ARGUMENT:
            raise PageError(error.code, error.message)
        if error.code is grpc.StatusCode.RESOURCE_EXHAUSTED:
            # Shed by the product service's limiter, or held back by this client's throttle: the caller
            # should back off, not retry at once (HTTP 503 with Retry-After).
            raise PageError(
                error.code,
                f"{where} is overloaded ({error.message}); the page cannot be built without the product, "
                "retry after a short backoff",
            )
        if error.code is grpc.StatusCode.DEADLINE_EXCEEDED:
            raise PageError(
                error.code,
                f"{where} did not answer within the page's {budget * 1000:.0f} ms; "
                "the page cannot be built without the product",
            )
        raise PageError(
            grpc.StatusCode.UNAVAILABLE,
            f"{where} is unavailable ({error.code.name}: {error.message}); "
            "the page cannot be built without the product, retry shortly",
        )

    def _fill(self, result: PageResult, outcomes: list[_Outcome], budget: float) -> None:
        page = result.page
        for outcome in outcomes:
            spec = outcome.spec
            result.timings_ms[spec.name] = outcome.elapsed_ms
            result.versions[spec.backend] = outcome.version
            if outcome.hedged:
                result.hedged.append(spec.name)
            if outcome.error is None:
                spec.apply(page, outcome.value)
                continue
            error = outcome.error
            message = error.message
            if error.code is grpc.StatusCode.DEADLINE_EXCEEDED:
                message = (
                    f"the {spec.backend} service did not answer within the page's {budget * 1000:.0f} ms"
                )
            page.degraded_sections.add(section=spec.section, code=error.code.value[0], message=message)

    def page_viewed(
        self,
        result: PageResult,
        user_id: str,
        *,
        api_version: str,
        surface: events_pb2.Surface.ValueType,
        request_id: str = "",
        traceparent: str = "",
    ) -> None:
        """Publishes one `ProductViewed` for a page served (when a bus is configured); never waits."""
        if self.page_views is not None:
            self.page_views.viewed(
                product_id=result.page.product.id,
                user_id=user_id,
                title=result.page.product.title,
                api_version=api_version,
                surface=surface,
                request_id=request_id,
                traceparent=traceparent or result.traceparent,
            )

    def stats(self) -> dict[str, dict[str, Any]]:
        """Per backend: calls, hedges (won, withheld), the hedge delay, API version and throttling.

        `throttled` counts calls held back by client-side throttling; `shed_by_backend` the calls sent but
        not accepted (RESOURCE_EXHAUSTED, or still in flight, or cancelled before an answer).
        """
        return {name: client.snapshot().as_dict() for name, client in self.clients.items()}

    async def close(self) -> None:
        """Ships the page-view events it can within a second, then closes every channel."""
        if self.page_views is not None:
            await self.page_views.close()
        for client in self.clients.values():
            await client.downstream.close()
