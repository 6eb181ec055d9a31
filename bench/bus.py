"""Benchmark of the event bus, per backend: pagemesh's bus layer against the bare client doing the same.

Run by `make bench` (not part of `make test`). For each backend (SQLite file, private Redis, private
Kafka, all started here on loopback and stopped at the end):

1. publish: N events through `Publisher` (envelope, outbox, relay in batches of 500) until the broker
   acknowledged all of them, against the bare client appending the same payloads (built and serialized
   in the timed loop, as for `Publisher`) in batches of 500 (SQLite `executemany` in one transaction,
   Redis pipelined `XADD`, Kafka `send` x500 then wait; on Kafka a topic of the layer's `partitions`, the
   same keys as the layer's);
2. consume: two consumer groups at once, through `Consumer` (decode, a no-op handler, acknowledge),
   against the bare client (SQLite cursor table, Redis `XREADGROUP`+`XACK`, Kafka `getmany`+`commit`,
   each event parsed, as a reader must), in batches of 256; events/s per group;
   (1 and 2: `--rounds` runs of each side in turn, who goes first alternating; the medians reported)
3. end-to-end latency at a steady 1,000 events/s for 5 s: `Publisher.publish()` here, a `Consumer` in
   another process (as in the mesh), latency = consumed - published wall-clock time; p50/p99;
4. CPU per event, per process, at steady rates (200 events/s, about a page server's rate here, and
   1,000/s): a producing process (`Publisher`: envelope, outbox, relay) and the real history and
   recommendations services (`pagemesh serve`, their SQLite stores) consuming in their own processes.
   Each process's CPU time (user + system, from `/proc/<pid>/stat`, much less sensitive to a busy machine
   than wall time) over the run, less what it spends idle (the services) or on the same loop without
   publishing (the producer), divided by the events.

Prints a table and writes JSON (default `artifacts/bench/bus.json`). Figures taken on a shared machine
are provisional.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

# Run as `python bench/bus.py`, this folder comes first on the path, and bench/compat.py (the compat
# benchmark) would shadow the compat package that the schema registry loads.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import redis.asyncio as aioredis  # noqa: E402
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer  # noqa: E402
from aiokafka.admin import AIOKafkaAdminClient, NewTopic  # noqa: E402
from aiokafka.structs import OffsetAndMetadata  # noqa: E402

from pagemesh.bus import (  # noqa: E402
    KINDS,
    Bus,
    Consumer,
    Event,
    Publisher,
    RunningBus,
    kafka_client_options,
    kafka_producer_options,
    parse_bus_url,
    start_private_bus,
    topic_of,
)
from pagemesh.events.v1 import events_pb2  # noqa: E402
from pagemesh.runtime import (  # noqa: E402
    ChildProcess,
    Transport,
    free_port,
    health_status,
    pagemesh_command,
    run_event_loop,
    spawn,
)

ROOT = Path(__file__).resolve().parent.parent
TOPIC = topic_of(events_pb2.ProductViewed.DESCRIPTOR.full_name)
BATCH = 500
BARE_KAFKA_TOPIC = "bench.bare"
FETCH = 256


@dataclass
class Figures:
    """One backend's results."""

    backend: str
    events: int
    publish_per_s: float = 0.0
    bare_publish_per_s: float = 0.0
    consume_per_s_per_group: float = 0.0
    bare_consume_per_s_per_group: float = 0.0
    e2e_p50_ms: float = 0.0
    e2e_p99_ms: float = 0.0
    e2e_events: int = 0
    cpu_us_per_event: dict[int, dict[str, float]] = field(default_factory=dict)
    """Per steady rate (events/s): microseconds of CPU per event in each process."""
    notes: dict[str, Any] = field(default_factory=dict)


def _view(i: int) -> events_pb2.ProductViewed:
    return events_pb2.ProductViewed(
        product_id=f"P{1 + i % 240:05d}", user_id=f"u-{i % 1000}", api_version="v2", request_id=f"r-{i}"
    )


def _key(i: int) -> bytes:
    """The key of event `i`: its visitor, as the aggregator keys page views (one visitor's in order)."""
    return f"u-{i % 1000}".encode()


async def until(done: Any, step: float = 0.002) -> None:
    """Polls `done()` every `step` seconds (a benchmark's progress is counters, not events)."""
    while True:
        if done():
            return
        await asyncio.sleep(step)


