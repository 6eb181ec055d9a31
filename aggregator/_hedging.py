"""Hedged requests, written in asyncio because grpcio implements retries but not `hedgingPolicy`.

When a call has not answered after the hedge delay (by default the running p95 of that backend's
latency), one more identical call is sent; the first success wins and the other is cancelled, which
cancels its RPC on the wire too. A budget caps hedges at a fraction of calls, so a backend that is slow
for everyone is not sent twice the load exactly when it can least take it.

A hedge is only worth its load when it answers first. Under overload every call is late for the same
reason (a busy CPU, a long queue), the hedge is just as late, and it only adds load: so when few of the
recent hedges won, most hedges are withheld, and the few still sent notice when hedging pays again.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TypeVar

from aggregator._downstream import Pending

__all__ = ["HedgeStats", "Hedger", "LatencyWindow"]

T = TypeVar("T")

_BURST = 10
"""Hedges allowed beyond the budget's fraction, so a cold start can still hedge."""
_OUTCOMES = 40
"""How many recent hedges the win rate is judged over."""
_MIN_WIN_RATE = 0.05
"""Below this share of recent hedges answering first, hedges are withheld..."""
_PROBE_EVERY = 10
"""...except one in this many, to notice when they would win again."""


class LatencyWindow:
    """The last `size` latencies of one backend and a quantile of them, recomputed every few samples."""

    def __init__(self, size: int = 512, quantile: float = 0.95, min_samples: int = 20) -> None:
        self._samples: deque[float] = deque(maxlen=size)
        self._quantile = quantile
        self._min_samples = min_samples
        self._cached: float | None = None
        self._since = 0

    def record(self, seconds: float) -> None:
        """Adds one latency."""
        self._samples.append(seconds)
        self._since += 1

    def value(self) -> float | None:
        """The quantile in seconds, or None until enough samples have been seen."""
        if len(self._samples) < self._min_samples:
            return None
        # Sorting 512 floats costs ~20 us; once per 16 samples keeps it off the per-call path.
        if self._cached is None or self._since >= 16:
            ordered = sorted(self._samples)
            self._cached = ordered[min(len(ordered) - 1, math.ceil(self._quantile * len(ordered)) - 1)]
            self._since = 0
        return self._cached


@dataclass
class HedgeStats:
    """Counters of one backend's calls, for logs, `/statz` and the benchmark's extra-load figure.

    The hedger owns them; others read a copy (`Hedger.snapshot()`).
    """

    calls: int = 0
    """Calls made (a hedged call counts once here; unhedged calls, e.g. the product's, count too)."""
    hedges: int = 0
    """Extra calls sent as hedges."""
    hedge_wins: int = 0
    """Hedges that answered before the original call."""
    hedges_withheld: int = 0
    """Hedges not sent, although due and within budget, because recent hedges rarely won."""


class Hedger:
    """Runs one backend's calls, hedging the slow ones."""

    def __init__(
        self,
        *,
        enabled: bool = True,
        fixed_delay: float | None = None,
        min_delay: float = 0.003,
        budget: float = 0.10,
        window: int = 512,
        admit: Callable[[], bool] | None = None,
    ) -> None:
        """`admit` is asked before each hedge is sent; False withholds it (the client's adaptive throttle)."""
        self.enabled = enabled
        self.admit = admit
        self.fixed_delay = fixed_delay
        self.min_delay = min_delay
        self.budget = budget
        self.latency = LatencyWindow(window)
        self._stats = HedgeStats()
        self._won: deque[bool] = deque(maxlen=_OUTCOMES)
        """Whether each recent hedge answered first."""

    def snapshot(self) -> HedgeStats:
        """A copy of the counters now."""
        return replace(self._stats)

    def _within_budget(self) -> bool:
        return self._stats.hedges < self.budget * self._stats.calls + _BURST

    def _worth_sending(self) -> bool:
        won = self._won
        if len(won) < _OUTCOMES // 2 or sum(won) >= _MIN_WIN_RATE * len(won):
            return True
        self._stats.hedges_withheld += 1
        return self._stats.hedges_withheld % _PROBE_EVERY == 0

    def delay(self) -> float | None:
        """How long to wait before hedging, or None when this call must not be hedged."""
        if not self.enabled or not self._within_budget():
            return None
        delay = self.fixed_delay if self.fixed_delay is not None else self.latency.value()
        return None if delay is None else max(delay, self.min_delay)

    async def unhedged(self, start: Callable[[], Pending[T]]) -> T:
        """The answer of one call that must not be hedged (the required section, a write), counted."""
        self._stats.calls += 1
        return await start()

    async def run(self, start: Callable[[], Pending[T]], remaining: float) -> tuple[T, bool]:
        """The first successful answer of the calls `start()` sends, and whether a hedge was sent.

        `remaining` is the time left before the deadline: a hedge that could not answer in time is not sent.
        """
        loop = asyncio.get_running_loop()
        self._stats.calls += 1
        delay = self.delay()
        # Latencies by time.monotonic(): uvloop's loop.time() counts whole milliseconds.
        started = time.monotonic()
        if delay is None or delay >= remaining:
            result = await start()
            self.latency.record(time.monotonic() - started)
            return result, False
        first = start()
        pending = [first]
        try:
            # The call itself, one future and one timer: nearly every call answers before the timer, so
            # this path makes no task of its own.
            woken: asyncio.Future[None] = loop.create_future()

            def wake(_: object = None) -> None:
                if not woken.done():
                    woken.set_result(None)

            first.add_done_callback(wake)
            timer = loop.call_later(delay, wake)
            try:
                await woken
            finally:
                timer.cancel()
            # The budget is checked again now: concurrent calls may have spent it while this one waited.
            if (
                first.done()
                or not self._within_budget()
                or not self._worth_sending()
                or (self.admit is not None and not self.admit())
            ):
                result = await first
                self.latency.record(time.monotonic() - started)
                return result, False
            self._stats.hedges += 1
            second = start()
            pending.append(second)
            error: BaseException | None = None
            while pending:
                finished = await _first_finished(pending)
                pending.remove(finished)
                try:
                    result = await finished
                except Exception as failure:  # the other call may still answer
                    error = error or failure
                    continue
                self.latency.record(time.monotonic() - started)
                self._won.append(finished is second)
                if finished is second:
                    self._stats.hedge_wins += 1
                return result, True
            self._won.append(False)
            assert error is not None
            raise error
        finally:
            # Cancelling a finished call does nothing, but tells a traced call its answer went unused.
            for call in pending:
                call.cancel()


async def _first_finished(calls: list[Pending[T]]) -> Pending[T]:
    """Whichever of `calls` finishes first (success or failure)."""
    for call in calls:
        if call.done():
            return call
    finished: asyncio.Future[Pending[T]] = asyncio.get_running_loop().create_future()

    def settle(call: Pending[T]) -> None:
        if not finished.done():
            finished.set_result(call)

    for call in calls:
        call.add_done_callback(settle)
    return await finished
