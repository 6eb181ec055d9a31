"""An adaptive concurrency limit for every server: calls beyond it are shed at once, RESOURCE_EXHAUSTED.

grpcio offers only a static `maximum_concurrent_rpcs`, and no static number is right for long: the
concurrency a process can serve without queueing depends on how much CPU its calls and its neighbours'
take right now. This is a gradient limiter in the style of Netflix's concurrency-limits: the limit follows
the ratio of the latency without load to the current latency.

- Calls are timed from when the server starts them to when they finish (or as the handler says, see
  `latency_sample`). Every `window` calls, the
  window's average latency is the current latency (`short`). The latency without load (`no_load`) is the
  lowest of those averages over the last `no_load_seconds` or so (a minimum over two rotating halves), so
  it is relearned as what is normal changes (a slower dependency, a new deployment) but does not creep
  up with the load the way a long average does: under sustained overload a long average becomes the
  overloaded latency, and the limit stops protecting anything.
- gradient = clamp(tolerance * max(no_load, latency_floor) / short, 0.5, 1): 1 while the current latency
  stays within `tolerance` times the no-load one (or the floor: queueing that stays under it costs no
  caller anything worth a shed call, e.g. a quarter of the aggregator's page deadline); below 1 as calls
  queue. The new limit is
  `limit * gradient + sqrt(limit)`, smoothed (`smoothing`) and kept within [`min_limit`, `max_limit`]:
  it shrinks while latency climbs, and grows by about the square root of itself per window while it
  does not.
- The limit only grows when it is used: with fewer than half of it in flight, the load, not the limit,
  sets the pace, and growing it would only let the next burst queue.

The price of a minimum: after a dependency gets lastingly slower, a busy server sheds more than it must
until the old minimum leaves the window (`no_load_seconds`); `PAGEMESH_CONCURRENCY_LIMIT=N` sets a static
limit instead where that matters more.

A shed call costs the server little beyond gRPC's own per-call work, and the caller learns at once that it
should back off (the aggregator's clients throttle themselves on it, see `aggregator._throttling`).
Health and reflection are never limited: a probe must see an overloaded server as alive and serving.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from pagemesh.runtime._errors import InvalidArgumentError
from pagemesh.runtime._logging import log_event

__all__ = ["ConcurrencyLimiter", "LimiterConfig", "latency_sample", "limiter_from_setting"]

_logger = logging.getLogger("pagemesh.limiter")

latency_sample: ContextVar[float | None] = ContextVar("latency_sample", default=None)
"""The latency, in seconds, that the call being served should count as for its process's limiter.

Unset, a call counts as long as it took. A handler that waits on other services sets it when part of that
wait says nothing about its own load: the aggregator leaves out the time it waited for sections that
failed (a backend down or slow), which the page's deadline already bounds.
"""


@dataclass(frozen=True)
class LimiterConfig:
    """The tuning of one process's limiter (defaults measured on two cores; see docs/resilience.md)."""

    initial_limit: int = 20
    """The limit before any latency has been measured."""
    min_limit: int = 4
    """The limit never goes below this (a handful of calls always fit in a Python event loop)."""
    max_limit: int = 500
    """Nor above this."""
    adaptive: bool = True
    """False: the limit stays at `initial_limit` (a static limit, as `maximum_concurrent_rpcs`)."""
    window: int = 16
    """Calls per latency sample."""
    no_load_seconds: float = 20.0
    """About how long the lowest sample stands for the latency without load."""
    tolerance: float = 2.0
    """How many times the no-load latency the current one may reach before the limit shrinks."""
    latency_floor: float = 0.005
    """Seconds of latency that never shrink the limit, however low the no-load latency is."""
    smoothing: float = 0.2
    """How far each sample moves the limit toward its new value."""
    shed_log_interval: float = 1.0
    """Seconds between the log lines that count shed calls (one line per shed call would add load)."""


