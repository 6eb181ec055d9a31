"""Page views as events: one `ProductViewed` per page served, published through the bus's outbox.

Publishing is a local write (the outbox) on the page path and never waits for the broker: a slow or dead
bus never slows or fails a page. Anything that goes wrong (the outbox's disk, a schema the registry has
not confirmed) is counted and logged at most every few seconds, and the page is served regardless.

The same object answers the event part of `/statz`: what this process published and shipped, and each
consumer group's lag as the bus reports it (looked up at most once a second, with a short timeout).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from typing import Any

from pagemesh.bus import PRODUCERS, Bus, BusUrl, Publisher
from pagemesh.events.v1 import events_pb2
from pagemesh.runtime import AGGREGATOR, PagemeshError, log_event

__all__ = ["PageViews"]

_logger = logging.getLogger("pagemesh.aggregator")
_WARN_EVERY = 5.0
_LAG_TIMEOUT = 2.0
_LAG_TTL = 1.0


class PageViews:
    """Publishes the aggregator's page-view events (see the module docstring)."""

    def __init__(self, publisher: Publisher) -> None:
        self.publisher = publisher
        self.failures = 0
        self._last_warning = 0.0
        self._lag: list[dict[str, Any]] | None = None
        self._lag_error = ""
        self._lag_read = 0.0
        self._bus: Bus | None = None

    @classmethod
    async def start(cls, url: BusUrl, outbox_dir: Any) -> PageViews:
        """The aggregator's publisher on `url` (its relay started), with its outbox in `outbox_dir`."""
        publisher = Publisher(url, producer=AGGREGATOR, outbox_dir=outbox_dir, types=PRODUCERS[AGGREGATOR])
        await publisher.start()
        return cls(publisher)

    def viewed(
        self,
        *,
        product_id: str,
        user_id: str,
        title: str,
        api_version: str,
        surface: events_pb2.Surface.ValueType,
        request_id: str,
        traceparent: str = "",
    ) -> None:
        """Publishes that a page was served (never raises, never waits for the bus)."""
        event = events_pb2.ProductViewed(
            product_id=product_id,
            user_id=user_id,
            api_version=api_version,
            request_id=request_id,
            product_title=title,
            surface=surface,
        )
        event.view_time.FromNanoseconds(time.time_ns())
        try:
            # Keyed by visitor, so one visitor's views stay in order (one Kafka partition).
            self.publisher.publish(event, key=user_id or product_id, traceparent=traceparent)
        except (PagemeshError, sqlite3.Error, OSError) as error:
            self.failures += 1
            now = time.monotonic()
            if now - self._last_warning >= _WARN_EVERY:
                self._last_warning = now
                reason = error.message if isinstance(error, PagemeshError) else str(error)
                log_event(
                    _logger,
                    logging.WARNING,
                    "page view not published",
                    product_id=product_id,
                    request_id=request_id,
                    reason=reason,
                    failures=self.failures,
                )

    async def stats(self) -> dict[str, Any]:
        """Publish counters and each consumer group's lag, for `/statz`."""
        report = self.publisher.stats()
        report["publish_failures"] = self.failures
        if time.monotonic() - self._lag_read >= _LAG_TTL:
            self._lag_read = time.monotonic()
            try:
                self._lag = await asyncio.wait_for(self._read_lag(), _LAG_TIMEOUT)
                self._lag_error = ""
            except (PagemeshError, TimeoutError, OSError) as error:
                self._lag = None
                self._lag_error = error.message if isinstance(error, PagemeshError) else "timed out"
                await self._drop_bus()
        report["groups"] = self._lag
        if self._lag_error:
            report["lag_error"] = self._lag_error
        return report

    async def _read_lag(self) -> list[dict[str, Any]]:
        if self._bus is None:
            self._bus = await Bus.connect(self.publisher.url)
        topics = [t.DESCRIPTOR.full_name for t in PRODUCERS[AGGREGATOR]]
        return [
            {
                "group": lag.group,
                "topic": lag.topic,
                "pending": lag.pending,
                "oldest_age_s": None if lag.oldest_age is None else round(lag.oldest_age, 3),
                "consumed": lag.consumed,
            }
            for lag in await self._bus.lag(topics)
        ]

    async def _drop_bus(self) -> None:
        if self._bus is not None:
            with contextlib.suppress(Exception):
                await self._bus.close()
            self._bus = None

    async def close(self) -> None:
        """Ships what the outbox holds if the bus lets it within a second, then stops."""
        await self._drop_bus()
        await self.publisher.close(drain=1.0)
