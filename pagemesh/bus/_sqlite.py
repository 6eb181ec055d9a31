"""The SQLite backend (the default): one WAL database file shared by the processes of one host.

Every topic's events are rows of one table, in append order. A consumer group has a cursor per topic (the
next event it has not been given) and a lease per batch it was given and has not finished (a range of
sequence numbers of one topic, its consumer, its expiry and how often it was handed out): a fetch is one
`BEGIN IMMEDIATE` transaction that first takes over leases that expired (their consumer died:
`UPDATE … RETURNING`, counting the attempt) and then hands out the next events after the cursor. When
every event of a batch is acknowledged or dead-lettered, its lease row goes. One lease row per batch, not
per event, keeps the consumer's writes per batch constant; a batch taken over is delivered whole again,
and the consumers' deduplication absorbs the events of it that were applied already.

Consumers wait for new events on an abstract UNIX datagram socket each (listed in the `wakers` table),
to which every append sends one empty datagram after its commit: delivery is prompt without polling the
file, and a poll every second covers a lost datagram and leases that expire. The socket is watched only
while its consumer waits: one busy with a batch, or lingering after it, finds the pokes at its next look.

SQLite calls run on the event loop's thread, and never wait for the file's write lock there: the busy
timeout is 0, and a transaction that finds the lock taken is retried after an asynchronous pause (0.5 ms,
doubling up to 50 ms, for up to 10 s). A transaction itself takes a fraction of a millisecond; a hop to a
worker thread for each measured as most of a consumer's CPU per event on a busy machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import os
import socket
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pagemesh.bus._backend import DeadLetter, Delivery, GroupLag, Record, StoredSchema
from pagemesh.bus._errors import BusUnavailableError
from pagemesh.bus._url import BusUrl

__all__ = ["SqliteBackend"]

T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL,
    published REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_topic ON events (topic, seq);
CREATE TABLE IF NOT EXISTS cursors (
    grp TEXT NOT NULL, topic TEXT NOT NULL, next_seq INTEGER NOT NULL, acked INTEGER NOT NULL,
    PRIMARY KEY (grp, topic)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS leases (
    grp TEXT NOT NULL, topic TEXT NOT NULL, first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL,
    consumer TEXT NOT NULL, lease_until REAL NOT NULL, attempts INTEGER NOT NULL,
    PRIMARY KEY (grp, topic, first_seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS dead_letters (
    id INTEGER PRIMARY KEY AUTOINCREMENT, grp TEXT NOT NULL, topic TEXT NOT NULL, value BLOB NOT NULL,
    reason TEXT NOT NULL, attempts INTEGER NOT NULL, failed REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS schemas (
    subject TEXT NOT NULL, version INTEGER NOT NULL, fingerprint TEXT NOT NULL, schema BLOB NOT NULL,
    registered REAL NOT NULL, PRIMARY KEY (subject, version)
);
CREATE TABLE IF NOT EXISTS wakers (name BLOB PRIMARY KEY, grp TEXT NOT NULL, pid INTEGER NOT NULL)
"""
_FILE_VERSION = 3
"""The layout of the bus file (PRAGMA user_version); 2 has one lease row per batch; 3 keeps cursors and
leases in their primary key's b-tree alone (WITHOUT ROWID, no expiry index: a group holds a few leases),
so a fetch writes two pages of them instead of five."""
_MIGRATIONS = {
    2: """
CREATE TABLE cursors_v3 (
    grp TEXT NOT NULL, topic TEXT NOT NULL, next_seq INTEGER NOT NULL, acked INTEGER NOT NULL,
    PRIMARY KEY (grp, topic)
) WITHOUT ROWID;
INSERT INTO cursors_v3 SELECT grp, topic, next_seq, acked FROM cursors;
DROP TABLE cursors;
ALTER TABLE cursors_v3 RENAME TO cursors;
CREATE TABLE leases_v3 (
    grp TEXT NOT NULL, topic TEXT NOT NULL, first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL,
    consumer TEXT NOT NULL, lease_until REAL NOT NULL, attempts INTEGER NOT NULL,
    PRIMARY KEY (grp, topic, first_seq)
) WITHOUT ROWID;
INSERT INTO leases_v3 SELECT grp, topic, first_seq, last_seq, consumer, lease_until, attempts FROM leases;
DROP TABLE leases;
ALTER TABLE leases_v3 RENAME TO leases
""",
}
"""From a bus file layout to the next (statements separated by `;`), applied in the opening transaction."""
_TRIM_EVERY = 1024
"""Appends between two trims of a topic to about `maxlen` events."""
_WAKERS_TTL = 1.0
"""Seconds a publisher reuses its list of consumers to wake."""
_POLL = 1.0
"""The longest a waiting consumer goes without looking at the file (a lost poke, expired leases, its
own acknowledgements to write)."""
_TAKE_OVER_EVERY = 0.5
"""Seconds between two looks for expired leases (at most a quarter of the lease)."""
_FIRST_PAUSE = 0.0005
_MAX_PAUSE = 0.05
_LOCK_PATIENCE = 10.0
"""Seconds a transaction keeps retrying while other processes hold the bus file's write lock."""


