"""The Redis Streams backend: a stream per topic, a consumer group per consuming service.

- append: `XADD … MAXLEN ~ maxlen` per record, the relay's batch in one script (`EVAL`, one round trip).
  Redis serves a blocked `XREADGROUP` after each command that adds to its stream, but after a script (or
  a `MULTI`/`EXEC`) only once it has run whole, so a consumer gets the relay's whole batch in one read
  rather than its first event and then, after lingering for the rest (`pagemesh.bus._linger`), the
  others: at 1,000 events a second that halved the end-to-end p99 (about 13 to 8 ms, docs/benchmarks.md).
  A batch is also never half added. A script rather than `MULTI`/`EXEC`: one command and one reply, where
  a transaction packed a command and parsed a `QUEUED` reply per event in redis-py, which measured about
  a quarter of the appends a second (54k against 220-230k, batches of 500). Redis 7.0 writes the
  script's effect to the append-only file as one `MULTI`/`EXEC` of its `XADD`s;
- consume: `XREADGROUP … >` (blocking up to the fetch's wait), `XACK` when done; every quarter lease a
  consumer runs `XAUTOCLAIM` for entries that another consumer of its group took and has not acknowledged
  for a lease (it died), and `XPENDING` tells how often each was delivered;
- dead letters: a stream per group, `pagemesh:dlq:<group>`;
- the registry: one stream, `pagemesh:schemas`, whose entry IDs are `N-0`: `XADD` with the next ID is the
  compare-and-set (it fails if another registration took that ID first).

Every command is one that the per-service ACL users of a private Redis allow (see `pagemesh.bus._brokers`):
a producer only adds, a consumer only reads and acknowledges through its group.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

import redis.asyncio as aioredis
import redis.exceptions as redis_errors

from pagemesh.bus._backend import DeadLetter, Delivery, GroupLag, Record, StoredSchema
from pagemesh.bus._errors import BusError, BusPermissionError, BusUnavailableError
from pagemesh.bus._names import REDIS_DLQ_PREFIX, REDIS_REGISTRY_KEY, REDIS_STREAM_PREFIX, redis_stream
from pagemesh.bus._url import BusUrl

__all__ = ["RedisBackend"]

_COUNT_PAGE = 1000


def _topic(key: bytes | str) -> str:
    text = key.decode() if isinstance(key, bytes) else key
    return text.removeprefix(REDIS_STREAM_PREFIX)


def _entry_time(entry_id: bytes | str) -> float:
    text = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
    return int(text.partition("-")[0]) / 1000


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


_APPEND = """
local maxlen = ARGV[1]
for i = 2, #ARGV, 2 do
  redis.call('XADD', KEYS[tonumber(ARGV[i])], 'MAXLEN', '~', maxlen, '*', 'e', ARGV[i + 1])
