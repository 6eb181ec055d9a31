"""Stateless replicas behind the aggregator's round_robin: a dead one costs no page, a new one gets calls."""

from __future__ import annotations

import signal
import time
from pathlib import Path

from pagemesh.runtime._server import MAX_CONNECTION_AGE_MS
from tests.aggregator.procs import start_aggregator
from tests.harness import Mesh, free_port, log_entries, start_service
from tests.storage.dns import loopback_dns
from tests.storage.load import page_load


def _calls(server_log: str) -> int:
    return server_log.count('"event": "call"')


def test_three_reviews_replicas_lose_no_page_to_kill_9_and_a_new_one_gets_calls(
    mesh: Mesh, tmp_path: Path
) -> None:
    replicas = [
        start_service("reviews", tmp_path, database=str(tmp_path / "reviews.sqlite3")) for _ in range(3)
    ]
    later_port = free_port()
    addresses = [r.address for r in replicas] + [f"127.0.0.1:{later_port}"]
    aggregator = start_aggregator(
        tmp_path, {**mesh.environment(), "PAGEMESH_REVIEWS_ADDR": ",".join(addresses)}
    )
    later = None
    try:
        with page_load(aggregator.address) as load:
            time.sleep(2)
            # Every running replica has its share of the calls.
            assert all(_calls(r.log()) > 0 for r in replicas)
            killed_at = time.monotonic()
            replicas[1].process.send_signal(signal.SIGKILL)
            time.sleep(3)
            during = load.since(killed_at)
            later = start_service(
                "reviews", tmp_path, port=later_port, database=str(tmp_path / "reviews.sqlite3")
            )
            joined = time.monotonic()
            # A replica that joins gets calls within the maximum connection age (plus a margin).
            limit = MAX_CONNECTION_AGE_MS / 1000 + 5
            while not log_entries(later, "call", timeout=0.5) and time.monotonic() - joined < limit:
                time.sleep(0.1)
            assert log_entries(later, "call", timeout=0), f"the new replica got no call within {limit:g} s"
        assert len(during) > 10
        assert [o for o in during if o.code != "OK"] == []
        # Calls that failed on the dead replica were retried on another: no reviews section lost to it.
        assert [o for o in during if o.degraded.get("SECTION_REVIEWS") == "UNAVAILABLE"] == []
        assert replicas[0].running()
        assert replicas[2].running()
    finally:
        aggregator.stop()
        for replica in [*replicas, *([later] if later else [])]:
            replica.stop()


def test_a_replica_that_joins_a_dns_name_gets_calls_within_the_maximum_connection_age(
    mesh: Mesh, tmp_path: Path
) -> None:
    """As behind a Kubernetes headless Service: one name, an address per replica, the same port.

    The aggregator resolves the name again only when a connection ends; the servers end each after
    `max_connection_age` (gRFC A9), so a replica that joins is found within about that long.
    """
    port = free_port()
    name = "reviews.pagemesh.test"
    database = str(tmp_path / "reviews.sqlite3")
    with loopback_dns({name: ["127.0.0.2", "127.0.0.3"]}) as dns:
        replicas = [
            start_service("reviews", tmp_path, port=port, host=host, database=database)
            for host in ("127.0.0.2", "127.0.0.3")
        ]
        aggregator = start_aggregator(
            tmp_path, {**mesh.environment(), "PAGEMESH_REVIEWS_ADDR": dns.target(name, port)}
        )
        joining = None
        try:
            with page_load(aggregator.address, workers=2):
                time.sleep(2)
                assert all(_calls(r.log()) > 0 for r in replicas), "round_robin did not use both addresses"
                joining = start_service("reviews", tmp_path, port=port, host="127.0.0.4", database=database)
                dns.records[name].append("127.0.0.4")
                joined = time.monotonic()
                # +10% jitter on the age, its grace for calls in flight, and a margin for a busy machine.
                limit = MAX_CONNECTION_AGE_MS / 1000 * 1.1 + 5 + 5
                while not log_entries(joining, "call", timeout=0.5):
                    assert time.monotonic() - joined < limit, (
                        f"the joining replica got no call in {limit:g} s"
                    )
                    time.sleep(0.5)
            assert dns.queries >= 2
        finally:
            aggregator.stop()
            for replica in [*replicas, *([joining] if joining else [])]:
                replica.stop()