class _Waker:
    """An abstract UNIX datagram socket that appends poke when they commit.

    The event loop watches the socket only while its owner waits for a poke: a consumer handling a batch,
    or lingering after one, is not woken by each append meanwhile (at a page's rate that was a wake-up per
    page view in each consuming service). Those pokes wait in the socket (a few at most: a sender finding
    its queue full knows a poke is waiting) and `take_poke` reads them when the owner looks again.
    """

    def __init__(self, namespace: str, label: str) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.setblocking(False)
        suffix = f"{label}:{os.getpid()}:{id(self):x}"
        self.name = f"\0pagemesh-bus:{namespace}:{suffix}".encode()[:107]
        self.sock.bind(self.name)
        self._loop = asyncio.get_running_loop()

    def _drain(self) -> bool:
        got = False
        while True:
            try:
                self.sock.recv(16)
            except (BlockingIOError, InterruptedError):
                return got
            except OSError:
                return got
            got = True

    def _waiting(self) -> bool:
        """Whether a poke waits in the socket (it stays there)."""
        try:
            self.sock.recv(1, socket.MSG_PEEK)
        except OSError:  # BlockingIOError: none
            return False
        return True

    def take_poke(self) -> bool:
        """Whether a poke came since the last call (look at the file before waiting again)."""
        return self._drain()

    async def wait(self, seconds: float) -> bool:
        """Returns True when poked (now or already), False after `seconds` without a poke; the poke
        stays for `take_poke`."""
        if self._waiting():
            return True
        waiter = self._loop.create_future()
        descriptor = self.sock.fileno()
        self._loop.add_reader(descriptor, _settle, waiter)
        timer = self._loop.call_later(seconds, _settle, waiter)
        try:
            await waiter
        finally:
            timer.cancel()
            self._loop.remove_reader(descriptor)
        return self._waiting()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._loop.remove_reader(self.sock.fileno())
        self.sock.close()


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class SqliteBackend:
    """The bus in one SQLite file (see the module docstring)."""

    kind = "sqlite"

    def __init__(self, url: BusUrl) -> None:
        assert url.path is not None
        self.path: Path = url.path
        self.options = url.options
        self._namespace = hashlib.sha1(str(self.path.resolve()).encode()).hexdigest()[:12]
        self._db: sqlite3.Connection | None = None
        self._sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._sender.setblocking(False)
        self._wakers: list[bytes] = []
        self._wakers_read = 0.0
        self._appended = 0

    async def _run(self, function: Callable[..., T], *args: Any) -> T:
        """`function(*args)`, retried (after an asynchronous pause) while another process holds the lock."""
        pause = _FIRST_PAUSE
        deadline = time.monotonic() + _LOCK_PATIENCE
        while True:
            try:
                return function(*args)
            except sqlite3.OperationalError as error:
                locked = "locked" in str(error) or "busy" in str(error)
                if not locked or time.monotonic() > deadline:
                    raise BusUnavailableError(f"the SQLite bus {str(self.path)!r}: {error}") from None
            except sqlite3.Error as error:
                raise BusUnavailableError(f"the SQLite bus {str(self.path)!r}: {error}") from None
            await asyncio.sleep(pause)
            pause = min(pause * 2, _MAX_PAUSE)

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            raise BusUnavailableError("the SQLite bus is not connected")
        return self._db

    def _transaction(self, work: Callable[[sqlite3.Connection], T]) -> T:
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            result = work(db)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return result

    async def connect(self) -> None:
        def open_file() -> None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # timeout=0: never block the event loop on the lock; `_run` retries instead.
            db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=0)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            self._db = db
            self._transaction(self._create)

        if self._db is None:
            try:
                await self._run(open_file)
            except OSError as error:
                raise BusUnavailableError(f"cannot open the SQLite bus {str(self.path)!r}: {error}") from None

    def _create(self, db: sqlite3.Connection) -> None:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        tables = db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        while tables and version in _MIGRATIONS:
            for statement in _MIGRATIONS[version].split(";"):
                db.execute(statement)
            version += 1
        if tables and version != _FILE_VERSION:
            raise sqlite3.DatabaseError(
                f"the file has bus format {version}, not {_FILE_VERSION}: it was made by another pagemesh "
                "version; move it away (its events are not readable by this one)"
            )
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                db.execute(statement)
        db.execute(f"PRAGMA user_version = {_FILE_VERSION}")

    async def close(self) -> None:
        if self._db is not None:
            db, self._db = self._db, None
            db.close()
        self._sender.close()

    # Producing.

    def _write_events(self, records: Sequence[Record]) -> None:
        """Inserts the records in one transaction (trimming now and then) and pokes the consumers."""
        now = time.time()
        rows = [(r.topic, r.key, r.value, now) for r in records]
        trim = self._appended // _TRIM_EVERY != (self._appended + len(rows)) // _TRIM_EVERY
        topics = sorted({r.topic for r in records}) if trim else []
        refresh = now - self._wakers_read > _WAKERS_TTL

        def write(db: sqlite3.Connection) -> list[bytes] | None:
            db.executemany("INSERT INTO events (topic, key, value, published) VALUES (?, ?, ?, ?)", rows)
            for topic in topics:
                db.execute(
                    "DELETE FROM events WHERE topic = ? AND seq < "
                    "(SELECT max(seq) FROM events WHERE topic = ?) - ?",
                    (topic, topic, self.options.maxlen),
                )
            return [row[0] for row in db.execute("SELECT name FROM wakers")] if refresh else None

        wakers = self._transaction(write)
        self._appended += len(rows)
        if wakers is not None:
            self._wakers, self._wakers_read = wakers, now
        self._poke()

    async def append(self, records: Sequence[Record]) -> None:
        if records:
            await self._run(self._write_events, records)

    def append_at_once(self, records: Sequence[Record]) -> bool:
        """Appends the records now, without waiting: False (nothing appended) when the file's write lock
        is taken or the file cannot be written, for the caller to keep them elsewhere meanwhile."""
        try:
            self._write_events(records)
        except (sqlite3.Error, BusUnavailableError):
            return False
        return True

    def _poke(self) -> None:
        stale = []
        for name in self._wakers:
            try:
                self._sender.sendto(b"!", name)
            except (BlockingIOError, InterruptedError):
                pass  # its queue is full: it is awake already
            except OSError:
                stale.append(name)  # its process is gone
        if stale:
            self._wakers = [n for n in self._wakers if n not in stale]
            # At most a second later (`_WAKERS_TTL`) the list is read again: if this did not get the lock,
            # the next append that reads it tries again.
            with contextlib.suppress(sqlite3.Error):
                self.db.executemany("DELETE FROM wakers WHERE name = ?", [(n,) for n in stale])

    # Consuming.

    async def subscribe(self, group: str, consumer: str, topics: Sequence[str]) -> _SqliteSubscription:
        waker = _Waker(self._namespace, group)

        def join(db: sqlite3.Connection) -> None:
            db.executemany(
                "INSERT OR IGNORE INTO cursors VALUES (?, ?, 0, 0)", [(group, topic) for topic in topics]
            )
            db.execute("INSERT OR REPLACE INTO wakers VALUES (?, ?, ?)", (waker.name, group, os.getpid()))

        try:
            await self._run(self._transaction, join)
        except BaseException:
            waker.close()
            raise
        return _SqliteSubscription(self, group, consumer, tuple(topics), waker)

    # The schema registry.

    async def schemas(self) -> list[StoredSchema]:
        rows = await self._run(
            lambda: self.db.execute(
                "SELECT subject, version, fingerprint, schema, registered FROM schemas "
                "ORDER BY subject, version"
            ).fetchall()
        )
        return [StoredSchema(*row) for row in rows]

    async def add_schema(self, schema: StoredSchema) -> bool:
        def insert() -> bool:
            try:
                self.db.execute(
                    "INSERT INTO schemas VALUES (?, ?, ?, ?, ?)",
                    (schema.subject, schema.version, schema.fingerprint, schema.schema, schema.registered_at),
                )
            except sqlite3.IntegrityError:
                return False
            return True

        return await self._run(insert)

    # Operations.

    async def lag(self, topics: Sequence[str]) -> list[GroupLag]:
        def measure() -> list[GroupLag]:
            now = time.time()
            report = []
            cursors = self.db.execute(
                f"SELECT grp, topic, next_seq, acked FROM cursors WHERE topic IN ({_marks(topics)}) "
                "ORDER BY grp, topic",
                tuple(topics),
            ).fetchall()
            for group, topic, next_seq, acked in cursors:
                waiting, oldest_waiting = self.db.execute(
                    "SELECT count(*), min(published) FROM events WHERE topic = ? AND seq >= ?",
                    (topic, next_seq),
                ).fetchone()
                leased, oldest_leased = self.db.execute(
                    "SELECT count(e.seq), min(e.published) FROM leases l JOIN events e ON e.topic = l.topic "
                    "AND e.seq BETWEEN l.first_seq AND l.last_seq WHERE l.grp = ? AND l.topic = ?",
                    (group, topic),
                ).fetchone()
                oldest = min((t for t in (oldest_waiting, oldest_leased) if t is not None), default=None)
                report.append(
                    GroupLag(group, topic, waiting + leased, None if oldest is None else now - oldest, acked)
                )
            return report

        return await self._run(measure)

    async def dead_letters(self, group: str | None) -> list[DeadLetter]:
        query = "SELECT grp, topic, id, value, reason, attempts, failed FROM dead_letters"
        args: tuple[str, ...] = ()
        if group is not None:
            query, args = query + " WHERE grp = ?", (group,)
        rows = await self._run(lambda: self.db.execute(query + " ORDER BY id", args).fetchall())
        return [DeadLetter(g, t, str(i), v, r, a, f) for g, t, i, v, r, a, f in rows]

    async def remove_dead_letters(self, letters: Sequence[DeadLetter]) -> None:
        ids = [(int(letter.position),) for letter in letters]
        await self._run(
            self._transaction, lambda db: db.executemany("DELETE FROM dead_letters WHERE id = ?", ids)
        )

    async def tail(self, topics: Sequence[str]) -> AsyncIterator[Delivery]:
        waker = _Waker(self._namespace, "tail")
        await self._run(
            lambda: self.db.execute(
                "INSERT OR REPLACE INTO wakers VALUES (?, 'tail', ?)", (waker.name, os.getpid())
            )
        )
        try:
            last = await self._run(
                lambda: self.db.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]
            )
            query = (
                f"SELECT seq, topic, value, published FROM events WHERE seq > ? "
                f"AND topic IN ({_marks(topics)}) ORDER BY seq LIMIT 500"
            )
            while True:
                waker.take_poke()  # before the query: a later append pokes again
                rows = await self._run(
                    lambda after: self.db.execute(query, (after, *topics)).fetchall(), last
                )
                for seq, topic, value, published in rows:
                    last = seq
                    yield Delivery(topic, str(seq), value, 1, published)
                if not rows:
                    await waker.wait(_POLL)
        finally:
            waker.close()
            with contextlib.suppress(BusUnavailableError):
                await self._run(lambda: self.db.execute("DELETE FROM wakers WHERE name = ?", (waker.name,)))


