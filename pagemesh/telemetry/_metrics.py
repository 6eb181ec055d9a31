"""Every metric a pagemesh process exports on its admin port's `/metrics`, defined once.

Names and units follow Prometheus' conventions (`_total` counters, `_seconds` histograms); label values
are bounded: no request, product or user ids ever become a label. They live in `prometheus_client`'s
default `REGISTRY`, which the admin port serves, beside its process collector (CPU, memory, open files).

| metric | labels | who |
| --- | --- | --- |
| `pagemesh_server_calls_total` | service, method, api_version, code, caller | every server |
| `pagemesh_server_call_duration_seconds` | service, method, api_version, code, caller | every server |
| `pagemesh_api_method_info` | service, method, api_version | every server: what it serves |
| `pagemesh_response_cache_hits_total`, `_misses_total`, `_entries` | service | read-only services |
| `pagemesh_pages_total` | code | aggregator |
| `pagemesh_pages_degraded_total` | - | aggregator: pages missing a section |
| `pagemesh_page_duration_seconds` | code | aggregator |
| `pagemesh_page_degraded_sections_total` | section, code | aggregator |
| `pagemesh_backend_calls_total` | backend | aggregator |
| `pagemesh_hedges_sent_total`, `_won_total`, `_withheld_total` | backend | aggregator |
| `pagemesh_version_fallbacks_total` | backend | aggregator |
| `pagemesh_backend_api_version` | backend, api_version | aggregator: 1 for the version in use |
| `pagemesh_bus_published_total` | event_type | publishers |
| `pagemesh_bus_consumed_total` | group, event_type, outcome | consumers |
| `pagemesh_bus_dead_lettered_total` | group, event_type | consumers |
| `pagemesh_bus_lag_messages` | group | consumers: events waiting |
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from typing import Any, Protocol

from prometheus_client import REGISTRY, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

__all__ = [
    "API_METHODS",
    "BUS_CONSUMED",
    "BUS_DEAD_LETTERED",
    "BUS_LAG",
    "BUS_PUBLISHED",
    "DURATION_BUCKETS",
    "PAGES",
    "PAGES_DEGRADED",
    "PAGE_DEGRADED_SECTIONS",
    "PAGE_DURATION",
    "SERVER_CALLS",
    "SERVER_CALL_DURATION",
    "labelled",
    "track_cache",
]

_MAX_CHILDREN = 1024
_children: dict[tuple[object, tuple[str, ...]], Any] = {}


def labelled(metric: Counter | Gauge | Histogram, *labels: str) -> Any:
    """`metric.labels(*labels)`, kept for the next time: prometheus_client's lookup costs more than the
    count itself, on paths that count every page or event. Label values are bounded (see above); the
    table stays bounded whatever comes."""
    key = (metric, labels)
    child = _children.get(key)
    if child is None:
        child = metric.labels(*labels)
        if len(_children) < _MAX_CHILDREN:
            _children[key] = child
    return child


DURATION_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
"""Seconds: a cached backend call takes well under a millisecond, a page's deadline is 300 ms."""

_RPC_LABELS = ("service", "method", "api_version", "code", "caller")

SERVER_CALLS = Counter(
    "pagemesh_server_calls",
    "RPCs answered, by the contract's full service name, method, API version, status code and the "
    "caller's identity (its mTLS SPIFFE ID, or `unauthenticated`).",
    _RPC_LABELS,
)
SERVER_CALL_DURATION = Histogram(
    "pagemesh_server_call_duration_seconds",
    "Time from a call's arrival to its answer, in seconds.",
    _RPC_LABELS,
    buckets=DURATION_BUCKETS,
)
API_METHODS = Gauge(
    "pagemesh_api_method_info",
    "1 for every method this server offers, by service, method and API version (so a version nobody "
    "calls still shows, with no calls).",
    ("service", "method", "api_version"),
)

PAGES = Counter(
    "pagemesh_pages",
    "Product pages answered by the aggregator, by status code (OK even when optional sections are missing).",
    ("code",),
)
PAGES_DEGRADED = Counter(
    "pagemesh_pages_degraded", "Pages answered with at least one optional section missing."
)
PAGE_DURATION = Histogram(
    "pagemesh_page_duration_seconds",
    "Time the aggregator took to assemble a page, in seconds.",
    ("code",),
    buckets=DURATION_BUCKETS,
)
PAGE_DEGRADED_SECTIONS = Counter(
    "pagemesh_page_degraded_sections",
    "Optional sections left out of a page, by section and the status code of the failed call.",
    ("section", "code"),
)

BUS_PUBLISHED = Counter(
    "pagemesh_bus_published", "Events published to the bus, by event type.", ("event_type",)
)
BUS_CONSUMED = Counter(
    "pagemesh_bus_consumed",
    "Events a consumer group handled, by outcome: `processed`, `duplicate` (already seen) or `failed`.",
    ("group", "event_type", "outcome"),
)
BUS_DEAD_LETTERED = Counter(
    "pagemesh_bus_dead_lettered",
    "Events a consumer group gave up on and moved to its dead-letter queue.",
    ("group", "event_type"),
)
BUS_LAG = Gauge(
    "pagemesh_bus_lag_messages",
    "Events published but not yet handled by a consumer group, as of its last poll.",
    ("group",),
)


class _Cache(Protocol):
    service: str
    hits: int
    misses: int

    def __len__(self) -> int: ...


class _CacheCollector(Collector):
    """Hits, misses and size of every live `ResponseCache`, read when `/metrics` is scraped."""

    def __init__(self) -> None:
        self._caches: weakref.WeakSet[_Cache] = weakref.WeakSet()

    def track(self, cache: _Cache) -> None:
        self._caches.add(cache)

    def collect(self) -> Iterable[Metric]:
        hits = CounterMetricFamily(
            "pagemesh_response_cache_hits", "Calls answered from the response cache.", labels=["service"]
        )
        misses = CounterMetricFamily(
            "pagemesh_response_cache_misses", "Calls the response cache did not know yet.", labels=["service"]
        )
        entries = GaugeMetricFamily(
            "pagemesh_response_cache_entries", "Answers held in the response cache.", labels=["service"]
        )
        for cache in sorted(self._caches, key=lambda c: c.service):
            hits.add_metric([cache.service], cache.hits)
            misses.add_metric([cache.service], cache.misses)
            entries.add_metric([cache.service], len(cache))
        return [hits, misses, entries]


_CACHES = _CacheCollector()
REGISTRY.register(_CACHES)


def track_cache(cache: _Cache) -> None:
    """Exports a response cache's counters (labelled by its `service`) for as long as it lives."""
    _CACHES.track(cache)
