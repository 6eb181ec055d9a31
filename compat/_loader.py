"""Turns an input (a directory module, a git ref of a repository, or a binary image) into an `Image`.

Directories are compiled with grpcio-tools' bundled protoc (`--include_imports --include_source_info`), so
every element carries its file, line and column, and the well-known types resolve from the copies bundled with
grpcio-tools, without any network access.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from google.protobuf import descriptor_pb2
from google.protobuf.message import DecodeError

from compat._errors import InputError
from compat._features import read_message_field, read_varint_field
from compat._model import Image, ProtoFile

__all__ = ["InputSpec", "load_image", "parse_input", "read_buf_yaml"]

_BUF_IMAGE_EXTENSION = 8042  # ImageFile.buf_extension; its field 1 is is_import
_IMAGE_SUFFIXES = (".binpb", ".bin", ".pb")


@dataclass(frozen=True)
class InputSpec:
    """A parsed input argument. `kind` is "dir", "git" or "image"."""

    kind: str
    path: str
    ref: str = ""
    ref_kind: str = ""
    subdir: str = ""

    @property
    def label(self) -> str:
        if self.kind == "git":
            return f"{self.path}#{self.ref_kind}={self.ref}" + (
                f",subdir={self.subdir}" if self.subdir else ""
            )
        return self.path


def parse_input(text: str) -> InputSpec:
    """Parses buf's input syntax: a directory, `.git#ref=X[,subdir=D]` (or branch=/tag=), or an image file."""
    base, _, options_text = text.partition("#")
    options: dict[str, str] = {}
    for part in filter(None, options_text.split(",")):
        key, sep, value = part.partition("=")
        if not sep or not value:
            raise InputError(f'Invalid input "{text}": option "{part}" must be key=value.')
        options[key] = value
    if base.endswith(".git") or options.keys() & {"ref", "branch", "tag"}:
        refs = [(k, options[k]) for k in ("ref", "branch", "tag") if k in options]
        if len(refs) != 1:
            raise InputError(f'Invalid git input "{text}": give exactly one of ref=, branch= or tag=.')
        unknown = options.keys() - {"ref", "branch", "tag", "subdir", "depth"}
        if unknown:
            raise InputError(f'Invalid git input "{text}": unknown option "{sorted(unknown)[0]}".')
        return InputSpec("git", base or ".git", refs[0][1], refs[0][0], options.get("subdir", "").strip("/"))
    if options.get("format") in ("binpb", "bin") or base.endswith(_IMAGE_SUFFIXES):
        return InputSpec("image", base)
    if options:
        raise InputError(f'Invalid input "{text}": options are only understood for git inputs and images.')
    return InputSpec("dir", base or ".")


def read_buf_yaml(directory: Path) -> dict[str, Any] | None:
    """The parsed buf.yaml of a directory, or None when it has none."""
    for name in ("buf.yaml", "buf.yml"):
        candidate = directory / name
        if candidate.is_file():
            try:
                data = yaml.safe_load(candidate.read_text(encoding="utf-8"))
            except yaml.YAMLError as error:
                raise InputError(f"{candidate}: invalid YAML: {_one_line(str(error))}") from None
            if data is None:
                return {}
            if not isinstance(data, dict):
                raise InputError(f"{candidate}: expected a mapping at the top level.")
            return data
    return None


def load_image(spec: InputSpec, cwd: Path | None = None) -> tuple[Image, dict[str, Any] | None]:
    """Loads an input; returns its image and the buf.yaml found at its root (or None)."""
    cwd = cwd or Path.cwd()
    if spec.kind == "image":
        return _load_binary_image(cwd / spec.path, spec.path), None
    if spec.kind == "git":
        with _git_checkout(spec, cwd) as root:
            return _load_directory(root / spec.subdir if spec.subdir else root, spec.subdir)
    directory = cwd / spec.path
    if not directory.is_dir():
        what = "does not exist" if not directory.exists() else "is not a directory"
        raise InputError(f'Input "{spec.path}" {what}.')
    return _load_directory(directory, os.path.normpath(spec.path))


def _module_roots(buf_yaml: dict[str, Any] | None) -> list[str]:
    if buf_yaml and str(buf_yaml.get("version", "")) == "v2":
        modules = buf_yaml.get("modules") or [{"path": "."}]
        return [os.path.normpath(str(m.get("path", "."))) for m in modules if isinstance(m, dict)]
    return ["."]


def _load_directory(directory: Path, display_prefix: str) -> tuple[Image, dict[str, Any] | None]:
    buf_yaml = read_buf_yaml(directory)
    roots: list[tuple[str, Path]] = []
    targets: dict[str, tuple[str, str]] = {}  # import name -> (display path, config path)
    sources: dict[str, Path] = {}
    for module in _module_roots(buf_yaml):
        root = (directory / module).resolve()
        if not root.is_dir():
            raise InputError(f'Module "{module}" declared in {directory / "buf.yaml"} does not exist.')
        roots.append((module, root))
        for proto_path in sorted(root.rglob("*.proto")):
            name = proto_path.relative_to(root).as_posix()
            config_path = os.path.normpath(os.path.join(module, name))
            display = (
                os.path.normpath(os.path.join(display_prefix, config_path)) if display_prefix else config_path
            )
            if name in targets:
                raise InputError(f'File "{name}" is present in more than one module of {directory}.')
            targets[name] = (display, config_path)
            sources[name] = proto_path
    if not targets:
        raise InputError(f'Input "{display_prefix or directory}" contains no .proto files.')
    file_set = _compile([root for _, root in roots], targets, sources)
    files = []
    for proto in file_set.file:
        display, config_path = targets.get(proto.name, (proto.name, proto.name))
        is_import = proto.name not in targets
        lines = (
            []
            if is_import
            else sources[proto.name].read_text(encoding="utf-8", errors="replace").splitlines()
        )
        files.append(ProtoFile(proto, display, config_path, is_import=is_import, source_lines=lines))
    return Image(files), buf_yaml


