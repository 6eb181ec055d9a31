"""Client-side adaptive throttling, as the Google SRE book's "Handling Overload" chapter describes it.

A backend that sheds load (RESOURCE_EXHAUSTED from its concurrency limiter) still spends a little on each
call it turns away; a client that keeps sending, and hedging, would keep it saturated with rejections.
So each backend client counts, over the last `window` seconds, the calls it wanted to send (`requests`)
and the calls the backend accepted (`accepts`: anything but a refusal for overload), and refuses a new call
locally with probability

    max(0, (requests - K * accepts) / (requests + 1))

Nothing is refused while the backend accepts at least 1/K of the calls; beyond that, the calls sent settle
at about K times what the backend accepts, so it keeps seeing enough traffic to show when it has room
again. Calls refused here count as requests too, which is what makes the refusal rate climb while the
backend keeps rejecting. Only overload counts as a rejection: RESOURCE_EXHAUSTED (the backend's limiter
shed the call) and CANCELLED (its gRPC core's queue was full; see `pagemesh.runtime.MAX_PENDING_CALLS`).
A backend that is down (UNAVAILABLE) or slow (DEADLINE_EXCEEDED) is handled by retries, hedging and
deadlines instead.

A call that is sent counts once its answer is known (`answered`), not when it leaves: counted on the way
out, a burst at start-up (every call in flight, none answered yet) would look like a backend that
accepts nothing. A call cancelled before its answer (a hedge that lost) does not count at all.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["AdaptiveThrottle", "ThrottleStats"]


@dataclass
class ThrottleStats:
    """Counts since start, for `/statz` and the benchmarks."""

    requests: int = 0
    """Calls wanted (sent or refused here)."""
    accepts: int = 0
    """Calls the backend accepted (answered with anything but RESOURCE_EXHAUSTED or CANCELLED)."""
    throttled: int = 0
    """Calls refused here, never sent."""


class AdaptiveThrottle:
    """Decides, call by call, whether to send a call to one backend (see the module docstring)."""

    def __init__(
        self,
        k: float = 2.0,
        window: float = 10.0,
        buckets: int = 10,
        *,
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.k = k
        self.stats = ThrottleStats()
        self._bucket_seconds = window / buckets
        self._requests = [0] * buckets
        self._accepts = [0] * buckets
        self._clock = clock
        self._rng = rng
        self._bucket = self._now_bucket()
        self._total_requests = 0
        self._total_accepts = 0

    def _now_bucket(self) -> int:
        return math.floor(self._clock() / self._bucket_seconds)

    def _advance(self) -> int:
        """The slot of the current bucket, clearing the buckets that have left the window."""
        now = self._now_bucket()
        size = len(self._requests)
        if now != self._bucket:
            for bucket in range(max(self._bucket + 1, now - size + 1), now + 1):
                slot = bucket % size
                self._total_requests -= self._requests[slot]
                self._total_accepts -= self._accepts[slot]
                self._requests[slot] = 0
                self._accepts[slot] = 0
            self._bucket = now
        return now % size

    def rejection_probability(self) -> float:
        """The chance that the next call is refused here."""
        self._advance()
        requests = self._total_requests
        return max(0.0, (requests - self.k * self._total_accepts) / (requests + 1))

    def _count(self, accepted: bool) -> None:
        slot = self._advance()
        self._requests[slot] += 1
        self._total_requests += 1
        self.stats.requests += 1
        if accepted:
            self._accepts[slot] += 1
            self._total_accepts += 1
            self.stats.accepts += 1

    def allow(self) -> bool:
        """Whether the next call may be sent (then report its answer with `answered`).

        A call refused here is counted as a request at once.
        """
        probability = self.rejection_probability()
        if probability > 0 and self._rng() < probability:
            self._count(accepted=False)
            self.stats.throttled += 1
            return False
        return True

    def answered(self, accepted: bool) -> None:
        """A call that `allow` let through was answered; `accepted`: not turned away for overload."""
        self._count(accepted)
