"""`pagemesh events`: the event bus for people and CI.

    pagemesh events register [PROTO_DIR]    register every event type's schema (refuses breaking ones)
    pagemesh events tail [--type T]          follow events live, decoded as JSON lines
    pagemesh events lag                      per consumer group: pending events and the oldest one's age
    pagemesh events dlq [--group G] [--replay]   list dead letters, or publish them again

The bus is `--bus URL`, else `PAGEMESH_BUS` (default: the SQLite bus in the data directory). Exit codes:
0, 1 for bad input or an unreachable bus (one line on stderr), and 100 when `register` refuses a schema
(as `pagemesh compat` does for a breaking change), with the findings.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from google.protobuf.json_format import MessageToDict

from compat import FORMATS, CompatError, load_image, parse_input, render
from pagemesh.bus._bus import Bus
from pagemesh.bus._envelope import PoisonEventError, open_envelope
from pagemesh.bus._errors import IncompatibleSchemaError
from pagemesh.bus._names import topic_of
from pagemesh.bus._schema import Schema, event_schemas, message_class
from pagemesh.cli import ArgumentParser
from pagemesh.runtime import PagemeshError, Settings

__all__ = ["main"]

EXIT_REFUSED = 100


def build_parser() -> ArgumentParser:
    """The options of `pagemesh events`."""
    parser = ArgumentParser(
        prog="pagemesh events",
        description="The event bus: register schemas, follow events, see lag and dead letters.",
    )
    parser.add_argument(
        "--bus", help="the bus URL (default: PAGEMESH_BUS, else the SQLite bus in the data dir)"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    register = commands.add_parser(
        "register",
        help="register the event schemas of a proto directory (refuses a breaking change)",
        description="Registers the schema of every event type in PROTO_DIR (messages of "
        "pagemesh.events.* packages) with the bus's registry. A new version must pass compat's WIRE and "
        "WIRE_JSON rules against every version registered before; a breaking one is refused (exit 100) "
        "with the findings.",
    )
    register.add_argument("proto_dir", nargs="?", default="proto", help="the proto module (default: proto)")
    register.add_argument("--format", choices=sorted(FORMATS), default="text", help="how to print findings")
    tail = commands.add_parser("tail", help="follow events as they are published, as JSON lines")
    tail.add_argument(
        "--type", action="append", default=[], metavar="T", help="only this event type (repeatable)"
    )
    tail.add_argument("--count", type=int, default=0, help="stop after this many events (default: never)")
    lag = commands.add_parser("lag", help="per consumer group: events pending and the oldest one's age")
    lag.add_argument("--json", action="store_true", help="print JSON")
    dlq = commands.add_parser("dlq", help="list dead letters, or replay them with --replay")
    dlq.add_argument("--group", help="only this consumer group's")
    dlq.add_argument(
        "--replay", action="store_true", help="publish them again (same event_id) and forget them"
    )
    dlq.add_argument("--json", action="store_true", help="print JSON")
    return parser


def _time(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


async def _register(bus: Bus, proto_dir: str, output_format: str) -> int:
    image, _ = load_image(parse_input(proto_dir))
    schemas = event_schemas(image)
    if not schemas:
        print(
            f"pagemesh events: {proto_dir} declares no event types (messages of pagemesh.events.*)",
            file=sys.stderr,
        )
        return 1
    refused = 0
    for schema in schemas:
        try:
            registration = await bus.registry.register(schema)
        except IncompatibleSchemaError as error:
            refused += 1
            print(f"{schema.type_name}: REFUSED, it breaks a registered version", file=sys.stderr)
            print(render(error.findings, output_format), end="")
            continue
        state = "registered as" if registration.created else "already registered as"
        print(f"{schema.type_name}: {state} version {registration.version} ({schema.fingerprint})")
    return EXIT_REFUSED if refused else 0


async def _tail(bus: Bus, types: Sequence[str], count: int) -> int:
    topics = [topic_of(t) for t in types] or await bus.topics()
    if not topics:
        print("pagemesh events: no event type is registered on this bus yet", file=sys.stderr)
        return 1
    classes: dict[str, Any] = {}
    shown = 0
    async for delivery in bus.tail(topics):
        line: dict[str, Any] = {"topic": delivery.topic, "position": delivery.position}
        try:
            envelope = open_envelope(delivery.value)
            line.update(
                event_id=envelope.event_id,
                type=envelope.type,
                occurred_at=envelope.occurred_at.ToJsonString(),
                producer=envelope.producer,
                traceparent=envelope.traceparent,
                schema=envelope.schema_fingerprint,
            )
            if envelope.schema_fingerprint not in classes:
                stored = await bus.registry.lookup(envelope.schema_fingerprint)
                classes[envelope.schema_fingerprint] = (
                    None
                    if stored is None
                    else message_class(Schema.from_bytes(stored.subject, stored.schema))
                )
            payload_class = classes[envelope.schema_fingerprint]
            if payload_class is None:
                line["payload_base64"] = envelope.payload.hex()
                line["error"] = "its schema is not registered"
            else:
                line["payload"] = MessageToDict(payload_class.FromString(envelope.payload))
        except PoisonEventError as error:
            line["error"] = str(error)
        print(json.dumps(line), flush=True)
        shown += 1
        if count and shown >= count:
            break
    return 0


async def _lag(bus: Bus, as_json: bool) -> int:
    lags = await bus.lag()
    if as_json:
        print(json.dumps([lag.__dict__ for lag in lags], indent=2))
        return 0
    print(f"{'GROUP':<24} {'TOPIC':<40} {'PENDING':>8} {'OLDEST':>10} {'CONSUMED':>10}")
    for lag in lags:
        oldest = "-" if lag.oldest_age is None else f"{lag.oldest_age:.1f}s"
        print(f"{lag.group:<24} {lag.topic:<40} {lag.pending:>8} {oldest:>10} {lag.consumed:>10}")
    if not lags:
        print("(no consumer group has joined yet)")
    return 0


async def _dlq(bus: Bus, group: str | None, replay: bool, as_json: bool) -> int:
    if replay:
        count = await bus.replay(group)
        print(f"replayed {count} dead letter{'s' if count != 1 else ''}{f' of {group}' if group else ''}")
        return 0
    letters = await bus.dead_letters(group)
    rows = []
    for letter in letters:
        try:
            envelope = open_envelope(letter.value)
            event_id, event_type = envelope.event_id, envelope.type
        except PoisonEventError:
            event_id, event_type = "-", "(not an envelope)"
        rows.append(
            {
                "group": letter.group,
                "topic": letter.topic,
                "event_id": event_id,
                "type": event_type,
                "attempts": letter.attempts,
                "failed_at": _time(letter.failed_at),
                "reason": letter.reason,
            }
        )
    if as_json:
        print(json.dumps(rows, indent=2))
        return 0
    for row in rows:
        where = f"{row['failed_at']} {row['group']} {row['event_id']} {row['type']}"
        print(f"{where} after {row['attempts']} attempts: {row['reason']}")
    print(f"{len(rows)} dead letter{'s' if len(rows) != 1 else ''}")
    return 0


async def _run(url: str, options: Any) -> int:
    bus = await Bus.connect(url)
    try:
        if options.command == "register":
            return await _register(bus, options.proto_dir, options.format)
        if options.command == "tail":
            return await _tail(bus, options.type, options.count)
        if options.command == "lag":
            return await _lag(bus, options.json)
        return await _dlq(bus, options.group, options.replay, options.json)
    finally:
        await bus.close()


def main(argv: list[str]) -> int:
    """Runs `pagemesh events` and returns its exit code."""
    options = build_parser().parse_args(argv)
    try:
        url = options.bus or Settings.from_environment().bus
        return asyncio.run(_run(url, options))
    except (PagemeshError, CompatError) as error:
        message = error.message if isinstance(error, PagemeshError) else str(error)
        print(f"pagemesh events: {message}", file=sys.stderr)
        return 1
