"""Benchmark of the aggregator: pages/s, p50, p99 and overhead, against a sequential baseline, and hedging.

Run by `make bench` (not part of `make test`). Every figure comes from this one run, on this machine, with
every process (six services, the aggregators and this load generator) on the same machine:

1. backends with 0 ms and with 20 ms injected latency: the concurrent aggregator against the naive
   handler that calls the six services one after another (`--sequential`), at concurrency 1 and 32; and,
   for reference, a bare `asyncio.gather` aggregator (no deadline handling, hedging, fallback, logs or
   adapters: what the aggregator costs on top of the bare fan-out, and the ceiling the services set);
2. 20 ms backends of which one (reviews) takes 1 s more on 1% of its calls: page p99 with and without
   hedging, and the share of extra backend calls the hedges cost;
3. storage: the same page load at concurrency 32 with every service on SQLite, then on PostgreSQL (a
   private cluster, each service as its own role), then with two replicas of every service (SQLite)
   behind the aggregator's round_robin;
4. telemetry's cost: pages/s at concurrency 32 (0 ms backends) with metrics on, with metrics and tracing
   at the default sampling, and with every page traced, each against metrics and tracing off; four
   meshes started together and measured in turn, round after round, so all see the same machine;
5. 0 ms backends: the aggregator publishing a page-view event per page (consumed by history and
   recommendations on the default SQLite bus) against the same aggregator with no bus;
6. security's cost: pages/s and p50 at concurrency 32 and 1 with every hop in mutual TLS and the shipped
   authorization policy enforced, against every hop in plaintext; both meshes measured in turn, and the
   p50 at concurrency 1 again from pages sent to both in the same seconds (10 to each in turn).

The load generator is a closed loop of workers, each with one page in flight. A page shed for overload
(CANCELLED from gRPC core's full queue in front of the aggregator, RESOURCE_EXHAUSTED from its limiter)
makes its worker wait `SHED_BACKOFF` before the next, as a client told to back off does; such pages are
counted, by status code, with the other failures.

Prints a table and writes JSON (default `artifacts/bench/page.json`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import AsyncExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import grpc
import grpc.aio
from grpc_health.v1 import health, health_pb2_grpc

from aggregator import TIMING_KEY
from pagemesh.authors.v2 import authors_pb2, authors_pb2_grpc
from pagemesh.history.v2 import history_pb2, history_pb2_grpc
from pagemesh.page.v2 import page_pb2 as page_v2
from pagemesh.page.v2 import page_pb2_grpc as page_v2_grpc
from pagemesh.product.v2 import product_pb2, product_pb2_grpc
from pagemesh.recommendations.v2 import recommendations_pb2, recommendations_pb2_grpc
from pagemesh.reviews.v2 import reviews_pb2, reviews_pb2_grpc
from pagemesh.runtime import (
    SERVICES,
    SHED_CODES,
    ChildProcess,
    Settings,
    Transport,
    free_port,
    health_status,
    is_ready,
    pagemesh_command,
    run_event_loop,
    spawn,
)
from pagemesh.security import issue_certificates
from pagemesh.sponsored.v2 import sponsored_pb2, sponsored_pb2_grpc
from pagemesh.storage import PostgresCluster
from services import store_spec

ROOT = Path(__file__).resolve().parent.parent
USER_ID = "u-alice"
"""A signed-in visitor, so every page calls all six services."""
PLAINTEXT = Transport("plaintext", "operator")


class Fleet:
    """Every process the benchmark starts; all are stopped on exit, also on failure."""

    def __init__(self, workdir: Path, log_level: str) -> None:
        self.workdir = workdir
        self.log_level = log_level
        self.processes: list[ChildProcess] = []
        self.http_ports: dict[str, int] = {}
        """The HTTP port of each aggregator, by process name, for `/statz`."""

    def _environment(self, extra: dict[str, str] | None) -> dict[str, str]:
        environ = {k: v for k, v in os.environ.items() if not k.startswith("PAGEMESH_")}
        # Plaintext unless a scenario asks for mutual TLS (the security part does).
        environ.update(PAGEMESH_LOG_LEVEL=self.log_level, PAGEMESH_TLS="plaintext")
        environ.update(extra or {})
        return environ

    def _spawn(
        self,
        name: str,
        command: list[str],
        port: int,
        env: dict[str, str] | None,
        admin_address: str = "",
    ) -> ChildProcess:
        process = spawn(
            command,
            name=name,
            address=f"127.0.0.1:{port}",
            log_path=self.workdir / f"{name}-{port}.log",
            env=self._environment(env),
            cwd=self.workdir,
            admin_address=admin_address,
        )
        self.processes.append(process)
        return process

    def start(self, name: str, args: Sequence[str], env: dict[str, str] | None = None) -> ChildProcess:
        port = free_port()
        extra = ["--port", str(port)]
        if args[:2] == ["serve", "aggregator"]:
            self.http_ports[name] = free_port()
            extra += ["--http-port", str(self.http_ports[name])]
        # Each process's admin port is a free port too (the default, gRPC port + 1000, may be taken).
        admin = f"127.0.0.1:{free_port()}"
        env = {**(env or {}), f"PAGEMESH_{args[1].upper()}_ADMIN_ADDR": admin}
        return self._spawn(name, pagemesh_command([*args, *extra]), port, env, admin)

    def wait(self, processes: Sequence[ChildProcess]) -> None:
        deadline = time.monotonic() + 60
        for process in processes:
            while not self._ready(process):
                if not process.running() or time.monotonic() > deadline:
                    raise RuntimeError(f"{process.name} did not start; see {self.workdir}")
                time.sleep(0.05)

    @staticmethod
    def _ready(process: ChildProcess) -> bool:
        if process.name == "bare":
            # The bare reference server has no admin port: its gRPC health, in plaintext.
            return health_status(process.address, timeout=0.5, transport=PLAINTEXT) == "SERVING"
        return is_ready(process.admin_address, timeout=0.5)

    def services(
        self,
        latency_ms: int,
        tag: str,
        overrides: dict[str, list[str]] | None = None,
        *,
        databases: dict[str, str] | None = None,
        replicas: int = 1,
        env: dict[str, str] | None = None,
    ) -> dict[str, str]:
        """Starts every service (`replicas` processes each, on `databases` or SQLite, `env` added to their
        environment); their addresses."""
        started: dict[str, list[ChildProcess]] = {name: [] for name in SERVICES}
        for name in SERVICES:
            inject = ["--inject", f"latency={latency_ms}"] if latency_ms else []
            inject += (overrides or {}).get(name, [])
            # A store per set of services: several sets may start (and seed their stores) at once.
            db = (databases or {}).get(name) or str(self.workdir / f"{name}-{tag}.sqlite3")
            for k in range(replicas):
                label = f"{name}-{tag}" + (f"-{k}" if k else "")
                started[name].append(self.start(label, ["serve", name, "--db", db, *inject], env))
        self.wait([p for processes in started.values() for p in processes])
        return {
            f"PAGEMESH_{name.upper()}_ADDR": ",".join(p.address for p in processes)
            for name, processes in started.items()
        }

    def bare(self, backends: dict[str, str]) -> ChildProcess:
        port = free_port()
        command = [sys.executable, str(Path(__file__).resolve()), "--serve-bare", str(port)]
        process = self._spawn("bare", command, port, backends)
        self.wait([process])
        return process

    def aggregator(self, name: str, backends: dict[str, str], args: Sequence[str] = ()) -> ChildProcess:
        """An aggregator over `backends`; the mapping may carry other environment variables too."""
        process = self.start(name, ["serve", "aggregator", *args], backends)
        self.wait([process])
        return process

    def stop(self) -> None:
        for process in self.processes:
            process.stop()
        self.processes.clear()


@contextmanager
def fleet(log_level: str) -> Iterator[Fleet]:
    with tempfile.TemporaryDirectory(prefix="pagemesh-bench-") as workdir:
        running = Fleet(Path(workdir), log_level)
        try:
            yield running
        finally:
            running.stop()


@dataclass
class Result:
    """The figures of one load run."""

    scenario: str
    handler: str
    backend_ms: int
    concurrency: int
    pages: int = 0
    pages_per_s: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    p999_ms: float = 0.0
    overhead_p50_ms: float | None = None
    """Page latency at the client minus the slowest section's time in the aggregator, median over pages."""
    degraded_pages: int = 0
    slow_pages: int = 0
    """Pages that took more than 100 ms (the tail the hedging rows are about)."""
    errors: int = 0
    """Pages that failed while measuring (shed ones included)."""
    errors_by_code: dict[str, int] = field(default_factory=dict)
    """Those failures by gRPC status code (`SHED_CODES` are pages the mesh shed for overload)."""
    extra_backend_calls: float | None = None
    """Hedges sent / backend calls of the pages, when measured."""
    cpu_us_per_page: dict[str, float] = field(default_factory=dict)
    """Microseconds of CPU per page while measuring, per process ("total" for all of them)."""
    extra: dict[str, Any] = field(default_factory=dict)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def _slowest_section_ms(trailers: Any) -> float | None:
    for key, value in trailers or ():
        if key == TIMING_KEY:
            durations = [
                float(part.split("dur=")[1]) for part in value.split(", ") if not part.startswith("page;")
            ]
            return max(durations) if durations else None
    return None


