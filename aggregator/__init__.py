"""The aggregator: one product page from six backend services, for gRPC clients and for browsers.

`pagemesh serve aggregator` runs it (see `aggregator.cli`). What the page knows about each backend (its
contract per API version, the read each section makes and its adapter, its other reads) is one `Backend`
record in `BACKENDS`; which calls may be retried or hedged is read from the contracts' `idempotency_level`.
Inside, `PageAssembler` fans a page out to the backends concurrently under one deadline, through
`BackendClient`s that negotiate the API version and hedge slow calls, over `Downstream`s, which hand back
each call in flight as a `Pending`: `GrpcDownstream` (one long-lived channel per backend) or
`FunctionDownstream` (an in-memory double for tests). Every page served is published as a `ProductViewed`
event through `PageViews` (the bus's outbox: it never waits for the broker).
"""

from __future__ import annotations

from aggregator._adapters import page_v1_from_v2
from aggregator._assembler import PageAssembler, PageError, PageResult
from aggregator._backends import (
    BACKENDS,
    PRODUCT,
    SECTIONS,
    Backend,
    Contract,
    PageRequest,
    Read,
    SectionSpec,
)
from aggregator._client import BackendClient, BackendStats
from aggregator._config import AggregatorConfig, ChannelConfig
from aggregator._downstream import BackendError, Downstream, FunctionDownstream, GrpcDownstream, Pending
from aggregator._events import PageViews
from aggregator._hedging import Hedger, HedgeStats, LatencyWindow
from aggregator._http import make_app, render_page
from aggregator._service import TIMING_KEY, PageServiceV1, PageServiceV2, page_bindings, page_budget

__all__ = [
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
