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

While the host's CPUs are contended, prompt delivery costs what other processes are waiting for: a
consumer sharing two cores with the page path spent about 250 us of CPU an event in batches of 2.5. So
`gather` and `linger` grow with the host's CPU pressure (`pagemesh.bus._pressure`): not at all up to a
share of 0.2 of the time with some task waiting for a CPU (an idle host, or the bus benchmark at 1,000
events a second: 0.02-0.05), up to `pressure` times (8 by default: 40 events, 200 ms) when some task always
waits. Serving one page at a time on this machine the share is about 0.55 (six backends answer each page
at once), so about 20 events and 100 ms: the consuming services' CPU per page fell from about 550 us above
a mesh without events to about 100 (docs/benchmarks.md, "Wave 2, eighth pass").
"""

from __future__ import annotations

import time
from collections.abc import Callable

from pagemesh.bus._pressure import host_cpu_pressure
from pagemesh.bus._url import BusOptions

__all__ = ["Linger"]

_SMOOTHING = 0.3
"""How far each batch moves the rate estimate."""
_CALM = 0.2
"""Below this share of time with some task waiting for a CPU, batches are as `gather` and `linger` say."""


class Linger:
    """The wait after each batch, from the batches' sizes and the time between them."""

    def __init__(
        self,
        options: BusOptions,
        clock: Callable[[], float] = time.monotonic,
        pressure: Callable[[], float] | None = None,
    ) -> None:
        self._gather = options.gather
        self._most = options.linger
        self._boost = options.pressure
        self._clock = clock
        self._pressure = pressure or host_cpu_pressure().share
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
        scale = self.scale()
        gather, most = self._gather * scale, self._most * scale
        if count >= gather or most <= 0:
            return 0.0
        if self.rate <= 0:
            return most
        return min(most, (gather - count) / self.rate)

    def scale(self) -> float:
        """How many times `gather` and `linger` the host's CPU pressure allows now: 1 while calm, up to
        the `pressure` option when some task waits for a CPU all the time."""
        if self._boost <= 1:
            return 1.0
        contended = (self._pressure() - _CALM) / (1 - _CALM)
        return 1.0 + (self._boost - 1) * max(0.0, contended)