# Publishing.


async def pagemesh_publish(running: RunningBus, count: int, workdir: Path) -> float:
    publisher = Publisher(
        parse_bus_url(running.url),
        producer="bench",
        outbox_dir=workdir / f"outbox-{time.monotonic_ns()}",
        types=[events_pb2.ProductViewed],
    )
    await publisher.start(wait=30)
    started = time.perf_counter()
    for i in range(count):
        publisher.publish(_view(i), key=_key(i).decode())
    await until(lambda: publisher.relayed >= count, 0.001)
    elapsed = time.perf_counter() - started
    await publisher.close()
    return count / elapsed


async def bare_publish(running: RunningBus, count: int) -> float:
    """The same events, built and serialized as the bare client's caller would (no envelope)."""

    def values(first: int) -> list[bytes]:
        return [_view(i).SerializeToString() for i in range(first, min(count, first + BATCH))]

    url = parse_bus_url(running.url)
    started = time.perf_counter()
    if url.kind == "sqlite":
        assert url.path is not None
        db = sqlite3.connect(url.path, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute(
            "CREATE TABLE IF NOT EXISTS bare_events "
            "(seq INTEGER PRIMARY KEY, topic TEXT, key TEXT, value BLOB, published REAL)"
        )
        started = time.perf_counter()
        for first in range(0, count, BATCH):
            db.execute("BEGIN IMMEDIATE")
            db.executemany(
                "INSERT INTO bare_events (topic, key, value, published) VALUES (?, ?, ?, ?)",
                [(TOPIC, "", v, time.time()) for v in values(first)],
            )
            db.execute("COMMIT")
        elapsed = time.perf_counter() - started
        db.close()
    elif url.kind == "redis":
        client = aioredis.Redis.from_url(running.url, driver_info=None)
        started = time.perf_counter()
        for first in range(0, count, BATCH):
            pipe = client.pipeline(transaction=False)
            for value in values(first):
                pipe.xadd("bench:bare", {b"e": value}, maxlen=1_000_000, approximate=True)
            await pipe.execute()
        elapsed = time.perf_counter() - started
        await client.aclose()
    else:
        # The operator's login, as the layer's producer logs in as its own user: both pay for SASL.
        # The layer's topic shape (`partitions`) and keys: a producer batches per partition, and a
        # consumer fetches per partition, so a one-partition topic is not the same work.
        admin = AIOKafkaAdminClient(**kafka_client_options(url))
        await admin.start()
        try:
            await admin.create_topics(
                [NewTopic(BARE_KAFKA_TOPIC, url.options.partitions, replication_factor=1)]
            )
        finally:
            await admin.close()
        # The layer's producer settings (its batch size too): the same batching.
        producer = AIOKafkaProducer(**kafka_producer_options(url))
        await producer.start()
        started = time.perf_counter()
        for first in range(0, count, BATCH):
            futures = [
                await producer.send(BARE_KAFKA_TOPIC, v, key=_key(first + n))
                for n, v in enumerate(values(first))
            ]
            await asyncio.gather(*futures)
        elapsed = time.perf_counter() - started
        await producer.stop()
    return count / elapsed


# Consuming.


async def pagemesh_consume(running: RunningBus, count: int) -> float:
    """Two groups through `Consumer`, from the start of the topic (which holds `count` events or more)."""
    url = parse_bus_url(f"{running.url}{'&' if '?' in running.url else '?'}batch={FETCH}")
    tag = time.monotonic_ns()
    done: dict[str, int] = {}

    def handler(group: str) -> Any:
        async def handle(events: Sequence[Event[Any]]) -> None:
            done[group] = done.get(group, 0) + len(events)

        return handle

    groups = [f"bench-{tag}-{n}" for n in (1, 2)]
    consumers = [Consumer(url, group=g, types=[events_pb2.ProductViewed], handle=handler(g)) for g in groups]
    started = time.perf_counter()
    for consumer in consumers:
        consumer.start()
    await until(lambda: min(done.get(g, 0) for g in groups) >= count)
    elapsed = time.perf_counter() - started
    for consumer in consumers:
        await consumer.stop()
    return count / elapsed


def _parsed(values: Iterable[bytes]) -> int:
    """Parses each event, as whoever reads them must (the layer's handler gets them decoded); how many."""
    parse = events_pb2.ProductViewed.FromString
    return sum(1 for value in values if parse(value) is not None)


async def bare_consume(running: RunningBus, count: int) -> float:
    url = parse_bus_url(running.url)
    tag = time.monotonic_ns()
    if url.kind == "sqlite":
        assert url.path is not None

        def group(name: str) -> int:
            db = sqlite3.connect(url.path, isolation_level=None, timeout=10)  # type: ignore[arg-type]
            db.execute("CREATE TABLE IF NOT EXISTS bare_cursors (grp TEXT PRIMARY KEY, seq INTEGER)")
            db.execute("INSERT OR IGNORE INTO bare_cursors VALUES (?, 0)", (name,))
            seen = 0
            while seen < count:
                db.execute("BEGIN IMMEDIATE")
                (cursor,) = db.execute("SELECT seq FROM bare_cursors WHERE grp = ?", (name,)).fetchone()
                rows = db.execute(
                    "SELECT seq, value FROM bare_events WHERE seq > ? ORDER BY seq LIMIT ?", (cursor, FETCH)
                ).fetchall()
                if rows:
                    db.execute("UPDATE bare_cursors SET seq = ? WHERE grp = ?", (rows[-1][0], name))
                db.execute("COMMIT")
                seen += _parsed(value for _, value in rows)
            db.close()
            return seen

        started = time.perf_counter()
        await asyncio.gather(*(asyncio.to_thread(group, f"bare-{tag}-{n}") for n in (1, 2)))
        return count / (time.perf_counter() - started)
    if url.kind == "redis":
        # Typed loosely, as in pagemesh.bus._redis: RESP2 replies with bytes.
        client: Any = aioredis.Redis.from_url(running.url, driver_info=None)

        async def redis_group(name: str) -> None:
            await client.xgroup_create("bench:bare", name, id="0")
            seen = 0
            while seen < count:
                answer = await client.xreadgroup(name, "c", {"bench:bare": ">"}, count=FETCH, block=1000)
                for _, entries in answer or []:
                    seen += _parsed(fields[b"e"] for _, fields in entries)
                    await client.xack("bench:bare", name, *[entry_id for entry_id, _ in entries])

        started = time.perf_counter()
        await asyncio.gather(*(redis_group(f"bare-{tag}-{n}") for n in (1, 2)))
        elapsed = time.perf_counter() - started
        await client.aclose()
        return count / elapsed

    async def kafka_group(name: str) -> None:
        consumer = AIOKafkaConsumer(
            BARE_KAFKA_TOPIC,
            **kafka_client_options(url),
            group_id=name,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_poll_records=FETCH,
        )
        await consumer.start()
        seen = 0
        while seen < count:
            batch = await consumer.getmany(timeout_ms=1000, max_records=FETCH)
            marks = {
                tp: OffsetAndMetadata(records[-1].offset + 1, "") for tp, records in batch.items() if records
            }
            seen += _parsed(r.value for records in batch.values() for r in records if r.value is not None)
            if marks:
                await consumer.commit(marks)
        await consumer.stop()

    started = time.perf_counter()
    await asyncio.gather(*(kafka_group(f"bare-{tag}-{n}") for n in (1, 2)))
    return count / (time.perf_counter() - started)


# End-to-end latency.


async def consume_latencies(url: str, group: str, count: int, out: Path) -> None:
    """Child process: one consumer; writes each event's publish-to-handle latency (ms)."""
    latencies: list[float] = []

    async def handle(events: Sequence[Event[Any]]) -> None:
        now = time.time()
        latencies.extend(
            (now - e.payload.view_time.ToNanoseconds() / 1e9) * 1000 for e in events if e.producer == "e2e"
        )

    consumer = Consumer(parse_bus_url(url), group=group, types=[events_pb2.ProductViewed], handle=handle)
    consumer.start()
    _write(out.parent / f"{out.name}.ready", "")
    deadline = time.monotonic() + 120
    await until(lambda: len(latencies) >= count or time.monotonic() > deadline, 0.05)
    await consumer.stop()
    _write(out, json.dumps(latencies))


def _write(path: Path, text: str) -> None:
    path.write_text(text)


def _consumer_process(url: str, group: str, count: int, out: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, str(Path(__file__).resolve()), "--consume", url, group, str(count), str(out)]
    return subprocess.Popen(command, env={**os.environ, "PYTHONPATH": str(ROOT)})


async def e2e(running: RunningBus, rate: int, seconds: float, workdir: Path) -> tuple[float, float, int]:
    count = int(rate * seconds)
    group = f"e2e-{time.monotonic_ns()}"
    out = workdir / f"{group}.json"
    # The group starts where the topic ends, so the backlog of the throughput runs does not count. The
    # backlog is acknowledged: left leased, it was delivered again to the measuring consumer (after the
    # lease on SQLite, by `XAUTOCLAIM` on Redis) while it measured, tens of thousands of events at once.
    bus = await Bus.connect(running.url)
    subscription = await bus.subscribe(group, "warm", [events_pb2.ProductViewed])
    while deliveries := await subscription.fetch(5000, 0.5):
        await subscription.ack(deliveries)
    await subscription.close()
    await bus.close()
    if running.kind == "kafka":
        await asyncio.sleep(7)  # the warm-up member's session ends before the measuring one joins
    child = _consumer_process(running.url, group, count, out)
    ready = workdir / f"{out.name}.ready"
    await until(ready.exists, 0.05)
    await asyncio.sleep(3.0)  # joined and idle
    publisher = Publisher(
        parse_bus_url(running.url),
        producer="e2e",
        outbox_dir=workdir / f"outbox-{group}",
        types=[events_pb2.ProductViewed],
    )
    await publisher.start(wait=30)
    started = time.perf_counter()
    for i in range(count):
        target = started + i / rate
        delay = target - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        view = _view(i)
        view.view_time.FromNanoseconds(time.time_ns())
        publisher.publish(view, key=view.user_id)
    await asyncio.to_thread(child.wait, 180)
    await publisher.close()
    latencies = sorted(json.loads(out.read_text()))
    return statistics.median(latencies), latencies[int(0.99 * (len(latencies) - 1))], len(latencies)


# CPU per event, per process.

CONSUMING_SERVICES = ("history", "recommendations")
PLAINTEXT = Transport("plaintext", "operator")


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system, every thread) that process `pid` has used so far."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def steady(rate: int, seconds: float, publish: Any) -> int:
    """Calls `publish(view, traceparent)` `rate` times a second for `seconds`, one view at a time, as
    pages come; each with the `traceparent` of an unsampled page, as most pages are."""
    count = int(rate * seconds)
    started = time.perf_counter()
    for i in range(count):
        delay = started + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        view = _view(i)
        view.view_time.FromNanoseconds(time.time_ns())
        publish(view, f"00-{os.urandom(16).hex()}-{os.urandom(8).hex()}-00")
    return count