def _wkt_include() -> str:
    return str(resources.files("grpc_tools") / "_proto")


def _compile(
    roots: list[Path], targets: dict[str, tuple[str, str]], sources: dict[str, Path]
) -> descriptor_pb2.FileDescriptorSet:
    from grpc_tools import protoc  # noqa: PLC0415  # lazy: `--list-rules` and images never load protoc

    with tempfile.TemporaryDirectory(prefix="pagemesh-compat-") as tmp:
        out = Path(tmp) / "image.binpb"
        args = ["protoc", *(f"-I{root}" for root in roots), f"-I{_wkt_include()}"]
        args += [
            "--include_imports",
            "--include_source_info",
            f"--descriptor_set_out={out}",
            *sorted(targets),
        ]
        with _captured_stderr() as captured:
            status = protoc.main(args)
            output = captured.read()
        if status != 0 or not out.exists():
            raise InputError(_compiler_error(output, targets, sources))
        file_set = descriptor_pb2.FileDescriptorSet()
        file_set.ParseFromString(out.read_bytes())
        return file_set


@contextlib.contextmanager
def _captured_stderr() -> Iterator[Any]:
    """Captures what the in-process compiler writes to file descriptor 2."""
    with tempfile.TemporaryFile(mode="w+b") as sink:
        saved = os.dup(2)
        try:
            os.dup2(sink.fileno(), 2)
            reader = _SinkReader(sink)
            yield reader
        finally:
            os.dup2(saved, 2)
            os.close(saved)


class _SinkReader:
    def __init__(self, sink: Any) -> None:
        self._sink = sink

    def read(self) -> str:
        self._sink.flush()
        self._sink.seek(0)
        return str(self._sink.read().decode("utf-8", "replace"))


def _compiler_error(output: str, targets: dict[str, tuple[str, str]], sources: dict[str, Path]) -> str:
    lines = [line for line in output.splitlines() if line.strip() and not line.startswith("warning:")]
    if not lines:
        return "The .proto files failed to compile."
    first = lines[0]
    for name, (display, _) in targets.items():  # name the file as the user typed its input
        for spelling in (str(sources[name]), name):
            if first.startswith(spelling + ":"):
                return display + first[len(spelling) :]
    return first


def _load_binary_image(path: Path, display: str) -> Image:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f'Cannot read image "{display}": {error.strerror}.') from None
    file_set = descriptor_pb2.FileDescriptorSet()
    try:
        file_set.ParseFromString(data)
    except DecodeError:
        raise InputError(f'"{display}" is not a binary FileDescriptorSet or buf image.') from None
    files = []
    for proto in file_set.file:
        extension = read_message_field(proto.SerializeToString(), _BUF_IMAGE_EXTENSION)
        is_import = bool(read_varint_field(extension, 1))
        files.append(ProtoFile(proto, proto.name, proto.name, is_import=is_import))
    return Image(files)


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False)


@contextlib.contextmanager
def _git_checkout(spec: InputSpec, cwd: Path) -> Iterator[Path]:
    repo_path = cwd / spec.path
    repo = repo_path.parent if repo_path.name == ".git" else repo_path
    if not repo.exists():
        raise InputError(f'Git repository "{spec.path}" does not exist.')
    candidates = {"ref": [spec.ref], "branch": [f"refs/heads/{spec.ref}", f"refs/remotes/origin/{spec.ref}"]}
    candidates["tag"] = [f"refs/tags/{spec.ref}"]
    commit = ""
    for candidate in candidates[spec.ref_kind]:
        result = _git(repo, "rev-parse", "--verify", "--quiet", f"{candidate}^{{commit}}")
        if result.returncode == 0:
            commit = result.stdout.decode().strip()
            break
    if not commit:
        raise InputError(f'Unknown git {spec.ref_kind} "{spec.ref}" in repository "{spec.path}".')
    archive = _git(repo, "archive", "--format=tar", commit)
    if archive.returncode != 0:
        raise InputError(f"git archive of {spec.label} failed: {_one_line(archive.stderr.decode())}")
    with tempfile.TemporaryDirectory(prefix="pagemesh-compat-git-") as tmp:
        root = Path(tmp)
        with tarfile.open(fileobj=io.BytesIO(archive.stdout), mode="r:") as tar:
            members = [
                m
                for m in tar.getmembers()
                if m.isfile() and m.name.endswith((".proto", "buf.yaml", "buf.yml"))
            ]
            tar.extractall(root, members=members, filter="data")
        if spec.subdir and not (root / spec.subdir).is_dir():
            raise InputError(f'Directory "{spec.subdir}" does not exist at {spec.ref_kind} "{spec.ref}".')
        yield root


def _one_line(text: str) -> str:
    return " ".join(text.split())
