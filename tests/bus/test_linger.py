"""The wait after a small batch: about as long as the missing events take to arrive, within `linger`."""

from __future__ import annotations

import pytest

from pagemesh.bus._linger import Linger
from pagemesh.bus._url import BusOptions


def batches(linger: Linger, clock: list[float], every: float, count: int, times: int) -> float:
    """`times` batches of `count` events, `every` seconds apart; the last wait."""
    wait = 0.0
    for _ in range(times):
        clock[0] += every
        wait = linger.after(count)
    return wait


def test_at_a_trickle_it_waits_for_about_gather_events_but_never_longer_than_linger() -> None:
    clock = [100.0]
    linger = Linger(BusOptions(gather=5, linger=0.025), clock=lambda: clock[0])
    assert linger.after(1) == 0.025  # no rate known yet: the longest wait
    # One event every 10 ms (100 a second): four more take 40 ms, more than `linger` allows.
    assert batches(linger, clock, 0.010, 1, 20) == 0.025
    # Two events every 4 ms (500 a second): three more take about 6 ms.
    assert batches(linger, clock, 0.004, 2, 20) == pytest.approx(0.006, rel=0.05)
    assert linger.rate == pytest.approx(500, rel=0.05)


def test_a_full_batch_is_followed_at_once() -> None:
    clock = [100.0]
    linger = Linger(BusOptions(gather=5, linger=0.025), clock=lambda: clock[0])
    assert batches(linger, clock, 0.004, 5, 3) == 0.0
    assert linger.after(256) == 0.0


def test_linger_zero_never_waits() -> None:
    clock = [100.0]
    linger = Linger(BusOptions(gather=5, linger=0.0), clock=lambda: clock[0])
    assert batches(linger, clock, 0.010, 1, 5) == 0.0
