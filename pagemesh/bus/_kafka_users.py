"""The users of the mesh's Kafka: one SCRAM-SHA-256 user per part and the ACLs that bound each.

The same shape as the private Redis's users (`pagemesh.bus._brokers`), from the same table
(`pagemesh.bus._mesh`), but Kafka's ACLs can name a consumer group, so a consumer may use its own group
only:

- `operator`: a super user (`super.users`; people's tools, `pagemesh events ...`);
- `registry`: CREATE, WRITE and READ on the schema-registry topic only;
- each producer: WRITE on the topics of the event types it publishes; READ on the registry topic (it checks
  its schemas); DESCRIBE on the consumer groups of the mesh and their offsets, for the lag in its
  `/statz` (counts: Kafka's DESCRIBE on a topic or group gives offsets, never records);
- each consuming service: READ on the topics of the event types it consumes, through its own consumer
  group (READ on that group only); WRITE to its own dead-letter topic; READ on the registry topic.

Nobody but the operator and the registry creates topics: the mesh's topics are created by the operator
when the private broker starts (`mesh_topics`), or by whoever runs the `kafka_script` of an external Kafka;
a part that finds its topic missing gets a `BusPermissionError` naming it, not a topic with the wrong
settings. Nobody but the operator deletes anything.

aiokafka 0.14 knows the wire formats of CreateAcls and DeleteAcls but has no admin call for them, and
knows nothing of AlterUserScramCredentials (KIP-554): `apply_kafka_users` sends them itself, as a super
user. SCRAM stores a salted hash (`SaltedPassword`, RFC 5802), which the client computes; the broker never
sees a password.
"""

from __future__ import annotations

import hashlib
import secrets
import shlex
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aiokafka.client import AIOKafkaClient
from aiokafka.errors import KafkaError, TopicAlreadyExistsError, for_code
from aiokafka.protocol.admin import CreateAclsRequest_v1, CreateTopicsRequest, DeleteAclsRequest_v1
from aiokafka.protocol.api import Request, RequestStruct, Response
from aiokafka.protocol.types import (
    CompactArray,
    CompactBytes,
    CompactString,
    Int8,
    Int16,
    Int32,
    Schema,
    TaggedFields,
)

from pagemesh.bus._errors import BusUnavailableError
from pagemesh.bus._kafka import SCRAM_MECHANISM
from pagemesh.bus._mesh import CONSUMERS, MESH_EVENT_TYPES, OPERATOR, PRODUCERS, REGISTRY_WRITER
from pagemesh.bus._names import KAFKA_DLQ_PREFIX, KAFKA_REGISTRY_TOPIC, topic_of

__all__ = [
    "BROKER_USER",
    "KafkaAcl",
    "MeshTopic",
    "apply_kafka_users",
    "kafka_acls",
    "kafka_script",
    "kafka_url",
    "mesh_topics",
    "new_passwords",
    "scram_upsertions",
]

BROKER_USER = "broker"
"""The private broker's own user (SASL/PLAIN on its controller and inter-broker listeners); a super user
whose password exists only in the broker's configuration file, so the operator's password can change."""
_SCRAM_CODE = 1
"""SCRAM-SHA-256 in the wire's ScramMechanism enum."""
_ITERATIONS = 4096
"""The smallest iteration count Kafka accepts (and its tools' default)."""

# Kafka's enums on the wire (org.apache.kafka.common.resource / acl).
_RESOURCE = {"topic": 2, "group": 3, "cluster": 4}
_PATTERN = {"any": 1, "literal": 3, "prefixed": 4}
_OPERATION = {"any": 1, "read": 3, "write": 4, "create": 5, "delete": 6, "describe": 8}
_ALLOW, _ANY_PERMISSION = 3, 1


def kafka_url(user: str, password: str, host: str, port: int) -> str:
    """The bus URL of one Kafka user."""
    return f"kafka://{user}:{urllib.parse.quote(password, safe='')}@{host}:{port}"


def new_passwords(users: Sequence[str]) -> dict[str, str]:
    """A new random password for each of `users`."""
    return {name: secrets.token_hex(16) for name in users}


@dataclass(frozen=True)
class KafkaAcl:
    """One ALLOW rule: `user` may do `operation` on the `resource` named `name`."""

    user: str
    operation: str
    resource: str
    name: str

    def wire(self) -> tuple[int, str, int, str, str, int, int]:
        """A CreateAcls (v1) creation: literal names, from any host."""
        return (
            _RESOURCE[self.resource],
            self.name,
            _PATTERN["literal"],
            f"User:{self.user}",
            "*",
            _OPERATION[self.operation],
            _ALLOW,
        )


def _topics(types: Sequence[Any]) -> list[str]:
    return [topic_of(t.DESCRIPTOR.full_name) for t in types]


