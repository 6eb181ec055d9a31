"""The event bus: contract-checked events between the parts of the mesh, on SQLite, Redis or Kafka.

Producers publish through `Publisher` (a durable local outbox and a relay: a page never waits for the
bus); services consume through `Consumer` (one consumer group per service, at-least-once delivery,
dead-lettering after `max_attempts`). `Bus` is one connection for everything else: the schema registry,
lag, dead letters, tailing. `start_private_bus` starts a private Redis or Kafka for `pagemesh up --bus`
and the tests, with a user per part on either; `redis_acl` and `redis_url` give a Redis pagemesh does not
start (Kubernetes, a managed one) the same per-part users, `kafka_script` and `kafka_url` a Kafka. See
docs/events.md.
"""

from __future__ import annotations

from pagemesh.bus._backend import Backend, DeadLetter, Delivery, GroupLag, Record, StoredSchema, Subscription
from pagemesh.bus._brokers import (
    PrivateBroker,
    PrivateBus,
    RunningBus,
    new_redis_passwords,
    redis_acl,
    redis_url,
    redis_users,
    start_kafka,
    start_private_bus,
    start_redis,
)
from pagemesh.bus._bus import Bus
from pagemesh.bus._consumer import Consumer, Handler
from pagemesh.bus._envelope import Event, PoisonEventError, Sealer, decode, new_event_id, open_envelope, seal
from pagemesh.bus._errors import (
    BrokerStartError,
    BusConfigError,
    BusError,
    BusPermissionError,
    BusUnavailableError,
    IncompatibleSchemaError,
    SchemaError,
    UnregisteredSchemaError,
)
from pagemesh.bus._kafka import kafka_client_options, kafka_producer_options
from pagemesh.bus._kafka_users import KafkaAcl, kafka_acls, kafka_script, kafka_url
from pagemesh.bus._mesh import CONSUMERS, MESH_EVENT_TYPES, PRODUCERS
from pagemesh.bus._names import topic_of
from pagemesh.bus._outbox import Outbox, Publisher
from pagemesh.bus._registry import Registration, SchemaRegistry
from pagemesh.bus._schema import Schema, check_against, event_schemas, fingerprint_of, message_class
from pagemesh.bus._url import KINDS, BusOptions, BusUrl, parse_bus_url

__all__ = [
    "CONSUMERS",
    "KINDS",
    "MESH_EVENT_TYPES",
    "PRODUCERS",
    "Backend",
    "BrokerStartError",
    "Bus",
    "BusConfigError",
    "BusError",
    "BusOptions",
    "BusPermissionError",
    "BusUnavailableError",
    "BusUrl",
    "Consumer",
    "DeadLetter",
    "Delivery",
    "Event",
    "GroupLag",
    "Handler",
    "IncompatibleSchemaError",
    "KafkaAcl",
    "Outbox",
    "PoisonEventError",
    "PrivateBroker",
    "PrivateBus",
    "Publisher",
    "Record",
    "Registration",
    "RunningBus",
    "Schema",
    "SchemaError",
    "SchemaRegistry",
    "Sealer",
    "StoredSchema",
    "Subscription",
    "UnregisteredSchemaError",
    "check_against",
    "decode",
    "event_schemas",
    "fingerprint_of",
    "kafka_acls",
    "kafka_client_options",
    "kafka_producer_options",
    "kafka_script",
    "kafka_url",
    "message_class",
    "new_event_id",
    "new_redis_passwords",
    "open_envelope",
    "parse_bus_url",
    "redis_acl",
    "redis_url",
    "redis_users",
    "seal",
    "start_kafka",
    "start_private_bus",
    "start_redis",
    "topic_of",
]
