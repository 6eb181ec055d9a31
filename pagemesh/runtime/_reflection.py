"""Server reflection that every tool can use: `grpc.reflection.v1` and `v1alpha`, every symbol kind.

grpcio-reflection serves only the older `v1alpha` protocol, and its lookup goes through the descriptor
pool's `FindFileContainingSymbol`, which knows no method symbols (`pkg.Service.Method`): `ghz` and
`grpcurl describe` fail on them. This module indexes, once per server, every file the served services
need (their own files and, transitively, what those import) and every symbol declared in them:

- services and their methods;
- messages, nested messages to any depth, their fields and oneofs;
- enums (top-level and nested) and their values (scoped as protobuf scopes them: beside the enum);
- extensions, top-level or declared inside a message, also by (extended type, field number).

`ServerReflectionInfo` answers each request of the stream with the file that holds the symbol and the
files it depends on, as gRPC's own servers do: the asked-for file always, its dependencies only when this
stream has not been sent them yet. A name the server does not know is an in-band NOT_FOUND that names it;
a request that asks nothing ends the stream with INVALID_ARGUMENT.

The two protocols have the same messages under two package names (the `v1` package is the `v1alpha`
one, promoted). grpcio ships no `v1` code, so its descriptor is derived here from the `v1alpha` one,
with the package and every type reference renamed, and added to the default pool, so reflection
describes itself in both versions too.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable
from dataclasses import dataclass, field
from typing import Any, cast

import grpc
import grpc.aio
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.descriptor import Descriptor, EnumDescriptor, FieldDescriptor, FileDescriptor
from google.protobuf.message import Message
from grpc_reflection.v1alpha import reflection_pb2 as v1alpha_pb2

__all__ = [
    "REFLECTION_V1",
    "REFLECTION_V1ALPHA",
    "ReflectionIndex",
    "ReflectionProtocol",
    "ReflectionServicer",
    "reflection_protocols",
]

REFLECTION_V1 = "grpc.reflection.v1.ServerReflection"
REFLECTION_V1ALPHA = "grpc.reflection.v1alpha.ServerReflection"
_V1_FILE = "grpc/reflection/v1/reflection.proto"


@dataclass(frozen=True)
class ReflectionProtocol:
    """One version of the reflection protocol: its service and its request and response classes."""

    service_name: str
    """The full service name, e.g. `grpc.reflection.v1.ServerReflection`."""
    file: FileDescriptor
    request: type[Message]
    response: type[Message]


def _v1_file(pool: descriptor_pool.DescriptorPool) -> FileDescriptor:
    """`grpc/reflection/v1/reflection.proto`: from the pool if some library added it, else derived."""
    try:
        return pool.FindFileContainingSymbol(REFLECTION_V1)
    except KeyError:
        pass
    proto = descriptor_pb2.FileDescriptorProto()
    v1alpha_pb2.DESCRIPTOR.CopyToProto(proto)
    old, new = f".{proto.package}.", ".grpc.reflection.v1."
    proto.name = _V1_FILE
    proto.package = "grpc.reflection.v1"
    proto.ClearField("options")
    for message in proto.message_type:
        for field_proto in message.field:
            if field_proto.type_name.startswith(old):
                field_proto.type_name = new + field_proto.type_name[len(old) :]
    for service in proto.service:
        for method in service.method:
            method.input_type = new + method.input_type[len(old) :]
            method.output_type = new + method.output_type[len(old) :]
    pool.Add(proto)
    return pool.FindFileByName(_V1_FILE)


def _protocol(file: FileDescriptor) -> ReflectionProtocol:
    (service,) = file.services_by_name.values()
    (method,) = service.methods
    return ReflectionProtocol(
        service_name=service.full_name,
        file=file,
        request=message_factory.GetMessageClass(method.input_type),
        response=message_factory.GetMessageClass(method.output_type),
    )


def reflection_protocols() -> tuple[ReflectionProtocol, ...]:
    """Both reflection protocols, `v1` first (what current tools try first)."""
    v1alpha = cast(FileDescriptor, v1alpha_pb2.DESCRIPTOR)
    return (_protocol(_v1_file(descriptor_pool.Default())), _protocol(v1alpha))


@dataclass
class ReflectionIndex:
    """Every file the served services need, and every symbol in them, looked up by name."""

    services: tuple[str, ...]
    """The full names of the services this server offers (reflection itself and health included)."""
    files: dict[str, FileDescriptor] = field(default_factory=dict)
    """By file name."""
    symbols: dict[str, FileDescriptor] = field(default_factory=dict)
    """The file that declares each fully qualified symbol."""
    extensions: dict[str, dict[int, FileDescriptor]] = field(default_factory=dict)
    """Per extended message: the file that declares each extension number."""
    _serialized: dict[str, bytes] = field(default_factory=dict)

    @classmethod
    def of(
        cls, service_names: Iterable[str], pool: descriptor_pool.DescriptorPool | None = None
    ) -> ReflectionIndex:
        """The index of the named services' files (from `pool`, default the process's default pool)."""
        pool = pool or descriptor_pool.Default()
        index = cls(services=tuple(sorted(set(service_names))))
        for name in index.services:
            index._add_file(pool.FindServiceByName(name).file)
        return index

    def _add_file(self, file: FileDescriptor) -> None:
        if file.name in self.files:
            return
        self.files[file.name] = file
        proto = descriptor_pb2.FileDescriptorProto()
        file.CopyToProto(proto)
        self._serialized[file.name] = proto.SerializeToString()
        for service in file.services_by_name.values():
            self.symbols[service.full_name] = file
            for method in service.methods:
                self.symbols[method.full_name] = file
        for message in file.message_types_by_name.values():
            self._add_message(message, file)
        for enum in file.enum_types_by_name.values():
            self._add_enum(enum, file)
        for extension in file.extensions_by_name.values():
            self._add_extension(extension, file)
        for dependency in file.dependencies:
            self._add_file(dependency)

    def _add_message(self, message: Descriptor, file: FileDescriptor) -> None:
        self.symbols[message.full_name] = file
        for message_field in message.fields:
            self.symbols[message_field.full_name] = file
        for oneof in message.oneofs:
            self.symbols[oneof.full_name] = file
        for nested in message.nested_types:
            self._add_message(nested, file)
        for enum in message.enum_types:
            self._add_enum(enum, file)
        for extension in message.extensions:
            self._add_extension(extension, file)

    def _add_enum(self, enum: EnumDescriptor, file: FileDescriptor) -> None:
        self.symbols[enum.full_name] = file
        # Enum values are siblings of their enum in protobuf's scoping (C++ rules): `pkg.VALUE`.
        scope = enum.full_name.rpartition(".")[0]
        for value in enum.values:
            self.symbols[f"{scope}.{value.name}" if scope else value.name] = file

    def _add_extension(self, extension: FieldDescriptor, file: FileDescriptor) -> None:
        self.symbols[extension.full_name] = file
        extended = cast(Descriptor, extension.containing_type).full_name
        self.extensions.setdefault(extended, {})[extension.number] = file

    def with_dependencies(self, file: FileDescriptor, sent: set[str]) -> list[bytes]:
        """`file` and the files it imports, transitively, less those in `sent` (which this updates).

        `file` itself is always included: it is what the client asked for.
        """
        out = [self._serialized[file.name]]
        sent.add(file.name)
        queue = list(file.dependencies)
        while queue:
            dependency = queue.pop(0)
            if dependency.name in sent:
                continue
            sent.add(dependency.name)
            out.append(self._serialized[dependency.name])
            queue.extend(dependency.dependencies)
        return out


class ReflectionServicer:
    """`ServerReflectionInfo` of one protocol version over a `ReflectionIndex`."""

    def __init__(self, index: ReflectionIndex, protocol: ReflectionProtocol) -> None:
        self._index = index
        self._protocol = protocol

    async def ServerReflectionInfo(
        self, request_iterator: AsyncIterable[Any], context: grpc.aio.ServicerContext[Any, Any]
    ) -> AsyncIterator[Any]:
        """Answers each request of the stream in turn (see the module docstring)."""
        sent: set[str] = set()
        async for request in request_iterator:
            kind = request.WhichOneof("message_request")
            if kind is None:
                await context.abort(
                    grpc.StatusCode.INVALID_ARGUMENT,
                    "a reflection request must set one of file_by_filename, file_containing_symbol, "
                    "file_containing_extension, all_extension_numbers_of_type or list_services",
                )
            yield self._answer(request, kind, sent)

    def _answer(self, request: Any, kind: str, sent: set[str]) -> Any:
        # The two protocols' classes are made at run time for v1: typed loosely.
        response: Any = self._protocol.response(valid_host=request.host)
        response.original_request.CopyFrom(request)
        index = self._index
        if kind == "list_services":
            for name in index.services:
                response.list_services_response.service.add(name=name)
            return response
        file: FileDescriptor | None
        if kind == "file_by_filename":
            file = index.files.get(request.file_by_filename)
            missing = f"file {request.file_by_filename!r} is not among the files this server uses"
        elif kind == "file_containing_symbol":
            file = index.symbols.get(request.file_containing_symbol)
            missing = f"symbol {request.file_containing_symbol!r} is not defined in this server's files"
        elif kind == "file_containing_extension":
            wanted = request.file_containing_extension
            file = index.extensions.get(wanted.containing_type, {}).get(wanted.extension_number)
            missing = f"no extension {wanted.extension_number} of {wanted.containing_type!r} is known here"
        else:
            extended = request.all_extension_numbers_of_type
            if extended not in index.symbols:
                return self._not_found(response, f"message type {extended!r} is not known here")
            numbers = sorted(index.extensions.get(extended, {}))
            response.all_extension_numbers_response.base_type_name = extended
            response.all_extension_numbers_response.extension_number.extend(numbers)
            return response
        if file is None:
            return self._not_found(response, missing)
        response.file_descriptor_response.file_descriptor_proto.extend(index.with_dependencies(file, sent))
        return response

    @staticmethod
    def _not_found(response: Any, message: str) -> Any:
        response.error_response.error_code = grpc.StatusCode.NOT_FOUND.value[0]
        response.error_response.error_message = message
        return response
