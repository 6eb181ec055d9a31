"""A read-only view of compiled descriptors with source locations, shaped for comparing two versions.

Wraps `FileDescriptorProto`s (from protoc, a FileDescriptorSet or a buf image) in small element classes that
know their file, source path, full name and resolved features, so rules read like the questions they ask.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, overload

from google.protobuf import descriptor_pb2

from compat import _features as feat

__all__ = [
    "Enum",
    "EnumValue",
    "Field",
    "Image",
    "Location",
    "Message",
    "Method",
    "Oneof",
    "ProtoFile",
    "Service",
]

_T = TypeVar("_T")
_R = TypeVar("_R")


class lazy(Generic[_T, _R]):
    """functools.cached_property without its per-access lock, which dominated large checks (~70k fields)."""

    def __init__(self, compute: Callable[[_T], _R]) -> None:
        self._compute = compute
        self._name = compute.__name__

    def __set_name__(self, owner: type[_T], name: str) -> None:
        self._name = name

    @overload
    def __get__(self, instance: None, owner: type[_T]) -> lazy[_T, _R]: ...
    @overload
    def __get__(self, instance: _T, owner: type[_T]) -> _R: ...
    def __get__(self, instance: _T | None, owner: type[_T]) -> lazy[_T, _R] | _R:
        if instance is None:
            return self
        value = self._compute(instance)
        instance.__dict__[self._name] = value  # later reads find the instance attribute, not this descriptor
        return value


_FDP = descriptor_pb2.FieldDescriptorProto
_FS = descriptor_pb2.FeatureSet

_KIND_NAMES: dict[int, str] = {
    _FDP.TYPE_DOUBLE: "double",
    _FDP.TYPE_FLOAT: "float",
    _FDP.TYPE_INT64: "int64",
    _FDP.TYPE_UINT64: "uint64",
    _FDP.TYPE_INT32: "int32",
    _FDP.TYPE_FIXED64: "fixed64",
    _FDP.TYPE_FIXED32: "fixed32",
    _FDP.TYPE_BOOL: "bool",
    _FDP.TYPE_STRING: "string",
    _FDP.TYPE_GROUP: "group",
    _FDP.TYPE_MESSAGE: "message",
    _FDP.TYPE_BYTES: "bytes",
    _FDP.TYPE_UINT32: "uint32",
    _FDP.TYPE_ENUM: "enum",
    _FDP.TYPE_SFIXED32: "sfixed32",
    _FDP.TYPE_SFIXED64: "sfixed64",
    _FDP.TYPE_SINT32: "sint32",
    _FDP.TYPE_SINT64: "sint64",
}


@dataclass(frozen=True)
class Location:
    """Where an element is written: its file, descriptor source path and 1-based span."""

    file: ProtoFile
    path: tuple[int, ...]
    start_line: int
    start_column: int
    end_line: int
    end_column: int


@dataclass(eq=False)
class ProtoFile:
    """A .proto file: `display_path` is what findings print, `config_path` what ignores match."""

    proto: descriptor_pb2.FileDescriptorProto
    display_path: str
    config_path: str
    is_import: bool = False
    # Source text when the input has it: buf spans some options from their keyword, protoc from the value.
    source_lines: list[str] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)  # every message, nested ones included
    enums: list[Enum] = field(default_factory=list)  # every enum, nested ones included
    extensions: list[Field] = field(default_factory=list)  # every extension, nested ones included
    services: list[Service] = field(default_factory=list)

    def __repr__(self) -> str:
        return f"ProtoFile({self.display_path!r})"

    @property
    def name(self) -> str:
        return self.proto.name

    @property
    def package(self) -> str:
        return self.proto.package

    @lazy
    def edition(self) -> int:
        if self.proto.syntax == "editions":
            return int(self.proto.edition)
        return feat.EDITION_PROTO3 if self.proto.syntax == "proto3" else feat.EDITION_PROTO2

    @property
    def is_editions(self) -> bool:
        return self.proto.syntax == "editions"

    @lazy
    def _spans(self) -> dict[tuple[int, ...], descriptor_pb2.SourceCodeInfo.Location]:
        spans: dict[tuple[int, ...], descriptor_pb2.SourceCodeInfo.Location] = {}
        for loc in self.proto.source_code_info.location:
            spans.setdefault(tuple(loc.path), loc)
        return spans

    def location(self, path: tuple[int, ...]) -> Location | None:
        """The element at `path`, or None when the source does not spell it out (an unset option)."""
        loc = self._spans.get(path)
        if loc is None:
            return None
        span = list(loc.span)
        if len(span) == 3:
            span = [span[0], span[1], span[0], span[2]]
        return Location(self, path, span[0] + 1, span[1] + 1, span[2] + 1, span[3] + 1)

    def comments(self, path: tuple[int, ...]) -> str:
        loc = self._spans.get(path)
        if loc is None:
            return ""
        return "\n".join([*loc.leading_detached_comments, loc.leading_comments, loc.trailing_comments])

    @property
    def features(self) -> descriptor_pb2.FeatureSet:
        return self.proto.options.features


class _Featured:
    """An element whose features resolve along `feature_chain`: the file's FeatureSet first, its own last."""

    file: ProtoFile
    feature_chain: list[descriptor_pb2.FeatureSet]

    def feature(self, name: str) -> int:
        return feat.resolve_feature(self.file.edition, self.feature_chain, name)


