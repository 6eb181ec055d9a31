"""Event schemas: what the registry stores for an event type, its fingerprint, and the compatibility check.

An event type's schema is the `.proto` file that declares its message together with every file that file
imports, as compiled descriptors (a `FileDescriptorSet`), the way Confluent's registry keeps a protobuf
subject. Its fingerprint is a SHA-256 over those descriptors in a normal form (no comments or source
positions, every JSON name spelled out, files in name order; Google's well-known types left out, as they never
change), so the same contract compiled by protoc in CI and embedded in the generated Python code has one
fingerprint.

A new version is checked with the project's own breaking-change checker (`compat`), against every version
registered before it, with buf's WIRE and WIRE_JSON rules: what an event consumer built against any
earlier version needs to keep decoding it, in binary and in JSON.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.message import DecodeError, Message

if TYPE_CHECKING:
    from compat import Finding, Image

__all__ = [
    "ENVELOPE_TYPE",
    "EVENT_PACKAGE_PREFIX",
    "RULE_CATEGORIES",
    "Schema",
    "check_against",
    "event_schemas",
    "fingerprint_of",
    "message_class",
]

EVENT_PACKAGE_PREFIX = "pagemesh.events."
"""Every top-level message of a package under this prefix is an event type, except the envelope."""
ENVELOPE_TYPE = "Envelope"
RULE_CATEGORIES = ("WIRE", "WIRE_JSON")
"""The compat categories a new schema version is checked with."""
_WELL_KNOWN = "google/protobuf/"


def _json_name(name: str) -> str:
    """The JSON name protoc derives from a field name (lowerCamelCase: `product_id` -> `productId`)."""
    parts = name.split("_")
    return parts[0] + "".join(part[:1].upper() + part[1:] for part in parts[1:])


def _stored(proto: descriptor_pb2.FileDescriptorProto) -> descriptor_pb2.FileDescriptorProto:
    """The file as the registry keeps and fingerprints it: no comments or positions, and every field's
    JSON name spelled out (protoc's descriptor sets have them; generated code keeps only explicit ones)."""
    copy = descriptor_pb2.FileDescriptorProto()
    copy.CopyFrom(proto)
    copy.ClearField("source_code_info")

    def fill(fields: Iterable[descriptor_pb2.FieldDescriptorProto]) -> None:
        for message_field in fields:
            if not message_field.HasField("json_name"):
                message_field.json_name = _json_name(message_field.name)

    def visit(messages: Iterable[descriptor_pb2.DescriptorProto]) -> None:
        for message in messages:
            fill(message.field)
            fill(message.extension)
            visit(message.nested_type)

    visit(copy.message_type)
    fill(copy.extension)
    return copy


def fingerprint_of(files: descriptor_pb2.FileDescriptorSet) -> str:
    """`sha256:<hex>` of the schema's descriptors in normal form (see the module docstring)."""
    digest = hashlib.sha256()
    for proto in sorted(files.file, key=lambda p: p.name):
        if proto.name.startswith(_WELL_KNOWN):
            continue
        body = _stored(proto).SerializeToString(deterministic=True)
        digest.update(proto.name.encode() + b"\0" + len(body).to_bytes(8, "big") + body)
    return f"sha256:{digest.hexdigest()}"


@dataclass(frozen=True)
class Schema:
    """One version of an event type's schema: its descriptors and their fingerprint."""

    type_name: str
    """The event's full message name, e.g. `pagemesh.events.v1.ProductViewed` (the registry's subject)."""
    files: descriptor_pb2.FileDescriptorSet = field(repr=False, compare=False)
    """The declaring file and its imports, dependencies first, without source information."""
    fingerprint: str
    image: Image | None = field(default=None, repr=False, compare=False)
    """The compiled input it came from, when there is one, so findings carry lines and columns."""

    @classmethod
    def of(cls, message_class: type[Message]) -> Schema:
        """The schema a generated message class was built from."""
        descriptor = message_class.DESCRIPTOR
        by_name: dict[str, descriptor_pb2.FileDescriptorProto] = {}
        pending: list[Any] = [descriptor.file]
        while pending:
            file = pending.pop()
            if file.name not in by_name:
                by_name[file.name] = descriptor_pb2.FileDescriptorProto.FromString(file.serialized_pb)
                pending.extend(file.dependencies)
        files = descriptor_pb2.FileDescriptorSet(file=_with_imports(descriptor.file.name, by_name))
        return cls(descriptor.full_name, files, fingerprint_of(files))

    @classmethod
    def from_bytes(cls, type_name: str, data: bytes) -> Schema:
        """A schema as the registry stores it (a serialized FileDescriptorSet)."""
        try:
            files = descriptor_pb2.FileDescriptorSet.FromString(data)
        except DecodeError as error:
            raise ValueError(
                f"the stored schema of {type_name} is not a FileDescriptorSet: {error}"
            ) from None
        return cls(type_name, files, fingerprint_of(files))

    def to_bytes(self) -> bytes:
        """The form the registry stores."""
        return self.files.SerializeToString(deterministic=True)

    def check_image(self) -> Image:
        """The image the compatibility rules read (only the declaring file is checked)."""
        if self.image is not None:
            return self.image
        # compat loads only when a schema is checked: consumers and most start-ups never need it.
        from compat import image_from_descriptor_set  # noqa: PLC0415

        declaring = self.files.file[-1].name
        return image_from_descriptor_set(
            self.files, imports=frozenset(p.name for p in self.files.file if p.name != declaring)
        )


def check_against(schema: Schema, earlier: Sequence[Schema]) -> list[Finding]:
    """Every WIRE and WIRE_JSON finding of `schema` against each earlier version (transitive)."""
    from compat import BreakingConfig, check_images  # noqa: PLC0415 - see Schema.check_image

    config = BreakingConfig(use=RULE_CATEGORIES)
    current = schema.check_image()
    findings: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for previous in earlier:
        for finding in check_images(current, previous.check_image(), config).findings:
            key = (finding.rule, finding.message)
            if key not in seen:
                seen.add(key)
                findings.append(finding)
    return findings


def event_schemas(image: Image) -> list[Schema]:
    """The schema of every event type declared in `image` (e.g. `proto/` compiled by compat's loader).

    Imports outside the image (Google's well-known types) come from the protobuf runtime's own copies.
    """
    by_name = {proto_file.name: proto_file.proto for proto_file in image.files}
    for proto_file in image.files:
        for dependency in proto_file.proto.dependency:
            if dependency not in by_name:
                by_name[dependency] = descriptor_pb2.FileDescriptorProto.FromString(
                    descriptor_pool.Default().FindFileByName(dependency).serialized_pb
                )
    schemas = []
    for proto_file in image.files:
        if not proto_file.package.startswith(EVENT_PACKAGE_PREFIX):
            continue
        files = descriptor_pb2.FileDescriptorSet(file=_with_imports(proto_file.name, by_name))
        for message in proto_file.proto.message_type:
            if message.name != ENVELOPE_TYPE:
                type_name = f"{proto_file.package}.{message.name}"
                schemas.append(Schema(type_name, files, fingerprint_of(files), image=image))
    return sorted(schemas, key=lambda s: s.type_name)


def _with_imports(
    name: str, by_name: dict[str, descriptor_pb2.FileDescriptorProto]
) -> list[descriptor_pb2.FileDescriptorProto]:
    """The file `name` after everything it imports (transitively), each once, without source info."""
    ordered: list[descriptor_pb2.FileDescriptorProto] = []
    seen: set[str] = set()

    def visit(current: str) -> None:
        if current in seen:
            return
        seen.add(current)
        for dependency in by_name[current].dependency:
            visit(dependency)
        ordered.append(_stored(by_name[current]))

    visit(name)
    return ordered


def message_class(schema: Schema) -> type[Message]:
    """A message class built from the stored schema, to decode events written with it (any version)."""
    pool = descriptor_pool.DescriptorPool()
    for proto in schema.files.file:
        pool.Add(proto)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName(schema.type_name))
