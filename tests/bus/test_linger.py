"""The wait after a small batch: about as long as the missing events take to arrive, within `linger`;
longer under CPU pressure."""

from __future__ import annotations

from pathlib import Path

import pytest

from pagemesh.bus._linger import Linger
from pagemesh.bus._pressure import CpuPressure
from pagemesh.bus._url import BusOptions


def calm() -> float:
    return 0.0


def batches(linger: Linger, clock: list[float], every: float, count: int, times: int) -> float:
    """`times` batches of `count` events, `every` seconds apart; the last wait."""
    wait = 0.0
    for _ in range(times):
        clock[0] += every
        wait = linger.after(count)
    return wait


def test_at_a_trickle_it_waits_for_about_gather_events_but_never_longer_than_linger() -> None:
    clock = [100.0]
    linger = Linger(BusOptions(gather=5, linger=0.025), clock=lambda: clock[0], pressure=calm)
    assert linger.after(1) == 0.025  # no rate known yet: the longest wait
    # One event every 10 ms (100 a second): four more take 40 ms, more than `linger` allows.
    assert batches(linger, clock, 0.010, 1, 20) == 0.025
    # Two events every 4 ms (500 a second): three more take about 6 ms.
    assert batches(linger, clock, 0.004, 2, 20) == pytest.approx(0.006, rel=0.05)
    assert linger.rate == pytest.approx(500, rel=0.05)


def test_a_full_batch_is_followed_at_once() -> None:
    clock = [100.0]
    linger = Linger(BusOptions(gather=5, linger=0.025), clock=lambda: clock[0], pressure=calm)
    assert batches(linger, clock, 0.004, 5, 3) == 0.0
    assert linger.after(256) == 0.0


def test_linger_zero_never_waits() -> None:
    clock = [100.0]
    linger = Linger(BusOptions(gather=5, linger=0.0), clock=lambda: clock[0], pressure=calm)
    assert batches(linger, clock, 0.010, 1, 5) == 0.0


def test_under_cpu_pressure_batches_grow_up_to_pressure_times() -> None:
    clock, share = [100.0], [0.0]
    linger = Linger(
        BusOptions(gather=5, linger=0.025, pressure=8), clock=lambda: clock[0], pressure=lambda: share[0]
    )
    # One event every 10 ms, calm: the usual 25 ms at most.
    assert batches(linger, clock, 0.010, 1, 20) == 0.025
    share[0] = 0.1  # a little contention changes nothing
    assert linger.scale() == 1.0
    share[0] = 0.6  # halfway between calm (0.2) and saturated: 4.5 times
    assert linger.scale() == pytest.approx(4.5)
    assert batches(linger, clock, 0.010, 1, 20) == pytest.approx(0.1125)
    share[0] = 1.0  # some task always waits for a CPU: 40 events or 200 ms
    assert batches(linger, clock, 0.010, 1, 20) == pytest.approx(0.2)
    assert batches(linger, clock, 0.004, 20, 20) == pytest.approx(0.004, rel=0.05)  # 20 more at 5,000/s
    assert linger.after(40) == 0.0


def test_pressure_one_turns_it_off() -> None:
    clock = [100.0]
    linger = Linger(
        BusOptions(gather=5, linger=0.025, pressure=1), clock=lambda: clock[0], pressure=lambda: 1.0
    )
    assert linger.scale() == 1.0
    assert batches(linger, clock, 0.010, 1, 20) == 0.025


def psi_file(path: Path, stalled_us: int) -> None:
    path.write_text(
        f"some avg10=0.00 avg60=0.00 avg300=0.00 total={stalled_us}\n"
        "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"
    )


def test_cpu_pressure_is_the_share_of_time_some_task_waited_since_the_last_read(tmp_path: Path) -> None:
    clock, psi = [50.0], tmp_path / "cpu"
    psi_file(psi, 1_000_000)
    pressure = CpuPressure(psi, every=0.25, clock=lambda: clock[0])
    assert pressure.share() == 0.0
    clock[0] += 0.5
    psi_file(psi, 1_300_000)  # 0.3 s stalled in 0.5 s
    assert pressure.share() == pytest.approx(0.6)
    clock[0] += 0.1
    psi_file(psi, 1_400_000)
    assert pressure.share() == pytest.approx(0.6)  # read again only after `every`
    clock[0] += 0.4  # 0.1 s stalled in the 0.5 s since the last read
    assert pressure.share() == pytest.approx(0.2)


def test_without_pressure_information_the_share_is_zero(tmp_path: Path) -> None:
    clock = [50.0]
    pressure = CpuPressure(tmp_path / "missing", clock=lambda: clock[0])
    clock[0] += 1.0
    assert pressure.share() == 0.0
    garbled = tmp_path / "garbled"
    garbled.write_text("not pressure information\n")
    assert CpuPressure(garbled, clock=lambda: clock[0]).share() == 0.0