class _NestedType(_Featured):
    """The naming and features of messages and enums, which may both nest inside a message."""

    proto: Any
    file: ProtoFile
    parent: Message | None

    @property
    def name(self) -> str:
        return str(self.proto.name)

    @lazy
    def nested_name(self) -> str:
        return f"{self.parent.nested_name}.{self.name}" if self.parent else self.name

    @lazy
    def full_name(self) -> str:
        return _qualify(self.file.package, self.nested_name)

    @lazy
    def feature_chain(self) -> list[descriptor_pb2.FeatureSet]:
        outer = self.parent.feature_chain if self.parent else [self.file.features]
        return [*outer, self.proto.options.features]


@dataclass(eq=False)
class Message(_NestedType):
    proto: descriptor_pb2.DescriptorProto
    file: ProtoFile
    path: tuple[int, ...]
    parent: Message | None
    fields: list[Field] = field(default_factory=list)
    oneofs: list[Oneof] = field(default_factory=list)

    @property
    def is_map_entry(self) -> bool:
        return self.proto.options.map_entry

    @lazy
    def location(self) -> Location | None:
        """Where the message is written; a map entry, which the source never spells out, is where buf puts it:
        on the `map<K, V>` type of the field that declares it."""
        location = self.file.location(self.path)
        if location is None and self.is_map_entry and self.parent is not None:
            for declaring in self.parent.fields:
                if declaring.type_name.lstrip(".") == self.full_name:
                    return declaring.sub(6)
        return location


@dataclass(eq=False)
class Oneof:
    proto: descriptor_pb2.OneofDescriptorProto
    message: Message
    index: int
    fields: list[Field] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.proto.name

    @property
    def is_synthetic(self) -> bool:
        return bool(self.fields) and all(f.proto.proto3_optional for f in self.fields)


