"""The pace of fetches: one every `gather` events at the recent rate, never further apart than `linger`."""

from __future__ import annotations

import pytest

from pagemesh.bus._linger import Linger
from pagemesh.bus._url import BusOptions


def steady(
    linger: Linger, clock: list[float], per_second: float, handling: float, batches: int
) -> tuple[list[int], list[float]]:
    """The loop as a consumer runs it, events arriving `per_second`: each batch holds what arrived since
    the previous fetch, takes `handling` seconds, then waits what `linger` says. The sizes and waits."""
    sizes, waits = [], []
    fetched_at, arrived_until = clock[0], clock[0]
    for _ in range(batches):
        count = max(1, round((fetched_at - arrived_until) * per_second))
        arrived_until = fetched_at
        sizes.append(count)
        clock[0] = fetched_at + handling
        waits.append(linger.after(count))
        fetched_at = clock[0] + waits[-1]
    return sizes, waits


@pytest.mark.parametrize(
    ("per_second", "gather", "expected"),
    [(1000, 5, 5.0), (300, 5, 5.0), (150, 5, 150 * 0.025), (1000, 3, 3.0), (150, 3, 3.0)],
)
def test_steady_arrivals_settle_at_gather_events_a_batch_or_what_linger_allows(
    per_second: int, gather: int, expected: float
) -> None:
    clock = [100.0]
    linger = Linger(BusOptions(gather=gather, linger=0.025), clock=lambda: clock[0])
    sizes, _ = steady(linger, clock, per_second, 0.0005, 200)
    assert sum(sizes[100:]) / 100 == pytest.approx(expected, rel=0.15)
    assert linger.rate == pytest.approx(per_second, rel=0.15)


def test_handling_time_counts_towards_the_wait() -> None:
    clock = [100.0]
    linger = Linger(BusOptions(gather=5, linger=0.025), clock=lambda: clock[0])
    sizes, waits = steady(linger, clock, 500, 0.004, 50)
    # A fetch every 10 ms (5 events at 500 a second), 4 ms of it handling the batch.
    assert sizes[-1] == 5
    assert waits[-1] == pytest.approx(0.006, abs=0.001)


def test_with_no_rate_known_yet_it_waits_the_longest() -> None:
    clock = [100.0]
    assert Linger(BusOptions(gather=5, linger=0.025), clock=lambda: clock[0]).after(1) == 0.025


def test_a_full_batch_is_followed_at_once() -> None:
    clock = [100.0]
    linger = Linger(BusOptions(gather=5, linger=0.025), clock=lambda: clock[0])
    steady(linger, clock, 100, 0.0005, 10)
    assert linger.after(256, full=True) == 0.0


def test_linger_zero_never_waits() -> None:
    clock = [100.0]
    linger = Linger(BusOptions(gather=5, linger=0.0), clock=lambda: clock[0])
    assert set(steady(linger, clock, 100, 0.0005, 5)[0]) == {1}
    assert linger.after(1) == 0.0