def kafka_acls() -> list[KafkaAcl]:
    """The ACLs of every user but the operator (a super user); see the module docstring.

    DESCRIBE comes with READ and WRITE (Kafka implies it), so it is named only where it stands alone.
    An idempotent producer needs no cluster permission: WRITE on a topic allows it (KIP-679).
    """
    acls = [
        KafkaAcl(REGISTRY_WRITER, op, "topic", KAFKA_REGISTRY_TOPIC) for op in ("create", "write", "read")
    ]
    for producer, types in PRODUCERS.items():
        acls += [KafkaAcl(producer, "write", "topic", topic) for topic in _topics(types)]
        acls.append(KafkaAcl(producer, "read", "topic", KAFKA_REGISTRY_TOPIC))
        acls += [KafkaAcl(producer, "describe", "group", group) for group in CONSUMERS]
    for consumer, types in CONSUMERS.items():
        acls += [KafkaAcl(consumer, "read", "topic", topic) for topic in _topics(types)]
        acls.append(KafkaAcl(consumer, "read", "group", consumer))
        acls.append(KafkaAcl(consumer, "write", "topic", KAFKA_DLQ_PREFIX + consumer))
        acls.append(KafkaAcl(consumer, "read", "topic", KAFKA_REGISTRY_TOPIC))
    return acls


@dataclass(frozen=True)
class MeshTopic:
    """A topic the mesh needs, created by the operator before any part runs."""

    name: str
    partitions: int
    compacted: bool = False


def mesh_topics(partitions: int) -> list[MeshTopic]:
    """The registry (compacted, one partition: its order decides which registration won), each event
    type's topic and each consumer's dead-letter topic."""
    topics = [MeshTopic(KAFKA_REGISTRY_TOPIC, 1, compacted=True)]
    topics += [MeshTopic(topic, partitions) for topic in _topics(MESH_EVENT_TYPES)]
    topics += [MeshTopic(KAFKA_DLQ_PREFIX + consumer, partitions) for consumer in CONSUMERS]
    return topics


def scram_upsertions(
    passwords: Mapping[str, str],
) -> list[tuple[str, int, int, bytes, bytes, dict[int, bytes]]]:
    """The AlterUserScramCredentials upsertions setting each user's password (a new salt each time)."""
    upsertions: list[tuple[str, int, int, bytes, bytes, dict[int, bytes]]] = []
    for user, password in passwords.items():
        salt = secrets.token_bytes(32)
        salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, _ITERATIONS)
        upsertions.append((user, _SCRAM_CODE, _ITERATIONS, salt, salted, {}))
    return upsertions


class _AlterScramResponse(Response):  # type: ignore[misc]
    API_KEY = 51
    API_VERSION = 0
    SCHEMA = Schema(
        ("throttle_time_ms", Int32),
        (
            "results",
            CompactArray(
                ("user", CompactString("utf-8")),
                ("error_code", Int16),
                ("error_message", CompactString("utf-8")),
                ("tags", TaggedFields),
            ),
        ),
        ("tags", TaggedFields),
    )


class _AlterScramStruct(RequestStruct):  # type: ignore[misc]
    """AlterUserScramCredentials v0 (flexible: compact fields and tagged-field buffers)."""

    FLEXIBLE_VERSION = True
    API_KEY = 51
    API_VERSION = 0
    RESPONSE_TYPE = _AlterScramResponse
    SCHEMA = Schema(
        (
            "deletions",
            CompactArray(("name", CompactString("utf-8")), ("mechanism", Int8), ("tags", TaggedFields)),
        ),
        (
            "upsertions",
            CompactArray(
                ("name", CompactString("utf-8")),
                ("mechanism", Int8),
                ("iterations", Int32),
                ("salt", CompactBytes),
                ("salted_password", CompactBytes),
                ("tags", TaggedFields),
            ),
        ),
        ("tags", TaggedFields),
    )


class AlterScramRequest(Request[_AlterScramStruct]):  # type: ignore[misc]
    """Sets the SCRAM credentials of users (`scram_upsertions`)."""

    API_KEY = 51

    def __init__(self, upsertions: Sequence[tuple[str, int, int, bytes, bytes, dict[int, bytes]]]) -> None:
        self._upsertions = list(upsertions)

    def build(self, request_struct_class: type[_AlterScramStruct]) -> _AlterScramStruct:
        return request_struct_class([], self._upsertions, {})


class CreateAclsRequest(Request[CreateAclsRequest_v1]):  # type: ignore[misc]
    """Creates many ACLs in one request (aiokafka's own `CreateAclsRequest` takes one)."""

    API_KEY = 30

    def __init__(self, acls: Sequence[KafkaAcl]) -> None:
        self._acls = list(acls)

    def build(self, request_struct_class: type[CreateAclsRequest_v1]) -> CreateAclsRequest_v1:
        return request_struct_class([acl.wire() for acl in self._acls])


class DeleteAclsRequest(Request[DeleteAclsRequest_v1]):  # type: ignore[misc]
    """Deletes every ACL of each of `users` (one filter per user)."""

    API_KEY = 31

    def __init__(self, users: Sequence[str]) -> None:
        self._users = list(users)

    def build(self, request_struct_class: type[DeleteAclsRequest_v1]) -> DeleteAclsRequest_v1:
        return request_struct_class(
            [
                (1, None, _PATTERN["any"], f"User:{user}", None, _OPERATION["any"], _ANY_PERMISSION)
                for user in self._users
            ]
        )