@dataclass(eq=False)
class Field(_Featured):
    """A message field or an extension (`extendee` set); `scope` is the message it is declared in, if any."""

    proto: descriptor_pb2.FieldDescriptorProto
    file: ProtoFile
    path: tuple[int, ...]
    scope: Message | None
    image: Image
    oneof: Oneof | None = None

    @property
    def name(self) -> str:
        return self.proto.name

    @lazy
    def number(self) -> int:
        return self.proto.number

    @lazy
    def extendee(self) -> str:
        return self.proto.extendee

    @lazy
    def is_extension(self) -> bool:
        return bool(self.proto.extendee)

    @lazy
    def nested_name(self) -> str:
        return f"{self.scope.nested_name}.{self.name}" if self.scope else self.name

    @lazy
    def full_name(self) -> str:
        return _qualify(self.file.package, self.nested_name)

    @lazy
    def type(self) -> int:
        return int(self.proto.type)

    @lazy
    def type_name(self) -> str:
        return self.proto.type_name

    @lazy
    def feature_chain(self) -> list[descriptor_pb2.FeatureSet]:
        outer = self.scope.feature_chain if self.scope else [self.file.features]
        if self.oneof is not None:
            outer = [*outer, self.oneof.proto.options.features]
        return [*outer, self.proto.options.features]

    @lazy
    def explicit_presence_feature(self) -> bool:
        """field_presence resolves to EXPLICIT or LEGACY_REQUIRED (fixed by syntax before editions)."""
        if not self.file.is_editions:
            return self.file.edition == feat.EDITION_PROTO2
        return self.feature("field_presence") in (_FS.EXPLICIT, _FS.LEGACY_REQUIRED)

    @lazy
    def kind(self) -> int:
        """The wire kind, as in protoreflect: an editions message field with DELIMITED encoding is a group."""
        if (
            self.file.is_editions
            and self.type == _FDP.TYPE_MESSAGE
            and self.feature("message_encoding") == _FS.DELIMITED
            and not self.is_map
            and not (self.scope is not None and self.scope.is_map_entry)  # map values stay length-prefixed
        ):
            return _FDP.TYPE_GROUP
        return self.type

    @property
    def kind_name(self) -> str:
        if self.kind == _FDP.TYPE_GROUP and self.file.edition != feat.EDITION_PROTO2:
            return "message (delimited encoding)"
        return _KIND_NAMES[self.kind]

    @lazy
    def message_type(self) -> Message | None:
        if self.type in (_FDP.TYPE_MESSAGE, _FDP.TYPE_GROUP):
            return self.image.message_by_full_name.get(self.type_name.lstrip("."))
        return None

    @lazy
    def enum_type(self) -> Enum | None:
        if self.type == _FDP.TYPE_ENUM:
            return self.image.enum_by_full_name.get(self.type_name.lstrip("."))
        return None

    @lazy
    def is_repeated(self) -> bool:
        return self.proto.label == _FDP.LABEL_REPEATED

    @lazy
    def is_map(self) -> bool:
        message = self.message_type
        return self.is_repeated and message is not None and message.is_map_entry

    @lazy
    def is_required(self) -> bool:
        if self.proto.label == _FDP.LABEL_REQUIRED:
            return True
        return (
            self.file.is_editions
            and not self.is_repeated
            and self.feature("field_presence") == _FS.LEGACY_REQUIRED
        )

    @lazy
    def has_presence(self) -> bool:
        if self.is_repeated:
            return False
        return (
            self.is_extension
            or self.type in (_FDP.TYPE_MESSAGE, _FDP.TYPE_GROUP)
            or self.oneof is not None
            or self.explicit_presence_feature
        )

    @lazy
    def cardinality(self) -> str:
        if self.is_map:
            return "map"
        if self.is_repeated:
            return "repeated"
        if self.is_required:
            return "required"
        if self.has_presence:
            return "optional with explicit presence"
        return "optional with implicit presence"

    @property
    def real_oneof(self) -> Oneof | None:
        return None if self.oneof is None or self.oneof.is_synthetic else self.oneof

    @property
    def description(self) -> str:
        """How buf names a field in messages: `Field "1" with name "a" on message "M"`."""
        return self.description_with_name(self.full_name if self.is_extension else self.name)

    def description_with_name(self, name: str) -> str:
        named = f' with name "{name}"' if name else ""
        if self.is_extension:
            return f'Extension "{self.number}"{named} on message "{self.extendee.lstrip(".")}"'
        assert self.scope is not None
        return f'Field "{self.number}"{named} on message "{self.scope.name}"'

    @lazy
    def location(self) -> Location | None:
        return self.file.location(self.path) or self._map_entry_location()

    def sub(self, *path: int) -> Location | None:
        return self.file.location(self.path + path) or self._map_entry_location()

    def _map_entry_location(self) -> Location | None:
        """A map entry's key and value have no source of their own; buf points at the `map<K, V>` type."""
        return self.scope.location if self.scope is not None and self.scope.is_map_entry else None


@dataclass(eq=False)
class EnumValue:
    proto: descriptor_pb2.EnumValueDescriptorProto
    enum: Enum
    path: tuple[int, ...]

    @property
    def name(self) -> str:
        return self.proto.name

    @property
    def number(self) -> int:
        return self.proto.number