end
return (#ARGV - 1) / 2
"""
"""A relay's batch: ARGV is `maxlen`, then (the record's stream as an index into KEYS, its envelope) per
record. Every stream is declared in KEYS, so the ACL checks the user may write each before it runs. Sent
whole with `EVAL` (Redis keeps it compiled, by its hash): `EVALSHA` would need the right to load scripts
and a retry after every restart, which forgets them."""


class RedisBackend:
    """The bus on a Redis server (see the module docstring)."""

    kind = "redis"

    def __init__(self, url: BusUrl) -> None:
        self.url = url
        self.options = url.options
        host, port = url.hosts[0]
        # Typed loosely: redis-py types stream replies as unions over both protocols and both reply
        # decodings; this client speaks RESP2 with bytes replies, which the code below reads.
        self._client: Any = aioredis.Redis(
            host=host,
            port=port,
            db=url.db,
            username=url.username or None,
            password=url.password or None,
            socket_connect_timeout=3,
            # Longer than any blocking read (a fetch waits at most a few seconds).
            socket_timeout=15,
            protocol=2,
            # No CLIENT SETINFO on connect: the per-part ACL users may not run CLIENT.
            driver_info=None,
        )

    @contextlib.contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """Turns the client's exceptions into the bus's own, naming what was being done."""
        try:
            yield
        except redis_errors.NoPermissionError as error:
            raise BusPermissionError(
                f"the Redis bus user {self.url.username or 'default'!r} may not {doing}: {error}"
            ) from None
        except redis_errors.AuthenticationError as error:
            raise BusPermissionError(f"the Redis bus {self.url} refused the credentials: {error}") from None
        except (redis_errors.ConnectionError, redis_errors.TimeoutError, OSError) as error:
            raise BusUnavailableError(f"the Redis bus {self.url} cannot be reached: {error}") from None
        except redis_errors.RedisError as error:
            raise BusError(f"the Redis bus {self.url} failed to {doing}: {error}") from None

    async def connect(self) -> None:
        with self._errors("answer PING"):
            await self._client.ping()

    async def close(self) -> None:
        await self._client.aclose()

    def append_at_once(self, records: Sequence[Record]) -> bool:
        return False  # a broker over the network is never written without waiting

    async def append(self, records: Sequence[Record]) -> None:
        if not records:
            return
        streams: dict[str, int] = {}
        arguments: list[bytes | int] = [self.options.maxlen]
        for record in records:
            arguments += (streams.setdefault(redis_stream(record.topic), len(streams) + 1), record.value)
        with self._errors("append events (EVAL of XADDs)"):
            await self._client.eval(_APPEND, len(streams), *streams, *arguments)

    async def subscribe(self, group: str, consumer: str, topics: Sequence[str]) -> _RedisSubscription:
        for topic in topics:
            with self._errors(f"create consumer group {group!r} (XGROUP CREATE)"):
                try:
                    await self._client.xgroup_create(redis_stream(topic), group, id="0", mkstream=True)
                except redis_errors.ResponseError as error:
                    if "BUSYGROUP" not in str(error):
                        raise
        return _RedisSubscription(self, group, consumer, tuple(topics))

    async def schemas(self) -> list[StoredSchema]:
        with self._errors(f"read the schema registry (XRANGE {REDIS_REGISTRY_KEY})"):
            entries = await self._client.xrange(REDIS_REGISTRY_KEY)
        stored = [
            StoredSchema(
                _text(fields[b"subject"]),
                int(fields[b"version"]),
                _text(fields[b"fingerprint"]),
                fields[b"schema"],
                float(fields[b"registered"]),
            )
            for _, fields in entries
        ]
        return sorted(stored, key=lambda s: (s.subject, s.version))

    async def add_schema(self, schema: StoredSchema) -> bool:
        with self._errors(f"register a schema (XADD {REDIS_REGISTRY_KEY})"):
            entries = await self._client.xrange(REDIS_REGISTRY_KEY)
            for _, fields in entries:
                if _text(fields[b"subject"]) == schema.subject and int(fields[b"version"]) == schema.version:
                    return False
            next_id = (int(_text(entries[-1][0]).partition("-")[0]) if entries else 0) + 1
            try:
                await self._client.xadd(
                    REDIS_REGISTRY_KEY,
                    {
                        b"subject": schema.subject,
                        b"version": schema.version,
                        b"fingerprint": schema.fingerprint,
                        b"schema": schema.schema,
                        b"registered": repr(schema.registered_at),
                    },
                    id=f"{next_id}-0",
                )
            except redis_errors.ResponseError as error:
                if "equal or smaller" in str(error):
                    return False  # another registration took this place first
                raise
        return True

    async def lag(self, topics: Sequence[str]) -> list[GroupLag]:
        report = []
        now = time.time()
        for topic in topics:
            key = redis_stream(topic)
            with self._errors(f"read the consumer groups of {key} (XINFO GROUPS)"):
                try:
                    groups = await self._client.xinfo_groups(key)
                except redis_errors.ResponseError as error:
                    if "no such key" in str(error).lower():
                        continue
                    raise
            for info in groups:
                name = _text(info["name"])
                pending = int(info["pending"])
                after = _text(info["last-delivered-id"])
                if info.get("lag") is None:
                    # Redis reports no lag when it cannot tell (its counters were reset by a restart,
                    # a deletion or a trim): count what follows the group's position instead. A user that
                    # may not read streams (a producer) cannot count, and reports what Redis knows.
                    behind = 0
                    with contextlib.suppress(BusPermissionError):
                        behind = await self._count_after(key, after)
                else:
                    behind = int(info["lag"])
                oldest: float | None = None
                if pending:
                    with self._errors(f"read the pending entries of {name!r} (XPENDING)"):
                        summary = await self._client.xpending(key, name)
                    if summary.get("min"):
                        oldest = _entry_time(summary["min"])
                if behind:
                    # The next entry the group has not been given; a user that may not read streams
                    # (a producer) reports the count without the age.
                    with contextlib.suppress(BusPermissionError), self._errors(f"read {key} (XRANGE)"):
                        first = await self._client.xrange(key, min=f"({after}", count=1)
                        if first:
                            oldest = min(oldest or now, _entry_time(first[0][0]))
                entries_read = info.get("entries-read")
                consumed = max(0, int(entries_read) - pending) if entries_read is not None else 0
                report.append(
                    GroupLag(
                        name, topic, pending + behind, None if oldest is None else now - oldest, consumed
                    )
                )
        return sorted(report, key=lambda lag: (lag.group, lag.topic))

    async def _count_after(self, key: str, position: str) -> int:
        """Entries of `key` after `position` (XRANGE in pages, IDs only in effect: the values are dropped)."""
        count = 0
        with self._errors(f"count the entries of {key} after {position} (XRANGE)"):
            while True:
                entries = await self._client.xrange(key, min=f"({position}", count=_COUNT_PAGE)
                count += len(entries)
                if len(entries) < _COUNT_PAGE:
                    return count
                position = _text(entries[-1][0])

    async def _dlq_keys(self, group: str | None) -> list[str]:
        if group is not None:
            return [REDIS_DLQ_PREFIX + group]
        with self._errors("list the dead-letter streams (SCAN)"):
            return sorted([_text(k) async for k in self._client.scan_iter(match=REDIS_DLQ_PREFIX + "*")])

    async def dead_letters(self, group: str | None) -> list[DeadLetter]:
        letters = []
        for key in await self._dlq_keys(group):
            with self._errors(f"read the dead letters in {key} (XRANGE)"):
                entries = await self._client.xrange(key)
            for entry_id, fields in entries:
                letters.append(
                    DeadLetter(
                        key.removeprefix(REDIS_DLQ_PREFIX),
                        _text(fields[b"topic"]),
                        _text(entry_id),
                        fields[b"e"],
                        _text(fields[b"reason"]),
                        int(fields[b"attempts"]),
                        float(fields[b"failed"]),
                    )
                )
        return letters

    async def remove_dead_letters(self, letters: Sequence[DeadLetter]) -> None:
        with self._errors("remove dead letters (XDEL)"):
            pipe = self._client.pipeline(transaction=False)
            for letter in letters:
                pipe.xdel(REDIS_DLQ_PREFIX + letter.group, letter.position)
            await pipe.execute()

    async def tail(self, topics: Sequence[str]) -> AsyncIterator[Delivery]:
        positions: dict[str, str] = {redis_stream(topic): "$" for topic in topics}
        while True:
            with self._errors("follow the streams (XREAD)"):
                answer = await self._client.xread(positions, block=1000, count=500)
            for key, entries in answer or []:
                for entry_id, fields in entries:
                    positions[_text(key)] = _text(entry_id)
                    yield Delivery(_topic(key), _text(entry_id), fields[b"e"], 1, _entry_time(entry_id))


class _RedisSubscription:
    """One consumer of a group, through XREADGROUP / XACK / XAUTOCLAIM."""

    def __init__(self, backend: RedisBackend, group: str, consumer: str, topics: tuple[str, ...]) -> None:
        self._backend = backend
        self._client: Any = backend._client
        self._group = group
        self._consumer = consumer
        self._keys = [redis_stream(topic) for topic in topics]
        self._claim_every = max(0.1, backend.options.lease / 4)
        self._next_claim = 0.0

    async def _take_over(self, max_count: int) -> list[Delivery]:
        """Entries of this group idle for a lease (their consumer died), now this consumer's."""
        lease_ms = int(self._backend.options.lease * 1000)
        taken: list[Delivery] = []
        for key in self._keys:
            with self._backend._errors(f"take over entries of {self._group!r} (XAUTOCLAIM)"):
                answer = await self._client.xautoclaim(
                    key, self._group, self._consumer, lease_ms, start_id="0-0", count=max_count
                )
            entries = [entry for entry in answer[1] if entry and entry[1]]
            if not entries:
                continue
            with self._backend._errors(f"count deliveries of {self._group!r} (XPENDING)"):
                pending = await self._client.xpending_range(
                    key,
                    self._group,
                    min=_text(entries[0][0]),
                    max=_text(entries[-1][0]),
                    count=len(entries) * 2,
                    consumername=self._consumer,
                )
            times = {_text(p["message_id"]): int(p["times_delivered"]) for p in pending}
            for entry_id, fields in entries:
                position = _text(entry_id)
                taken.append(
                    Delivery(
                        _topic(key), position, fields[b"e"], times.get(position, 2), _entry_time(entry_id)
                    )
                )
        return taken

    async def fetch(self, max_count: int, wait: float) -> list[Delivery]:
        now = time.monotonic()
        if now >= self._next_claim:
            self._next_claim = now + self._claim_every
            taken = await self._take_over(max_count)
            if taken:
                return taken
        with self._backend._errors(f"read as group {self._group!r} (XREADGROUP)"):
            answer = await self._client.xreadgroup(
                self._group,
                self._consumer,
                dict.fromkeys(self._keys, ">"),
                count=max_count,
                block=max(1, int(wait * 1000)),
            )
        return [
            Delivery(_topic(key), _text(entry_id), fields[b"e"], 1, _entry_time(entry_id))
            for key, entries in answer or []
            for entry_id, fields in entries
            if fields
        ]

    async def ack(self, deliveries: Sequence[Delivery]) -> None:
        if not deliveries:
            return
        by_key: dict[str, list[str]] = {}
        for delivery in deliveries:
            by_key.setdefault(redis_stream(delivery.topic), []).append(delivery.position)
        with self._backend._errors(f"acknowledge as group {self._group!r} (XACK)"):
            pipe = self._client.pipeline(transaction=False)
            for key, ids in by_key.items():
                pipe.xack(key, self._group, *ids)
            await pipe.execute()

    async def dead_letter(self, delivery: Delivery, reason: str, attempts: int) -> None:
        with self._backend._errors(
            f"dead-letter for group {self._group!r} (XADD {REDIS_DLQ_PREFIX}{self._group})"
        ):
            await self._client.xadd(
                REDIS_DLQ_PREFIX + self._group,
                {
                    b"e": delivery.value,
                    b"topic": delivery.topic,
                    b"reason": reason,
                    b"attempts": attempts,
                    b"failed": repr(time.time()),
                },
            )
        await self.ack([delivery])

    async def close(self) -> None:
        """Nothing to release: entries not acknowledged stay pending, for XAUTOCLAIM by the others."""
