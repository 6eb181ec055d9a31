"""Fault injection for demos, tests and benchmarks: added latency, slow tails and failed calls.

A spec is written `latency=MS`, `error_rate=P`, `slow=MS@P` (MS more milliseconds on a fraction P of
calls) or `fail_first=N` (the first N calls of each method answer UNAVAILABLE, then it works: exactly the
failure a retry test needs); several may be given, and they add up.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, replace

from pagemesh.runtime._errors import InvalidArgumentError, UnavailableError

__all__ = ["FaultSpec"]


_KEYS = "latency=MS, error_rate=P, slow=MS@P or fail_first=N"


def _number(key: str, text: str, *, fraction: bool = False) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InvalidArgumentError(f"fault {key}={text!r}: {text!r} is not a number") from None
    if value < 0 or (fraction and value > 1):
        bound = "from 0 to 1" if fraction else "0 or more"
        raise InvalidArgumentError(f"fault {key}={text!r}: the value must be {bound}")
    return value


@dataclass(frozen=True)
class FaultSpec:
    """What to do to each call a server receives."""

    latency_ms: float = 0.0
    """Milliseconds added to every call."""
    error_rate: float = 0.0
    """The fraction of calls answered UNAVAILABLE instead."""
    slow_ms: float = 0.0
    """Milliseconds added to a `slow_rate` fraction of calls, for long-tail latency."""
    slow_rate: float = 0.0
    """The fraction of calls that get `slow_ms` more."""
    fail_first: int = 0
    """The first this many calls of each method are answered UNAVAILABLE (after any latency)."""

    @property
    def active(self) -> bool:
        """Whether this spec changes anything."""
        slow = self.slow_ms and self.slow_rate
        return bool(self.latency_ms or self.error_rate or slow or self.fail_first)

    def merged(self, text: str) -> FaultSpec:
        """This spec with more `key=value` items applied (one, or several comma-separated)."""
        spec = self
        for part in text.split(","):
            if part.strip():
                spec = spec._with_item(part.strip())
        return spec

    def _with_item(self, text: str) -> FaultSpec:
        key, sep, value = text.partition("=")
        if not sep:
            raise InvalidArgumentError(f"fault {text!r} is not KEY=VALUE ({_KEYS})")
        if key == "latency":
            return replace(self, latency_ms=_number(key, value))
        if key == "error_rate":
            return replace(self, error_rate=_number(key, value, fraction=True))
        if key == "slow":
            ms, at, rate = value.partition("@")
            if not at:
                raise InvalidArgumentError(f"fault slow={value!r} is not slow=MS@P, e.g. slow=1000@0.01")
            return replace(self, slow_ms=_number(key, ms), slow_rate=_number(key, rate, fraction=True))
        if key == "fail_first":
            if not value.isdigit():
                raise InvalidArgumentError(f"fault fail_first={value!r}: the value must be a whole number")
            return replace(self, fail_first=int(value))
        raise InvalidArgumentError(f"unknown fault {key!r}; use {_KEYS}")

    @classmethod
    def parse(cls, items: list[str]) -> FaultSpec:
        """A spec from `key=value` items (comma-separated or one per item)."""
        spec = cls()
        for item in items:
            spec = spec.merged(item)
        return spec

    def as_arguments(self) -> list[str]:
        """The `key=value` items that parse back into this spec."""
        items = []
        if self.latency_ms:
            items.append(f"latency={self.latency_ms:g}")
        if self.error_rate:
            items.append(f"error_rate={self.error_rate:g}")
        if self.slow_ms and self.slow_rate:
            items.append(f"slow={self.slow_ms:g}@{self.slow_rate:g}")
        if self.fail_first:
            items.append(f"fail_first={self.fail_first}")
        return items

    async def apply(self, rng: random.Random, call: int = 1) -> None:
        """Delays the call and may fail it, as this spec says; `call` counts the method's calls from 1."""
        delay = self.latency_ms
        if self.slow_rate and rng.random() < self.slow_rate:
            delay += self.slow_ms
        if delay:
            await asyncio.sleep(delay / 1000)
        if call <= self.fail_first:
            raise UnavailableError(f"injected fault: fail_first={self.fail_first} (call {call})")
        if self.error_rate and rng.random() < self.error_rate:
            raise UnavailableError(f"injected fault: error_rate={self.error_rate:g}")