async def produce_steadily(url: str, rate: int, seconds: float, out: Path) -> None:
    """Child process: the same steady loop without publishing, then publishing; its CPU for each."""
    publisher = Publisher(
        parse_bus_url(url),
        producer="cpu",
        outbox_dir=out.parent / f"outbox-{out.stem}",
        types=[events_pb2.ProductViewed],
    )
    await publisher.start(wait=30)
    before = own_cpu()
    await steady(rate, seconds, lambda view, traceparent: None)
    dry = own_cpu() - before
    before = own_cpu()
    count = await steady(
        rate,
        seconds,
        lambda view, traceparent: publisher.publish(view, key=view.user_id, traceparent=traceparent),
    )
    await until(lambda: publisher.relayed >= publisher.published, 0.01)
    used = own_cpu() - before
    await publisher.close()
    _write(out, json.dumps({"events": count, "dry_cpu": dry, "cpu": used}))


def _consumers(running: RunningBus, workdir: Path) -> list[ChildProcess]:
    processes = []
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PAGEMESH_")}
    for name in CONSUMING_SERVICES:
        port = free_port()
        environment.update(
            PAGEMESH_TLS="plaintext",
            PAGEMESH_BUS=running.url_for(name),
            # Its own free admin port: the default (gRPC port + 1000) may be taken on a busy machine.
            **{f"PAGEMESH_{name.upper()}_ADMIN_ADDR": f"127.0.0.1:{free_port()}"},
        )
        processes.append(
            spawn(
                pagemesh_command(
                    ["serve", name, "--port", str(port), "--db", str(workdir / f"{name}.sqlite3")]
                ),
                name=name,
                address=f"127.0.0.1:{port}",
                log_path=workdir / f"{name}.log",
                env=environment,
                cwd=workdir,
            )
        )
    deadline = time.monotonic() + 60
    for process in processes:
        while health_status(process.address, timeout=0.5, transport=PLAINTEXT) != "SERVING":
            if not process.running() or time.monotonic() > deadline:
                raise RuntimeError(f"{process.name} did not start; see {process.log_path}")
            time.sleep(0.05)
    return processes


