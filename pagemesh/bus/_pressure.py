"""How much of late the host's runnable tasks waited for a CPU: Linux's pressure stall information.

`/proc/pressure/cpu` counts, in its `some` line, the microseconds during which at least one runnable task
on the host waited for a CPU (`total`, since boot). The share of the time between two reads is how
contended the CPUs were meanwhile: near 0 on an idle host, about half on this 2-core machine serving one
page at a time (six backends answer each page at once), near 1 when it is saturated. The file is
host-wide, inside a container too, which is what a consumer deciding how much of the host's CPU to take
needs. Without it (a kernel built without PSI, or booted with `psi=0`) the share is always 0.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from pathlib import Path

__all__ = ["CpuPressure", "host_cpu_pressure"]

PSI_CPU = Path("/proc/pressure/cpu")
_EVERY = 0.25
"""Seconds between two reads of the file: each costs about 20 us."""


class CpuPressure:
    """The share of the time since the previous read (at least `every` seconds ago) in which some task
    waited for a CPU, from 0 to 1."""

    def __init__(
        self, path: Path = PSI_CPU, *, every: float = _EVERY, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._path = path
        self._every = every
        self._clock = clock
        self._share = 0.0
        self._read_at = clock()
        self._stalled = self._stalled_us()

    def _stalled_us(self) -> int | None:
        try:
            some = self._path.read_text().split("\n", 1)[0]
            return int(some.rpartition("total=")[2])
        except (OSError, ValueError):
            return None

    def share(self) -> float:
        """The share of the last interval in which some task waited for a CPU (0 without PSI)."""
        now = self._clock()
        elapsed = now - self._read_at
        if elapsed < self._every or self._stalled is None:
            return self._share
        stalled = self._stalled_us()
        if stalled is not None:
            self._share = min(1.0, max(0.0, (stalled - self._stalled) / 1e6 / elapsed))
            self._stalled = stalled
        self._read_at = now
        return self._share


@functools.cache
def host_cpu_pressure() -> CpuPressure:
    """The process's one reader of the host's CPU pressure (its consumers and relay share it)."""
    return CpuPressure()
