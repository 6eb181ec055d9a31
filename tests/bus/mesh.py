"""A whole mesh on a test session's bus: the six services (history and recommendations consuming), an
aggregator publishing page views, a page-load generator, and the stores' contents to check."""

from __future__ import annotations

import asyncio
import re
import signal
import sqlite3
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from pagemesh.bus import Bus, GroupLag, RunningBus, topic_of
from pagemesh.events.v1 import events_pb2
from pagemesh.runtime import SERVICES, ChildProcess, free_port
from tests.aggregator.procs import Aggregator, start_aggregator
from tests.bus.events import with_options
from tests.harness import launch, service_args, wait_serving

TOPIC = topic_of(events_pb2.ProductViewed.DESCRIPTOR.full_name)
CONSUMER_GROUPS = ("history", "recommendations")
DEADLINE_MS = 1000
"""The aggregator's page deadline in these tests (roomy: two cores run everything)."""
START_TIMEOUT = 120.0
"""Seconds for processes to report SERVING: generous, the machine is shared with other test runs."""
_SERVER_TIMING = re.compile(r"page;dur=([0-9.]+)")

View = tuple[str, str]
"""(user ID, product ID)."""


def distinct_views(mark: str, users: int, per_user: int, first_product: int = 100) -> list[View]:
    """`users` * `per_user` views, each user seeing distinct products, interleaved across users."""
    span = 240 - first_product + 1
    return [
        (f"u-{mark}-{u}", f"P{first_product + (u * 7 + k * 13) % span:05d}")
        for k in range(per_user)
        for u in range(users)
    ]


@dataclass
class EventMesh:
    """Every process of one mesh over one bus; `restart` brings one back on the same port and store."""

    bus: RunningBus
    workdir: Path
    services: dict[str, ChildProcess] = field(default_factory=dict)
    aggregator: Aggregator | None = None

    def service_env(self, name: str) -> dict[str, str]:
        url = self.bus.url_for(name)
        # Short leases: a consumer killed here has its events redelivered after 2 s, not 30.
        return {"PAGEMESH_BUS": with_options(url, lease=2) if url != "none" else url}

    def start(self) -> None:
        for name in SERVICES:
            port = free_port()
            self.services[name] = launch(
                service_args(name, port, self.workdir),
                name=name,
                port=port,
                workdir=self.workdir,
                env=self.service_env(name),
            )
        wait_serving(self.services.values(), timeout=START_TIMEOUT)
        backends = {f"PAGEMESH_{n.upper()}_ADDR": s.address for n, s in self.services.items()}
        backends["PAGEMESH_BUS"] = self.bus.url_for("aggregator")
        self.aggregator = start_aggregator(self.workdir, backends, deadline_ms=DEADLINE_MS)

    def restart(self, name: str, signum: int = signal.SIGKILL) -> None:
        """Stops a service with `signum` (SIGKILL: as a crash) and starts it again. Main thread only:
        a child started from another thread would die with that thread (PR_SET_PDEATHSIG)."""
        old = self.services[name]
        old.stop(signum)
        self.services[name] = launch(
            service_args(name, old.port, self.workdir),
            name=f"{name}-again",
            port=old.port,
            workdir=self.workdir,
            env=self.service_env(name),
        )
        wait_serving([self.services[name]], timeout=START_TIMEOUT)

    def stop(self) -> None:
        if self.aggregator is not None:
            self.aggregator.stop()
        for service in self.services.values():
            service.stop()

    def store(self, name: str) -> sqlite3.Connection:
        return sqlite3.connect(self.workdir / f"{name}.sqlite3", timeout=10)

    def history_rows(self, mark: str) -> set[View]:
        with self.store("history") as db:
            rows = db.execute("SELECT user_id, product_id FROM views WHERE user_id LIKE ?", (f"u-{mark}-%",))
            return {(user, product) for user, product in rows}

    def coviews(self) -> Counter[tuple[str, str]]:
        with self.store("recommendations") as db:
            rows = db.execute("SELECT product_id, other_id, viewers FROM coviews")
            return Counter({(a, b): n for a, b, n in rows})

    async def lag(self) -> dict[str, GroupLag]:
        bus = await Bus.connect(self.bus.url)
        try:
            return {lag.group: lag for lag in await bus.lag([TOPIC]) if lag.group in CONSUMER_GROUPS}
        finally:
            await bus.close()

    async def caught_up(self, within: float = 180.0) -> None:
        """Waits until the aggregator's outbox is empty and both consumer groups have acknowledged
        everything on the bus."""
        deadline = time.monotonic() + within
        lags: dict[str, GroupLag] = {}
        while time.monotonic() < deadline:
            if self.aggregator is not None and self.aggregator.stats()["events"]["outbox_backlog"]:
                await asyncio.sleep(0.25)
                continue
            lags = await self.lag()
            if set(lags) == set(CONSUMER_GROUPS) and all(lag.pending == 0 for lag in lags.values()):
                return
            await asyncio.sleep(0.25)
        raise AssertionError(f"the consumer groups did not catch up within {within:g} s: {lags}")


def expected_coviews(views: Iterable[View]) -> Counter[tuple[str, str]]:
    """Distinct viewers of each ordered pair of products."""
    seen: dict[str, set[str]] = {}
    for user, product in views:
        seen.setdefault(user, set()).add(product)
    counts: Counter[tuple[str, str]] = Counter()
    for products in seen.values():
        for a, b in combinations(sorted(products), 2):
            counts[(a, b)] += 1
            counts[(b, a)] += 1
    return counts


@dataclass
class Served:
    """One page request's outcome."""

    view: View
    status: int
    seconds: float
    server_ms: float


class PageLoad:
    """Serves pages (HTML, signed in) from a few threads in the background, counting as it goes."""

    def __init__(
        self, aggregator: Aggregator, views: Sequence[View], threads: int = 6, seconds: float = 0.0
    ) -> None:
        self._aggregator = aggregator
        self._views = list(views)
        self._seconds = seconds
        self._lock = threading.Lock()
        self._next = 0
        self.served: list[Served] = []
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="page-load")
        self._started = time.monotonic()
        self._futures = [self._pool.submit(self._work) for _ in range(threads)]

    def _take(self) -> View | None:
        with self._lock:
            if self._next >= len(self._views):
                return None
            if self._seconds and time.monotonic() - self._started >= self._seconds:
                return None
            view = self._views[self._next]
            self._next += 1
            return view

    def _work(self) -> None:
        while (view := self._take()) is not None:
            user, product = view
            started = time.monotonic()
            url = f"{self._aggregator.base_url}/products/{product}?user={user}"
            try:
                with urllib.request.urlopen(url, timeout=30) as response:
                    response.read()
                    status, timing = response.status, response.headers.get("Server-Timing", "")
            except urllib.error.HTTPError as error:
                status, timing = error.code, ""
            match = _SERVER_TIMING.search(timing)
            served = Served(
                view, status, time.monotonic() - started, float(match.group(1)) if match else -1.0
            )
            with self._lock:
                self.served.append(served)

    @property
    def count(self) -> int:
        with self._lock:
            return len(self.served)

    def wait_for(self, count: int, within: float = 300.0) -> None:
        deadline = time.monotonic() + within
        while self.count < count:
            if time.monotonic() > deadline or all(f.done() for f in self._futures):
                raise AssertionError(f"only {self.count} pages served, waiting for {count}")
            time.sleep(0.02)

    def join(self) -> list[Served]:
        for future in self._futures:
            future.result()
        self._pool.shutdown()
        return self.served
