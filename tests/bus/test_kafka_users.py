"""The private Kafka's users: each part may do its own part only (SCRAM logins, ACLs), as on Redis."""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import GroupAuthorizationFailedError, TopicAuthorizationFailedError

from pagemesh.bus import (
    Bus,
    BusConfigError,
    BusPermissionError,
    Record,
    RunningBus,
    Schema,
    kafka_acls,
    kafka_url,
    parse_bus_url,
    seal,
    start_private_bus,
    topic_of,
)
from pagemesh.events.v1 import events_pb2
from pagemesh.runtime import pagemesh_command
from tests.bus.events import marker, views
from tests.harness import clean_environment

TOPIC = topic_of(events_pb2.ProductViewed.DESCRIPTOR.full_name)
REGISTRY = "_pagemesh_schemas"


def _login(url: str) -> dict[str, Any]:
    """aiokafka's options for the user of a bus URL."""
    parsed = parse_bus_url(url)
    return {
        "bootstrap_servers": parsed.bootstrap,
        "security_protocol": "SASL_PLAINTEXT",
        "sasl_mechanism": "SCRAM-SHA-256",
        "sasl_plain_username": parsed.username,
        "sasl_plain_password": parsed.password,
    }


@contextlib.asynccontextmanager
async def _producer(url: str) -> AsyncIterator[AIOKafkaProducer]:
    producer = AIOKafkaProducer(**_login(url), request_timeout_ms=10_000)
    await producer.start()
    try:
        yield producer
    finally:
        await producer.stop()


async def _read(url: str, topic: str, group: str | None) -> None:
    """Reads `topic` as the user of `url` (through `group`, if given) until the broker answers."""
    consumer = AIOKafkaConsumer(**_login(url), group_id=group, auto_offset_reset="earliest")
    await consumer.start()
    try:
        if group is None:
            consumer.assign([TopicPartition(topic, 0)])
        else:
            consumer.subscribe([topic])
        for _ in range(20):
            await consumer.getmany(timeout_ms=500)
    finally:
        await consumer.stop()


async def _visible(url: str) -> set[str]:
    """The topics the user of `url` may know of."""
    admin = AIOKafkaAdminClient(**_login(url), request_timeout_ms=10_000)
    await admin.start()
    try:
        return set(await admin.list_topics())
    finally:
        await admin.close()


async def _caught_up(bus: Bus, group: str) -> Any:
    """Joins `group` and acknowledges everything on the topic so far; returns the subscription."""
    subscription = await bus.subscribe(group, f"c-{marker()}", [events_pb2.ProductViewed])
    for _ in range(200):
        fetched = await subscription.fetch(1000, 1.0)
        await subscription.ack(fetched)
        if not fetched:
            return subscription
    raise AssertionError(f"group {group} did not catch up")


def test_each_part_gets_its_own_kafka_user(kafka_bus: RunningBus) -> None:
    urls = {part: parse_bus_url(kafka_bus.url_for(part)) for part in ("aggregator", "history", "registry")}
    assert {url.username for url in urls.values()} == {"aggregator", "history", "registry"}
    assert len({url.password for url in urls.values()}) == 3
    assert parse_bus_url(kafka_bus.url).username == "operator"
    assert kafka_bus.url_for("catalog") == "none"


