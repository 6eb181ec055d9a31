"""The API reference in Markdown, one page per proto package, generated from the contracts' doc comments.

A walk over the compiled descriptors (with source info, so every element keeps its leading comment) emits one
section per service and RPC, message and enum, with a table per message's fields and enum's values. Types
link to their own section, across packages too.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from google.protobuf import descriptor_pb2
from grpc_tools import protoc

from sdkgen._errors import SdkError
from sdkgen._toolchain import ROOT

__all__ = ["HEADER", "compile_protos", "render_reference"]

HEADER = "<!-- Generated file. DO NOT EDIT: run `make sdk` after changing proto/. -->\n"
PROTO_ROOT = ROOT / "proto"

# FileDescriptorProto / DescriptorProto field numbers, as used in SourceCodeInfo paths.
_MESSAGE, _ENUM, _SERVICE = 4, 5, 6
_FIELD, _NESTED, _NESTED_ENUM = 2, 3, 4
_ENUM_VALUE, _METHOD = 2, 2

_F = descriptor_pb2.FieldDescriptorProto
_SCALARS = {
    value: name.removeprefix("TYPE_").lower()
    for name, value in _F.Type.items()
    if name not in ("TYPE_MESSAGE", "TYPE_ENUM", "TYPE_GROUP")
}


def compile_protos(proto_root: Path = PROTO_ROOT) -> descriptor_pb2.FileDescriptorSet:
    """Every .proto under proto_root, with imports and doc comments, compiled by grpcio-tools' protoc."""
    protos = sorted(str(p.relative_to(proto_root)) for p in proto_root.rglob("*.proto"))
    with tempfile.TemporaryDirectory(prefix="pagemesh-reference-") as scratch:
        out = Path(scratch) / "descriptors.binpb"
        status = protoc.main(
            [
                "grpc_tools.protoc",
                f"-I{proto_root}",
                f"-I{Path(protoc.__file__).parent / '_proto'}",
                "--include_imports",
                "--include_source_info",
                f"--descriptor_set_out={out}",
                *protos,
            ]
        )
        if status != 0:
            raise SdkError(f"protoc could not compile {proto_root} (its message is above)")
        return descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes())


@dataclass(frozen=True)
class _Comments:
    """The leading doc comment of every element of one file, by source path."""

    by_path: dict[tuple[int, ...], str]

    @classmethod
    def of(cls, file: descriptor_pb2.FileDescriptorProto) -> _Comments:
        by_path: dict[tuple[int, ...], str] = {}
        for location in file.source_code_info.location:
            text = location.leading_comments.strip("\n")
            if text:
                lines = [line.removeprefix(" ").rstrip() for line in text.splitlines()]
                by_path[tuple(location.path)] = "\n".join(lines).strip()
        return cls(by_path)

    def block(self, path: tuple[int, ...]) -> str:
        """The comment as a Markdown paragraph (its line breaks kept as soft breaks)."""
        return self.by_path.get(path, "*Not documented.*")

    def cell(self, path: tuple[int, ...]) -> str:
        """The comment on one line, for a table cell."""
        return " ".join(self.block(path).split()).replace("|", "\\|")


def _anchor(name: str) -> str:
    """GitHub's anchor for a `### name` heading (lower case, dots dropped)."""
    return name.lower().replace(".", "")


def _page(package: str) -> str:
    return f"{package}.md"


class _Linker:
    """Markdown for a type reference: a link to its section when it is one of ours."""

    def __init__(self, files: Sequence[descriptor_pb2.FileDescriptorProto]) -> None:
        self._where: dict[str, tuple[str, str]] = {}  # full name -> (package, name within the package)
        for file in files:
            for name in _type_names(file):
                self._where[f".{file.package}.{name}"] = (file.package, name)

    def link(self, full_name: str, from_package: str) -> str:
        located = self._where.get(full_name)
        if located is None:
            return f"`{full_name.lstrip('.')}`"
        package, name = located
        if package == from_package:
            return f"[`{name}`](#{_anchor(name)})"
        return f"[`{package}.{name}`]({_page(package)}#{_anchor(name)})"


def _walk_messages(
    messages: Sequence[descriptor_pb2.DescriptorProto], path: tuple[int, ...], prefix: str = ""
) -> Iterator[tuple[str, descriptor_pb2.DescriptorProto, tuple[int, ...]]]:
    for index, message in enumerate(messages):
        here = (*path, index)
        if message.options.map_entry:
            continue
        name = f"{prefix}{message.name}"
        yield name, message, here
        yield from _walk_messages(message.nested_type, (*here, _NESTED), f"{name}.")


def _walk_enums(
    file: descriptor_pb2.FileDescriptorProto,
) -> Iterator[tuple[str, descriptor_pb2.EnumDescriptorProto, tuple[int, ...]]]:
    for index, enum in enumerate(file.enum_type):
        yield enum.name, enum, (_ENUM, index)
    for name, message, path in _walk_messages(file.message_type, (_MESSAGE,)):
        for index, enum in enumerate(message.enum_type):
            yield f"{name}.{enum.name}", enum, (*path, _NESTED_ENUM, index)