async def _consumed(url: str, groups: Sequence[str]) -> bool:
    bus = await Bus.connect(url)
    try:
        lags = await bus.lag([TOPIC])
    finally:
        await bus.close()
    found = {lag.group: lag.pending for lag in lags if lag.group in groups}
    return len(found) == len(groups) and not any(found.values())


def cpu_per_event(running: RunningBus, rate: int, seconds: float, workdir: Path) -> dict[str, float]:
    """Microseconds of CPU per event in the producer and each consuming service, at `rate` events/s."""
    (workdir / f"cpu-{rate}").mkdir(parents=True, exist_ok=True)
    consumers = _consumers(running, workdir / f"cpu-{rate}")
    try:
        # Settled: joined their groups (a Kafka group takes seconds), caught up with what the bus held.
        deadline = time.monotonic() + 60
        while not asyncio.run(_consumed(running.url, CONSUMING_SERVICES)):
            if time.monotonic() > deadline:
                raise RuntimeError("the consumers did not join their groups")
            time.sleep(0.2)
        time.sleep(1.0)
        idle_from = {p.name: process_cpu(p.process.pid) for p in consumers}
        idle_started = time.monotonic()
        time.sleep(3.0)
        idle_rate = {
            p.name: (process_cpu(p.process.pid) - idle_from[p.name]) / (time.monotonic() - idle_started)
            for p in consumers
        }
        out = workdir / f"cpu-{rate}" / "producer.json"
        from_cpu = {p.name: process_cpu(p.process.pid) for p in consumers}
        started = time.monotonic()
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--produce",
            running.url_for("aggregator"),
            str(rate),
            str(seconds),
            str(out),
        ]
        producer = subprocess.Popen(command, env={**os.environ, "PYTHONPATH": str(ROOT)})
        if producer.wait(seconds * 2 + 120) != 0:
            raise RuntimeError("the producing process failed")
        deadline = time.monotonic() + 120
        while not asyncio.run(_consumed(running.url, CONSUMING_SERVICES)):
            if time.monotonic() > deadline:
                raise RuntimeError("the consumers did not catch up")
            time.sleep(0.1)
        elapsed = time.monotonic() - started
        produced = json.loads(out.read_text())
        events = produced["events"]
        figures = {"producer": (produced["cpu"] - produced["dry_cpu"]) / events * 1e6}
        for p in consumers:
            used = process_cpu(p.process.pid) - from_cpu[p.name] - idle_rate[p.name] * elapsed
            figures[p.name] = used / events * 1e6
    finally:
        for process in consumers:
            process.stop()
    figures["total"] = sum(figures.values())
    return {name: round(us) for name, us in figures.items()}


