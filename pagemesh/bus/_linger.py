"""How long a consumer (or a producer's relay) waits after a small batch before it fetches (ships) again.

Each fetch, store transaction and acknowledgement costs about the same for one event or fifty, so at a
trickle the bus spends most of its CPU on those fixed costs: at a page's rate of a few hundred events a
second, a fixed short wait still leaves batches of one or two. `Linger` waits instead for about as long
as `gather` events take to arrive at the rate seen lately, and never longer than `linger`: at 1,000
events a second that is a few milliseconds (delivery stays fast where the rate is high), at 200 a second
about 20 ms (an event is delivered a little later, for a fraction of the CPU), and once a batch holds
`gather` events or more, no wait at all.
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
