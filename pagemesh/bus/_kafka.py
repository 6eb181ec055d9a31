"""The Kafka backend (aiokafka): a topic per event type, a consumer group per consuming service.

- append: every record sent with `acks=all` and idempotence, keyed (one key's events stay in order in one
  partition); the batch returns when every send is acknowledged;
- consume: a group member with auto-commit off; offsets are committed only after the handler stored the
  effect (`ack`), so a member that dies leaves its partitions, after the session timeout, to another that
  starts from the last commit. Kafka does not count deliveries: `Delivery.attempts` is 1, and a consumer
  counts retries itself;
- dead letters: a topic per group, `pagemesh.dlq.<group>`, read by the group `pagemesh.dlq.<group>.reader`
  whose committed offset marks what was replayed;
- the registry: the compacted topic `_pagemesh_schemas`, keyed `subject/version/fingerprint` (distinct
  keys, so compaction removes nothing). Kafka has no compare-and-set: after writing, the registry reads
  the topic again, and of two records for one version the first (lowest offset) wins; the loser retries.

Topics are created with `partitions` partitions (URL option) when first used, if the user may (the
private broker's parts find theirs made by the operator: `pagemesh.bus._kafka_users`).

A URL with a user logs in with SASL/SCRAM-SHA-256 (SASL_PLAINTEXT: the private broker is on loopback);
without one, anonymously. What the broker's ACLs refuse becomes `BusPermissionError` naming the user.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from typing import Any, TypeVar

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.conn import create_conn
from aiokafka.errors import (
    AuthenticationFailedError,
    BrokerResponseError,
    ClusterAuthorizationFailedError,
    GroupAuthorizationFailedError,
    KafkaConnectionError,
    KafkaError,
    SaslAuthenticationFailed,
    TopicAlreadyExistsError,
    TopicAuthorizationFailedError,
    TransactionalIdAuthorizationFailed,
    for_code,
)
from aiokafka.partitioner import DefaultPartitioner
from aiokafka.structs import OffsetAndMetadata

from pagemesh.bus._backend import DeadLetter, Delivery, GroupLag, Record, StoredSchema
from pagemesh.bus._errors import BusPermissionError, BusUnavailableError
from pagemesh.bus._names import KAFKA_DLQ_PREFIX, KAFKA_REGISTRY_TOPIC
from pagemesh.bus._url import BusUrl

__all__ = [
    "DLQ_PREFIX",
    "REGISTRY_TOPIC",
    "SCRAM_MECHANISM",
    "KafkaBackend",
    "kafka_client_options",
    "kafka_producer_options",
]

# aiokafka logs every failed connection attempt at ERROR; the bus reports what matters (a relay that
# cannot ship, a consumer that lost the broker) in its own words, once.
logging.getLogger("aiokafka").setLevel(logging.CRITICAL)

SCRAM_MECHANISM = "SCRAM-SHA-256"
"""How a bus URL's user authenticates (SASL); the private broker's clients' listener offers only this."""
REGISTRY_TOPIC = KAFKA_REGISTRY_TOPIC
DLQ_PREFIX = KAFKA_DLQ_PREFIX
_READER_SUFFIX = ".reader"
_TIMEOUT_MS = 10_000
_PARTITIONER = DefaultPartitioner()
"""The producer's default: murmur2 of the key, as the Java client's, or a random partition without one."""
# The broker's smallest allowed session (group.min.session.timeout.ms): a dead member's partitions move
# to the others this long after its last heartbeat.
_SESSION_MS = 6_000
_HEARTBEAT_MS = 1_000
_DENIED = (
    TopicAuthorizationFailedError,
    GroupAuthorizationFailedError,
    ClusterAuthorizationFailedError,
    TransactionalIdAuthorizationFailed,
)
"""What the broker says when the bus user's ACLs do not allow a request."""
_REFUSED = (SaslAuthenticationFailed, AuthenticationFailedError)
"""What it says when the user name or password is wrong."""


_Answer = TypeVar("_Answer")