LOAD_GENERATOR = "load generator"
SHED_BACKOFF = 0.05
"""Seconds a load worker waits after a shed page before it asks for the next."""


def cpu_seconds(processes: Sequence[ChildProcess]) -> dict[str, float]:
    """CPU seconds (user + system, all threads) used so far by each running process and by this one."""
    used: dict[str, float] = {}
    for process in processes:
        try:
            with open(f"/proc/{process.process.pid}/stat") as stat:
                fields = stat.read().rpartition(")")[2].split()
        except OSError:
            continue
        used[process.name] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    own = resource.getrusage(resource.RUSAGE_SELF)
    used[LOAD_GENERATOR] = own.ru_utime + own.ru_stime
    return used


async def load(
    address: str,
    concurrency: int,
    seconds: float,
    warmup: float,
    result: Result,
    *,
    processes: Sequence[ChildProcess] = (),
    transport: Transport = PLAINTEXT,
) -> None:
    latencies: list[float] = []
    overheads: list[float] = []
    async with transport.channel(address, server_name="aggregator") as channel:
        stub = page_v2_grpc.PageServiceStub(channel)
        loop = asyncio.get_running_loop()
        measure_from = loop.time() + warmup
        until = measure_from + seconds
        # CPU is read when measuring starts and ends, so it covers the same pages as the latencies.
        cpu: list[dict[str, float]] = []
        loop.call_at(measure_from, lambda: cpu.append(cpu_seconds(processes)))
        loop.call_at(until, lambda: cpu.append(cpu_seconds(processes)))

        async def worker(k: int) -> None:
            i = k
            while loop.time() < until:
                i += concurrency
                request = page_v2.GetProductPageRequest(product_id=f"P{1 + i % 240:05d}", user_id=USER_ID)
                started = time.perf_counter()
                call = stub.GetProductPage(request, timeout=5)
                try:
                    page = await call
                except grpc.aio.AioRpcError as error:
                    code = error.code()
                    if loop.time() >= measure_from:
                        result.errors += 1
                        result.errors_by_code[code.name] = result.errors_by_code.get(code.name, 0) + 1
                    if code in SHED_CODES:
                        # A shed page says "back off": a worker that asked again at once would spend the
                        # mesh's CPU on refusals, and pages/s would measure that storm, not the pages.
                        await asyncio.sleep(SHED_BACKOFF)
                    continue
                elapsed_ms = (time.perf_counter() - started) * 1000
                if loop.time() < measure_from:
                    continue
                latencies.append(elapsed_ms)
                if elapsed_ms > 100:
                    result.slow_pages += 1
                if page.degraded_sections:
                    result.degraded_pages += 1
                slowest = _slowest_section_ms(await call.trailing_metadata())
                if slowest is not None:
                    overheads.append(elapsed_ms - slowest)

        await asyncio.gather(*(worker(k) for k in range(concurrency)))
    result.pages = len(latencies)
    result.pages_per_s = round(len(latencies) / seconds, 1)
    result.p50_ms = round(statistics.median(latencies), 2)
    result.p99_ms = round(_percentile(latencies, 0.99), 2)
    result.p999_ms = round(_percentile(latencies, 0.999), 2)
    # The bare reference sends no timing trailer, so it has no overhead figure.
    result.overhead_p50_ms = round(statistics.median(overheads), 2) if overheads else None
    if len(cpu) == 2 and latencies:
        before, after = cpu
        per_page = {
            name: round((after[name] - before[name]) / len(latencies) * 1e6)
            for name in after
            if name in before and after[name] > before[name]
        }
        result.cpu_us_per_page = {**per_page, "total": sum(per_page.values())}


