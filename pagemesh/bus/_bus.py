"""`Bus`: one connection to the event bus, any backend: the registry, publishing, consuming, operations."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator, Sequence

from google.protobuf.message import Message

from pagemesh.bus._backend import Backend, DeadLetter, Delivery, GroupLag, Record, Subscription
from pagemesh.bus._errors import BusConfigError, UnregisteredSchemaError
from pagemesh.bus._names import topic_of
from pagemesh.bus._registry import SchemaRegistry
from pagemesh.bus._url import BusUrl, parse_bus_url
from pagemesh.events.v1 import events_pb2
from pagemesh.telemetry import set_consumer_lag

__all__ = ["Bus", "make_backend", "record_of"]

_BACKENDS = {
    "sqlite": "pagemesh.bus._sqlite:SqliteBackend",
    "redis": "pagemesh.bus._redis:RedisBackend",
    "kafka": "pagemesh.bus._kafka:KafkaBackend",
}


def make_backend(url: BusUrl) -> Backend:
    """The backend for `url`, imported only when used (a SQLite bus never loads the Kafka client)."""
    if url.kind not in _BACKENDS:
        raise BusConfigError(f"the bus is {url.kind!r}: there is no broker to connect to")
    module_name, _, class_name = _BACKENDS[url.kind].partition(":")
    backend: Backend = getattr(importlib.import_module(module_name), class_name)(url)
    return backend


def record_of(envelope: events_pb2.Envelope, key: str = "") -> Record:
    """The record that carries `envelope` on its type's topic."""
    return Record(topic_of(envelope.type), key, envelope.SerializeToString())


class Bus:
    """A connected event bus (see `Bus.connect`)."""

    def __init__(self, url: BusUrl, backend: Backend) -> None:
        self.url = url
        self.backend = backend
        self.registry = SchemaRegistry(backend)

    @classmethod
    async def connect(cls, url: BusUrl | str) -> Bus:
        """Connects to the bus at `url`; `BusUnavailableError` when its broker does not answer."""
        parsed = parse_bus_url(url) if isinstance(url, str) else url
        backend = make_backend(parsed)
        await backend.connect()
        return cls(parsed, backend)

    async def close(self) -> None:
        """Closes the connection."""
        await self.backend.close()

    async def publish(self, envelopes: Sequence[events_pb2.Envelope], keys: Sequence[str] = ()) -> None:
        """Appends events, refusing all of them if one's schema fingerprint is not registered."""
        for envelope in envelopes:
            fingerprint = envelope.schema_fingerprint
            if self.registry.known(fingerprint) is None and await self.registry.lookup(fingerprint) is None:
                raise UnregisteredSchemaError(
                    f"event {envelope.event_id} ({envelope.type}) has schema {fingerprint or '(none)'}, "
                    f"which is not registered on the bus {self.url}: register it first "
                    "(`pagemesh events register`)"
                )
        keyed = list(keys) or [""] * len(envelopes)
        await self.backend.append([record_of(e, k) for e, k in zip(envelopes, keyed, strict=True)])

    async def subscribe(self, group: str, consumer: str, types: Sequence[type[Message]]) -> Subscription:
        """Joins consumer group `group` on the topics of `types`."""
        return await self.backend.subscribe(
            group, consumer, [topic_of(t.DESCRIPTOR.full_name) for t in types]
        )

    async def topics(self) -> list[str]:
        """The topic of every registered event type."""
        return sorted({topic_of(s.subject) for s in await self.registry.versions()})

    async def lag(self, topics: Sequence[str] | None = None) -> list[GroupLag]:
        """Each group's lag on `topics` (default: every registered type's topic)."""
        lags = await self.backend.lag(await self.topics() if topics is None else topics)
        by_group: dict[str, int] = {}
        for lag in lags:
            by_group[lag.group] = by_group.get(lag.group, 0) + lag.pending
        for group, pending in by_group.items():
            set_consumer_lag(group, pending)
        return lags

    async def dead_letters(self, group: str | None = None) -> list[DeadLetter]:
        """Dead letters of one group, or of all."""
        return await self.backend.dead_letters(group)

    async def replay(self, group: str | None = None) -> int:
        """Publishes dead letters again (same `event_id`, so groups that applied them skip them) and
        forgets them; returns how many."""
        letters = await self.backend.dead_letters(group)
        if letters:
            await self.backend.append([Record(letter.topic, "", letter.value) for letter in letters])
            await self.backend.remove_dead_letters(letters)
        return len(letters)

    def tail(self, topics: Sequence[str]) -> AsyncIterator[Delivery]:
        """Records appended to `topics` from now on."""
        return self.backend.tail(topics)