async def _until_ready(request: Callable[[], Awaitable[_Answer]]) -> _Answer:
    """Sends an admin request again while the broker answers that it is not ready yet: a group
    coordinator loads its offsets for a while after a broker starts or a partition moves, and says
    GROUP_LOAD_IN_PROGRESS (or NOT_COORDINATOR) meanwhile. Other errors, and the last retriable one
    after `_TIMEOUT_MS`, go to the caller."""
    deadline = time.monotonic() + _TIMEOUT_MS / 1000
    pause = 0.05
    while True:
        try:
            return await request()
        except BrokerResponseError as error:
            if not error.retriable or time.monotonic() + pause > deadline:
                raise
        await asyncio.sleep(pause)
        pause = min(pause * 2, 1.0)


async def _stop(client: AIOKafkaConsumer) -> None:
    """Stops a consumer; aiokafka's `stop()` right after `start()` raises CancelledError for its own
    background task not having started yet (aio-libs/aiokafka#647): let it start, and absorb that."""
    await asyncio.sleep(0)
    try:
        await client.stop()
    except asyncio.CancelledError:
        task = asyncio.current_task()
        if task is not None and task.cancelling():
            raise


def _letters_group(group: str) -> str:
    return DLQ_PREFIX + group + _READER_SUFFIX


def kafka_producer_options(url: BusUrl) -> dict[str, Any]:
    """aiokafka's producer options for `url`: every write acknowledged by all replicas, idempotent, a
    2 ms linger, and batches of up to 256 KiB (the default 16 KiB split a relay's batch of 500 events,
    about 120 KiB, into several requests per partition; the broker takes up to 1 MiB)."""
    return {
        **kafka_client_options(url),
        "acks": "all",
        "enable_idempotence": True,
        "linger_ms": 2,
        "max_batch_size": 256 * 1024,
    }


def kafka_client_options(url: BusUrl) -> dict[str, Any]:
    """aiokafka's options for `url`: where the brokers are and who we are to them: SASL/SCRAM-SHA-256
    when the URL names a user (no TLS: the private broker listens on loopback only), anonymous otherwise."""
    options: dict[str, Any] = {"bootstrap_servers": url.bootstrap}
    if url.username:
        options.update(
            security_protocol="SASL_PLAINTEXT",
            sasl_mechanism=SCRAM_MECHANISM,
            sasl_plain_username=url.username,
            sasl_plain_password=url.password,
        )
    return options


