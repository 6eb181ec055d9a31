"""Publishing that never waits for the bus: a durable local outbox and a relay that ships it.

`Publisher.publish()` seals the event and queues it; the events published within a millisecond are
written to the producing process's own small SQLite file in one transaction (group commit: one commit for
many events rather than one per event, which measured as most of the publish cost). A relay task on the
same event loop ships what the outbox holds to the broker in batches, in order. So a published event is on
disk within a millisecond (`_FLUSH_DELAY`): a crash of the process itself can lose at most the events of
that last millisecond (`flush()` writes them at once, for a caller that must know); a broker outage loses
nothing. A broker that is slow, down or restarting only makes the outbox grow: events wait there
(surviving a restart of the producing process too) and are delivered when the broker is back.

What the relay ships it takes from memory (each flush hands its rows over as it writes them), reading the
file only for what an earlier process left there or what did not fit in memory. Rows the broker
acknowledged are deleted by the next flush's transaction, or after a second without one: so at a
trickle an event costs the outbox one commit, not three. A crash between the broker's acknowledgement
and that delete sends those rows again, which the consumers' `event_id` deduplication absorbs.

Each producing process holds one outbox file under an exclusive lock (`<dir>/<producer>-<n>.sqlite3`), so
replicas never share one, and a restarted process adopts a file that a dead one left behind.

A backend that can store events without waiting (the SQLite bus, a local file as durable as the outbox:
`Backend.append_at_once`) takes a flush's events directly while nothing waits in the outbox, so they
cannot overtake anything; when its write lock is taken (another process's transaction) they go to the
outbox as above. That is one commit for them instead of two, and no relay turn.

`publish()` refuses (`UnregisteredSchemaError`) an event whose schema the registry has not confirmed. The
relay registers the producer's schemas when it first reaches the bus (or, where the bus user may not
register, checks that they are registered), and the confirmation is kept in the outbox file, so a later
start publishes at once even while the broker is down.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import fcntl
import logging
import os
import sqlite3
import struct
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from google.protobuf.message import Message

from pagemesh.bus._backend import Record
from pagemesh.bus._bus import Bus
from pagemesh.bus._envelope import Sealer, seal
from pagemesh.bus._errors import (
    BusError,
    BusPermissionError,
    IncompatibleSchemaError,
    UnregisteredSchemaError,
)
from pagemesh.bus._linger import Linger
from pagemesh.bus._names import topic_of
from pagemesh.bus._schema import Schema
from pagemesh.bus._url import BusUrl
from pagemesh.runtime import log_event
from pagemesh.telemetry import event_published

__all__ = ["Outbox", "Publisher"]

_logger = logging.getLogger("pagemesh.bus")
_MAX_OUTBOXES = 64
_RELAY_BATCH = 500
_APPEND_TIMEOUT = 10.0
_WARN_EVERY = 5.0
_FLUSH_DELAY = 0.001
_FORGET_AFTER = 1.0
"""Seconds the relay waits for a flush to delete shipped rows in its transaction before doing it alone."""
_MEMORY_LIMIT = 20_000
"""Records the relay keeps in memory at most; beyond (a long broker outage) it reads them from the file."""


_LENGTHS = struct.Struct(">HHI")


def _pack(records: Sequence[Record]) -> bytes:
    parts: list[bytes] = []
    for record in records:
        topic, key = record.topic.encode(), record.key.encode()
        parts += (_LENGTHS.pack(len(topic), len(key), len(record.value)), topic, key, record.value)
    return b"".join(parts)


def _unpack(body: bytes) -> list[Record]:
    records, at, end = [], 0, len(body)
    while at < end:
        topic_length, key_length, value_length = _LENGTHS.unpack_from(body, at)
        at += _LENGTHS.size
        topic = body[at : at + topic_length].decode()
        at += topic_length
        key = body[at : at + key_length].decode()
        at += key_length
        records.append(Record(topic, key, body[at : at + value_length]))
        at += value_length
    return records


class Outbox:
    """This process's events not yet on the bus, in a SQLite file that only this process opens."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._lock)
            raise
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        # One row per flush, its records packed in one blob: the outbox costs a row per flush, not per
        # event.
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS batches (id INTEGER PRIMARY KEY AUTOINCREMENT, "
            "records INTEGER NOT NULL, body BLOB NOT NULL)"
        )
        self._db.execute("CREATE TABLE IF NOT EXISTS confirmed (fingerprint TEXT PRIMARY KEY)")
        backlog, last_row = self._db.execute(
            "SELECT coalesce(sum(records), 0), coalesce(max(id), 0) FROM batches"
        ).fetchone()
        self.backlog: int = backlog
        """Records not shipped yet."""
        self.last_row: int = last_row
        """The newest row (at opening: the last one an earlier process left)."""
        self.shipped = 0
        """The newest row the broker acknowledged (the rows up to it are deleted, or will be)."""
        self._forgotten = 0

    @classmethod
    def claim(cls, directory: Path, producer: str) -> Outbox:
        """The first outbox of `producer` in `directory` that no other process holds."""
        for number in range(_MAX_OUTBOXES):
            try:
                return cls(directory / f"{producer}-{number}.sqlite3")
            except BlockingIOError:
                continue
        raise BusError(
            f"all {_MAX_OUTBOXES} outboxes of {producer} in {directory} are held by other processes"
        )

    def add(self, records: Sequence[Record]) -> int:
        """Stores records as one row, in one transaction that also deletes the rows shipped since the
        last one (durable for a crash of this process: WAL with synchronous=NORMAL, so not for a power
        loss); returns the row's ID."""
        db = self._db
        if self.shipped > self._forgotten:
            db.execute("BEGIN")
            try:
                db.execute("DELETE FROM batches WHERE id <= ?", (self.shipped,))
                row = db.execute(
                    "INSERT INTO batches (records, body) VALUES (?, ?)", (len(records), _pack(records))
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            self._forgotten = self.shipped
        else:
            row = db.execute(
                "INSERT INTO batches (records, body) VALUES (?, ?)", (len(records), _pack(records))
            )
        self.backlog += len(records)
        self.last_row = row.lastrowid or self.last_row
        return self.last_row

    def rows_after(self, row_id: int, at_least: int) -> list[tuple[int, list[Record]]]:
        """The rows after `row_id`, oldest first, as many as hold `at_least` records (when there are)."""
        rows, count = [], 0
        for found, body in self._db.execute(
            "SELECT id, body FROM batches WHERE id > ? ORDER BY id", (row_id,)
        ):
            records = _unpack(body)
            rows.append((found, records))
            count += len(records)
            if count >= at_least:
                break
        return rows

    def shipped_through(self, row_id: int, records: int) -> None:
        """The broker acknowledged every row up to `row_id` (`records` records): the next `add` deletes
        them (or `forget_shipped`)."""
        self.shipped = max(self.shipped, row_id)
        self.backlog = max(0, self.backlog - records)

    def forget_shipped(self) -> None:
        """Deletes the shipped rows now (when no flush came to do it)."""
        if self.shipped > self._forgotten:
            self._db.execute("DELETE FROM batches WHERE id <= ?", (self.shipped,))
            self._forgotten = self.shipped

    def confirmed(self) -> set[str]:
        """Schema fingerprints the registry confirmed."""
        return {row[0] for row in self._db.execute("SELECT fingerprint FROM confirmed")}

    def confirm(self, fingerprint: str) -> None:
        """Remembers that the registry has this fingerprint."""
        self._db.execute("INSERT OR IGNORE INTO confirmed VALUES (?)", (fingerprint,))

    def close(self) -> None:
        """Closes the file and releases its lock."""
        with contextlib.suppress(sqlite3.Error):
            self.forget_shipped()
        self._db.close()
        os.close(self._lock)


class Publisher:
    """Publishes one producer's events through its outbox (see the module docstring)."""

    def __init__(
        self, url: BusUrl, *, producer: str, outbox_dir: Path, types: Sequence[type[Message]]
    ) -> None:
        self.url = url
        self.producer = producer
        self._schemas = {t: Schema.of(t) for t in types}
        self._sealers = {t: Sealer(schema, producer) for t, schema in self._schemas.items()}
        self._topics = {t: topic_of(schema.type_name) for t, schema in self._schemas.items()}
        self._type_of_topic = {self._topics[t]: schema.type_name for t, schema in self._schemas.items()}
        self._outbox = Outbox.claim(outbox_dir, producer)
        self._confirmed = self._outbox.confirmed()
        self._wake = asyncio.Event()
        self._ready = asyncio.Event()
        """Set once every schema is confirmed."""
        self._drained = asyncio.Event()
        """Set whenever the relay finds the outbox empty."""
        self._relay: asyncio.Task[None] | None = None
        self._closing = False
        self._connected = False
        self._pending: list[Record] = []
        self._flush_scheduled = False
        self._append_at_once: Callable[[Sequence[Record]], bool] | None = None
        """The connected backend's `append_at_once`, while the relay is connected."""
        self._memory: collections.deque[tuple[int, list[Record]]] = collections.deque()
        """The rows written since this process opened the outbox and not shipped yet, as flushed."""
        self._in_memory = 0
        self._memory_after = self._outbox.last_row
        """Rows up to this one are read from the file (left by an earlier process, or beyond the
        memory limit); every row after it is in `_memory` too."""
        self.published = 0
        self.lost = 0
        """Events published but not stored because the outbox could not be written (logged)."""
        self.relayed = 0
        self.refused = 0
        self.relay_errors = 0
        self.last_error = ""
        self._last_warning = 0.0

    @property
    def outbox_path(self) -> Path:
        """The file this process's outbox is in."""
        return self._outbox.path

    async def start(self, wait: float = 2.0) -> None:
        """Starts the relay and gives it up to `wait` seconds to reach the bus and confirm the schemas."""
        self._relay = asyncio.ensure_future(self._run())
        if not self._all_confirmed():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._ready.wait(), wait)

    def _all_confirmed(self) -> bool:
        return all(s.fingerprint in self._confirmed for s in self._schemas.values())

    def publish(
        self,
        payload: Message,
        *,
        key: str = "",
        traceparent: str = "",
        occurred_at: datetime | None = None,
    ) -> str:
        """Puts one event in the outbox and returns its `event_id`; never waits for the bus.

        Raises `UnregisteredSchemaError` when the payload's schema is not confirmed by the registry.
        """
        schema = self._schemas.get(type(payload))
        if schema is None or schema.fingerprint not in self._confirmed:
            self.refused += 1
            name = payload.DESCRIPTOR.full_name
            raise UnregisteredSchemaError(
                f"{name} schema {schema.fingerprint if schema else '(not declared by this publisher)'} is "
                f"not registered on the bus {self.url}; run `pagemesh events register` (or start the mesh, "
                "which registers its schemas)"
            )
        if occurred_at is None:
            event_id, value = self._sealers[type(payload)].seal(payload.SerializeToString(), traceparent)
        else:
            envelope = seal(
                payload, schema, producer=self.producer, traceparent=traceparent, occurred_at=occurred_at
            )
            event_id, value = envelope.event_id, envelope.SerializeToString()
        self._pending.append(Record(self._topics[type(payload)], key, value))
        self.published += 1
        if not self._flush_scheduled:
            self._flush_scheduled = True
            try:
                # One commit serves every page of the next millisecond; the relay ships no sooner anyway.
                asyncio.get_running_loop().call_later(_FLUSH_DELAY, self.flush)
            except RuntimeError:  # no event loop: write it now
                self.flush()
        return event_id

    def flush(self) -> None:
        """Writes the events published so far to the outbox (one transaction) and wakes the relay."""
        self._flush_scheduled = False
        pending, self._pending = self._pending, []
        if not pending:
            return
        append_at_once = self._append_at_once
        if append_at_once is not None and not self._outbox.backlog and append_at_once(pending):
            # Nothing waits in the outbox, so these cannot overtake anything: on the bus already.
            self.relayed += len(pending)
            self._count_published(pending)
            return
        try:
            row = self._outbox.add(pending)
        except (sqlite3.Error, OSError) as error:
            # Never silent: counted, and logged at most every few seconds.
            self.lost += len(pending)
            self._warn(
                f"{len(pending)} events could not be written to the outbox {self._outbox.path}: {error}"
            )
            return
        self._count_published(pending)
        if self._in_memory + len(pending) <= _MEMORY_LIMIT:
            self._memory.append((row, pending))
            self._in_memory += len(pending)
        else:  # a long outage: the relay reads what waits from the file
            self._memory.clear()
            self._in_memory = 0
            self._memory_after = row
        self._wake.set()

    def _count_published(self, records: list[Record]) -> None:
        """The published-events metric, once a flush's events are stored: per flush rather than per
        event (0.55 us an event)."""
        for topic, count in collections.Counter(record.topic for record in records).items():
            event_published(self._type_of_topic[topic], count)

    def stats(self) -> dict[str, Any]:
        """Counters for `/statz`."""
        return {
            "bus": str(self.url),
            "connected": self._connected,
            "published": self.published,
            "relayed": self.relayed,
            "lost": self.lost,
            "refused": self.refused,
            "outbox_backlog": self._outbox.backlog,
            "relay_errors": self.relay_errors,
            "last_error": self.last_error,
        }

    async def close(self, drain: float = 1.0) -> None:
        """Gives the relay up to `drain` seconds to ship what is left, then stops it and closes the outbox."""
        self.flush()
        if self._outbox.backlog and self._connected:
            self._drained.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._drained.wait(), drain)
        self._closing = True
        if self._relay is not None:
            self._relay.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._relay
        self._outbox.close()

    async def _confirm(self, bus: Bus) -> None:
        for schema in self._schemas.values():
            if schema.fingerprint in self._confirmed:
                continue
            try:
                await bus.registry.register(schema)
            except BusPermissionError:
                # This bus user may not register (Redis ACL): it is enough that someone did.
                if await bus.registry.lookup(schema.fingerprint) is None:
                    self._warn(
                        f"{schema.type_name} schema {schema.fingerprint} is not registered, and this "
                        "bus user may not register it: run `pagemesh events register`"
                    )
                    continue
            except IncompatibleSchemaError as error:
                self._warn(error.message)
                continue
            self._outbox.confirm(schema.fingerprint)
            self._confirmed.add(schema.fingerprint)

    def _warn(self, message: str) -> None:
        self.last_error = message
        now = time.monotonic()
        if now - self._last_warning >= _WARN_EVERY:
            self._last_warning = now
            log_event(_logger, logging.WARNING, "bus relay", error=message, backlog=self._outbox.backlog)

    def _next_rows(self) -> list[tuple[int, list[Record]]]:
        """The oldest rows not shipped yet, holding about `_RELAY_BATCH` records (or fewer: all there are)."""
        shipped = self._outbox.shipped
        if shipped < self._memory_after:
            return self._outbox.rows_after(shipped, _RELAY_BATCH)
        rows, count = [], 0
        for row in self._memory:
            rows.append(row)
            count += len(row[1])
            if count >= _RELAY_BATCH:
                break
        return rows

    def _shipped(self, last_row: int, records: int) -> None:
        self._outbox.shipped_through(last_row, records)
        memory = self._memory
        while memory and memory[0][0] <= last_row:
            self._in_memory -= len(memory.popleft()[1])

    async def _woken(self, seconds: float) -> bool:
        """Waits up to `seconds` for a flush; whether one came."""
        try:
            async with asyncio.timeout(seconds):
                await self._wake.wait()
        except TimeoutError:
            return False
        return True

    async def _run(self) -> None:
        bus: Bus | None = None
        backoff = 0.1
        linger = Linger(self.url.options)
        try:
            while not self._closing:
                try:
                    if bus is None:
                        async with asyncio.timeout(_APPEND_TIMEOUT):
                            bus = await Bus.connect(self.url)
                        self._connected = True
                        self._append_at_once = bus.backend.append_at_once
                    if not self._all_confirmed():
                        async with asyncio.timeout(_APPEND_TIMEOUT):
                            await self._confirm(bus)
                        if self._all_confirmed():
                            self._ready.set()
                    rows = self._next_rows()
                    if not rows:
                        self._drained.set()
                        self._wake.clear()
                        if not await self._woken(_FORGET_AFTER):
                            # No flush came to delete the shipped rows in its transaction.
                            self._outbox.forget_shipped()
                        continue
                    records = [record for _, row_records in rows for record in row_records]
                    # A crash before the rows are deleted ships them again: consumers deduplicate.
                    for first in range(0, len(records), _RELAY_BATCH):
                        chunk = records[first : first + _RELAY_BATCH]
                        async with asyncio.timeout(_APPEND_TIMEOUT):
                            await bus.backend.append(chunk)
                        self.relayed += len(chunk)
                    self._shipped(rows[-1][0], len(records))
                    backoff = 0.1
                    # A turn for the rest of the process even without a wait: appends to a SQLite bus
                    # do not suspend, and an outbox's backlog held the aggregator's pages until shipped.
                    await asyncio.sleep(linger.after(len(records)))
                except Exception as error:
                    self.relay_errors += 1
                    reason = (
                        error.message if isinstance(error, BusError) else (str(error) or type(error).__name__)
                    )
                    self._warn(f"cannot ship events to the bus {self.url}: {reason}")
                    self._connected = False
                    self._append_at_once = None
                    if bus is not None:
                        with contextlib.suppress(Exception):
                            await bus.close()
                        bus = None
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, 2.0)
        finally:
            self._connected = False
            self._append_at_once = None
            if bus is not None:
                with contextlib.suppress(Exception):
                    await bus.close()
