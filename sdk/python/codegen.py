"""The code generator of pagemesh-client: every module generated from proto/, run by the package build.

`setup.py` runs it before setuptools collects the package (a wheel, an sdist or an editable install), and
`make generate` runs it in a pagemesh checkout (`python sdk/python/codegen.py`). It writes into `src/`
(ignored by git; never edit those files):

- `pagemesh/<area>/<version>/<area>_pb2.py`, `_pb2_grpc.py` and their `.pyi` types: grpcio-tools' protoc
  with mypy-protobuf, the same modules the pagemesh servers import (they depend on this package);
- `pagemesh/client/_services.py`: the typed clients, walked from the compiled descriptors: per API version a
  class with one attribute per service, per service a class with one method per RPC, each with the same
  signature `(request, *, timeout=None, metadata=())`, over the stock stubs.

Only grpcio-tools and mypy-protobuf are needed (the build requirements in pyproject.toml).
"""

from __future__ import annotations

import argparse
import os
import re
import stat
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from google.protobuf import descriptor_pb2
from grpc_tools import protoc

__all__ = ["HEADER", "GenerateError", "generate", "is_generated", "main", "render_services"]

HERE = Path(__file__).resolve().parent
SRC = HERE / "src"
#: proto/ of the pagemesh checkout this package is built from.
PROTO_ROOT = HERE.parent.parent / "proto"
HEADER = "# Generated file. DO NOT EDIT: generated from proto/ when pagemesh-client is built.\n"
_SUFFIXES = ("_pb2.py", "_pb2.pyi", "_pb2_grpc.py", "_pb2_grpc.pyi")
#: The hand-written package of the typed clients; only its `_services.py` is generated.
CLIENT_PACKAGE = Path("pagemesh") / "client"
SERVICES_MODULE = CLIENT_PACKAGE / "_services.py"

# Source-info paths (descriptor.proto field numbers): file.service = 6, service.method = 2.
_SERVICE, _METHOD = 6, 2


class GenerateError(Exception):
    """proto/ cannot be found or does not compile."""


