"""How long a consumer (or a producer's relay) waits after a small batch before it fetches (ships) again.

Each fetch, store transaction and acknowledgement costs about the same for one event or fifty, so at a
trickle the bus spends most of its CPU on those fixed costs: at a page's rate of a few hundred events a
second, a fixed short wait still leaves batches of one or two. `Linger` waits instead, after a batch
smaller than `gather`, for about as long as the events it lacked of `gather` take to arrive at the rate
seen lately, and never longer than `linger`: at 1,000 events a second that is a few milliseconds
(delivery stays fast where the rate is high), at 200 a second about 12 ms (an event is delivered a little
later, for a fraction of the CPU), and once a batch holds `gather` events or more, no wait at all.

The batch in hand is handled already, so the next one holds what arrives during the wait: at a steady
rate batches settle at about half of `gather` (2.6 events at 150 a second). A rule that paced fetches at
a whole `gather` from fetch to fetch, counting the time spent handling, was measured against this one and
not kept (docs/benchmarks.md, "Wave 2, fifth pass"): with `gather` 5 it raised the end-to-end p99 at
1,000 events a second to 9.4 ms; with `gather` 3 it kept that but cost more pages/s under saturation,
where handling a batch takes longer and this rule's waits are longer with it.
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
        self._last = 0.0
        self.rate = 0.0
        """Events a second, as recent batches arrived."""

    def after(self, count: int) -> float:
        """Seconds to wait after a batch of `count` events."""
        now = self._clock()
        elapsed = now - self._last
        if self._last and elapsed > 0:
            rate = count / elapsed
            self.rate = rate if not self.rate else self.rate + _SMOOTHING * (rate - self.rate)
        self._last = now
        if count >= self._gather or self._most <= 0:
            return 0.0
        if self.rate <= 0:
            return self._most
        return min(self._most, (self._gather - count) / self.rate)
