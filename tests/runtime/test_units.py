"""Pagination, fault specs, settings and the event loop: the pure parts of the runtime."""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import time
from pathlib import Path

import pytest
import uvloop

from pagemesh.runtime import (
    DatabaseUrl,
    FaultSpec,
    InvalidArgumentError,
    PageSizePolicy,
    Settings,
    UnavailableError,
    decode_page_token,
    encode_page_token,
    free_port,
    grpc_target,
    override_address,
    paginate,
    parse_database_url,
    process_alive,
    run_event_loop,
)
from pagemesh.up import parse_injections


def test_page_size_policy_follows_aip_158() -> None:
    policy = PageSizePolicy(default=10, maximum=50)
    assert policy.resolve(0) == 10
    assert policy.resolve(7) == 7
    assert policy.resolve(51) == 50
    with pytest.raises(InvalidArgumentError, match="max_results must not be negative"):
        policy.resolve(-1, "max_results")


def test_tokens_round_trip_and_are_bound_to_their_query() -> None:
    token = encode_page_token(40, "reviews|P1|helpful")
    assert decode_page_token(token, "reviews|P1|helpful") == 40
    assert decode_page_token("", "anything") == 0
    for bad in (token[:-3], "!!!", encode_page_token(40, "reviews|P2|helpful")):
        with pytest.raises(InvalidArgumentError, match="page_token"):
            decode_page_token(bad, "reviews|P1|helpful")


async def test_paginate_walks_to_the_end() -> None:
    items = list(range(23))

    async def fetch(offset: int, limit: int) -> tuple[list[int], int]:
        return items[offset : offset + limit], len(items)

    seen: list[int] = []
    token = ""
    while True:
        page = await paginate(fetch, page_size=10, page_token=token, scope="s", policy=PageSizePolicy(5, 10))
        seen += page.items
        token = page.next_page_token
        if not token:
            break
    assert seen == items


def test_fault_specs_parse_and_print_back() -> None:
    spec = FaultSpec.parse(["latency=20", "error_rate=0.1,slow=1000@0.01"])
    assert spec == FaultSpec(latency_ms=20, error_rate=0.1, slow_ms=1000, slow_rate=0.01)
    assert FaultSpec.parse(spec.as_arguments()) == spec
    for bad, message in [
        ("latency", "KEY=VALUE"),
        ("error_rate=2", "from 0 to 1"),
        ("slow=5", "MS@P"),
        ("fail_first=0.5", "whole number"),
        ("x=1", "unknown"),
    ]:
        with pytest.raises(InvalidArgumentError, match=message):
            FaultSpec.parse([bad])


async def test_fail_first_fails_the_first_calls_then_lets_them_through() -> None:
    spec = FaultSpec.parse(["fail_first=2"])
    assert spec.active
    assert spec.as_arguments() == ["fail_first=2"]
    rng = random.Random(0)
    for call in (1, 2):
        with pytest.raises(UnavailableError, match=f"fail_first=2 \\(call {call}\\)"):
            await spec.apply(rng, call)
    await spec.apply(rng, 3)  # the third call goes through


def test_injections_for_all_and_one_service() -> None:
    specs = parse_injections(["all:latency=20", "reviews:error_rate=0.5"])
    assert specs["product"] == FaultSpec(latency_ms=20)
    assert specs["reviews"] == FaultSpec(latency_ms=20, error_rate=0.5)


def test_settings_read_the_environment_once() -> None:
    settings = Settings.from_environment(
        {
            "PAGEMESH_REVIEWS_ADDR": "127.0.0.1:6055",
            "PAGEMESH_DATA_DIR": "/data",
            "PAGEMESH_HISTORY_DB": "/elsewhere/h.db",
            "PAGEMESH_LOG_LEVEL": "warning",
        }
    )
    assert settings.addresses["reviews"] == "127.0.0.1:6055"
    assert settings.addresses["product"] == "127.0.0.1:50051"
    assert settings.database("product").path == Path("/data/product.sqlite3")
    assert settings.database("history").path == Path("/elsewhere/h.db")
    assert settings.log_level == "WARNING"
    with pytest.raises(InvalidArgumentError, match="PAGEMESH_GRACE_SECONDS"):
        Settings.from_environment({"PAGEMESH_GRACE_SECONDS": "soon"})
    with pytest.raises(InvalidArgumentError, match="HOST:PORT"):
        Settings.from_environment({"PAGEMESH_PRODUCT_ADDR": "localhost"})