async def test_each_kafka_user_may_do_only_its_part(kafka_bus: RunningBus) -> None:
    schema = Schema.of(events_pb2.ProductViewed)
    event = seal(views(marker(), 1)[0], schema, producer="aggregator")
    aggregator_url, history_url = kafka_bus.url_for("aggregator"), kafka_bus.url_for("history")
    registry_url = kafka_bus.url_for("registry")
    history = await Bus.connect(history_url)
    aggregator = await Bus.connect(aggregator_url)
    operator = await Bus.connect(kafka_bus.url)
    try:
        # A consumer reads through its own group and dead-letters into its own topic.
        subscription = await _caught_up(history, "history")
        try:
            # The producer publishes, and sees its consumers' lag (offsets: counts, never contents).
            await aggregator.publish([event, event])
            (lag,) = [lag for lag in await aggregator.lag([TOPIC]) if lag.group == "history"]
            assert lag.pending == 2
            assert lag.oldest_age is not None
            assert 0 <= lag.oldest_age < 60
            fetched = await subscription.fetch(10, 5.0)
            assert len(fetched) == 2
            await subscription.dead_letter(fetched[0], "test", 1)
            await subscription.ack(fetched[1:])
        finally:
            await subscription.close()
        letters = await operator.dead_letters("history")
        assert [letter.reason for letter in letters][-1:] == ["test"]
        await operator.backend.remove_dead_letters(letters)

        # ... and may not publish events, nor read through another service's group.
        with pytest.raises(BusPermissionError, match="user 'history' may not append events"):
            await history.publish([event])
        other = await history.subscribe("recommendations", "intruder", [events_pb2.ProductViewed])
        try:
            with pytest.raises(BusPermissionError, match="user 'history' may not fetch as group 'recommen"):
                await other.fetch(10, 2.0)
        finally:
            await other.close()
        async with _producer(history_url) as producer:
            for topic in (TOPIC, "pagemesh.dlq.recommendations", REGISTRY):
                with pytest.raises(TopicAuthorizationFailedError):
                    await producer.send_and_wait(topic, b"x")

        # The producer may not consume, through a group or without one, nor write anywhere else.
        with pytest.raises(GroupAuthorizationFailedError):
            await _read(aggregator_url, TOPIC, "history")
        with pytest.raises(TopicAuthorizationFailedError):
            await _read(aggregator_url, TOPIC, None)
        async with _producer(aggregator_url) as producer:
            for topic in ("pagemesh.dlq.history", REGISTRY):
                with pytest.raises(TopicAuthorizationFailedError):
                    await producer.send_and_wait(topic, b"x")

        # Nobody but the operator (and the registry, its own topic) creates topics.
        with pytest.raises(BusPermissionError, match="user 'aggregator' may not create the topic"):
            await aggregator.backend.append([Record(f"new-{marker()}", "", b"")])

        # The registry writer touches the registry only.
        registrar = await Bus.connect(registry_url)
        try:
            assert [v.subject for v in await registrar.registry.versions()]
        finally:
            await registrar.close()
        async with _producer(registry_url) as producer:
            with pytest.raises(TopicAuthorizationFailedError):
                await producer.send_and_wait(TOPIC, b"x")

        # Nobody sees a topic it has no business with (Kafka answers as if it did not exist). Kafka's READ
        # on a topic lets a consumer read it without a group too: it cannot join or commit for another.
        assert await _visible(aggregator_url) == {TOPIC, REGISTRY}
        assert await _visible(history_url) == {TOPIC, REGISTRY, "pagemesh.dlq.history"}
        assert await _visible(registry_url) == {REGISTRY}
    finally:
        for bus in (history, aggregator, operator):
            await bus.close()


async def test_a_wrong_kafka_password_says_so(kafka_bus: RunningBus) -> None:
    url = parse_bus_url(kafka_bus.url_for("history"))
    wrong = url.text.replace(f":{url.password}@", ":not-the-password@")
    with pytest.raises(BusPermissionError, match="refused the credentials of user 'history'") as refused:
        await Bus.connect(wrong)
    assert "not-the-password" not in refused.value.message


def test_a_kafka_url_names_a_user_with_a_password() -> None:
    url = parse_bus_url("kafka://history:s%2Fcret@127.0.0.1:9092,127.0.0.2:9093")
    assert (url.username, url.password, url.bootstrap) == (
        "history",
        "s/cret",
        "127.0.0.1:9092,127.0.0.2:9093",
    )
    assert "s%2Fcret" not in str(url)
    assert parse_bus_url("kafka://127.0.0.1:9092").username == ""
    with pytest.raises(BusConfigError, match="needs a password"):
        parse_bus_url("kafka://history@127.0.0.1:9092")


