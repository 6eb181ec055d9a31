"""Page views through the whole mesh on each backend: the aggregator publishes, history and
recommendations consume, and neither crashes, broker restarts, a dead broker nor poison lose or double
anything. Real processes and brokers on loopback; the same assertions for SQLite, Redis and Kafka."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from pagemesh.bus import KINDS, Bus, Record, RunningBus, Schema, seal
from pagemesh.events.v1 import events_pb2
from pagemesh.runtime import SERVICES, free_port, pagemesh_command, process_alive
from tests.bus.events import ADDED_FIELD, CHANGED_TYPE, EVENTS_PROTO, marker
from tests.bus.mesh import (
    DEADLINE_MS,
    TOPIC,
    EventMesh,
    PageLoad,
    Served,
    distinct_views,
    expected_coviews,
)
from tests.harness import clean_environment, health
from tests.tools import ROOT

BROKERS = ["redis", "kafka"]
"""The backends with a broker process to restart or stop (the SQLite bus is a file)."""
KILL_AT = (700, 1300)
"""After how many of the 2,000 pages the history and then the recommendations consumer is killed."""


@pytest.fixture(scope="module", params=KINDS)
def mesh(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[EventMesh]:
    """The six services and an aggregator on one backend's session bus, fresh stores."""
    running_bus: RunningBus = request.getfixturevalue(f"{request.param}_bus")
    mesh = EventMesh(running_bus, tmp_path_factory.mktemp(f"mesh-{request.param}"))
    try:
        mesh.start()
        yield mesh
    finally:
        mesh.stop()


def _check_served(served: list[Served], within_deadline: bool = True) -> None:
    failed = [s for s in served if s.status != 200]
    assert not failed, f"{len(failed)} pages failed, e.g. {failed[:3]}"
    if within_deadline:
        late = [s for s in served if s.server_ms > DEADLINE_MS]
        assert not late, f"{len(late)} pages over the {DEADLINE_MS} ms deadline, e.g. {late[:3]}"


async def test_2000_page_views_with_consumers_killed_mid_batch(mesh: EventMesh) -> None:
    assert mesh.aggregator is not None
    await mesh.caught_up()  # whatever earlier tests left on the shared broker
    before = mesh.coviews()
    mark = marker()
    views = distinct_views(mark, users=200, per_user=10)
    load = PageLoad(mesh.aggregator, views)
    load.wait_for(KILL_AT[0])
    mesh.restart("history", signal.SIGKILL)
    load.wait_for(KILL_AT[1])
    mesh.restart("recommendations", signal.SIGKILL)
    served = load.join()
    assert len(served) == 2000
    _check_served(served, within_deadline=False)
    await mesh.caught_up()
    # Nothing lost, nothing applied twice: exactly the 2,000 (user, product) rows, and co-view counts
    # that match the views exactly (a view counted twice would add a viewer).
    assert mesh.history_rows(mark) == set(views)
    after = mesh.coviews()
    delta = after - before
    assert delta == expected_coviews(views)
    for _ in range(40):  # /statz reads the lag at most once a second
        stats = mesh.aggregator.stats()["events"]
        groups = {g["group"]: g for g in stats["groups"] or []}
        if all(g in groups and groups[g]["pending"] == 0 for g in ("history", "recommendations")):
            break
        await asyncio.sleep(0.25)
    assert stats["published"] >= 2000
    assert stats["relayed"] == stats["published"]
    assert stats["outbox_backlog"] == 0
    assert all(
        groups[g]["pending"] == 0 and groups[g]["consumed"] >= 2000 for g in ("history", "recommendations")
    )
    # The page shows what readers viewed together, with the new reason.
    user, product = views[0]
    status, _, body = mesh.aggregator.get(f"/products/{product}?user={user}")
    assert status == 200
    assert "who viewed this also viewed it" in body


@pytest.mark.parametrize("mesh", BROKERS, indirect=True)
def test_a_broker_restarted_mid_stream_loses_nothing(mesh: EventMesh) -> None:
    assert mesh.aggregator is not None
    assert mesh.bus.broker is not None
    mark = marker()
    views = distinct_views(mark, users=60, per_user=10)
    load = PageLoad(mesh.aggregator, views)
    load.wait_for(200)
    mesh.bus.broker.stop()
    mesh.bus.broker.start_again()
    served = load.join()
    _check_served(served, within_deadline=False)
    # Sync: a broker is (re)started from synchronous code, with its own event loop.
    asyncio.run(mesh.caught_up())
    assert mesh.history_rows(mark) == set(views)


