"""Running one consumer of a group inside a service: fetch, decode, handle, acknowledge; never give up.

The handler gets a batch of decoded events and applies them (for pagemesh's services: in one store
transaction, deduplicated on `event_id` in that same transaction). When it raises, the batch is retried
one event at a time, so one poison event cannot hold the others back: an event that still fails after
`max_attempts` handler calls (counting deliveries before a crash, where the broker counts them) goes to
the group's dead-letter place with the reason, and the rest keep flowing. Bytes that do not decode as an
envelope of a type this consumer handles are dead-lettered at once: no retry would change them; so is
an event for which the handler raises `PoisonEventError` (its content can never be applied).

A lost broker connection is retried with backoff forever; events not acknowledged are delivered again
(at-least-once), which the handler's deduplication makes harmless.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from google.protobuf.message import Message

from pagemesh.bus._backend import Delivery, Subscription
from pagemesh.bus._bus import Bus
from pagemesh.bus._envelope import Event, PoisonEventError, decode, open_envelope
from pagemesh.bus._errors import BusError
from pagemesh.bus._linger import Linger
from pagemesh.bus._url import BusUrl
from pagemesh.runtime import log_event
from pagemesh.telemetry import consuming_events, event_dead_lettered

__all__ = ["Consumer", "Handler"]

_logger = logging.getLogger("pagemesh.bus")

Handler = Callable[[Sequence[Event[Any]]], Awaitable[None]]
"""Applies a batch of events; raising means none of them was applied."""

_FETCH_WAIT = 1.0
_MAX_BACKOFF = 2.0


class Consumer:
    """One member of consumer group `group`, handling events of `types` (see the module docstring)."""

    def __init__(
        self,
        url: BusUrl,
        *,
        group: str,
        types: Sequence[type[Message]],
        handle: Handler,
        name: str = "",
    ) -> None:
        self.url = url
        self.group = group
        self.name = name or f"{group}-{socket.gethostname()}-{os.getpid()}"
        self._classes = {t.DESCRIPTOR.full_name: t for t in types}
        self._types = list(types)
        self._handle = handle
        self._task: asyncio.Task[None] | None = None
        self._busy = False
        self._stopping = False
        self.connected = False
        self.consumed = 0
        self.dead_lettered = 0
        self.retries = 0
        self.last_error = ""

    def start(self) -> None:
        """Starts consuming in the background."""
        self._task = asyncio.ensure_future(self._run())

    async def stop(self, grace: float = 5.0) -> None:
        """Stops after the batch in hand (waiting up to `grace` seconds for it)."""
        self._stopping = True
        task = self._task
        if task is None:
            return
        if not self._busy:
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError, TimeoutError):
            await asyncio.wait_for(task, grace)

    def stats(self) -> dict[str, Any]:
        """Counters for logs and tests."""
        return {
            "group": self.group,
            "connected": self.connected,
            "consumed": self.consumed,
            "dead_lettered": self.dead_lettered,
            "retries": self.retries,
            "last_error": self.last_error,
        }

    async def _run(self) -> None:
        backoff = 0.1
        while not self._stopping:
            bus: Bus | None = None
            subscription: Subscription | None = None
            try:
                bus = await Bus.connect(self.url)
                subscription = await bus.subscribe(self.group, self.name, self._types)
                self.connected = True
                log_event(
                    _logger,
                    logging.INFO,
                    "consuming",
                    group=self.group,
                    consumer=self.name,
                    bus=str(self.url),
                )
                linger = Linger(self.url.options)
                while not self._stopping:
                    deliveries = await subscription.fetch(self.url.options.batch, _FETCH_WAIT)
                    if deliveries:
                        self._busy = True
                        try:
                            await self._process(subscription, deliveries)
                        finally:
                            self._busy = False
                        # Even without a wait, the rest of the process gets a turn: on a SQLite bus
                        # with a SQLite store nothing above suspends, and a backlog kept the service's
                        # gRPC server from every call until the consumer had drained it.
                        await asyncio.sleep(linger.after(len(deliveries)))
                    backoff = 0.1
            except asyncio.CancelledError:
                raise
            except Exception as error:
                self.last_error = error.message if isinstance(error, BusError) else repr(error)
                log_event(
                    _logger, logging.WARNING, "consumer lost the bus", group=self.group, error=self.last_error
                )
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, _MAX_BACKOFF)
            finally:
                self.connected = False
                if subscription is not None:
                    with contextlib.suppress(Exception):
                        await subscription.close()
                if bus is not None:
                    with contextlib.suppress(Exception):
                        await bus.close()

    async def _process(self, subscription: Subscription, deliveries: list[Delivery]) -> None:
        limit = self.url.options.max_attempts
        ready: list[tuple[Delivery, Event[Any]]] = []
        for delivery in deliveries:
            try:
                envelope = open_envelope(delivery.value)
                payload_class = self._classes.get(envelope.type)
                if payload_class is None:
                    raise PoisonEventError(
                        f"event {envelope.event_id} is a {envelope.type}, which {self.group} does not handle"
                    )
                event = decode(envelope, payload_class)
            except PoisonEventError as error:
                await self._dead_letter(subscription, delivery, str(error), delivery.attempts)
                continue
            if delivery.attempts > limit:
                reason = (
                    f"delivered {delivery.attempts} times without being acknowledged "
                    "(its consumer died while handling it each time)"
                )
                await self._dead_letter(subscription, delivery, reason, delivery.attempts)
                continue
            ready.append((delivery, event))
        if not ready:
            return
        try:
            # Each event's span links to the page (or other producer) whose trace it carries.
            with consuming_events(self.group, [(e.type, e.event_id, e.traceparent) for _, e in ready]):
                await self._handle([event for _, event in ready])
        except Exception:
            await self._one_by_one(subscription, ready, limit)
            return
        await subscription.ack([delivery for delivery, _ in ready])
        self.consumed += len(ready)

    async def _one_by_one(
        self, subscription: Subscription, ready: list[tuple[Delivery, Event[Any]]], limit: int
    ) -> None:
        for delivery, event in ready:
            attempt = delivery.attempts
            while True:
                try:
                    with consuming_events(self.group, [(event.type, event.event_id, event.traceparent)]):
                        await self._handle([event])
                except PoisonEventError as error:
                    # The handler says no attempt can ever apply it (e.g. a required field is empty).
                    await self._dead_letter(subscription, delivery, str(error), attempt)
                    break
                except Exception as error:
                    if attempt >= limit:
                        reason = f"the handler failed {attempt} times, last with {error!r}"
                        await self._dead_letter(subscription, delivery, reason, attempt)
                        break
                    attempt += 1
                    self.retries += 1
                    await asyncio.sleep(min(0.05 * 2**attempt, _MAX_BACKOFF))
                    continue
                await subscription.ack([delivery])
                self.consumed += 1
                break

    async def _dead_letter(
        self, subscription: Subscription, delivery: Delivery, reason: str, attempts: int
    ) -> None:
        await subscription.dead_letter(delivery, reason, attempts)
        self.dead_lettered += 1
        event_dead_lettered(self.group, delivery.topic)
        log_event(
            _logger,
            logging.WARNING,
            "event dead-lettered",
            group=self.group,
            topic=delivery.topic,
            position=delivery.position,
            attempts=attempts,
            reason=reason,
        )