class KafkaBackend:
    """The bus on a Kafka cluster (see the module docstring)."""

    kind = "kafka"

    def __init__(self, url: BusUrl) -> None:
        self.url = url
        self.options = url.options
        self._producer: AIOKafkaProducer | None = None
        self._admin: AIOKafkaAdminClient | None = None
        self._topics: set[str] = set()

    @property
    def _user(self) -> str:
        return self.url.username or "(anonymous)"

    @contextlib.contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """Turns the client's exceptions into the bus's own, naming what was being done."""
        try:
            yield
        except _DENIED as error:
            raise BusPermissionError(
                f"the Kafka bus user {self._user!r} may not {doing} ({type(error).__name__})"
            ) from None
        except _REFUSED:
            raise BusPermissionError(
                f"the Kafka bus {self.url} refused the credentials of user {self._user!r} "
                "(wrong password, or no such user)"
            ) from None
        except (KafkaError, OSError) as error:
            raise BusUnavailableError(f"the Kafka bus {self.url} failed to {doing}: {error!r}") from None
        except TimeoutError:
            raise BusUnavailableError(f"the Kafka bus {self.url} did not {doing} in time") from None

    async def connect(self) -> None:
        with self._errors("connect"):
            admin = AIOKafkaAdminClient(**kafka_client_options(self.url), request_timeout_ms=_TIMEOUT_MS)
            try:
                await admin.start()
                self._topics = set(await admin.list_topics())
            except KafkaConnectionError:
                await admin.close()
                await self._login_refused()
                raise
            except BaseException:
                await admin.close()
                raise
            self._admin = admin

    async def _login_refused(self) -> None:
        """Raises the broker's refusal of our credentials, if that is why no connection could be made:
        aiokafka only says it could not bootstrap, which would send people looking for a network fault."""
        if not self.url.username:
            return
        login = kafka_client_options(self.url)
        del login["bootstrap_servers"]  # one connection to each host in turn instead
        for host, port in self.url.hosts:
            try:
                connection = await create_conn(host, port, request_timeout_ms=5_000, **login)
            except _REFUSED:
                raise
            except (KafkaError, OSError, TimeoutError):
                continue
            connection.close()

    async def close(self) -> None:
        if self._producer is not None:
            with contextlib.suppress(Exception):
                await self._producer.stop()
            self._producer = None
        if self._admin is not None:
            with contextlib.suppress(Exception):
                await self._admin.close()
            self._admin = None

    async def _ensure_topics(self, topics: Sequence[str], *, compacted: bool = False) -> None:
        missing = [t for t in dict.fromkeys(topics) if t not in self._topics]
        if not missing:
            return
        if self._admin is None:
            raise BusUnavailableError("the Kafka bus is not connected")
        config = {"cleanup.policy": "compact"} if compacted else {}
        partitions = 1 if compacted else self.options.partitions
        with self._errors(f"create the topics {', '.join(missing)}"):
            response = await self._admin.create_topics(
                [NewTopic(topic, partitions, 1, topic_configs=config) for topic in missing],
                timeout_ms=_TIMEOUT_MS,
            )
        for topic, code, *message in response.topic_errors:
            error = for_code(code)
            if error is TopicAuthorizationFailedError or error is ClusterAuthorizationFailedError:
                raise BusPermissionError(
                    f"the Kafka bus user {self._user!r} may not create the topic {topic}, which does not "
                    "exist (or which it may not see): the operator creates the mesh's topics "
                    "(`pagemesh events users --kind kafka` writes the commands)"
                )
            if code and error is not TopicAlreadyExistsError:
                raise BusUnavailableError(
                    f"the Kafka bus {self.url} failed to create the topic {topic}: "
                    f"{message[0] if message and message[0] else error.__name__}"
                )
        self._topics.update(missing)

    async def _partitions(self, topics: Sequence[str]) -> list[TopicPartition]:
        """Every partition of `topics` (that exist), from the cluster's metadata."""
        if self._admin is None:
            raise BusUnavailableError("the Kafka bus is not connected")
        described = await self._admin.describe_topics(list(topics))
        return sorted(
            TopicPartition(topic["topic"], partition["partition"])
            for topic in described
            if topic["error_code"] == 0
            for partition in topic["partitions"]
        )

    async def _producer_started(self) -> AIOKafkaProducer:
        if self._producer is None:
            producer = AIOKafkaProducer(**kafka_producer_options(self.url), request_timeout_ms=_TIMEOUT_MS)
            with self._errors("start a producer"):
                await producer.start()
            self._producer = producer
        return self._producer

    async def _send(
        self, records: Sequence[tuple[str, bytes | None, bytes, list[tuple[str, bytes]]]]
    ) -> list[Any]:
        producer = await self._producer_started()
        with self._errors("append events"):
            futures = [
                await producer.send(topic, value, key=key, headers=headers or None)
                for topic, key, value, headers in records
            ]
            return list(await asyncio.gather(*futures))

    def append_at_once(self, records: Sequence[Record]) -> bool:
        return False  # a broker over the network is never written without waiting

    async def append(self, records: Sequence[Record]) -> None:
        """Appends in batches built here, a batch per partition (`send_batch`), where `send` per record
        cost a future and a pass through the producer's accumulator each: 210-230k appends/s against
        80-100k (batches of 500). Each record goes to the partition the producer's own partitioner
        gives its key, so a key's records stay in one partition, in order, as with `send`."""
        if not records:
            return
        await self._ensure_topics([r.topic for r in records])
        producer = await self._producer_started()
        with self._errors("append events"):
            by_partition: dict[tuple[str, int], list[tuple[bytes | None, bytes]]] = {}
            partitions: dict[str, list[int]] = {}
            for topic, key_text, value in records:
                if topic not in partitions:
                    partitions[topic] = sorted(await producer.partitions_for(topic))
                key = key_text.encode() or None
                partition = _PARTITIONER(key, partitions[topic], partitions[topic])
                by_partition.setdefault((topic, partition), []).append((key, value))
            sent = []
            for (topic, partition), in_partition in by_partition.items():
                batch = producer.create_batch()
                for key, value in in_partition:
                    # A full batch refuses the record (None); an empty one takes any record.
                    if batch.append(key=key, value=value, timestamp=None) is None:
                        batch.close()
                        sent.append(await producer.send_batch(batch, topic, partition=partition))
                        batch = producer.create_batch()
                        batch.append(key=key, value=value, timestamp=None)
                batch.close()
                sent.append(await producer.send_batch(batch, topic, partition=partition))
            await asyncio.gather(*sent)

    def _consumer(self, group: str | None, **extra: Any) -> AIOKafkaConsumer:
        return AIOKafkaConsumer(
            **kafka_client_options(self.url),
            group_id=group,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            request_timeout_ms=_TIMEOUT_MS + 5_000,
            **extra,
        )

    async def subscribe(self, group: str, consumer: str, topics: Sequence[str]) -> _KafkaSubscription:
        await self._ensure_topics(topics)
        member = self._consumer(
            group,
            client_id=consumer,
            session_timeout_ms=_SESSION_MS,
            heartbeat_interval_ms=_HEARTBEAT_MS,
            max_poll_records=self.options.batch,
            # A handler may take a while on a big batch; the member stays in the group meanwhile.
            max_poll_interval_ms=300_000,
        )
        with self._errors(f"join consumer group {group!r}"):
            await member.start()
            member.subscribe(list(topics))
        return _KafkaSubscription(self, group, member)

    async def _read_all(self, topic: str, group: str | None = None) -> list[ConsumerRecord[bytes, bytes]]:
        """Every record of `topic` (after `group`'s committed offsets, if given), up to its current end."""
        reader = self._consumer(group)
        records: list[ConsumerRecord[bytes, bytes]] = []
        with self._errors(f"read {topic}"):
            await reader.start()
            try:
                partitions = await self._partitions([topic])
                if not partitions:
                    return []
                reader.assign(partitions)
                ends = await reader.end_offsets(partitions)
                for tp in partitions:
                    committed = await reader.committed(tp) if group else None
                    if committed is None:
                        await reader.seek_to_beginning(tp)
                    else:
                        reader.seek(tp, committed)
                deadline = time.monotonic() + _TIMEOUT_MS / 1000
                while [tp for tp in partitions if await reader.position(tp) < ends[tp]]:
                    if time.monotonic() > deadline:
                        raise TimeoutError
                    batch = await reader.getmany(timeout_ms=200)
                    for tp_records in batch.values():
                        records += [
                            r for r in tp_records if r.offset < ends[TopicPartition(r.topic, r.partition)]
                        ]
            finally:
                await _stop(reader)
        return sorted(records, key=lambda r: (r.partition, r.offset))

    async def schemas(self) -> list[StoredSchema]:
        await self._ensure_topics([REGISTRY_TOPIC], compacted=True)
        winners: dict[tuple[str, int], StoredSchema] = {}
        for record in await self._read_all(REGISTRY_TOPIC):
            if record.value is None:
                continue
            data = json.loads(record.value)
            stored = StoredSchema(
                data["subject"],
                int(data["version"]),
                data["fingerprint"],
                bytes.fromhex(data["schema"]),
                float(data["registered"]),
            )
            winners.setdefault((stored.subject, stored.version), stored)
        return sorted(winners.values(), key=lambda s: (s.subject, s.version))

    async def add_schema(self, schema: StoredSchema) -> bool:
        if any(s.subject == schema.subject and s.version == schema.version for s in await self.schemas()):
            return False
        value = json.dumps(
            {
                "subject": schema.subject,
                "version": schema.version,
                "fingerprint": schema.fingerprint,
                "schema": schema.schema.hex(),
                "registered": schema.registered_at,
            }
        ).encode()
        key = f"{schema.subject}/{schema.version}/{schema.fingerprint}".encode()
        await self._send([(REGISTRY_TOPIC, key, value, [])])
        # No compare-and-set in Kafka: the first record for this version (lowest offset) is the one.
        winner = next(
            (s for s in await self.schemas() if s.subject == schema.subject and s.version == schema.version),
            None,
        )
        return winner is not None and winner.fingerprint == schema.fingerprint

    async def lag(self, topics: Sequence[str]) -> list[GroupLag]:
        admin = self._admin
        if admin is None:
            raise BusUnavailableError("the Kafka bus is not connected")
        wanted = set(topics)
        report = []
        now = time.time()
        reader = self._consumer(None)
        with self._errors("measure consumer lag"):
            await reader.start()
            try:
                groups = sorted(g[0] for g in await _until_ready(admin.list_consumer_groups))
                for group in groups:
                    if group.endswith(_READER_SUFFIX):
                        continue
                    offsets: dict[TopicPartition, OffsetAndMetadata] = await _until_ready(
                        functools.partial(admin.list_consumer_group_offsets, group)
                    )
                    for topic in sorted({tp.topic for tp in offsets} & wanted):
                        # A partition the group never committed on counts from its first retained record
                        # (the group starts at the earliest offset).
                        partitions = await self._partitions([topic])
                        begins = await reader.beginning_offsets(partitions)
                        ends = await reader.end_offsets(partitions)
                        committed = {
                            tp: offsets[tp].offset
                            if tp in offsets and offsets[tp].offset >= 0
                            else begins[tp]
                            for tp in partitions
                        }
                        behind = [tp for tp in partitions if ends[tp] > committed[tp]]
                        stamps = await _timestamps(reader, {tp: committed[tp] for tp in behind}, now)
                        oldest = max(0.0, now - min(stamps)) if stamps else None
                        report.append(
                            GroupLag(
                                group,
                                topic,
                                sum(ends[tp] - committed[tp] for tp in behind),
                                oldest,
                                sum(max(0, committed[tp] - begins[tp]) for tp in partitions),
                            )
                        )
            finally:
                await _stop(reader)
        return report

    async def dead_letters(self, group: str | None) -> list[DeadLetter]:
        if group is None:
            await self.connect_if_needed()
            assert self._admin is not None
            with self._errors("list the dead-letter topics"):
                names = sorted(t for t in await self._admin.list_topics() if t.startswith(DLQ_PREFIX))
            groups = [name.removeprefix(DLQ_PREFIX) for name in names]
        else:
            groups = [group]
        letters = []
        for name in groups:
            topic = DLQ_PREFIX + name
            await self._ensure_topics([topic])
            for record in await self._read_all(topic, _letters_group(name)):
                headers = {k: v.decode() for k, v in record.headers}
                letters.append(
                    DeadLetter(
                        name,
                        headers.get("topic", ""),
                        f"{record.partition}:{record.offset}",
                        record.value or b"",
                        headers.get("reason", ""),
                        int(headers.get("attempts", "0")),
                        float(headers.get("failed", "0")),
                    )
                )
        return letters

    async def connect_if_needed(self) -> None:
        if self._admin is None:
            await self.connect()

    async def remove_dead_letters(self, letters: Sequence[DeadLetter]) -> None:
        by_group: dict[str, dict[TopicPartition, int]] = {}
        for letter in letters:
            partition, _, offset = letter.position.partition(":")
            tp = TopicPartition(DLQ_PREFIX + letter.group, int(partition))
            marks = by_group.setdefault(letter.group, {})
            marks[tp] = max(marks.get(tp, 0), int(offset) + 1)
        for group, marks in by_group.items():
            committer = self._consumer(_letters_group(group))
            with self._errors(f"mark the dead letters of {group!r} replayed"):
                await committer.start()
                try:
                    committer.assign(list(marks))
                    await committer.commit(
                        {tp: OffsetAndMetadata(offset, "") for tp, offset in marks.items()}
                    )
                finally:
                    await _stop(committer)

    async def tail(self, topics: Sequence[str]) -> AsyncIterator[Delivery]:
        await self._ensure_topics(topics)
        reader = self._consumer(None)
        with self._errors("follow the topics"):
            await reader.start()
        try:
            partitions = await self._partitions(topics)
            reader.assign(partitions)
            await reader.seek_to_end(*partitions)
            while True:
                with self._errors("follow the topics"):
                    batch = await reader.getmany(timeout_ms=1000)
                for records in batch.values():
                    for record in records:
                        yield Delivery(
                            record.topic,
                            f"{record.partition}:{record.offset}",
                            record.value or b"",
                            1,
                            record.timestamp / 1000,
                        )
        finally:
            await _stop(reader)