def _errors(results: Sequence[Any], *, named: bool = False) -> list[str]:
    """The errors in a response's result list, each as 'what: error' (`named`: the first field names it);
    'already exists' is no error here (every step may be repeated)."""
    errors = []
    for result in results:
        name, code, *rest = result if named else ("", *result)
        message = rest[0] if rest else None
        error = for_code(code)
        if code and error is not TopicAlreadyExistsError:
            errors.append(f"{name + ': ' if name else ''}{message or error.__name__}")
    return errors


async def apply_kafka_users(
    address: str, admin: str, admin_password: str, passwords: Mapping[str, str], partitions: int
) -> None:
    """Makes a running Kafka's users what `passwords`, `kafka_acls` and `mesh_topics` say, as the super
    user `admin` (SASL/PLAIN at `address`): sets every user's password, replaces every ACL of those users,
    creates the topics that are missing. Each step may be repeated; `BusUnavailableError` if one fails."""
    client = AIOKafkaClient(
        bootstrap_servers=address,
        security_protocol="SASL_PLAINTEXT",
        sasl_mechanism="PLAIN",
        sasl_plain_username=admin,
        sasl_plain_password=admin_password,
        request_timeout_ms=10_000,
    )
    errors: list[str] = []
    try:
        await client.bootstrap()
        node = client.get_random_node()
        if node is None:
            raise BusUnavailableError(f"the Kafka at {address} has not registered its broker yet")
        altered = await client.send(node, AlterScramRequest(scram_upsertions(passwords)))
        errors += _errors(altered.results, named=True)
        deleted = await client.send(node, DeleteAclsRequest(list(passwords)))
        errors += _errors(deleted.filter_responses)
        created = await client.send(node, CreateAclsRequest(kafka_acls()))
        errors += _errors(created.creation_responses)
        topics: list[tuple[str, int, int, list[Any], list[tuple[str, str]]]] = [
            (t.name, t.partitions, 1, [], [("cleanup.policy", "compact")] if t.compacted else [])
            for t in mesh_topics(partitions)
        ]
        made = await client.send(node, CreateTopicsRequest(topics, 10_000, False))
        errors += _errors(made.topic_errors, named=True)
    except (KafkaError, OSError) as error:
        raise BusUnavailableError(f"setting up the Kafka users at {address} failed: {error!r}") from None
    finally:
        await client.close()
    if errors:
        raise BusUnavailableError(f"setting up the Kafka users at {address} failed: {'; '.join(errors)}")


def kafka_script(bootstrap: str, passwords: Mapping[str, str], partitions: int) -> str:
    """A shell script that sets up an external Kafka as the private one is: each user's SCRAM
    credentials, the mesh's topics, the ACLs. Run with Kafka's own tools, as a super user (`ADMIN_CONFIG`
    names the admin client's properties file)."""
    quote = shlex.quote
    lines = [
        "#!/bin/sh",
        "# Written by `pagemesh events users --kind kafka`: the mesh's Kafka users, topics and ACLs.",
        "# The broker needs SASL SCRAM-SHA-256 on the clients' listener, an authorizer",
        "# (StandardAuthorizer on KRaft) with allow.everyone.if.no.acl.found=false, and",
        f"# super.users including User:{OPERATOR}. KAFKA_BIN is Kafka's bin/ directory; ADMIN_CONFIG a",
        "# client properties file for a super user (the operator's credentials once this has run).",
        "set -eu",
        f"BOOTSTRAP=${{BOOTSTRAP:-{quote(bootstrap)}}}",
        "KAFKA_BIN=${KAFKA_BIN:-/opt/kafka/bin}",
        "ADMIN_CONFIG=${ADMIN_CONFIG:?a client properties file of a super user}",
        'admin() { tool=$1; shift; "$KAFKA_BIN/$tool" --bootstrap-server "$BOOTSTRAP" \\',
        '  --command-config "$ADMIN_CONFIG" "$@"; }',
        "",
    ]
    for user, password in passwords.items():
        credential = f"{SCRAM_MECHANISM}=[iterations={_ITERATIONS},password={password}]"
        lines.append(
            f"admin kafka-configs.sh --alter --entity-type users --entity-name {quote(user)} "
            f"--add-config {quote(credential)}"
        )
    for topic in mesh_topics(partitions):
        config = " --config cleanup.policy=compact" if topic.compacted else ""
        lines.append(
            f"admin kafka-topics.sh --create --if-not-exists --topic {quote(topic.name)} "
            f"--partitions {topic.partitions}{config}"
        )
    for acl in kafka_acls():
        resource = "--topic" if acl.resource == "topic" else "--group"
        lines.append(
            f"admin kafka-acls.sh --add --allow-principal {quote('User:' + acl.user)} "
            f"--operation {acl.operation.capitalize()} {resource} {quote(acl.name)}"
        )
    return "\n".join(lines) + "\n"
