"""The bus layer, the same assertions on each backend (SQLite, Redis Streams, Kafka) on real brokers."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import redis.asyncio as aioredis

from compat import load_image, parse_input
from pagemesh.bus import (
    Bus,
    IncompatibleSchemaError,
    Publisher,
    Record,
    RunningBus,
    Schema,
    StoredSchema,
    UnregisteredSchemaError,
    event_schemas,
    message_class,
    parse_bus_url,
    seal,
    topic_of,
)
from pagemesh.bus._names import redis_stream
from pagemesh.events.v1 import events_pb2
from tests.bus.events import (
    ADDED_FIELD,
    BOT_FIELD,
    CHANGED_TYPE,
    Collector,
    contract_variant,
    eventually,
    marker,
    start_consumer,
    views,
    with_options,
)
from tests.tools import ROOT

TOPIC = topic_of(events_pb2.ProductViewed.DESCRIPTOR.full_name)


async def _publisher(running_bus: RunningBus, outbox: Path) -> Publisher:
    publisher = Publisher(
        parse_bus_url(running_bus.url_for("aggregator")),
        producer="aggregator",
        outbox_dir=outbox,
        types=[events_pb2.ProductViewed],
    )
    await publisher.start(wait=30)
    return publisher


async def test_every_group_gets_every_event_through_the_outbox(
    running_bus: RunningBus, tmp_path: Path
) -> None:
    mark = marker()
    publisher = await _publisher(running_bus, tmp_path)
    collectors = {f"first-{mark}": Collector(mark), f"second-{mark}": Collector(mark)}
    consumers = [start_consumer(running_bus.url, group, c) for group, c in collectors.items()]
    try:
        sent = views(mark, 300)
        ids = {publisher.publish(view, key=view.user_id) for view in sent}
        await eventually(lambda: all(len(c.events) >= 300 for c in collectors.values()), what="delivery")
        for collector in collectors.values():
            assert sorted(collector.request_ids) == sorted(v.request_id for v in sent)
            assert {e.event_id for e in collector.events} == ids
            event = collector.events[0]
            assert event.producer == "aggregator"
            assert event.fingerprint == Schema.of(events_pb2.ProductViewed).fingerprint
        assert publisher.stats()["outbox_backlog"] == 0
        bus = await Bus.connect(running_bus.url)
        try:
            for _ in range(100):
                lags = {lag.group: lag for lag in await bus.lag([TOPIC])}
                if all(lags[group].pending == 0 for group in collectors):
                    break
                await asyncio.sleep(0.1)
            for group in collectors:
                assert lags[group].pending == 0
                assert lags[group].oldest_age is None
                assert lags[group].consumed >= 300
        finally:
            await bus.close()
    finally:
        for consumer in consumers:
            await consumer.stop()
        await publisher.close()


async def test_events_a_consumer_did_not_acknowledge_go_to_another(running_bus: RunningBus) -> None:
    mark = marker()
    url = with_options(running_bus.url, lease=1)
    group = f"handover-{mark}"
    bus = await Bus.connect(url)
    schema = Schema.of(events_pb2.ProductViewed)
    try:
        first = await bus.subscribe(group, f"first-{mark}", [events_pb2.ProductViewed])
        await bus.publish([seal(view, schema, producer="test") for view in views(mark, 20)])
        taken = []
        for _ in range(100):
            taken += [d for d in await first.fetch(500, 0.5) if mark.encode() in d.value]
            if len(taken) >= 20:
                break
        assert len(taken) == 20
        if running_bus.kind == "kafka":
            # A Kafka member hands its partitions over by leaving (or by its session timing out).
            await first.close()
        second = await bus.subscribe(group, f"second-{mark}", [events_pb2.ProductViewed])
        again = []
        for _ in range(200):
            fetched = await second.fetch(500, 0.5)
            await second.ack(fetched)
            again += [d for d in fetched if mark.encode() in d.value]
            if len(again) >= 20:
                break
        assert sorted(d.value for d in again) == sorted(d.value for d in taken)
        if running_bus.kind != "kafka":
            assert {d.attempts for d in again} == {2}
            await first.close()
        await second.close()
    finally:
        await bus.close()


async def test_a_poison_event_is_dead_lettered_and_the_rest_flow(running_bus: RunningBus) -> None:
    mark = marker()
    url = with_options(running_bus.url, max_attempts=3)
    group = f"poison-{mark}"
    healed = False
    collector = Collector(mark, fail_on=lambda view: view.request_id == f"{mark}-poison" and not healed)
    consumer = start_consumer(url, group, collector)
    bus = await Bus.connect(url)
    schema = Schema.of(events_pb2.ProductViewed)
    try:
        before = views(mark, 10)
        poison = events_pb2.ProductViewed(product_id="P00001", user_id="u-x", request_id=f"{mark}-poison")
        after = views(mark, 20)[10:]
        await bus.publish([seal(v, schema, producer="test") for v in [*before, poison, *after]])
        await bus.backend.append([Record(TOPIC, "", b"\xff not an envelope " + mark.encode())])
        await eventually(
            lambda: len(collector.events) >= 20 and consumer.dead_lettered >= 2, what="dead letters"
        )
        assert sorted(collector.request_ids) == sorted(v.request_id for v in [*before, *after])
        letters = await bus.dead_letters(group)
        assert len(letters) == 2
        by_reason = {"envelope" in letter.reason: letter for letter in letters}
        assert by_reason[False].attempts == 3
        assert "the handler refuses this event" in by_reason[False].reason
        assert events_pb2.Envelope.FromString(by_reason[False].value).event_id
        assert by_reason[True].value.endswith(mark.encode())
        # Replay once the handler is fixed: the poison event is applied; the garbage fails again.
        healed = True
        assert await bus.replay(group) == 2
        await eventually(lambda: f"{mark}-poison" in collector.request_ids, what="replayed event handled")
        await eventually(lambda: consumer.dead_lettered >= 3, what="garbage dead-lettered again")
        remaining = await bus.dead_letters(group)
        assert [letter.value for letter in remaining] == [by_reason[True].value]
        # Nothing left pending: a poison event after good ones in one batch (the replayed garbage, on
        # Kafka) must not leave their offsets uncommitted, nor commit past them.
        for _ in range(100):
            (lag,) = [lag for lag in await bus.lag([TOPIC]) if lag.group == group]
            if lag.pending == 0:
                break
            await asyncio.sleep(0.1)
        assert lag.pending == 0
    finally:
        await consumer.stop()
        await bus.close()


async def test_the_registry_refuses_breaking_schemas_and_an_old_consumer_reads_new_events(
    running_bus: RunningBus, tmp_path: Path
) -> None:
    bus = await Bus.connect(running_bus.url)
    try:
        current = await bus.registry.register(Schema.of(events_pb2.ProductViewed))
        assert current.version == 1
        assert not current.created  # the mesh registered it when the bus started
        breaking = contract_variant(tmp_path / "breaking", *CHANGED_TYPE)
        with pytest.raises(IncompatibleSchemaError) as refused:
            await bus.registry.register(breaking)
        rules = {finding.rule for finding in refused.value.findings}
        assert "FIELD_WIRE_COMPATIBLE_TYPE" in rules
        assert "product_id" in refused.value.message
        for finding in refused.value.findings:
            assert finding.path is not None
            assert finding.path.endswith("events.proto")
            assert finding.start_line > 1

        newer = contract_variant(tmp_path / "compatible", *ADDED_FIELD)
        registration = await bus.registry.register(newer)
        assert registration.created or registration.version >= 2
        # An event written with the newer schema, read by a consumer built against v1.
        mark = marker()
        newer_class = message_class(newer)
        payload = newer_class(
            product_id="P00042", user_id=f"u-{mark}", request_id=f"{mark}-new", campaign="spring"
        )
        collector = Collector(mark)
        consumer = start_consumer(running_bus.url, f"old-reader-{mark}", collector)
        try:
            await bus.publish([seal(payload, newer, producer="test")])
            await eventually(lambda: len(collector.events) == 1, what="the newer event")
            old_view = collector.events[0].payload
            assert isinstance(old_view, events_pb2.ProductViewed)
            assert (old_view.product_id, old_view.request_id) == ("P00042", f"{mark}-new")
            assert collector.events[0].fingerprint == newer.fingerprint
            # The field v1 does not know is kept, not lost, if the old consumer passes the event on.
            passed_on: Any = newer_class.FromString(old_view.SerializeToString())
            assert passed_on.campaign == "spring"
        finally:
            await consumer.stop()
    finally:
        await bus.close()


async def test_publishing_an_unregistered_schema_is_refused(running_bus: RunningBus, tmp_path: Path) -> None:
    unregistered = contract_variant(tmp_path, *BOT_FIELD)
    newer_class = message_class(unregistered)
    bus = await Bus.connect(running_bus.url)
    try:
        with pytest.raises(UnregisteredSchemaError, match="not registered"):
            await bus.publish([seal(newer_class(product_id="P00001"), unregistered, producer="test")])
    finally:
        await bus.close()
    publisher = Publisher(
        parse_bus_url(running_bus.url_for("aggregator")),
        producer="aggregator",
        outbox_dir=tmp_path / "outbox",
        types=[newer_class],
    )
    await publisher.start(wait=10)
    try:
        with pytest.raises(UnregisteredSchemaError, match="pagemesh events register"):
            publisher.publish(newer_class(product_id="P00001"))
        assert publisher.stats()["refused"] == 1
    finally:
        await publisher.close()


async def test_the_registry_checks_a_new_version_against_every_earlier_one(tmp_path: Path) -> None:
    """Transitive: a version compatible with the latest but not with an older one is refused."""
    bus = await Bus.connect(f"sqlite:///{tmp_path / 'bus.sqlite3'}")
    try:
        v1 = Schema.of(events_pb2.ProductViewed)
        await bus.registry.register(v1)
        # Version 2 made the title bytes (a JSON break); suppose it got in before the gate existed.
        v2 = contract_variant(tmp_path / "v2", "  string product_title = 6;", "  bytes product_title = 6;")
        assert await bus.backend.add_schema(StoredSchema(v2.type_name, 2, v2.fingerprint, v2.to_bytes(), 0.0))
        v3 = contract_variant(
            tmp_path / "v3", "  string product_title = 6;", "  bytes product_title = 6;\n  bool bot = 9;"
        )
        with pytest.raises(IncompatibleSchemaError, match="versions 1, 2") as refused:
            await bus.registry.register(v3)
        assert {f.rule for f in refused.value.findings} == {"FIELD_WIRE_JSON_COMPATIBLE_TYPE"}
    finally:
        await bus.close()


async def test_the_same_contract_has_one_fingerprint_compiled_or_generated() -> None:
    image, _ = load_image(parse_input(str(ROOT / "proto")))
    (compiled,) = event_schemas(image)
    assert compiled.fingerprint == Schema.of(events_pb2.ProductViewed).fingerprint
    assert compiled.type_name == "pagemesh.events.v1.ProductViewed"


async def test_a_redis_group_whose_lag_redis_cannot_tell_is_counted_not_zero(redis_bus: RunningBus) -> None:
    topic = f"lag-unknown-{marker()}"
    key = redis_stream(topic)
    client = aioredis.from_url(redis_bus.url.partition("?")[0])
    try:
        ids = [await client.xadd(key, {b"e": b"x"}) for _ in range(5)]
        await client.xgroup_create(key, "readers", id="0")
        await client.xreadgroup("readers", "one", {key: ">"}, count=2)
        # A deletion ahead of the group's position makes Redis report its lag as unknown (nil).
        await client.xdel(key, ids[3])
        (info,) = await client.xinfo_groups(key)
        assert info["lag"] is None
        bus = await Bus.connect(parse_bus_url(redis_bus.url))
        try:
            (lag,) = await bus.lag([topic])
        finally:
            await bus.close()
        assert (lag.group, lag.pending) == ("readers", 2 + 2)  # two delivered, two never delivered
    finally:
        await client.delete(key)
        await client.aclose()