@pytest.mark.parametrize("mesh", BROKERS, indirect=True)
def test_a_broker_down_for_10_s_never_slows_a_page(mesh: EventMesh) -> None:
    assert mesh.aggregator is not None
    assert mesh.bus.broker is not None
    mark = marker()
    views = distinct_views(mark, users=100, per_user=30, first_product=1)
    mesh.bus.broker.stop()
    try:
        served = PageLoad(mesh.aggregator, views, threads=4, seconds=10.0).join()
        # Read while the broker is still down: once it is back the relay empties the outbox in moments.
        backlog = mesh.aggregator.stats()["events"]["outbox_backlog"]
    finally:
        mesh.bus.broker.start_again()
    assert len(served) >= 50
    _check_served(served)  # every page served, none over its deadline
    assert backlog > 0
    # Sync: a broker is (re)started from synchronous code, with its own event loop.
    asyncio.run(mesh.caught_up())
    assert mesh.history_rows(mark) == {s.view for s in served}


async def test_poison_is_dead_lettered_and_the_events_behind_it_flow(mesh: EventMesh) -> None:
    mark = marker()
    bus = await Bus.connect(mesh.bus.url)
    try:
        schema = Schema.of(events_pb2.ProductViewed)
        garbage = b"\x00 not an envelope " + mark.encode()
        empty = events_pb2.ProductViewed(user_id=f"u-{mark}-0", request_id=f"{mark}-empty")
        await bus.backend.append([Record(TOPIC, "", garbage)])
        behind = [
            events_pb2.ProductViewed(user_id=f"u-{mark}-0", product_id=f"P{n:05d}", request_id=f"{mark}-{n}")
            for n in range(1, 21)
        ]
        await bus.publish([seal(e, schema, producer="test") for e in [empty, *behind]])
        await mesh.caught_up()
        assert mesh.history_rows(mark) == {(f"u-{mark}-0", f"P{n:05d}") for n in range(1, 21)}
        for group in ("history", "recommendations"):
            letters = [letter for letter in await bus.dead_letters(group) if mark.encode() in letter.value]
            reasons = sorted(letter.reason for letter in letters)
            assert len(letters) == 2, reasons
            assert any("not an event envelope" in r for r in reasons)
            assert any("needs a product_id" in r for r in reasons)
    finally:
        await bus.close()
    listed = _events(mesh, "dlq", "--group", "history", "--json")
    assert listed.returncode == 0, listed.stderr
    assert any(row["event_id"] == "-" for row in json.loads(listed.stdout))


