"""How long a consumer (or a producer's relay) waits after a small batch before it fetches (ships) again.

Each fetch, store transaction and acknowledgement costs about the same for one event or fifty, so at a
trickle the bus spends most of its CPU on those fixed costs: at a page's rate of a few hundred events a
second, a fixed short wait still leaves batches of one or two. `Linger` paces the fetches instead: one
every `gather` events at the rate seen lately, never further apart than `linger`. At 1,000 events a
second that is a few milliseconds (delivery stays fast where the rate is high), at 200 a second about
15 ms (an event is delivered a little later, for a fraction of the CPU); after a full batch (a backlog),
no wait at all.

The pace runs from fetch to fetch: the batch in hand is handled already, and the next one holds what
arrived since it was fetched. An earlier rule waited, after each batch, for the events that batch lacked
of `gather`; batches settled at about half of `gather` (measured: 2.6 events a batch at 150 a second
with `gather` 5), and a full batch, followed at once, left the next one nearly empty.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from pagemesh.bus._url import BusOptions

__all__ = ["Linger"]

_SMOOTHING = 0.3
"""How far each batch moves the rate estimate."""


class Linger:
    """The wait after each batch, from the batches' sizes and the time between them."""

    def __init__(self, options: BusOptions, clock: Callable[[], float] = time.monotonic) -> None:
        self._gather = options.gather
        self._most = options.linger
        self._clock = clock
        self._previous = 0.0
        """When the last batch was handled."""
        self._gathering_since = 0.0
        """When the fetch of the batch now in hand began: events arriving since then are the next batch."""
        self._events = 0.0
        self._seconds = 0.0

    @property
    def rate(self) -> float:
        """Events a second, as recent batches arrived (events over time, both decaying: a batch that
        followed its predecessor closely counts for its few milliseconds, not as a burst of speed)."""
        return self._events / self._seconds if self._seconds > 0 else 0.0

    def after(self, count: int, *, full: bool = False) -> float:
        """Seconds to wait after handling a batch of `count` events; none after a `full` one (the
        fetch's limit: more may be waiting)."""
        now = self._clock()
        if self._previous and now > self._previous:
            self._events = self._events * (1 - _SMOOTHING) + count
            self._seconds = self._seconds * (1 - _SMOOTHING) + (now - self._previous)
        self._previous = now
        wait = 0.0
        if not full and self._most > 0:
            rate = self.rate
            period = self._most if rate <= 0 else min(self._most, self._gather / rate)
            # The next batch gathers from when this one was fetched: handling it counts towards the wait.
            wait = max(0.0, period - (now - self._gathering_since)) if self._gathering_since else period
        self._gathering_since = now + wait
        return wait
