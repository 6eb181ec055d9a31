"""Helpers for the bus tests: unique markers, views, collecting consumers, variants of the event contract."""

from __future__ import annotations

import asyncio
import time
import urllib.parse
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from compat import load_image, parse_input
from pagemesh.bus import Consumer, Event, Schema, event_schemas, parse_bus_url
from pagemesh.events.v1 import events_pb2
from tests.tools import ROOT

EVENTS_PROTO = ROOT / "proto" / "pagemesh" / "events" / "v1" / "events.proto"


def marker() -> str:
    """A string unique to one test, carried in the events it publishes (the brokers are shared)."""
    return uuid.uuid4().hex[:12]


def with_options(url: str, **options: object) -> str:
    """`url` with bus options added to its query string."""
    query = urllib.parse.urlencode(options)
    return f"{url}{'&' if '?' in url else '?'}{query}"


def views(mark: str, count: int, *, users: int = 1) -> list[events_pb2.ProductViewed]:
    """`count` views tagged with `mark` in their request IDs."""
    return [
        events_pb2.ProductViewed(
            product_id=f"P{i % 50 + 1:05d}",
            user_id=f"u-{mark}-{i % users}",
            request_id=f"{mark}-{i}",
            api_version="v2",
        )
        for i in range(count)
    ]


class Collector:
    """A consumer handler that keeps the events of one test (by marker) and can be made to fail."""

    def __init__(self, mark: str, fail_on: Callable[[events_pb2.ProductViewed], bool] | None = None) -> None:
        self.mark = mark
        self.fail_on = fail_on
        self.events: list[Event[Any]] = []
        self.calls = 0

    async def __call__(self, events: Sequence[Event[Any]]) -> None:
        self.calls += 1
        if self.fail_on is not None and any(self.fail_on(e.payload) for e in events):
            raise RuntimeError("the handler refuses this event")
        self.events += [e for e in events if e.payload.request_id.startswith(self.mark)]

    @property
    def request_ids(self) -> list[str]:
        return [e.payload.request_id for e in self.events]


def start_consumer(url: str, group: str, handle: Collector) -> Consumer:
    consumer = Consumer(parse_bus_url(url), group=group, types=[events_pb2.ProductViewed], handle=handle)
    consumer.start()
    return consumer


async def eventually(check: Callable[[], bool], within: float = 60.0, what: str = "") -> None:
    """Waits until `check()` is true; fails after `within` seconds."""
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {within:g} s: {what}")
        await asyncio.sleep(0.05)


def contract_variant(tmp: Path, old: str, new: str) -> Schema:
    """The ProductViewed schema after replacing `old` with `new` in a copy of events.proto."""
    text = EVENTS_PROTO.read_text()
    assert old in text
    target = tmp / "pagemesh" / "events" / "v1" / "events.proto"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text.replace(old, new))
    image, _ = load_image(parse_input(str(tmp)))
    (schema,) = [s for s in event_schemas(image) if s.type_name.endswith(".ProductViewed")]
    return schema


ADDED_FIELD = (
    "  Surface surface = 7;\n}",
    "  Surface surface = 7;\n  // The campaign that brought the visitor, if any.\n  string campaign = 8;\n}",
)
CHANGED_TYPE = ("  string product_id = 1;", "  int64 product_id = 1;")
BOT_FIELD = (
    "  string request_id = 5;",
    "  string request_id = 5;\n  // Whether a crawler asked.\n  bool bot = 9;",
)