async def _timestamps(
    reader: AIOKafkaConsumer, offsets: dict[TopicPartition, int], now: float
) -> list[float]:
    """The append time of the record at each partition's offset, without reading it: a binary search over
    time with ListOffsets (DESCRIBE on the topic is enough, so a producer shows its consumers' lag and
    never sees their records). For a time T the broker answers the first offset at or after T, which is
    the wanted offset for T in (time of the record before it, its own time] while times grow with
    offsets (close enough if producers' clocks disagree: it is an age for people). About 30 requests,
    each for every partition at once."""
    if not offsets:
        return []
    low: dict[TopicPartition, int] = {}
    high = dict.fromkeys(offsets, int(now * 1000) + 1)
    found: dict[TopicPartition, int] = {}
    first = await reader.offsets_for_times(dict.fromkeys(offsets, 0))
    for tp, offset in offsets.items():
        hit = first.get(tp)
        if hit is None:
            continue
        if hit.offset >= offset:
            found[tp] = hit.timestamp
        low[tp] = hit.timestamp
    while open_ := [tp for tp in low if tp not in found and low[tp] < high[tp]]:
        probes = {tp: (low[tp] + high[tp] + 1) // 2 for tp in open_}
        hits = await reader.offsets_for_times(dict(probes))
        for tp, at in probes.items():
            hit = hits.get(tp)
            if hit is not None and hit.offset == offsets[tp]:
                found[tp] = hit.timestamp
            elif hit is not None and hit.offset < offsets[tp]:
                low[tp] = max(at, hit.timestamp)
            else:
                high[tp] = at - 1
    # Unresolved: the records from `low`'s offset to the wanted one share one time, `low`.
    return [found.get(tp, low[tp]) / 1000 for tp in low]


class _KafkaSubscription:
    """One member of a consumer group; commits after the effect is stored."""

    def __init__(self, backend: KafkaBackend, group: str, member: AIOKafkaConsumer) -> None:
        self._backend = backend
        self._group = group
        self._member = member
        self._marked: set[TopicPartition] = set()
        self._outstanding: set[tuple[str, str]] = set()
        """(topic, position) of the fetched records not yet acknowledged or dead-lettered."""
        self._ends: dict[TopicPartition, int] = {}
        """The offsets to commit once every record of the fetch is done: each partition's last + 1."""

    async def _mark_start(self) -> None:
        """Commits the starting offset of newly assigned partitions the group never committed on, so
        the group and its lag are visible (`pagemesh events lag`) before it has consumed anything."""
        assigned = set(self._member.assignment())
        fresh = assigned - self._marked
        if not fresh:
            return
        marks = {}
        for tp in fresh:
            if await self._member.committed(tp) is None:
                marks[tp] = OffsetAndMetadata(await self._member.position(tp), "")
        if marks:
            await self._member.commit(marks)
        self._marked = assigned

    async def fetch(self, max_count: int, wait: float) -> list[Delivery]:
        with self._backend._errors(f"fetch as group {self._group!r}"):
            batch = await self._member.getmany(timeout_ms=int(wait * 1000), max_records=max_count)
            if not batch:
                await self._mark_start()
        # Bookkeeping per partition, not per record: a commit covers the whole fetch anyway.
        self._outstanding = set()
        self._ends = {}
        deliveries = []
        for tp, records in batch.items():
            if not records:
                continue
            self._ends[tp] = records[-1].offset + 1
            for record in records:
                position = f"{record.partition}:{record.offset}"
                self._outstanding.add((record.topic, position))
                deliveries.append(
                    Delivery(record.topic, position, record.value or b"", 1, record.timestamp / 1000)
                )
        return deliveries

    async def ack(self, deliveries: Sequence[Delivery]) -> None:
        """Marks records done; commits once every record of the fetch is (offsets are cumulative: a
        poison event dead-lettered before the records ahead of it are stored must not commit past them)."""
        for delivery in deliveries:
            self._outstanding.discard((delivery.topic, delivery.position))
        if self._ends and not self._outstanding:
            ends, self._ends = self._ends, {}
            with self._backend._errors(f"commit offsets of group {self._group!r}"):
                await self._member.commit({tp: OffsetAndMetadata(o, "") for tp, o in ends.items()})

    async def dead_letter(self, delivery: Delivery, reason: str, attempts: int) -> None:
        topic = DLQ_PREFIX + self._group
        await self._backend._ensure_topics([topic])
        headers = [
            ("topic", delivery.topic.encode()),
            ("reason", reason.encode()),
            ("attempts", str(attempts).encode()),
            ("failed", repr(time.time()).encode()),
        ]
        await self._backend._send([(topic, None, delivery.value, headers)])
        await self.ack([delivery])

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await _stop(self._member)
