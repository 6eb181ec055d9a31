"""`pagemesh events`: the event bus for people and CI.

    pagemesh events register [PROTO_DIR]    register every event type's schema (refuses breaking ones)
    pagemesh events register --mesh         register the event types this pagemesh publishes (built in)
    pagemesh events tail [--type T]          follow events live, decoded as JSON lines
    pagemesh events lag                      per consumer group: pending events and the oldest one's age
    pagemesh events dlq [--group G] [--replay]   list dead letters, or publish them again
    pagemesh events users --host H --out DIR     a Redis ACL file and each part's bus URL, new passwords
    pagemesh events users --kind kafka --host H --out DIR   the same for a Kafka: a set-up script

The bus is `--bus URL`, else `PAGEMESH_BUS` (default: the SQLite bus in the data directory). Exit codes:
0, 1 for bad input or an unreachable bus (one line on stderr), and 100 when `register` refuses a schema
(as `pagemesh compat` does for a breaking change), with the findings. `users` connects to no bus: it
writes the credentials of a Redis or Kafka that pagemesh does not start (Kubernetes, a managed one), the
same users and rules as the private broker of `pagemesh up --bus redis|kafka`.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from google.protobuf.json_format import MessageToDict

from compat import FORMATS, CompatError, load_image, parse_input, render
from pagemesh.bus._brokers import new_redis_passwords, redis_acl, redis_url, redis_users, write_private
from pagemesh.bus._bus import Bus
from pagemesh.bus._envelope import PoisonEventError, open_envelope
from pagemesh.bus._errors import IncompatibleSchemaError
from pagemesh.bus._kafka_users import kafka_script, kafka_url, new_passwords
from pagemesh.bus._mesh import MESH_EVENT_TYPES, OPERATOR, bus_users
from pagemesh.bus._names import topic_of
from pagemesh.bus._schema import Schema, event_schemas, message_class
from pagemesh.bus._url import BusOptions
from pagemesh.cli import ArgumentParser
from pagemesh.runtime import PagemeshError, Settings

__all__ = ["main"]

EXIT_REFUSED = 100
USERS_FILES = ("users.acl", "users.sh", "parts.env", "operator.url")
"""What `pagemesh events users` writes: the Redis ACL file or the Kafka set-up script, each part's URL
(KEY=VALUE, the shape of `kubectl create secret --from-env-file` and kustomize's secret generator
`envs`), the operator's URL."""
_DEFAULT_PORTS = {"redis": 6379, "kafka": 9092}


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
    register.add_argument("proto_dir", nargs="?", help="the proto module (default: proto)")
    register.add_argument(
        "--mesh",
        action="store_true",
        help="register the event types this pagemesh itself publishes (compiled in, no proto directory): "
        "what `pagemesh up` registers at start-up, and a deploy before its producers start",
    )
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
    users = commands.add_parser(
        "users",
        help="write the mesh's bus users for a Redis or Kafka pagemesh does not start (new passwords)",
        description="For a Redis or Kafka that pagemesh does not start (Kubernetes, a managed one): writes "
        "to DIR parts.env (PART=URL for each part that publishes or consumes events and for the registry "
        "writer: the Secret the parts read their PAGEMESH_BUS from), operator.url (for people's `pagemesh "
        "events`) and, for Redis, users.acl (the `aclfile` of that Redis: the same users and rules as the "
        "private Redis of `pagemesh up --bus redis`, passwords as SHA-256 hashes) or, for Kafka, users.sh "
        "(Kafka's own tools setting each user's SCRAM-SHA-256 password, creating the mesh's topics and "
        "the same ACLs as the private Kafka of `pagemesh up --bus kafka`). Connects to no bus.",
    )
    users.add_argument(
        "--kind", choices=("redis", "kafka"), default="redis", help="the broker (default: redis)"
    )
    users.add_argument("--host", required=True, help="the broker's host as the parts reach it, e.g. redis")
    users.add_argument("--port", type=int, help="its port (default: 6379 for Redis, 9092 for Kafka)")
    users.add_argument("--out", type=Path, required=True, help="the directory to write (mode 0700)")
    users.add_argument(
        "--replace", action="store_true", help="overwrite credentials already in DIR (rotates every password)"
    )
    return parser


def _time(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


async def _register(bus: Bus, proto_dir: str | None, mesh: bool, output_format: str) -> int:
    if mesh:
        schemas = [Schema.of(event_type) for event_type in MESH_EVENT_TYPES]
    else:
        proto_dir = proto_dir or "proto"
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
            return await _register(bus, options.proto_dir, options.mesh, options.format)
        if options.command == "tail":
            return await _tail(bus, options.type, options.count)
        if options.command == "lag":
            return await _lag(bus, options.json)
        return await _dlq(bus, options.group, options.replay, options.json)
    finally:
        await bus.close()


def _users(kind: str, host: str, port: int | None, out: Path, replace: bool) -> int:
    port = _DEFAULT_PORTS[kind] if port is None else port
    if not 0 < port < 65536:
        print(f"pagemesh events users: --port {port} is not a TCP port", file=sys.stderr)
        return 1
    present = [name for name in USERS_FILES if (out / name).exists()]
    if present and not replace:
        print(
            f"pagemesh events users: {out} already holds bus credentials ({', '.join(present)}); "
            "pass --replace to rotate every password",
            file=sys.stderr,
        )
        return 1
    if kind == "redis":
        passwords = new_redis_passwords()
        urls = {user: redis_url(user, passwords[user], host, port) for user in redis_users()}
        setup, content = "users.acl", "\n".join(redis_acl(passwords)) + "\n"
        what = f"the Redis's aclfile ({len(passwords)} users)"
    else:
        passwords = new_passwords(bus_users())
        urls = {user: kafka_url(user, passwords[user], host, port) for user in bus_users()}
        setup, content = "users.sh", kafka_script(f"{host}:{port}", passwords, BusOptions().partitions)
        what = f"run once as a Kafka super user: {len(passwords)} SCRAM users, the mesh's topics, the ACLs"
    try:
        out.mkdir(mode=0o700, parents=True, exist_ok=True)
        for stale in set(present) - {setup, "parts.env", "operator.url"}:
            (out / stale).unlink()
        write_private(out / setup, content)
        write_private(
            out / "parts.env", "".join(f"{user}={url}\n" for user, url in urls.items() if user != OPERATOR)
        )
        write_private(out / "operator.url", urls[OPERATOR] + "\n")
    except OSError as error:
        print(f"pagemesh events users: cannot write to {out}: {error.strerror}", file=sys.stderr)
        return 1
    print(f"{out / setup}: {what}")
    print(f"{out / 'parts.env'}: each part's PAGEMESH_BUS, e.g. for the Secret pagemesh-bus")
    operator = out / "operator.url"
    print(f"{operator}: for `pagemesh events` (export PAGEMESH_BUS=$(cat {operator}))")
    return 0


def main(argv: list[str]) -> int:
    """Runs `pagemesh events` and returns its exit code."""
    options = build_parser().parse_args(argv)
    if options.command == "users":
        return _users(options.kind, options.host, options.port, options.out, options.replace)
    if options.command == "register" and options.mesh and options.proto_dir:
        print("pagemesh events register: give PROTO_DIR or --mesh, not both", file=sys.stderr)
        return 1
    try:
        url = options.bus or Settings.from_environment().bus
        return asyncio.run(_run(url, options))
    except (PagemeshError, CompatError) as error:
        message = error.message if isinstance(error, PagemeshError) else str(error)
        print(f"pagemesh events: {message}", file=sys.stderr)
        return 1