def test_database_urls_name_a_sqlite_file_or_a_postgresql_database() -> None:
    assert parse_database_url("var/p.db") == DatabaseUrl("sqlite", path=Path("var/p.db"))
    assert parse_database_url("sqlite:///rel.db").path == Path("rel.db")
    assert parse_database_url("sqlite:////abs/p.db").path == Path("/abs/p.db")
    url = parse_database_url("postgresql://reviews:s3cret@127.0.0.1:5432/pagemesh_reviews")
    assert url.scheme == "postgresql"
    assert url.redacted == "postgresql://reviews:***@127.0.0.1:5432/pagemesh_reviews"
    assert "s3cret" not in url.redacted
    settings = Settings.from_environment({"PAGEMESH_REVIEWS_DB": url.dsn})
    assert settings.database("reviews") == url
    for bad, message in [
        ("mysql://x/y", "unknown scheme 'mysql'"),
        ("postgresql://host:5432", "names no database"),
        ("postgresql://host:port/db", "port"),
        ("sqlite://", "sqlite:///PATH"),
    ]:
        with pytest.raises(InvalidArgumentError, match=message):
            parse_database_url(bad)
    with pytest.raises(InvalidArgumentError, match="PAGEMESH_PRODUCT_DB"):
        Settings.from_environment({"PAGEMESH_PRODUCT_DB": "redis://x"})


def test_an_address_may_list_replicas() -> None:
    settings = Settings.from_environment({"PAGEMESH_REVIEWS_ADDR": "127.0.0.1:6055, 127.0.0.1:6155"})
    assert settings.addresses["reviews"] == "127.0.0.1:6055"
    assert settings.addresses_of("reviews") == ("127.0.0.1:6055", "127.0.0.1:6155")
    assert settings.addresses_of("product") == ("127.0.0.1:50051",)
    assert grpc_target(settings.addresses_of("reviews")) == "ipv4:127.0.0.1:6055,127.0.0.1:6155"
    assert grpc_target(["[::1]:1", "[::1]:2"]) == "ipv6:[::1]:1,[::1]:2"
    assert grpc_target(["reviews.default.svc:50055"]) == "reviews.default.svc:50055"
    with pytest.raises(InvalidArgumentError, match="IP addresses"):
        grpc_target(["localhost:1", "localhost:2"])
    with pytest.raises(InvalidArgumentError, match="HOST:PORT"):
        Settings.from_environment({"PAGEMESH_REVIEWS_ADDR": "127.0.0.1:1,nope"})
    dns = "dns://127.0.0.1:5353/reviews.pagemesh.test:50055"
    assert (
        grpc_target(Settings.from_environment({"PAGEMESH_REVIEWS_ADDR": dns}).addresses_of("reviews")) == dns
    )
    with pytest.raises(InvalidArgumentError, match="HOST:PORT"):
        Settings.from_environment({"PAGEMESH_REVIEWS_ADDR": "dns://127.0.0.1:5353/reviews"})


def test_free_port_never_hands_out_a_port_twice() -> None:
    ports = [free_port() for _ in range(200)]
    assert len(set(ports)) == len(ports)


def test_servers_run_on_uvloop() -> None:
    async def loop_type() -> type:
        return type(asyncio.get_running_loop())

    assert run_event_loop(loop_type()) is uvloop.Loop


def test_override_address_replaces_host_or_port_and_checks_the_result() -> None:
    assert override_address("127.0.0.1:50051") == "127.0.0.1:50051"
    assert override_address("127.0.0.1:50051", port=6000) == "127.0.0.1:6000"
    assert override_address("127.0.0.1:50051", host="0.0.0.0") == "0.0.0.0:50051"
    assert override_address("[::1]:50051", port=0) == "[::1]:0"
    assert override_address("127.0.0.1:50051", host="::1") == "[::1]:50051"
    with pytest.raises(InvalidArgumentError, match="65535"):
        override_address("127.0.0.1:50051", port=70000)


def test_up_takes_several_faults_per_service_as_serve_does() -> None:
    both = parse_injections(["reviews:latency=5,error_rate=0.1"])
    assert both["reviews"] == FaultSpec.parse(["latency=5,error_rate=0.1"])
    assert both["reviews"].as_arguments() == ["latency=5", "error_rate=0.1"]


def test_process_alive_tells_a_zombie_and_a_reaped_process_from_a_live_one() -> None:
    assert process_alive(os.getpid())
    child = subprocess.Popen(["true"])
    deadline = time.monotonic() + 5
    while Path(f"/proc/{child.pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z":
        assert time.monotonic() < deadline, "the child did not exit"
        time.sleep(0.01)
    assert not process_alive(child.pid)  # exited, not yet reaped
    child.wait()
    assert not process_alive(child.pid)