def test_a_kafka_started_again_gets_new_passwords_and_the_old_ones_stop_working(tmp_path: Path) -> None:
    first = start_private_bus("kafka", tmp_path)
    try:
        old = parse_bus_url(first.url_for("history"))
    finally:
        first.stop()
    again = start_private_bus("kafka", tmp_path)
    try:
        new = parse_bus_url(again.url_for("history"))
        assert new.password != old.password
        # The old password at the broker's new address: refused, where the new one works.
        stale = kafka_url("history", old.password, *new.hosts[0])

        async def check() -> None:
            with pytest.raises(BusPermissionError, match="refused the credentials of user 'history'"):
                await Bus.connect(stale)
            bus = await Bus.connect(new.text)
            try:
                assert TOPIC in await bus.topics()
                await (await bus.subscribe("history", "again", [events_pb2.ProductViewed])).close()
            finally:
                await bus.close()

        asyncio.run(check())
    finally:
        again.stop()


def test_events_users_writes_the_same_users_for_a_kafka_pagemesh_does_not_start(tmp_path: Path) -> None:
    out = tmp_path / "bus"
    command = ["events", "users", "--kind", "kafka", "--host", "kafka.bus", "--out", str(out)]
    made = subprocess.run(
        pagemesh_command(command),
        env=clean_environment(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    assert {p.name: p.stat().st_mode & 0o777 for p in out.iterdir()} == dict.fromkeys(
        ("users.sh", "parts.env", "operator.url"), 0o600
    )
    urls = {
        user: parse_bus_url(url)
        for user, url in (line.split("=", 1) for line in (out / "parts.env").read_text().splitlines())
    }
    assert set(urls) == {"registry", "aggregator", "history", "recommendations"}
    assert all(u.username == user and u.bootstrap == "kafka.bus:9092" for user, u in urls.items())
    assert parse_bus_url((out / "operator.url").read_text().strip()).username == "operator"
    # Run with stand-ins for Kafka's tools that record their arguments: what a super user's run does.
    tools = tmp_path / "bin"
    tools.mkdir()
    for tool in ("kafka-configs.sh", "kafka-topics.sh", "kafka-acls.sh"):
        (tools / tool).write_text(f'#!/bin/sh\necho {tool} "$@" >> "{tmp_path}/calls"\n')
        (tools / tool).chmod(0o700)
    env = {"PATH": "/usr/bin:/bin", "KAFKA_BIN": str(tools), "ADMIN_CONFIG": "/dev/null"}
    ran = subprocess.run(
        ["sh", str(out / "users.sh")], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert ran.returncode == 0, ran.stderr
    calls = (tmp_path / "calls").read_text().splitlines()
    assert all("--bootstrap-server kafka.bus:9092 --command-config /dev/null" in call for call in calls)
    configs = [call for call in calls if call.startswith("kafka-configs.sh")]
    for user, url in (*urls.items(), ("operator", parse_bus_url((out / "operator.url").read_text().strip()))):
        assert any(f"--entity-name {user} " in c and f"password={url.password}]" in c for c in configs)
    topics = {call.split("--topic ")[1].split()[0] for call in calls if call.startswith("kafka-topics.sh")}
    assert topics == {"_pagemesh_schemas", TOPIC, "pagemesh.dlq.history", "pagemesh.dlq.recommendations"}
    acls = [call for call in calls if call.startswith("kafka-acls.sh")]
    assert len(acls) == len(kafka_acls())
    for acl in kafka_acls():
        expected = (
            f"--allow-principal User:{acl.user} --operation {acl.operation.capitalize()} --{acl.resource}"
        )
        assert any(f"{expected} {acl.name}" in call for call in acls), acl
    # The same users as the private Kafka's: every part's own group only.
    assert {(a.user, a.name) for a in kafka_acls() if a.resource == "group" and a.operation == "read"} == {
        ("history", "history"),
        ("recommendations", "recommendations"),
    }