def _plugin(directory: Path, name: str, function: str) -> Path:
    """An executable protoc plugin that runs mypy-protobuf's `function` in this interpreter.

    protoc wants an executable file; the package's console scripts may not be on PATH in a build
    environment, this interpreter always is.
    """
    path = directory / f"protoc-gen-{name}"
    path.write_text(f"#!{sys.executable}\nfrom mypy_protobuf.main import {function}\n{function}()\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def _compile(proto_root: Path, out: Path) -> descriptor_pb2.FileDescriptorSet:
    """protoc over every .proto under proto_root into out/; returns the descriptors, with comments."""
    protos = sorted(str(p.relative_to(proto_root)) for p in proto_root.rglob("*.proto"))
    if not protos:
        raise GenerateError(f"no .proto files under {proto_root}")
    with tempfile.TemporaryDirectory(prefix="pagemesh-client-codegen-") as scratch:
        tools = Path(scratch)
        descriptors = tools / "descriptors.binpb"
        status = protoc.main(
            [
                "grpc_tools.protoc",
                f"-I{proto_root}",
                f"-I{Path(protoc.__file__).parent / '_proto'}",
                f"--plugin=protoc-gen-mypy={_plugin(tools, 'mypy', 'main')}",
                f"--plugin=protoc-gen-mypy_grpc={_plugin(tools, 'mypy_grpc', 'grpc')}",
                f"--python_out={out}",
                f"--mypy_out=quiet:{out}",
                f"--grpc_python_out={out}",
                f"--mypy_grpc_out=quiet:{out}",
                "--include_source_info",
                f"--descriptor_set_out={descriptors}",
                *protos,
            ]
        )
        if status != 0:
            raise GenerateError(f"protoc could not compile {proto_root} (its message is above)")
        return descriptor_pb2.FileDescriptorSet.FromString(descriptors.read_bytes())


# ---- the typed clients -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rpc:
    name: str
    doc: str
    request: str
    response: str


@dataclass(frozen=True)
class _Service:
    package: str
    name: str
    doc: str
    module: str
    """The import alias of its `_pb2` module, e.g. `page_v2_pb2`."""
    rpcs: tuple[_Rpc, ...]

    @property
    def area(self) -> str:
        return self.package.split(".")[1]

    @property
    def version(self) -> str:
        return self.package.split(".")[2]


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _docstring(text: str, indent: str) -> str:
    # protoc keeps the space after `//`; a docstring does not want it.
    lines = [line.removeprefix(" ").rstrip() for line in text.strip("\n").splitlines()] or ["Not documented."]
    if len(lines) == 1:
        return f'{indent}"""{lines[0]}"""\n'
    body = "".join(f"{indent}{line}\n" if line else "\n" for line in lines[1:])
    return f'{indent}"""{lines[0]}\n{body}{indent}"""\n'


def _type_name(full_name: str, modules: dict[str, str]) -> str:
    """`.pagemesh.page.v2.Foo.Bar` as `page_v2_pb2.Foo.Bar`."""
    name = full_name.lstrip(".")
    for package, module in sorted(modules.items(), key=lambda item: -len(item[0])):
        if name.startswith(package + "."):
            return f"{module}.{name[len(package) + 1 :]}"
    raise GenerateError(f"{full_name}: requests and responses must be pagemesh messages")


def _services(descriptors: descriptor_pb2.FileDescriptorSet) -> list[_Service]:
    files = [f for f in descriptors.file if f.package.startswith("pagemesh.")]
    modules = {f.package: "_".join(f.package.split(".")[1:]) + "_pb2" for f in files}
    services = []
    for file in files:
        comments = {
            tuple(location.path): location.leading_comments for location in file.source_code_info.location
        }
        for s, service in enumerate(file.service):
            rpcs = []
            for m, method in enumerate(service.method):
                if method.client_streaming or method.server_streaming:
                    raise GenerateError(f"{service.name}.{method.name}: streaming RPCs are not supported yet")
                rpcs.append(
                    _Rpc(
                        method.name,
                        comments.get((_SERVICE, s, _METHOD, m), ""),
                        _type_name(method.input_type, modules),
                        _type_name(method.output_type, modules),
                    )
                )
            services.append(
                _Service(
                    file.package,
                    service.name,
                    comments.get((_SERVICE, s), ""),
                    modules[file.package],
                    tuple(rpcs),
                )
            )
    return sorted(services, key=lambda s: (s.version, s.area, s.name))


def _attribute(service: _Service, siblings: list[_Service]) -> str:
    """The service's attribute on its version: the area, or the service's own name beside others."""
    if sum(1 for other in siblings if other.package == service.package) == 1:
        return service.area
    return _snake(service.name.removesuffix("Service"))


def _service_class(service: _Service, *, is_async: bool) -> str:
    prefix = "Async" if is_async else ""
    calls = "AsyncCalls" if is_async else "Calls"
    stub = f"{service.module}_grpc.{service.name}Stub"
    lines = [f"class {prefix}{service.name}{service.version.upper()}:\n"]
    lines.append(_docstring(f"{service.doc.strip()}\n\n`{service.package}.{service.name}`.", "    "))
    lines.append('\n    __slots__ = ("_calls", "_stub")\n\n')
    lines.append(f"    def __init__(self, calls: {calls}) -> None:\n")
    lines.append("        self._calls = calls\n")
    lines.append(f"        self._stub = {stub}(calls.channel)\n")
    for rpc in service.rpcs:
        method = f"/{service.package}.{service.name}/{rpc.name}"
        lines.append("\n")
        lines.append(f"    {'async ' if is_async else ''}def {_snake(rpc.name)}(\n")
        lines.append("        self,\n")
        lines.append(f"        request: {rpc.request},\n")
        lines.append("        *,\n")
        lines.append("        timeout: float | None = None,\n")
        lines.append("        metadata: Metadata = (),\n")
        lines.append(f"    ) -> {rpc.response}:\n")
        lines.append(_docstring(rpc.doc, "        "))
        await_ = "await " if is_async else ""
        lines.append(
            f"        return {await_}self._calls.unary(\n"
            f'            "{method}",\n'
            f"            self._stub.{rpc.name},\n"
            "            request,\n"
            "            timeout=timeout,\n"
            "            metadata=metadata,\n"
            "        )\n"
        )
    return "".join(lines)


def render_services(descriptors: descriptor_pb2.FileDescriptorSet) -> str:
    """The source of `pagemesh/client/_services.py`."""
    services = _services(descriptors)
    versions = sorted({s.version for s in services})
    modules = sorted({(s.package, s.module) for s in services})
    out = [
        HEADER,
        '"""Typed clients of every pagemesh service: one class per API version, service and flavour (sync,\n',
        'asyncio), one method per RPC. Use them through `PagemeshClient` and `AsyncPagemeshClient`."""\n\n',
        "from __future__ import annotations\n\n",
        "from google.protobuf.descriptor import FileDescriptor\n\n",
    ]
    imports = ["from pagemesh.client._client import AsyncCalls, AsyncClient, Calls, Client, Metadata\n"]
    for package, module in modules:
        proto_module = package.split(".")[1]
        imports.append(f"from {package} import {proto_module}_pb2 as {module}\n")
        imports.append(f"from {package} import {proto_module}_pb2_grpc as {module}_grpc\n")
    out.extend(sorted(imports))
    names = ["AsyncPagemeshClient", "PagemeshClient", "FILES"]
    for version in versions:
        names += [f"Api{version.upper()}", f"AsyncApi{version.upper()}"]
    for service in services:
        names += [f"{service.name}{service.version.upper()}", f"Async{service.name}{service.version.upper()}"]
    out.append("\n__all__ = [\n" + "".join(f'    "{name}",\n' for name in sorted(names)) + "]\n\n")
    out.append("FILES: tuple[FileDescriptor, ...] = (\n")
    out.extend(f"    {module}.DESCRIPTOR,\n" for _, module in modules)
    out.append(")\n")
    out.append(
        '"""Every contract with a service: the retry policy is read from their `idempotency_level`."""\n'
    )
    for is_async in (False, True):
        for service in services:
            out.append("\n\n" + _service_class(service, is_async=is_async))
    for is_async in (False, True):
        prefix = "Async" if is_async else ""
        calls = "AsyncCalls" if is_async else "Calls"
        for version in versions:
            members = [s for s in services if s.version == version]
            out.append(f"\n\nclass {prefix}Api{version.upper()}:\n")
            out.append(_docstring(f"Every pagemesh service in API version {version}.", "    "))
            out.append(f"\n    def __init__(self, calls: {calls}) -> None:\n")
            for service in members:
                kind = f"{prefix}{service.name}{version.upper()}"
                out.append(f"        self.{_attribute(service, members)} = {kind}(calls)\n")
    for is_async in (False, True):
        prefix = "Async" if is_async else ""
        base = "AsyncClient" if is_async else "Client"
        calls = "AsyncCalls" if is_async else "Calls"
        flavour = "An asyncio (`grpc.aio`)" if is_async else "A blocking"
        out.append(f"\n\nclass {prefix}PagemeshClient({base}):\n")
        out.append(
            _docstring(
                f"{flavour} client of one pagemesh target: "
                + ", ".join(f"`.{v}`" for v in versions)
                + " hold every service in that API version.\n\nSee `pagemesh.client."
                + base
                + "` for the settings (target, TLS, deadline, retries).",
                "    ",
            )
        )
        out.append("\n    _files = FILES\n")
        for version in versions:
            out.append(f"    {version}: {prefix}Api{version.upper()}\n")
        out.append(f"\n    def _bind(self, calls: {calls}) -> None:\n")
        for version in versions:
            out.append(f"        self.{version} = {prefix}Api{version.upper()}(calls)\n")
    return "".join(out)


# ---- writing ---------------------------------------------------------------------------------------------


def _generated_in(root: Path) -> set[Path]:
    """The generated files under root/pagemesh: all but the hand-written client package's own files."""
    found = set()
    for path in (root / "pagemesh").rglob("*"):
        relative = path.relative_to(root)
        if path.is_file() and "__pycache__" not in relative.parts:
            if relative.is_relative_to(CLIENT_PACKAGE) and relative != SERVICES_MODULE:
                continue
            found.add(relative)
    return found


def _fresh(proto_root: Path) -> dict[Path, str]:
    """Every generated file, relative to src/, with its text."""
    with tempfile.TemporaryDirectory(prefix="pagemesh-client-out-") as scratch:
        out = Path(scratch)
        descriptors = _compile(proto_root, out)
        files: dict[Path, str] = {}
        for path in sorted(out.rglob("*")):
            if path.is_file() and path.name.endswith(_SUFFIXES):
                files[path.relative_to(out)] = HEADER + path.read_text()
    packages = {p.parent for p in files}
    for package in packages:
        files[package / "__init__.py"] = HEADER
        files.setdefault(package.parent / "__init__.py", HEADER)
        # PEP 561 for a namespace package: each top-level area says it is typed.
        files[package.parent / "py.typed"] = ""
    files[SERVICES_MODULE] = render_services(descriptors)
    return files


def generate(src: Path = SRC, proto_root: Path = PROTO_ROOT) -> list[Path]:
    """Writes the generated modules under src/ (removing ones no longer generated); returns those changed."""
    if not proto_root.is_dir():
        raise GenerateError(
            f"{proto_root} does not exist: build pagemesh-client from a pagemesh checkout "
            "(sdk/python), or from an sdist that already carries the generated modules"
        )
    fresh = _fresh(proto_root)
    for gone in _generated_in(src) - fresh.keys():
        (src / gone).unlink()
    changed = []
    for relative, text in sorted(fresh.items()):
        target = src / relative
        if not target.is_file() or target.read_text() != text:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
            changed.append(relative)
    return changed


def is_generated(src: Path = SRC) -> bool:
    """Whether src/ already carries generated modules (an sdist does; a fresh checkout does not)."""
    return (src / SERVICES_MODULE).is_file()


def _relative(paths: Iterable[Path]) -> str:
    shown = [str(p) for p in paths]
    return ", ".join(shown[:4]) + (" ..." if len(shown) > 4 else "")


def main(argv: list[str] | None = None) -> int:
    """`python sdk/python/codegen.py [--proto DIR]`: regenerates src/ in place."""
    parser = argparse.ArgumentParser(prog="codegen.py", description=__doc__.splitlines()[0])
    parser.add_argument("--proto", type=Path, default=PROTO_ROOT, help="default: the checkout's proto/")
    options = parser.parse_args(argv)
    try:
        changed = generate(SRC, options.proto)
    except GenerateError as error:
        print(f"codegen.py: {error}", file=sys.stderr)
        return 1
    where = os.path.relpath(SRC)
    print(
        f"pagemesh-client: {len(changed)} generated files changed in {where}"
        + (f" ({_relative(changed)})" if changed else "")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