async def interleaved(
    targets: Sequence[tuple[str, Transport]], seconds: float, warmup: float, block: int = 10
) -> list[list[float]]:
    """Latencies (ms) of pages sent to the targets in turn, one page in flight at a time.

    Concurrency 1 on every target, measured in the same seconds: `block` pages to one target, then
    `block` to the next, in an order that rotates each time round, so no target always follows the same
    other one. Where two targets are measured in separate windows, this machine's drift between the
    windows (the p50 at concurrency 1 moves by up to 1 ms from one 5 s window to the next) is larger than
    the differences being measured; a block of pages (about 50 ms) keeps each target's processes as warm
    as in a run of its own, which a single page each in turn does not (the p50 of both rises by 2 ms).
    """
    latencies: list[list[float]] = [[] for _ in targets]
    async with AsyncExitStack() as stack:
        stubs = []
        for address, transport in targets:
            channel = await stack.enter_async_context(transport.channel(address, server_name="aggregator"))
            stubs.append(page_v2_grpc.PageServiceStub(channel))
        loop = asyncio.get_running_loop()
        measure_from = loop.time() + warmup
        until = measure_from + seconds
        k = 0
        while loop.time() < until:
            for turn in range(len(stubs)):
                index = (k + turn) % len(stubs)
                for page in range(block):
                    product_id = f"P{1 + (k * block + page) % 240:05d}"
                    request = page_v2.GetProductPageRequest(product_id=product_id, user_id=USER_ID)
                    started = time.perf_counter()
                    await stubs[index].GetProductPage(request, timeout=5)
                    if loop.time() >= measure_from:
                        latencies[index].append((time.perf_counter() - started) * 1000)
            k += 1
    return latencies


def statz(http_port: int) -> dict[str, Any]:
    with urllib.request.urlopen(f"http://127.0.0.1:{http_port}/statz", timeout=5) as response:
        data: dict[str, Any] = json.loads(response.read())
    return data


