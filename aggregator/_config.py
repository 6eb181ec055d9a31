"""The aggregator's tuning knobs, as typed data: deadlines, hedging, version memory, channels.

Flags of `pagemesh serve aggregator` set the common ones; everything else keeps the defaults here.
Backend addresses are not here: they come from `pagemesh.runtime.Settings` (`PAGEMESH_<SERVICE>_ADDR`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from pagemesh.runtime import MAX_REQUEST_BYTES, MAX_RESPONSE_BYTES

__all__ = ["AggregatorConfig", "ChannelConfig"]


@dataclass(frozen=True)
class AggregatorConfig:
    """How pages are assembled."""

    deadline: float = 0.300
    """Seconds one page may take in all; a caller's shorter gRPC deadline wins over it."""
    response_margin: float = 0.010
    """Seconds kept back from a caller's deadline, so the page reaches the caller in time even when busy."""
    hedging: bool = True
    """Whether optional sections send a second (hedged) call when the first is slow."""
    hedge_delay: float | None = None
    """A fixed hedge delay in seconds; None means the running p95 of each backend's latency."""
    hedge_min_delay: float = 0.003
    """The hedge delay never goes below this, so an idle, fast backend is not hedged on noise."""
    hedge_budget: float = 0.10
    """At most this fraction of a backend's calls may be hedged (plus a small burst).

    Twice the share a p95 trigger hedges on average, so a burst of slow calls does not run it out just when
    hedges are winning; hedges that do not win are withheld anyway (see `aggregator._hedging`).
    """
    latency_window: int = 512
    """How many recent latencies per backend the running p95 is computed over."""
    throttle_k: float = 2.0
    """Client-side throttling's K: calls to a shedding backend settle at about K times what it accepts."""
    throttle_window: float = 10.0
    """Seconds of calls that client-side throttling judges a backend's acceptance over."""
    version_memory: float = 30.0
    """Seconds a backend that answered UNIMPLEMENTED for v2 is called in v1 before v2 is tried again."""
    sequential: bool = False
    """Call the backends one after another instead of concurrently: the naive baseline for benchmarks."""
    reviews_per_page: int = 5
    """Reviews shown on a page."""
    recommendations_per_page: int = 6
    """Recommendations shown on a page."""
    sponsored_per_page: int = 3
    """Sponsored listings shown on a page."""
    recently_viewed_per_page: int = 6
    """Recently viewed products shown on a page."""


@dataclass(frozen=True)
class ChannelConfig:
    """How the aggregator's long-lived channels to the backends behave: keepalive, retries, reconnects."""

    keepalive_time_ms: int = 20_000
    """Ping an idle connection this often (servers accept pings every 10 s, see pagemesh.runtime)."""
    keepalive_timeout_ms: int = 5_000
    """A connection whose ping is not answered within this is closed and re-established."""
    retry_attempts: int = 3
    """Attempts in all (first call included) for a repeatable RPC answered UNAVAILABLE."""
    retry_tokens: int = 100
    """retryThrottling's maxTokens: each failed call takes one, retries stop below half of them."""
    retry_token_ratio: float = 0.1
    """retryThrottling's tokenRatio: what each successful call gives back."""
    retry_initial_backoff: str = "0.005s"
    """The first retry's maximum random backoff, as a service-config duration."""
    retry_max_backoff: str = "0.05s"
    """The upper bound of the backoff between retries."""
    max_reconnect_backoff_ms: int = 1_000
    """A restarted backend is found again within about this long."""
    connect_timeout_ms: int = 2_000
    """How long one connection attempt (TCP, TLS handshake, the server's HTTP/2 SETTINGS) may take.

    gRPC core reads it from `grpc.min_reconnect_backoff_ms` (its MIN_CONNECT_TIMEOUT, 20 s by default).
    That option once held 100 ms, meant as a quick reconnect: on one busy node during a Kubernetes rolling
    update, a new pod's mTLS handshake took longer, the attempt was abandoned ("connection attempt timed
    out before receiving SETTINGS frame") and a page failed UNAVAILABLE. Reconnecting quickly is the
    backoff's job (`initial_reconnect_backoff_ms`, `max_reconnect_backoff_ms`); an address that never
    answers is still given up within this."""
    retired_channel_grace: float = 5.0
    """Seconds a channel replaced after a certificate renewal stays open for the calls still on it."""

    def service_config(self, repeatable: Sequence[tuple[str, str]]) -> str:
        """The gRPC service config (JSON): `round_robin`, and retrying UNAVAILABLE on the given methods.

        `round_robin` keeps a connection to every address of the target (each replica of the backend,
        listed or from DNS) and spreads calls over the ready ones; a replica that goes away leaves the
        set. A call that failed on it with UNAVAILABLE is retried (on the next replica in turn).
        `repeatable` is (service, method) of what the contracts declare NO_SIDE_EFFECTS or IDEMPOTENT
        (`Backend.retryable_methods`): a retried write (RecordView) could record a view twice.

        Client-side health checking (`healthCheckConfig`) watches each replica's `grpc.health.v1` status:
        one that reports NOT_SERVING (stopping, and draining) is not picked any more, so by the time it
        stops no call is on its way to it (a call that reached it as it stopped would be CANCELLED, which
        is not retried).
        """
        return json.dumps(
            {
                "loadBalancingConfig": [{"round_robin": {}}],
                "healthCheckConfig": {"serviceName": ""},
                "methodConfig": [
                    {
                        "name": [{"service": service, "method": method} for service, method in repeatable],
                        "retryPolicy": {
                            "maxAttempts": self.retry_attempts,
                            "initialBackoff": self.retry_initial_backoff,
                            "maxBackoff": self.retry_max_backoff,
                            "backoffMultiplier": 2,
                            "retryableStatusCodes": ["UNAVAILABLE"],
                        },
                    }
                ],
                # gRPC's own retry budget: once failures outnumber successes enough (half the tokens
                # gone), retries stop until successes refill it, so a failing backend is not sent every
                # call three times. RESOURCE_EXHAUSTED is never retried: shed means back off.
                "retryThrottling": {"maxTokens": self.retry_tokens, "tokenRatio": self.retry_token_ratio},
            }
        )

    def options(self, repeatable: Sequence[tuple[str, str]]) -> list[tuple[str, str | int]]:
        """Channel options: keepalive, retries through the service config, quick reconnects (each attempt
        given `connect_timeout_ms`), size limits."""
        return [
            # The servers' own limits, stated on this side too: a request the backend would refuse is
            # refused here without a round trip, and an oversized answer is RESOURCE_EXHAUSTED naming it.
            ("grpc.max_send_message_length", MAX_REQUEST_BYTES),
            ("grpc.max_receive_message_length", MAX_RESPONSE_BYTES),
            ("grpc.keepalive_time_ms", self.keepalive_time_ms),
            ("grpc.keepalive_timeout_ms", self.keepalive_timeout_ms),
            ("grpc.keepalive_permit_without_calls", 1),
            ("grpc.http2.max_pings_without_data", 0),
            ("grpc.enable_retries", 1),
            ("grpc.service_config", self.service_config(repeatable)),
            ("grpc.initial_reconnect_backoff_ms", 100),
            ("grpc.min_reconnect_backoff_ms", self.connect_timeout_ms),
            ("grpc.max_reconnect_backoff_ms", self.max_reconnect_backoff_ms),
        ]