@dataclass(eq=False)
class Enum(_NestedType):
    proto: descriptor_pb2.EnumDescriptorProto
    file: ProtoFile
    path: tuple[int, ...]
    parent: Message | None
    values: list[EnumValue] = field(default_factory=list)

    @property
    def is_closed(self) -> bool:
        return self.feature("enum_type") == _FS.CLOSED

    @property
    def location(self) -> Location | None:
        return self.file.location(self.path)

    def values_by_number(self) -> dict[int, dict[str, EnumValue]]:
        by_number: dict[int, dict[str, EnumValue]] = {}
        for value in self.values:
            by_number.setdefault(value.number, {})[value.name] = value
        return by_number


@dataclass(eq=False)
class Method:
    proto: descriptor_pb2.MethodDescriptorProto
    service: Service
    path: tuple[int, ...]

    @property
    def name(self) -> str:
        return self.proto.name


@dataclass(eq=False)
class Service:
    proto: descriptor_pb2.ServiceDescriptorProto
    file: ProtoFile
    path: tuple[int, ...]
    methods: list[Method] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.proto.name

    @property
    def full_name(self) -> str:
        return _qualify(self.file.package, self.name)

    @property
    def location(self) -> Location | None:
        return self.file.location(self.path)


class Image:
    """All files of one input; `files` are the ones being checked (imports excluded), indexes span all."""

    def __init__(self, files: list[ProtoFile]) -> None:
        self.files = [f for f in files if not f.is_import]
        self.message_by_full_name: dict[str, Message] = {}
        self.enum_by_full_name: dict[str, Enum] = {}
        # Element pairs by kind against one previous image, shared by every rule (see _pairs.py).
        self.pair_cache: tuple[Image, dict[str, list[tuple[Any, Any]]]] | None = None
        for proto_file in files:
            self._index_file(proto_file)

    def _index_file(self, pf: ProtoFile) -> None:
        for i, message_proto in enumerate(pf.proto.message_type):
            self._add_message(pf, message_proto, (4, i), None)
        for i, enum_proto in enumerate(pf.proto.enum_type):
            self._add_enum(pf, enum_proto, (5, i), None)
        for i, ext in enumerate(pf.proto.extension):
            pf.extensions.append(Field(ext, pf, (7, i), None, self))
        for i, service_proto in enumerate(pf.proto.service):
            service = Service(service_proto, pf, (6, i))
            service.methods = [Method(m, service, (6, i, 2, j)) for j, m in enumerate(service_proto.method)]
            pf.services.append(service)

    def _add_message(
        self,
        pf: ProtoFile,
        proto: descriptor_pb2.DescriptorProto,
        path: tuple[int, ...],
        parent: Message | None,
    ) -> None:
        message = Message(proto, pf, path, parent)
        pf.messages.append(message)
        self.message_by_full_name[message.full_name] = message
        message.oneofs = [Oneof(o, message, i) for i, o in enumerate(proto.oneof_decl)]
        for i, field_proto in enumerate(proto.field):
            oneof = message.oneofs[field_proto.oneof_index] if field_proto.HasField("oneof_index") else None
            new_field = Field(field_proto, pf, (*path, 2, i), message, self, oneof)
            message.fields.append(new_field)
            if oneof is not None:
                oneof.fields.append(new_field)
        for i, nested in enumerate(proto.nested_type):
            self._add_message(pf, nested, (*path, 3, i), message)
        for i, enum_proto in enumerate(proto.enum_type):
            self._add_enum(pf, enum_proto, (*path, 4, i), message)
        for i, ext in enumerate(proto.extension):
            pf.extensions.append(Field(ext, pf, (*path, 6, i), message, self))

    def _add_enum(
        self,
        pf: ProtoFile,
        proto: descriptor_pb2.EnumDescriptorProto,
        path: tuple[int, ...],
        parent: Message | None,
    ) -> None:
        enum = Enum(proto, pf, path, parent)
        enum.values = [EnumValue(v, enum, (*path, 2, i)) for i, v in enumerate(proto.value)]
        pf.enums.append(enum)
        self.enum_by_full_name[enum.full_name] = enum


def _qualify(package: str, name: str) -> str:
    return f"{package}.{name}" if package else name