class ConcurrencyLimiter:
    """Admits a call while fewer than `limit` are in flight; the limit adapts (see the module docstring)."""

    def __init__(
        self,
        config: LimiterConfig | None = None,
        *,
        name: str = "",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config or LimiterConfig()
        self._clock = clock
        self.name = name
        self.limit = float(self.config.initial_limit)
        self.in_flight = 0
        self.admitted = 0
        """Calls admitted since start."""
        self.shed = 0
        """Calls shed since start."""
        self.no_load = 0.0
        """The latency without load, in seconds (0 until measured)."""
        self._window_sum = 0.0
        self._window_count = 0
        self._min_now = math.inf
        self._min_before = math.inf
        self._rotate_at = 0.0
        self._shed_logged = 0
        self._next_log = 0.0

    def try_acquire(self) -> bool:
        """Admits one call (True: call `release` when it ends) or counts it shed (False)."""
        if self.in_flight >= int(self.limit):
            self.shed += 1
            now = self._clock()
            if now >= self._next_log:
                self._log_shedding(now)
            return False
        self.in_flight += 1
        self.admitted += 1
        return True

    def release(self, seconds: float) -> None:
        """Ends an admitted call that took `seconds`."""
        # Counted before the call leaves: "app-limited" is judged on the load while the sample was taken.
        in_flight = self.in_flight
        self.in_flight = in_flight - 1
        if not self.config.adaptive:
            return
        self._window_sum += seconds
        self._window_count += 1
        if self._window_count >= self.config.window:
            short = self._window_sum / self._window_count
            self._window_sum = 0.0
            self._window_count = 0
            self._update(short, in_flight)

    def _update(self, short: float, in_flight: int) -> None:
        config = self.config
        now = self._clock()
        if now >= self._rotate_at:
            self._min_before, self._min_now = self._min_now, math.inf
            self._rotate_at = now + config.no_load_seconds / 2
        self._min_now = min(self._min_now, short)
        self.no_load = min(self._min_now, self._min_before)
        if in_flight < self.limit / 2 or short <= 0:
            return
        gradient = max(0.5, min(1.0, config.tolerance * max(self.no_load, config.latency_floor) / short))
        target = self.limit * gradient + math.sqrt(self.limit)
        limit = self.limit * (1 - config.smoothing) + target * config.smoothing
        self.limit = max(float(config.min_limit), min(float(config.max_limit), limit))

    def _log_shedding(self, now: float) -> None:
        log_event(
            _logger,
            logging.WARNING,
            "shedding load",
            server=self.name,
            shed=self.shed - self._shed_logged,
            limit=int(self.limit),
            in_flight=self.in_flight,
            no_load_ms=round(self.no_load * 1000, 3),
        )
        self._shed_logged = self.shed
        self._next_log = now + self.config.shed_log_interval

    def rejection(self) -> str:
        """The message a shed call is answered with."""
        kind = "adaptive concurrency limit" if self.config.adaptive else "concurrency limit"
        return (
            f"{self.name or 'the server'} is overloaded: {self.in_flight} calls in flight, at its {kind} "
            f"of {int(self.limit)}; retry after a short backoff"
        )


LIMITER_MODES = "adaptive, off or a number (a static limit)"


def limiter_from_setting(
    setting: str, name: str = "", config: LimiterConfig | None = None
) -> ConcurrencyLimiter | None:
    """The limiter `PAGEMESH_CONCURRENCY_LIMIT` asks for: `adaptive`, `off` (None) or a static number.

    `config` tunes the adaptive one.
    """
    text = setting.strip().lower()
    if text == "off":
        return None
    if text == "adaptive":
        return ConcurrencyLimiter(config, name=name)
    if text.isdigit() and int(text) > 0:
        return ConcurrencyLimiter(LimiterConfig(initial_limit=int(text), adaptive=False), name=name)
    raise InvalidArgumentError(f"concurrency limit {setting!r} is not {LIMITER_MODES}")