def _marks(items: Sequence[object]) -> str:
    return ", ".join("?" * len(items)) or "NULL"


_Range = tuple[str, int]
"""A lease: (topic, first sequence number)."""
_Batch = tuple[_Range, list[Delivery]]
_NEXT_EVENTS = (
    "SELECT seq, value, published FROM events WHERE topic = ? AND seq >= "
    "(SELECT next_seq FROM cursors WHERE grp = ? AND topic = ?) ORDER BY seq LIMIT ?"
)


class _SqliteSubscription:
    """One consumer of a group on the SQLite bus."""

    def __init__(
        self, backend: SqliteBackend, group: str, consumer: str, topics: tuple[str, ...], waker: _Waker
    ) -> None:
        self._backend = backend
        self._group = group
        self._consumer = consumer
        self._topics = topics
        self._waker = waker
        self._open: dict[_Range, set[int]] = {}
        """Per lease held: the sequence numbers of it not yet acknowledged or dead-lettered."""
        self._lease_of: dict[int, _Range] = {}
        self._finished: list[_Range] = []
        self._acked: dict[str, int] = {}
        """Acknowledgements not written yet: the next fetch writes them in its own transaction."""
        self._look = True
        """Whether the next fetch must look at the file even without a poke."""
        self._next_take_over = 0.0

    def _write_acks(self, db: sqlite3.Connection) -> None:
        """Writes the recorded acknowledgements (the caller forgets them once its transaction commits)."""
        self._drop(db, self._finished)
        db.executemany(
            "UPDATE cursors SET acked = acked + ? WHERE grp = ? AND topic = ?",
            [(count, self._group, topic) for topic, count in self._acked.items()],
        )

    def _acks_written(self) -> None:
        self._finished, self._acked = [], {}

    def _take_over(self, db: sqlite3.Connection, now: float, lease_until: float) -> list[_Batch]:
        """The batches of this group whose lease expired (their consumer died), leased to this one."""
        batches: list[_Batch] = []
        taken = db.execute(
            "UPDATE leases SET consumer = ?, lease_until = ?, attempts = attempts + 1 "
            "WHERE (grp, topic, first_seq) IN (SELECT grp, topic, first_seq FROM leases "
            "WHERE grp = ? AND lease_until < ? ORDER BY first_seq LIMIT 4) "
            "RETURNING topic, first_seq, last_seq, attempts",
            (self._consumer, lease_until, self._group, now),
        ).fetchall()
        for topic, first, last, attempts in sorted(taken, key=lambda row: row[1]):
            rows = db.execute(
                "SELECT seq, value, published FROM events WHERE topic = ? AND seq BETWEEN ? AND ? "
                "ORDER BY seq",
                (topic, first, last),
            ).fetchall()
            if rows:
                deliveries = [Delivery(topic, str(seq), value, attempts, at) for seq, value, at in rows]
                batches.append(((topic, first), deliveries))
            else:  # trimmed away meanwhile
                db.execute(
                    "DELETE FROM leases WHERE grp = ? AND topic = ? AND first_seq = ?",
                    (self._group, topic, first),
                )
        return batches

    def _claim(self, db: sqlite3.Connection, max_count: int, take_over: bool) -> list[_Batch]:
        """One transaction: writes the acknowledgements recorded since the last one, takes over expired
        leases (when `take_over`), and leases the next events after the group's cursor."""
        now = time.time()
        lease_until = now + self._backend.options.lease
        if self._finished:
            self._drop(db, self._finished)
        batches = self._take_over(db, now, lease_until) if take_over else []
        room = max_count - sum(len(d) for _, d in batches)
        for topic in self._topics:
            acked = self._acked.get(topic, 0)
            rows = db.execute(_NEXT_EVENTS, (topic, self._group, topic, room)).fetchall() if room > 0 else []
            if rows:
                first, last = rows[0][0], rows[-1][0]
                db.execute(
                    "INSERT INTO leases VALUES (?, ?, ?, ?, ?, ?, 1)",
                    (self._group, topic, first, last, self._consumer, lease_until),
                )
                db.execute(
                    "UPDATE cursors SET next_seq = ?, acked = acked + ? WHERE grp = ? AND topic = ?",
                    (last + 1, acked, self._group, topic),
                )
                batches.append(
                    ((topic, first), [Delivery(topic, str(seq), value, 1, at) for seq, value, at in rows])
                )
                room -= len(rows)
            elif acked:
                db.execute(
                    "UPDATE cursors SET acked = acked + ? WHERE grp = ? AND topic = ?",
                    (acked, self._group, topic),
                )
        return batches

    async def fetch(self, max_count: int, wait: float) -> list[Delivery]:
        """Looks at the file only when an append poked this consumer since it last looked (or when the
        last look filled a whole batch, or after `_POLL` without a poke): a consumer at a trickle pays
        one transaction per batch, none for nothing."""
        deadline = time.monotonic() + wait
        backend = self._backend
        while True:
            poked = self._waker.take_poke()  # before the transaction: a later append pokes again
            if poked or self._look:
                self._look = False
                now = time.monotonic()
                take_over = now >= self._next_take_over
                if take_over:
                    self._next_take_over = now + min(_TAKE_OVER_EVERY, backend.options.lease / 4)
                claim = functools.partial(self._claim, max_count=max_count, take_over=take_over)
                batches = await backend._run(backend._transaction, claim)
                self._acks_written()
                deliveries = []
                for lease, batch in batches:
                    self._open[lease] = {int(d.position) for d in batch}
                    for delivery in batch:
                        self._lease_of[int(delivery.position)] = lease
                    deliveries += batch
                if len(deliveries) >= max_count:
                    self._look = True  # there may be more behind them
                if deliveries:
                    return deliveries
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            if not await self._waker.wait(min(remaining, _POLL)):
                self._look = True

    def _finish(self, deliveries: Sequence[Delivery]) -> list[_Range]:
        """Marks deliveries done; returns the leases all of whose events are done now."""
        finished = []
        for delivery in deliveries:
            seq = int(delivery.position)
            lease = self._lease_of.pop(seq, None)
            if lease is None:
                continue
            remaining = self._open[lease]
            remaining.discard(seq)
            if not remaining:
                del self._open[lease]
                finished.append(lease)
        return finished

    def _drop(self, db: sqlite3.Connection, finished: list[_Range]) -> None:
        db.executemany(
            "DELETE FROM leases WHERE grp = ? AND topic = ? AND first_seq = ?",
            [(self._group, topic, first) for topic, first in finished],
        )

    async def ack(self, deliveries: Sequence[Delivery]) -> None:
        """Records the acknowledgements; they are written with the next fetch's transaction (one
        transaction per batch instead of two), or at `close()`. Until then the batch's lease holds:
        should this consumer die first, the batch is delivered again, which deduplication absorbs."""
        for delivery in deliveries:
            self._acked[delivery.topic] = self._acked.get(delivery.topic, 0) + 1
        self._finished += self._finish(deliveries)

    async def dead_letter(self, delivery: Delivery, reason: str, attempts: int) -> None:
        finished = self._finish([delivery])

        def move(db: sqlite3.Connection) -> None:
            db.execute(
                "INSERT INTO dead_letters (grp, topic, value, reason, attempts, failed) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (self._group, delivery.topic, delivery.value, reason, attempts, time.time()),
            )
            self._drop(db, finished)

        await self._backend._run(self._backend._transaction, move)

    async def close(self) -> None:
        def leave(db: sqlite3.Connection) -> None:
            self._write_acks(db)
            db.execute("DELETE FROM wakers WHERE name = ?", (self._waker.name,))
            # Whatever this consumer still holds goes to the others at once, not after the lease.
            db.execute(
                "UPDATE leases SET lease_until = 0 WHERE grp = ? AND consumer = ?",
                (self._group, self._consumer),
            )

        try:
            await self._backend._run(self._backend._transaction, leave)
            self._acks_written()
        finally:
            self._waker.close()