def _type_names(file: descriptor_pb2.FileDescriptorProto) -> Iterator[str]:
    for name, _, _ in _walk_messages(file.message_type, (_MESSAGE,)):
        yield name
    for name, _, _ in _walk_enums(file):
        yield name


def _field_type(
    field: descriptor_pb2.FieldDescriptorProto,
    message: descriptor_pb2.DescriptorProto,
    linker: _Linker,
    package: str,
) -> str:
    if field.type in _SCALARS:
        base = f"`{_SCALARS[field.type]}`"
    else:
        entry = next(
            (
                n
                for n in message.nested_type
                if n.options.map_entry and field.type_name.endswith(f".{n.name}")
            ),
            None,
        )
        if entry is not None and field.label == _F.LABEL_REPEATED:
            key, value = (_field_type(f, entry, linker, package) for f in entry.field)
            return f"map<{key}, {value}>"
        base = linker.link(field.type_name, package)
    if field.label == _F.LABEL_REPEATED:
        return f"repeated {base}"
    if field.proto3_optional:
        return f"optional {base}"
    return base


def _render_file(file: descriptor_pb2.FileDescriptorProto, linker: _Linker) -> list[str]:
    comments = _Comments.of(file)
    package = file.package
    out: list[str] = []
    if file.service:
        out.append("## Services\n")
    for s_index, service in enumerate(file.service):
        s_path = (_SERVICE, s_index)
        out += [f"### {service.name}\n", f"{comments.block(s_path)}\n"]
        for m_index, method in enumerate(service.method):
            request = linker.link(method.input_type, package)
            response = linker.link(method.output_type, package)
            if method.client_streaming:
                request = f"stream {request}"
            if method.server_streaming:
                response = f"stream {response}"
            out += [
                f"#### {service.name}.{method.name}\n",
                f"`/{package}.{service.name}/{method.name}`: {request} → {response}\n",
                f"{comments.block((*s_path, _METHOD, m_index))}\n",
            ]
    messages = list(_walk_messages(file.message_type, (_MESSAGE,)))
    if messages:
        out.append("## Messages\n")
    for name, message, path in messages:
        out += [f"### {name}\n", f"{comments.block(path)}\n"]
        if not message.field:
            out.append("*No fields.*\n")
            continue
        out += ["| field | number | type | description |", "| --- | --- | --- | --- |"]
        for f_index, field in enumerate(message.field):
            oneof = ""
            if field.HasField("oneof_index") and not field.proto3_optional:
                oneof = f" (one of `{message.oneof_decl[field.oneof_index].name}`)"
            out.append(
                f"| `{field.name}` | {field.number} | {_field_type(field, message, linker, package)} | "
                f"{comments.cell((*path, _FIELD, f_index))}{oneof} |"
            )
        out.append("")
    enums = list(_walk_enums(file))
    if enums:
        out.append("## Enums\n")
    for name, enum, path in enums:
        out += [f"### {name}\n", f"{comments.block(path)}\n", "| value | number | description |"]
        out.append("| --- | --- | --- |")
        for v_index, value in enumerate(enum.value):
            out.append(
                f"| `{value.name}` | {value.number} | {comments.cell((*path, _ENUM_VALUE, v_index))} |"
            )
        out.append("")
    return out


def render_reference(descriptors: descriptor_pb2.FileDescriptorSet) -> dict[str, str]:
    """The reference pages by file name: `README.md` (the index) and `<package>.md` per proto package."""
    ours = [f for f in descriptors.file if f.package.startswith("pagemesh.")]
    linker = _Linker(ours)
    by_package: dict[str, list[descriptor_pb2.FileDescriptorProto]] = {}
    for file in sorted(ours, key=lambda f: f.name):
        by_package.setdefault(file.package, []).append(file)
    pages: dict[str, str] = {}
    index = [
        HEADER,
        "# pagemesh API reference\n",
        "Generated from the doc comments in `proto/`, one page per package. Every SDK (`sdk/`, see",
        "[../sdks.md](../sdks.md)) carries all of these packages under the same names.\n",
        "| package | services | messages |",
        "| --- | --- | --- |",
    ]
    for package, files in sorted(by_package.items()):
        lines = [HEADER, f"# {package}\n"]
        lines.append("Source: " + ", ".join(f"`proto/{f.name}`" for f in files) + "\n")
        for file in files:
            lines += _render_file(file, linker)
        pages[_page(package)] = "\n".join(lines).rstrip("\n") + "\n"
        services = ", ".join(f"`{s.name}`" for f in files for s in f.service) or "none"
        count = sum(len(list(_walk_messages(f.message_type, (_MESSAGE,)))) for f in files)
        index.append(f"| [{package}]({_page(package)}) | {services} | {count} |")
    pages["README.md"] = "\n".join(index) + "\n"
    return pages
