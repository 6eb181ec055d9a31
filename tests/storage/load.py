"""Continuous page load in the background for the failure tests: every outcome recorded."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import grpc

from pagemesh.page.v2 import page_pb2 as page_v2
from pagemesh.page.v2 import page_pb2_grpc as page_v2_grpc
from tests.harness import operator_channel

__all__ = ["Outcome", "PageLoad", "page_load"]

_CODES = {code.value[0]: code.name for code in grpc.StatusCode}


@dataclass(frozen=True)
class Outcome:
    """One page: when it was asked for and when it ended, its status code name, and its degraded sections
    with their codes."""

    started: float
    at: float
    code: str
    degraded: dict[str, str]


@dataclass
class PageLoad:
    """The outcomes so far (appended by the workers)."""

    outcomes: list[Outcome] = field(default_factory=list)

    def since(self, moment: float) -> list[Outcome]:
        """The outcomes of pages that ended after `moment` (a `time.monotonic()` value)."""
        return [o for o in list(self.outcomes) if o.at >= moment]

    def within(self, start: float, end: float) -> list[Outcome]:
        """The outcomes of pages asked for after `start` that ended before `end`."""
        return [o for o in list(self.outcomes) if o.started >= start and o.at <= end]


@contextmanager
def page_load(
    address: str, workers: int = 4, user: str = "u-alice", products: int = 240
) -> Iterator[PageLoad]:
    """Pages for `user` over the first `products` products from `workers` threads until the block ends
    (at most 2 min)."""
    load = PageLoad()
    stop = threading.Event()
    product_ids = itertools.cycle([f"P{n:05d}" for n in range(1, products + 1)])
    lock = threading.Lock()

    def work() -> None:
        with operator_channel(address) as channel:
            stub = page_v2_grpc.PageServiceStub(channel)
            deadline = time.monotonic() + 120
            while not stop.is_set() and time.monotonic() < deadline:
                with lock:
                    product = next(product_ids)
                request = page_v2.GetProductPageRequest(product_id=product, user_id=user)
                started = time.monotonic()
                try:
                    page = stub.GetProductPage(request, timeout=5)
                except grpc.RpcError as error:
                    code = error.code() if isinstance(error, grpc.Call) else grpc.StatusCode.UNKNOWN
                    load.outcomes.append(Outcome(started, time.monotonic(), code.name, {}))
                    time.sleep(0.01)
                    continue
                degraded = {page_v2.Section.Name(d.section): _CODES[d.code] for d in page.degraded_sections}
                load.outcomes.append(Outcome(started, time.monotonic(), "OK", degraded))

    threads = [threading.Thread(target=work, daemon=True) for _ in range(workers)]
    for thread in threads:
        thread.start()
    try:
        yield load
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