def in_turn(
    rounds: int, layer: Callable[[], float], bare: Callable[[], float], record: dict[str, list[float]]
) -> tuple[float, float]:
    """The median events/s of `layer()` and of `bare()`, each run `rounds` times in turn, the first of
    each pair alternating. A fresh broker's first reads are slow (Kafka's JVM spent about 150 ms more on
    the first consumption than on the next): one fixed order, layer first, charged that to the layer
    alone. Each run's figure goes into `record`."""
    runs: dict[str, list[float]] = {"layer": [], "bare": []}
    for n in range(rounds):
        pair = [("layer", layer), ("bare", bare)]
        for side, run in pair if n % 2 == 0 else reversed(pair):
            runs[side].append(round(run()))
    record.update(runs)
    return round(statistics.median(runs["layer"])), round(statistics.median(runs["bare"]))


def bench_backend(kind: str, events: int, workdir: Path, options: argparse.Namespace) -> Figures:
    running = start_private_bus(kind, workdir / kind)
    figures = Figures(kind, events)
    try:
        # First, while the topic is empty: the services' groups start from the oldest event kept.
        for rate in options.cpu_rate:
            figures.cpu_us_per_event[rate] = cpu_per_event(running, rate, options.cpu_seconds, workdir / kind)
            print(f"  {kind:<7} CPU us/event at {rate}/s: {figures.cpu_us_per_event[rate]}", flush=True)
        if options.cpu_only:
            return figures
        figures.publish_per_s, figures.bare_publish_per_s = in_turn(
            options.rounds,
            lambda: asyncio.run(pagemesh_publish(running, events, workdir)),
            lambda: asyncio.run(bare_publish(running, events)),
            figures.notes.setdefault("publish_rounds", {}),
        )
        figures.consume_per_s_per_group, figures.bare_consume_per_s_per_group = in_turn(
            options.rounds,
            lambda: asyncio.run(pagemesh_consume(running, events)),
            lambda: asyncio.run(bare_consume(running, events)),
            figures.notes.setdefault("consume_rounds", {}),
        )
        p50, p99, measured = asyncio.run(e2e(running, 1000, 5.0, workdir))
        figures.e2e_p50_ms, figures.e2e_p99_ms, figures.e2e_events = round(p50, 2), round(p99, 2), measured
    finally:
        running.stop()
    print(
        f"  {kind:<7} publish {figures.publish_per_s:>7}/s (bare {figures.bare_publish_per_s:>7}/s)  "
        f"consume {figures.consume_per_s_per_group:>7}/s per group "
        f"(bare {figures.bare_consume_per_s_per_group:>7}/s)  "
        f"e2e @1000/s p50 {figures.e2e_p50_ms} ms p99 {figures.e2e_p99_ms} ms",
        flush=True,
    )
    return figures