def run(
    running: Fleet,
    target: ChildProcess,
    concurrency: int,
    seconds: float,
    result: Result,
    *,
    transport: Transport = PLAINTEXT,
) -> Result:
    run_event_loop(
        load(
            target.address,
            concurrency,
            seconds,
            min(1.0, seconds / 4),
            result,
            processes=running.processes,
            transport=transport,
        )
    )
    cpu = result.cpu_us_per_page
    services = sum(us for name, us in cpu.items() if name.split("-")[0] in SERVICES)
    print(
        f"  {result.scenario:<10} {result.handler:<22} c={concurrency:<3} {result.pages_per_s:>8.1f} pages/s "
        f"p50 {result.p50_ms:>7.2f} ms  p99 {result.p99_ms:>8.2f} ms  "
        f"overhead {_ms(result.overhead_p50_ms):>6} ms  "
        f"failed {result.errors} {result.errors_by_code or ''}  "
        f"CPU/page {cpu.get('total', 0)} us (services {services}, page server {cpu.get(target.name, 0)}, "
        f"load generator {cpu.get(LOAD_GENERATOR, 0)})",
        flush=True,
    )
    return result


def machine() -> dict[str, Any]:
    cpu = "unknown"
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "grpcio": grpc.__version__,
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        # Figures taken while other work shares the machine are lower and noisier: say how busy it was.
        "load_average": os.getloadavg(),
    }