def _events(mesh: EventMesh, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        pagemesh_command(["events", "--bus", mesh.bus.url, *args]),
        env=clean_environment(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_events_tail_and_lag_show_what_flows(mesh: EventMesh) -> None:
    assert mesh.aggregator is not None
    mark = marker()
    with subprocess.Popen(
        pagemesh_command(["events", "--bus", mesh.bus.url, "tail", "--count", "3"]),
        env=clean_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as tail:
        try:
            time.sleep(3.0)  # the tail starts at the end of the topic
            for n in range(1, 4):
                assert mesh.aggregator.get(f"/products/P{n:05d}?user=u-{mark}-tail")[0] == 200
            out, err = tail.communicate(timeout=60)
        finally:
            if tail.poll() is None:
                tail.kill()
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["payload"]["productId"] for line in lines] == ["P00001", "P00002", "P00003"], err
    assert all(line["type"] == "pagemesh.events.v1.ProductViewed" for line in lines)
    assert all(line["producer"] == "aggregator" and line["event_id"] for line in lines)
    lag = _events(mesh, "lag", "--json")
    assert lag.returncode == 0, lag.stderr
    groups = {row["group"] for row in json.loads(lag.stdout)}
    assert {"history", "recommendations"} <= groups


def test_events_register_refuses_a_breaking_change_as_make_compat_does(
    mesh: EventMesh, tmp_path: Path
) -> None:
    def variant(name: str, old: str, new: str) -> Path:
        module = tmp_path / name
        target = module / "pagemesh" / "events" / "v1" / "events.proto"
        target.parent.mkdir(parents=True)
        target.write_text(EVENTS_PROTO.read_text().replace(old, new))
        return module

    breaking = variant("breaking", *CHANGED_TYPE)
    refused = _events(mesh, "register", str(breaking), "--format", "json")
    assert refused.returncode == 100, refused.stderr
    assert "REFUSED" in refused.stderr
    findings = [json.loads(line) for line in refused.stdout.splitlines()]
    assert "FIELD_WIRE_COMPATIBLE_TYPE" in {f["type"] for f in findings}
    assert all(f["path"].endswith("breaking/pagemesh/events/v1/events.proto") for f in findings)
    # The same change fails the compat gate that `make compat` runs (buf.yaml's FILE rules).
    gate = subprocess.run(
        pagemesh_command(["compat", str(breaking), "--against", str(ROOT / "proto")]),
        capture_output=True,
        text=True,
        check=False,
    )
    assert gate.returncode == 100, gate.stdout + gate.stderr
    assert "product_id" in gate.stdout
    accepted = _events(mesh, "register", str(variant("compatible", *ADDED_FIELD)))
    assert accepted.returncode == 0, accepted.stderr
    assert "version" in accepted.stdout
    again = _events(mesh, "register", str(ROOT / "proto"))
    assert again.returncode == 0
    assert "already registered as version 1" in again.stdout


@pytest.mark.parametrize("kind", ["redis", "kafka"])
def test_pagemesh_up_with_a_private_broker(kind: str, tmp_path: Path) -> None:
    env = clean_environment()
    ports = {name: free_port() for name in (*SERVICES, "aggregator")}
    env.update({f"PAGEMESH_{name.upper()}_ADDR": f"127.0.0.1:{port}" for name, port in ports.items()})
    env.update({f"PAGEMESH_{name.upper()}_ADMIN_ADDR": f"127.0.0.1:{free_port()}" for name in ports})
    http = free_port()
    env["PAGEMESH_AGGREGATOR_HTTP_ADDR"] = f"127.0.0.1:{http}"
    with subprocess.Popen(
        pagemesh_command(["up", "--data-dir", str(tmp_path), "--bus", kind]),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as up:
        try:
            assert up.stdout is not None
            lines = []
            for line in up.stdout:
                lines.append(line)
                if "SERVING" in line:
                    break
            table = "".join(lines)
            assert f"{kind} on 127.0.0.1:" in table, table + (up.stderr.read() if up.stderr else "")
            assert health(f"127.0.0.1:{ports['history']}") == "SERVING"
            broker_pid = _broker_pid(tmp_path, kind)
            operator_url = (tmp_path / kind / "operator.url").read_text().strip()
            # The first pages of a cold mesh on a busy machine may miss their deadline (504): try again.
            deadline = time.monotonic() + 60
            page_url = f"http://127.0.0.1:{http}/products/P00007?user=u-up"
            while True:
                try:
                    with urllib.request.urlopen(page_url, timeout=30) as page:
                        assert page.status == 200
                        break
                except urllib.error.HTTPError as error:
                    if error.code != 504 or time.monotonic() > deadline:
                        raise
                    time.sleep(0.5)

            async def history_rows() -> int:
                bus = await Bus.connect(operator_url)
                try:
                    for _ in range(200):
                        lags = {lag.group: lag for lag in await bus.lag([TOPIC])}
                        if "history" in lags and lags["history"].pending == 0 and lags["history"].consumed:
                            return lags["history"].consumed
                        await asyncio.sleep(0.1)
                    return 0
                finally:
                    await bus.close()

            assert asyncio.run(history_rows()) >= 1
            up.send_signal(signal.SIGINT)
            assert up.wait(timeout=60) == 0
            deadline = time.monotonic() + 10
            while process_alive(broker_pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert not process_alive(broker_pid)
        finally:
            if up.poll() is None:
                up.kill()
                up.wait()


def _broker_pid(data_dir: Path, kind: str) -> int:
    """The private broker's process: Redis renames itself "redis-server 127.0.0.1:PORT" (the port is in
    the config pagemesh wrote); Kafka's JVM names its properties file."""
    if kind == "redis":
        config = (data_dir / "redis" / "redis.conf").read_text()
        port = next(line.split()[1] for line in config.splitlines() if line.startswith("port "))
        marks = (b"redis-server", f"127.0.0.1:{port}".encode())
    else:
        marks = (b"kafka.Kafka", str((data_dir / "kafka" / "server.properties").resolve()).encode())
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if all(mark in command for mark in marks) and b"python" not in command.split(b"\0")[0]:
                return int(entry.name)
    raise AssertionError(f"no {kind} broker for {data_dir} is running")
