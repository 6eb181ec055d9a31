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

A call beyond the limit is not shed at once: it waits for a place in a short queue, with the controlled
delay of Facebook's "Fail at Scale" (ACM Queue, 2015). While the queue keeps emptying, a call may wait up
to `queue_timeout` (a burst, or the stall of a busy machine, rides it out and nobody fails); once no
call has found a place free for that long, or a call was shed less than that long ago, the load is more
than the server can serve, and a call may wait only `standing_queue_timeout` before it is shed. So a
burst costs some latency and no error, and sustained overload costs the surplus a fast
RESOURCE_EXHAUSTED while the calls that are served stay fast. (The second condition matters under
sustained overload: the queue still empties now and then, and without it each time it did the next
arrivals would wait the long timeout again and most of them be shed after it, measured as a tenth of
a second per refused page at three times the aggregator's capacity.)
The time a call waits is not part of its latency sample: the limit follows how long admitted calls take.
Waiting also keeps gRPC's own queue in front of the handlers short: a waiting call costs the event loop
nothing, so the loop keeps taking calls from core (see `pagemesh.runtime.MAX_PENDING_CALLS`).

The price of a minimum: after a dependency gets lastingly slower, a busy server sheds more than it must
until the old minimum leaves the window (`no_load_seconds`); `PAGEMESH_CONCURRENCY_LIMIT=N` sets a static
limit instead where that matters more.

A shed call costs the server little beyond gRPC's own per-call work, and the caller learns at once that it
should back off (the aggregator's clients throttle themselves on it, see `aggregator._throttling`).
Health and reflection are never limited: a probe must see an overloaded server as alive and serving.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import deque
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
    queue_timeout: float = 0.1
    """Seconds a call beyond the limit may wait for a place while the queue keeps emptying; 0 sheds it at
    once."""
    standing_queue_timeout: float = 0.002
    """Seconds it may wait once no call has found a place free for `queue_timeout` (sustained overload)."""
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
        self._waiters: deque[tuple[float, asyncio.Future[bool]]] = deque()
        self._last_place_free = clock()
        """When a call last found a place free at once: the end of a burst, not of sustained overload."""
        self._last_shed = -math.inf
        """When a call was last shed: overload then, whatever the queue has done since."""

    @property
    def queued(self) -> int:
        """Calls waiting for a place."""
        return len(self._waiters)

    def try_acquire(self) -> bool:
        """Admits one call at once (True: call `release` when it ends) or counts it shed (False)."""
        if not self._place_free():
            self._count_shed()
            return False
        self._admit()
        return True

    async def acquire(self) -> bool:
        """Admits one call, after a wait in the queue if the limit is reached (True: call `release` when it
        ends), or counts it shed (False) when its wait is over (see the module docstring)."""
        now = self._clock()
        if self._place_free():
            self._last_place_free = now
            self._admit()
            return True
        config = self.config
        # Under sustained overload every freed place goes to a waiting call, and no call finds one free;
        # or the queue did empty, but calls were shed a moment ago.
        standing = (
            now - self._last_place_free >= config.queue_timeout
            or now - self._last_shed < config.queue_timeout
        )
        wait = config.standing_queue_timeout if standing else config.queue_timeout
        if standing:
            # Those that came while the queue was still a burst get no longer than the rest now.
            while self._waiters and now - self._waiters[0][0] >= wait:
                self._resolve(self._waiters.popleft()[1], admitted=False)
        if wait <= 0:
            self._count_shed()
            return False
        loop = asyncio.get_running_loop()
        future: asyncio.Future[bool] = loop.create_future()
        entry = (now, future)
        self._waiters.append(entry)
        timer = loop.call_later(wait, self._expire, entry)
        try:
            return await future
        except asyncio.CancelledError:
            # The caller went away: its place (if it was just given one) goes to the next.
            if future.done() and not future.cancelled() and future.result():
                self._release_unmeasured()
            elif entry in self._waiters:
                self._waiters.remove(entry)
            raise
        finally:
            timer.cancel()

    def release(self, seconds: float) -> None:
        """Ends an admitted call that took `seconds`."""
        # Counted before the call leaves: "app-limited" is judged on the load while the sample was taken.
        in_flight = self.in_flight
        self.in_flight = in_flight - 1
        self._admit_waiting()
        if not self.config.adaptive:
            return
        self._window_sum += seconds
        self._window_count += 1
        if self._window_count >= self.config.window:
            short = self._window_sum / self._window_count
            self._window_sum = 0.0
            self._window_count = 0
            self._update(short, in_flight)

    def _release_unmeasured(self) -> None:
        """Ends an admitted call without a latency sample (it never ran)."""
        self.in_flight -= 1
        self._admit_waiting()

    def _place_free(self) -> bool:
        # Never ahead of a call already waiting.
        return self.in_flight < int(self.limit) and not self._waiters

    def _admit(self) -> None:
        self.in_flight += 1
        self.admitted += 1

    def _admit_waiting(self) -> None:
        while self._waiters and self.in_flight < int(self.limit):
            self._admit()
            self._resolve(self._waiters.popleft()[1], admitted=True)

    def _expire(self, entry: tuple[float, asyncio.Future[bool]]) -> None:
        if entry in self._waiters:
            self._waiters.remove(entry)
            self._resolve(entry[1], admitted=False)

    def _resolve(self, future: asyncio.Future[bool], *, admitted: bool) -> None:
        if not admitted:
            self._count_shed()
        if not future.done():
            future.set_result(admitted)
        elif admitted:
            self._release_unmeasured()  # cancelled meanwhile: the place goes to the next

    def _count_shed(self) -> None:
        self.shed += 1
        now = self._last_shed = self._clock()
        if now >= self._next_log:
            self._log_shedding(now)

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
            queued=len(self._waiters),
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