async def serve_bare(port: int) -> None:
    """The reference: six calls under `asyncio.gather`, v2 only, no deadline logic, hedging or logs."""

    def channel(name: str) -> grpc.aio.Channel:
        return PLAINTEXT.channel(os.environ[f"PAGEMESH_{name.upper()}_ADDR"])

    product = product_pb2_grpc.ProductServiceStub(channel("product"))
    authors = authors_pb2_grpc.AuthorServiceStub(channel("authors"))
    reviews = reviews_pb2_grpc.ReviewServiceStub(channel("reviews"))
    recommendations = recommendations_pb2_grpc.RecommendationServiceStub(channel("recommendations"))
    sponsored = sponsored_pb2_grpc.SponsoredServiceStub(channel("sponsored"))
    history = history_pb2_grpc.HistoryServiceStub(channel("history"))

    class Bare(page_v2_grpc.PageServiceServicer):
        async def GetProductPage(
            self, request: page_v2.GetProductPageRequest, context: grpc.aio.ServicerContext[Any, Any]
        ) -> page_v2.GetProductPageResponse:
            pid, t = request.product_id, 0.3
            found, by, rated, recommended, ads, viewed = await asyncio.gather(
                product.GetProduct(product_pb2.GetProductRequest(id=pid), timeout=t),
                authors.ListProductAuthors(authors_pb2.ListProductAuthorsRequest(product_id=pid), timeout=t),
                reviews.ListReviews(reviews_pb2.ListReviewsRequest(product_id=pid, page_size=5), timeout=t),
                recommendations.ListRecommendations(
                    recommendations_pb2.ListRecommendationsRequest(product_id=pid, page_size=6), timeout=t
                ),
                sponsored.ListSponsoredListings(
                    sponsored_pb2.ListSponsoredListingsRequest(product_id=pid, max_results=3), timeout=t
                ),
                history.ListViewedProducts(
                    history_pb2.ListViewedProductsRequest(user_id=request.user_id, page_size=6), timeout=t
                ),
            )
            return page_v2.GetProductPageResponse(
                product=page_v2.ProductDetails(id=found.product.id, title=found.product.title),
                authors=[page_v2.AuthorSummary(id=a.id) for a in by.authors],
                reviews=page_v2.ReviewsSection(total_count=rated.summary.total_count),
                recommendations=[
                    page_v2.RecommendationCard(product_id=r.product_id) for r in recommended.recommendations
                ],
                sponsored=[page_v2.SponsoredCard(product_id=s.product_id) for s in ads.listings],
                recently_viewed=[page_v2.ViewedCard(product_id=v.product_id) for v in viewed.views],
            )

    server = grpc.aio.server()
    page_v2_grpc.add_PageServiceServicer_to_server(Bare(), server)
    health_pb2_grpc.add_HealthServicer_to_server(health.aio.HealthServicer(), server)
    PLAINTEXT.listen(server, f"127.0.0.1:{port}", "bare")
    await server.start()
    await server.wait_for_termination()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=5.0, help="measured seconds per run (default 5)")
    parser.add_argument(
        "--tail-seconds", type=float, default=15.0, help="measured seconds per hedging run (default 15)"
    )
    parser.add_argument("--tail-concurrency", type=int, default=4, help="concurrency of the hedging runs")
    parser.add_argument(
        "--log-level",
        default="INFO",
        choices=("INFO", "WARNING"),
        help="the servers' log level; INFO (default, as deployed) writes one line per call and per page",
    )
    parser.add_argument(
        "--only",
        choices=("fanout", "tail", "storage", "telemetry", "events", "security"),
        help="run one part of the benchmark",
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="rounds over the settings of the security part (default 3)"
    )
    parser.add_argument(
        "--telemetry-rounds", type=int, default=3, help="rounds over the four telemetry settings (default 3)"
    )
    parser.add_argument(
        "--telemetry-settings",
        type=lambda text: tuple(text.split(",")),
        default=tuple(TELEMETRY_SETTINGS),
        help=f"which telemetry settings to compare with `off` (default all: {','.join(TELEMETRY_SETTINGS)})",
    )
    parser.add_argument(
        "--event-rounds", type=int, default=3, help="rounds of events off and on, per concurrency (default 3)"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "artifacts" / "bench" / "page.json")
    parser.add_argument("--serve-bare", type=int, metavar="PORT", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    unknown = set(options.telemetry_settings) - set(TELEMETRY_SETTINGS)
    if unknown:
        parser.error(f"unknown telemetry setting {sorted(unknown)[0]!r}; use {', '.join(TELEMETRY_SETTINGS)}")
    if options.serve_bare:
        run_event_loop(serve_bare(options.serve_bare))
        return 0
    results: list[Result] = []
    print(f"pagemesh page benchmark on {machine()}", flush=True)
    if options.only == "storage":
        return finish(storage(options.log_level, options.seconds), options.out)
    if options.only == "telemetry":
        return finish(
            telemetry_costs(
                options.log_level, options.seconds, options.telemetry_rounds, options.telemetry_settings
            ),
            options.out,
        )
    if options.only == "security":
        return finish(security_costs(options.log_level, options.seconds, options.rounds), options.out)
    for latency in (0, 20) if options.only in (None, "fanout") else ():
        with fleet(options.log_level) as running:
            backends = running.services(latency, f"{latency}ms")
            concurrent = running.aggregator("aggregator", backends)
            sequential = running.aggregator("sequential", backends, ["--sequential"])
            bare = running.bare(backends)
            handlers = (
                ("aggregator", concurrent),
                ("sequential baseline", sequential),
                ("bare gather (reference)", bare),
            )
            for concurrency in (1, 32):
                for handler, process in handlers:
                    results.append(
                        run(
                            running,
                            process,
                            concurrency,
                            options.seconds,
                            Result(f"{latency} ms", handler, latency, concurrency),
                        )
                    )
    if options.only in (None, "events"):
        results += events(options)
    if options.only in ("fanout", "events"):
        return finish(results, options.out)
    with fleet(options.log_level) as running:
        backends = running.services(20, "tail", {"reviews": ["--inject", "slow=1000@0.01"]})
        for handler, args in (("no hedging", ["--no-hedging"]), ("hedging (p95 delay)", [])):
            process = running.aggregator(handler.split()[0], backends, args)
            before = statz(running.http_ports[process.name])
            result = run(
                running,
                process,
                options.tail_concurrency,
                options.tail_seconds,
                Result("20 ms, 1% 1 s", handler, 20, options.tail_concurrency),
            )
            after = statz(running.http_ports[process.name])
            hedges = sum(after[n]["hedges"] - before[n]["hedges"] for n in SERVICES)
            pages = result.pages + result.errors
            # Each page calls the six services once; hedges are the calls beyond that.
            result.extra_backend_calls = round(hedges / max(1, pages * len(SERVICES)), 4)
            result.extra = {
                n: {k: after[n][k] for k in ("hedges", "hedge_wins", "hedges_withheld", "hedge_delay_ms")}
                for n in SERVICES
            }
            results.append(result)
            print(f"    extra backend calls {result.extra_backend_calls:.2%}", flush=True)
    if options.only is None:
        results += storage(options.log_level, options.seconds)
        results += telemetry_costs(
            options.log_level, options.seconds, options.telemetry_rounds, options.telemetry_settings
        )
        results += security_costs(options.log_level, options.seconds, options.rounds)
    return finish(results, options.out)


def _caught_up(http_port: int, within: float = 120.0) -> None:
    """Waits until the aggregator's outbox is empty and every consumer group has acknowledged all."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        events = statz(http_port).get("events", {})
        groups = events.get("groups") or []
        if not events.get("outbox_backlog") and groups and not any(g["pending"] for g in groups):
            return
        time.sleep(0.5)
    raise RuntimeError("the consumers did not catch up with the page views")


def events(options: argparse.Namespace) -> list[Result]:
    """Pages/s with page-view events published (and consumed by history and recommendations, on the
    default SQLite bus) against the same aggregator with `PAGEMESH_BUS=none`.

    The publishing aggregator first serves every product once and the consumers catch up: a visitor's
    first view of a product builds its co-view counts, one-time work that would otherwise land in the
    first measured run only. Then rounds alternate between the two (which goes first alternates too),
    the consumers catching up after each publishing run (unmeasured), and each one's median run counts;
    CPU per page is also given per process, publishing minus not.
    """
    results = []
    load_at_start = os.getloadavg()[0]
    with fleet(options.log_level) as running:
        backends = running.services(0, "events")
        off = running.aggregator("publishing-off", {**backends, "PAGEMESH_BUS": "none"})
        on = running.aggregator("publishing-on", backends)
        run_event_loop(load(on.address, 32, 2.0, 0.0, Result("warm-up", "events on", 0, 32)))
        _caught_up(running.http_ports[on.name])
        targets = (("events off", off), ("events on (sqlite bus)", on))
        for concurrency in (1, 32):
            measured: dict[str, list[Result]] = {handler: [] for handler, _ in targets}
            for round_ in range(options.event_rounds):
                for handler, process in targets if round_ % 2 == 0 else targets[::-1]:
                    result = Result("0 ms", handler, 0, concurrency)
                    measured[handler].append(run(running, process, concurrency, options.seconds, result))
                    if process is on:
                        _caught_up(running.http_ports[on.name])
            chosen = []
            for handler, _ in targets:
                runs = sorted(measured[handler], key=lambda r: r.pages_per_s)
                median = runs[len(runs) // 2]
                median.extra = {
                    "rounds_pages_per_s": [r.pages_per_s for r in measured[handler]],
                    "rounds_cpu_us_per_page": [r.cpu_us_per_page.get("total", 0) for r in measured[handler]],
                }
                chosen.append(median)
            without, with_events = chosen
            ratio = with_events.pages_per_s / max(1e-9, without.pages_per_s)
            # Round by round too: this machine drifts by more than the difference within one run.
            paired = statistics.median(
                _round_ratios(measured[targets[1][0]], measured[targets[0][0]], _pages_per_s)
            )
            with_events.extra["pages_per_s_vs_off"] = round(ratio, 4)
            with_events.extra["pages_per_s_vs_off_by_round"] = round(paired, 4)
            print(
                f"  c={concurrency}: pages/s with events {ratio:.1%} of without (medians), "
                f"{paired:.1%} (median of the rounds' ratios)",
                flush=True,
            )
            print(f"    CPU us/page, publishing minus not, per process: {_cpu_delta(without, with_events)}")
            results += chosen
        published = statz(running.http_ports[on.name]).get("events", {})
        print(
            f"    events published {published.get('published')}, relayed {published.get('relayed')}; "
            f"load average {load_at_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end",
            flush=True,
        )
    return results


def _cpu_delta(without: Result, with_events: Result) -> dict[str, int]:
    """Per process, CPU us per page with events minus without (both aggregators named "aggregator")."""

    def by_process(result: Result) -> dict[str, float]:
        cpu = {name.split("-events")[0]: us for name, us in result.cpu_us_per_page.items()}
        cpu["aggregator"] = cpu.pop("publishing-on", 0) + cpu.pop("publishing-off", 0)
        return cpu

    before, after = by_process(without), by_process(with_events)
    return {name: round(after.get(name, 0) - before.get(name, 0)) for name in sorted(after)}


def _postgres_cpu_seconds(cluster: PostgresCluster) -> float:
    """CPU seconds used so far by the cluster's server and its backends (children of the postmaster)."""
    postmaster = int((cluster.data / "postmaster.pid").read_text().split()[0])
    used = 0.0
    for stat_path in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_path.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        pid = int(stat_path.parent.name)
        if pid == postmaster or int(fields[1]) == postmaster:
            used += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return used


def storage(log_level: str, seconds: float) -> list[Result]:
    """Pages at concurrency 32 on SQLite, on PostgreSQL, and with two replicas per service."""
    results = []
    with tempfile.TemporaryDirectory(prefix="pagemesh-bench-pg-") as scratch:
        Path(scratch).chmod(0o711)  # the postgres user (when run as root) passes through, no more
        cluster = PostgresCluster(Path(scratch) / "postgres")
        cluster.start()
        try:
            prepared = cluster.prepare([store_spec(name) for name in SERVICES])
            setups: list[tuple[str, dict[str, str] | None, int]] = [
                ("sqlite", None, 1),
                ("postgresql", {name: db.url.dsn for name, db in prepared.items()}, 1),
                ("sqlite, 2 replicas", None, 2),
            ]
            for label, databases, replicas in setups:
                with fleet(log_level) as running:
                    tag = label.split(",")[0] + str(replicas)
                    backends = running.services(0, tag, databases=databases, replicas=replicas)
                    process = running.aggregator("aggregator", backends)
                    before = _postgres_cpu_seconds(cluster)
                    result = run(
                        running, process, 32, seconds, Result(f"store: {label}", "aggregator", 0, 32)
                    )
                    # The database server's own CPU per measured page, warm-up included (not in the total).
                    result.extra["postgres_cpu_us_per_page"] = round(
                        (_postgres_cpu_seconds(cluster) - before) / max(1, result.pages) * 1e6
                    )
                    results.append(result)
        finally:
            cluster.stop()
    return results


TELEMETRY_SETTINGS: dict[str, tuple[str, dict[str, str]]] = {
    "off": ("telemetry off", {"PAGEMESH_METRICS": "off", "OTEL_SDK_DISABLED": "true"}),
    "metrics": ("metrics", {"PAGEMESH_METRICS": "on", "OTEL_SDK_DISABLED": "true"}),
    "default": ("metrics + traces (default)", {"PAGEMESH_METRICS": "on"}),
    "all": (
        "metrics + traces (100%)",
        {"PAGEMESH_METRICS": "on", "OTEL_TRACES_SAMPLER": "parentbased_always_on"},
    ),
}
"""What each mesh of the telemetry scenario runs with, by its `--telemetry-settings` name (spans go to JSON
lines in the work directory). `off` is always measured: it is what the others cost against."""


def telemetry_costs(
    log_level: str, seconds: float, rounds: int, names: Sequence[str] = tuple(TELEMETRY_SETTINGS)
) -> list[Result]:
    """Pages/s at concurrency 32 under each telemetry setting of `names` and `off`; one result per setting
    (its median round)."""
    settings = [TELEMETRY_SETTINGS[name] for name in TELEMETRY_SETTINGS if name == "off" or name in names]
    by_setting: dict[str, list[Result]] = {}
    with fleet(log_level) as running:
        targets = []
        for k, (label, settings_env) in enumerate(settings):
            # Each mesh its own data directory, so its own bus file and consumers: on one shared bus the
            # idle meshes' consumers would take part of the measured mesh's events.
            env = {**settings_env, "PAGEMESH_DATA_DIR": str(running.workdir / f"t{k}")}
            backends = running.services(0, f"t{k}", env=env)
            targets.append((label, running.aggregator(f"aggregator-t{k}", {**backends, **env})))
        for round_number in range(rounds):
            # Each round starts one setting later, so that none is always measured right after the same
            # other one (a mesh that just ran leaves work behind: exports, relays, consumers catching up).
            shift = round_number % len(targets)
            for label, process in targets[shift:] + targets[:shift]:
                result = Result("telemetry", label, 0, 32)
                by_setting.setdefault(label, []).append(run(running, process, 32, seconds, result))
    chosen = []
    baseline: tuple[float, float] | None = None
    for label, _ in settings:
        measured = by_setting[label]
        runs = sorted(measured, key=lambda r: r.pages_per_s)
        median = runs[len(runs) // 2]
        mean = statistics.mean(r.pages_per_s for r in measured)
        median.extra = {
            "rounds_pages_per_s": [r.pages_per_s for r in measured],
            "rounds_cpu_us_per_page": [r.cpu_us_per_page.get("total", 0) for r in measured],
            "mean_pages_per_s": round(mean, 1),
        }
        if baseline is None:
            baseline = (median.pages_per_s, mean)
            cost = "baseline"
        else:
            by_median, by_mean = 1 - median.pages_per_s / baseline[0], 1 - mean / baseline[1]
            # Each round against `off` in the same round: the host's drift between rounds (tens of percent
            # here) cancels out of the pairs, not out of the medians of each setting.
            off = by_setting[settings[0][0]]
            paired = [1 - ratio for ratio in _round_ratios(measured, off, _pages_per_s)]
            cpu_added = [ratio - 1 for ratio in _round_ratios(measured, off, _cpu_per_page)]
            median.extra.update(
                cost_vs_off=round(by_median, 4),
                cost_vs_off_mean=round(by_mean, 4),
                cost_vs_off_by_round=[round(c, 4) for c in paired],
                cpu_per_page_added_by_round=[round(c, 4) for c in cpu_added],
            )
            cost = (
                f"cost {by_median:+.1%} median, {by_mean:+.1%} mean; by round against off: median "
                f"{statistics.median(paired):+.1%}, CPU/page {statistics.median(cpu_added):+.1%}"
            )
        chosen.append(median)
        print(
            f"  telemetry {label:<28} median {median.pages_per_s:>7.1f} mean {mean:>7.1f} pages/s  {cost}",
            flush=True,
        )
    return chosen


def security_costs(log_level: str, seconds: float, rounds: int) -> list[Result]:
    """Pages/s and p50 at concurrency 32 and 1: every hop in mutual TLS with the shipped authorization
    policy enforced, against every hop in plaintext; both meshes up at once, measured in turn, round after
    round, so both see the same machine. One result per setting and concurrency (its median round)."""
    by_setting: dict[tuple[str, int], list[Result]] = {}
    with fleet(log_level) as running:
        pki = running.workdir / "pki"
        issue_certificates(pki)
        secure = Transport.from_settings(Settings(tls="mtls", pki_dir=pki), "operator")
        meshes: list[tuple[str, ChildProcess, Transport]] = []
        for label, tls, transport in (
            ("plaintext", "plaintext", PLAINTEXT),
            ("mTLS + authorization", "mtls", secure),
        ):
            env = {
                "PAGEMESH_TLS": tls,
                "PAGEMESH_PKI_DIR": str(pki),
                "PAGEMESH_DATA_DIR": str(running.workdir / tls),
            }
            backends = running.services(0, tls, env=env)
            meshes.append((label, running.aggregator(f"aggregator-{tls}", {**backends, **env}), transport))
        side_by_side: list[list[list[float]]] = []
        for _ in range(rounds):
            for concurrency in (32, 1):
                for label, process, transport in meshes:
                    result = Result("security", label, 0, concurrency)
                    by_setting.setdefault((label, concurrency), []).append(
                        run(running, process, concurrency, seconds, result, transport=transport)
                    )
            side_by_side.append(
                run_event_loop(
                    interleaved([(p.address, t) for _, p, t in meshes], 2 * seconds, min(1.0, seconds / 4))
                )
            )
    chosen = []
    for concurrency in (32, 1):
        medians = {}
        for label, _, _ in meshes:
            measured = sorted(by_setting[label, concurrency], key=lambda r: r.pages_per_s)
            median = measured[len(measured) // 2]
            median.extra = {
                "rounds_pages_per_s": [r.pages_per_s for r in by_setting[label, concurrency]],
                "rounds_p50_ms": [r.p50_ms for r in by_setting[label, concurrency]],
            }
            medians[label] = median
            chosen.append(median)
        plain, mtls = medians["plaintext"], medians["mTLS + authorization"]
        ratio = mtls.pages_per_s / plain.pages_per_s if plain.pages_per_s else 0.0
        p50s = {
            label: statistics.median(by_setting[label, concurrency][i].p50_ms for i in range(rounds))
            for label, _, _ in meshes
        }
        added = p50s["mTLS + authorization"] - p50s["plaintext"]
        mtls.extra.update(pages_per_s_vs_plaintext=round(ratio, 4), p50_added_ms=round(added, 3))
        print(
            f"  security c={concurrency:<3} mTLS + authorization at {ratio:.1%} of plaintext pages/s, "
            f"p50 {added:+.2f} ms (medians over {rounds} rounds)",
            flush=True,
        )
    # The last result chosen is mTLS at concurrency 1, whose p50 the interleaved pages measure again.
    chosen[-1].extra.update(interleaved_p50_added(side_by_side))
    return chosen


def interleaved_p50_added(rounds: Sequence[Sequence[Sequence[float]]]) -> dict[str, Any]:
    """The p50 added by the second of two targets measured by `interleaved`, pooled over the rounds, with
    a 95% bootstrap interval (pages resampled), and each round's own figure."""
    plain = [ms for measured in rounds for ms in measured[0]]
    secure = [ms for measured in rounds for ms in measured[1]]
    added = statistics.median(secure) - statistics.median(plain)
    rng = random.Random(1)

    def median_of_resample(values: list[float]) -> float:
        return statistics.median(rng.choices(values, k=len(values)))

    resampled = sorted(median_of_resample(secure) - median_of_resample(plain) for _ in range(1000))
    by_round = [round(statistics.median(m[1]) - statistics.median(m[0]), 3) for m in rounds]
    print(
        f"  security c=1   interleaved, 10 pages to each mesh in turn: p50 plaintext "
        f"{statistics.median(plain):.2f} ms, mTLS + authorization {statistics.median(secure):.2f} ms, "
        f"added {added:+.2f} ms (95% interval {resampled[25]:+.2f} to {resampled[974]:+.2f}; "
        f"{len(plain)} and {len(secure)} pages; rounds {', '.join(f'{r:+.2f}' for r in by_round)})",
        flush=True,
    )
    return {
        "interleaved_p50_ms": {
            "plaintext": round(statistics.median(plain), 3),
            "mtls": round(statistics.median(secure), 3),
        },
        "interleaved_p50_added_ms": round(added, 3),
        "interleaved_p50_added_interval_ms": [round(resampled[25], 3), round(resampled[974], 3)],
        "interleaved_rounds_p50_added_ms": by_round,
        "interleaved_pages": [len(plain), len(secure)],
    }


def finish(results: list[Result], out: Path) -> int:
    report = {"machine": machine(), "results": [asdict(r) for r in results]}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print()
    print(table(results))
    print(f"\nJSON: {out}")
    return 0


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _pages_per_s(result: Result) -> float:
    return result.pages_per_s


def _cpu_per_page(result: Result) -> float:
    return result.cpu_us_per_page.get("total", 0)


def _round_ratios(
    results: Sequence[Result], baselines: Sequence[Result], figure: Callable[[Result], float]
) -> list[float]:
    """Each round's `figure` over the baseline's in the same round (rounds in the same order)."""
    return [figure(r) / max(1e-9, figure(b)) for r, b in zip(results, baselines, strict=True)]


def _shed(result: Result) -> int:
    return sum(result.errors_by_code.get(code.name, 0) for code in SHED_CODES)


def table(results: list[Result]) -> str:
    lines = [
        "| backends | handler | concurrency | pages/s | p50 ms | p99 ms | p99.9 ms | overhead p50 ms "
        "| > 100 ms | degraded | failed (shed) | extra calls | CPU us/page |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        extra = "" if r.extra_backend_calls is None else f"{r.extra_backend_calls:.2%}"
        lines.append(
            f"| {r.scenario} | {r.handler} | {r.concurrency} | {r.pages_per_s:.1f} | {r.p50_ms:.2f} | "
            f"{r.p99_ms:.2f} | {r.p999_ms:.2f} | {_ms(r.overhead_p50_ms)} | {r.slow_pages} | "
            f"{r.degraded_pages} | {r.errors} ({_shed(r)}) | {extra} | "
            f"{r.cpu_us_per_page.get('total', '-')} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