def table(results: list[Figures]) -> str:
    lines = [
        "| backend | publish ev/s | bare publish ev/s | layer/bare | consume ev/s per group (2 groups) "
        "| bare consume ev/s per group | layer/bare | e2e p50 ms @1000/s | e2e p99 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(
            f"| {r.backend} | {r.publish_per_s} | {r.bare_publish_per_s} | "
            f"{r.publish_per_s / max(1, r.bare_publish_per_s):.0%} | {r.consume_per_s_per_group} | "
            f"{r.bare_consume_per_s_per_group} | "
            f"{r.consume_per_s_per_group / max(1, r.bare_consume_per_s_per_group):.0%} | "
            f"{r.e2e_p50_ms} | {r.e2e_p99_ms} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--events", type=int, default=20_000, help="events per throughput run (default 20000)"
    )
    parser.add_argument("--backend", action="append", choices=KINDS, help="only these backends (repeatable)")
    parser.add_argument("--out", type=Path, default=ROOT / "artifacts" / "bench" / "bus.json")
    parser.add_argument(
        "--cpu-rate",
        type=int,
        action="append",
        help="steady rates (events/s) of the CPU-per-event runs (repeatable; default 200 and 1000)",
    )
    parser.add_argument(
        "--cpu-seconds", type=float, default=5.0, help="seconds of each CPU-per-event run (default 5)"
    )
    parser.add_argument("--cpu-only", action="store_true", help="only the CPU-per-event runs")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="throughput runs of the layer and of the bare client, in turn; medians reported (default 3)",
    )
    parser.add_argument(
        "--consume", nargs=4, metavar=("URL", "GROUP", "COUNT", "OUT"), help=argparse.SUPPRESS
    )
    parser.add_argument(
        "--produce", nargs=4, metavar=("URL", "RATE", "SECONDS", "OUT"), help=argparse.SUPPRESS
    )
    options = parser.parse_args(argv)
    if options.consume:
        url, group, count, out = options.consume
        run_event_loop(consume_latencies(url, group, int(count), Path(out)))
        return 0
    if options.produce:
        url, rate, seconds, out = options.produce
        run_event_loop(produce_steadily(url, int(rate), float(seconds), Path(out)))
        return 0
    options.cpu_rate = options.cpu_rate or [200, 1000]
    load = os.getloadavg()[0]
    print(f"pagemesh bus benchmark: {options.events} events per run; load average {load:.1f}", flush=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="pagemesh-bench-bus-") as workdir:
        for kind in options.backend or KINDS:
            results.append(bench_backend(kind, options.events, Path(workdir), options))
    options.out.parent.mkdir(parents=True, exist_ok=True)
    report = {"load_average_at_start": load, "results": [asdict(r) for r in results]}
    options.out.write_text(json.dumps(report, indent=2) + "\n")
    print()
    print(table(results))
    print(f"\nJSON: {options.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
