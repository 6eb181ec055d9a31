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
import sys
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
from compat._git import git, resolve_commit, tree_files
from compat._model import Image, ProtoFile

__all__ = [
    "IMAGE_SUFFIXES",
    "InputSpec",
    "image_from_descriptor_set",
    "load_image",
    "load_images",
    "parse_input",
    "read_buf_yaml",
]

_BUF_IMAGE_EXTENSION = 8042  # ImageFile.buf_extension; its field 1 is is_import
IMAGE_SUFFIXES = (".binpb", ".bin", ".pb")
_MODULE_FILE_SUFFIXES = (".proto", "buf.yaml", "buf.yml")  # what a git input's checkout is made of


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
    if options.get("format") in ("binpb", "bin") or base.endswith(IMAGE_SUFFIXES):
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
    return load_images([spec], cwd)[0]


def load_images(specs: list[InputSpec], cwd: Path | None = None) -> list[tuple[Image, dict[str, Any] | None]]:
    """Loads several inputs, compiling their .proto files concurrently when that pays off."""
    cwd = cwd or Path.cwd()
    with contextlib.ExitStack() as stack:
        jobs: list[_CompileJob | Image] = []
        for spec in specs:
            if spec.kind == "image":
                jobs.append(_load_binary_image(cwd / spec.path, spec.path))
            elif spec.kind == "git":
                root = stack.enter_context(_git_checkout(spec, cwd))
                jobs.append(_prepare(root / spec.subdir if spec.subdir else root, spec.subdir, spec.label))
            else:
                directory = cwd / spec.path
                if not directory.is_dir():
                    what = "does not exist" if not directory.exists() else "is not a directory"
                    raise InputError(f'Input "{spec.path}" {what}.')
                jobs.append(_prepare(directory, os.path.normpath(spec.path), os.path.normpath(spec.path)))
        compile_jobs = [job for job in jobs if isinstance(job, _CompileJob)]
        file_sets = _compile_all(compile_jobs)
        results: list[tuple[Image, dict[str, Any] | None]] = []
        for job in jobs:
            if isinstance(job, Image):
                results.append((job, None))
            else:
                results.append((job.image(file_sets[compile_jobs.index(job)]), job.buf_yaml))
        return results


def _module_roots(buf_yaml: dict[str, Any] | None) -> list[str]:
    if buf_yaml and str(buf_yaml.get("version", "")) == "v2":
        modules = buf_yaml.get("modules") or [{"path": "."}]
        return [os.path.normpath(str(m.get("path", "."))) for m in modules if isinstance(m, dict)]
    return ["."]


@dataclass(eq=False)
class _CompileJob:
    """One directory input, ready for protoc: include roots and the files to compile."""

    roots: list[Path]
    targets: dict[str, tuple[str, str]]  # import name -> (display path, config path)
    sources: dict[str, Path]  # import name -> file on disk
    buf_yaml: dict[str, Any] | None

    def protoc_args(self, out: Path) -> list[str]:
        args = [*(f"-I{root}" for root in self.roots), f"-I{_wkt_include()}", "--include_imports"]
        return [*args, "--include_source_info", f"--descriptor_set_out={out}", *sorted(self.targets)]

    def image(self, file_set: descriptor_pb2.FileDescriptorSet) -> Image:
        files = []
        for proto in file_set.file:
            display, config_path = self.targets.get(proto.name, (proto.name, proto.name))
            is_import = proto.name not in self.targets
            lines = [] if is_import else self.sources[proto.name].read_text("utf-8", "replace").splitlines()
            files.append(ProtoFile(proto, display, config_path, is_import=is_import, source_lines=lines))
        return Image(files)


def _prepare(directory: Path, display_prefix: str, label: str) -> _CompileJob:
    buf_yaml = read_buf_yaml(directory)
    job = _CompileJob([], {}, {}, buf_yaml)
    for module in _module_roots(buf_yaml):
        root = (directory / module).resolve()
        if not root.is_dir():
            raise InputError(f'Module "{module}" declared in {directory / "buf.yaml"} does not exist.')
        job.roots.append(root)
        for proto_path in sorted(root.rglob("*.proto")):
            name = proto_path.relative_to(root).as_posix()
            config_path = os.path.normpath(os.path.join(module, name))
            display = (
                os.path.normpath(os.path.join(display_prefix, config_path)) if display_prefix else config_path
            )
            if name in job.targets:
                raise InputError(f'File "{name}" is present in more than one module of {directory}.')
            job.targets[name] = (display, config_path)
            job.sources[name] = proto_path
    if not job.targets:
        # The input as the user wrote it: a git input's directory is a temporary checkout.
        raise InputError(f'Input "{label}" contains no .proto files.')
    return job


def _wkt_include() -> str:
    return str(resources.files("grpc_tools") / "_proto")


# Below this many files in total, a second compiler process costs more than it saves.
_PARALLEL_MIN_FILES = 64


def _compile_all(jobs: list[_CompileJob]) -> list[descriptor_pb2.FileDescriptorSet]:
    """Compiles every job; all but the first run in child protoc processes while the first runs here.

    The bundled compiler holds the GIL, so threads would not overlap; processes do.
    """
    from grpc_tools import protoc  # noqa: PLC0415  # lazy: `--list-rules` and images never load protoc

    with tempfile.TemporaryDirectory(prefix="pagemesh-compat-") as tmp:
        outs = [Path(tmp) / f"image{i}.binpb" for i in range(len(jobs))]
        children: list[subprocess.Popen[bytes] | None] = [None] * len(jobs)
        if len(jobs) > 1 and sum(len(job.targets) for job in jobs) >= _PARALLEL_MIN_FILES:
            for i in range(1, len(jobs)):
                command = [sys.executable, "-m", "grpc_tools.protoc", *jobs[i].protoc_args(outs[i])]
                children[i] = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        file_sets = []
        for i, job in enumerate(jobs):
            child = children[i]
            if child is None:
                with _captured_stderr() as captured:
                    status = protoc.main(["protoc", *job.protoc_args(outs[i])])
                    output = captured.read()
            else:
                _, errors = child.communicate()
                status, output = child.returncode, errors.decode("utf-8", "replace")
            if status != 0 or not outs[i].exists():
                for other in children:
                    if other is not None and other.poll() is None:
                        other.kill()
                        other.wait()
                raise InputError(_compiler_error(output, job.targets, job.sources))
            file_set = descriptor_pb2.FileDescriptorSet()
            file_set.ParseFromString(outs[i].read_bytes())
            file_sets.append(file_set)
        return file_sets


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
    return image_from_descriptor_set(file_set)


def image_from_descriptor_set(
    file_set: descriptor_pb2.FileDescriptorSet, imports: frozenset[str] = frozenset()
) -> Image:
    """An image of files already compiled (a FileDescriptorSet or buf image in memory).

    A file is an import (indexed, not checked) when its name is in `imports` or a buf image marks it so.
    """
    files = []
    for proto in file_set.file:
        extension = read_message_field(proto.SerializeToString(), _BUF_IMAGE_EXTENSION)
        is_import = proto.name in imports or bool(read_varint_field(extension, 1))
        files.append(ProtoFile(proto, proto.name, proto.name, is_import=is_import))
    return Image(files)


@contextlib.contextmanager
def _git_checkout(spec: InputSpec, cwd: Path) -> Iterator[Path]:
    repo_path = cwd / spec.path
    repo = repo_path.parent if repo_path.name == ".git" else repo_path
    if not repo.exists():
        raise InputError(f'Git repository "{spec.path}" does not exist.')
    candidates = {"ref": [spec.ref], "branch": [f"refs/heads/{spec.ref}", f"refs/remotes/origin/{spec.ref}"]}
    candidates["tag"] = [f"refs/tags/{spec.ref}"]
    commit = next(filter(None, (resolve_commit(repo, c) for c in candidates[spec.ref_kind])), None)
    if commit is None:
        raise InputError(f'Unknown git {spec.ref_kind} "{spec.ref}" in repository "{spec.path}".')
    wanted = [name for name in tree_files(repo, commit) if name.endswith(_MODULE_FILE_SUFFIXES)]
    # Only what a module is made of, named explicitly (git archive fails on a pathspec that matches nothing,
    # and archives the whole tree given none), so the archive holds nothing else.
    archive = git(repo, "archive", "--format=tar", commit, "--", *wanted) if wanted else None
    if archive is not None and archive.returncode != 0:
        raise InputError(f"git archive of {spec.label} failed: {_one_line(archive.stderr.decode())}")
    with tempfile.TemporaryDirectory(prefix="pagemesh-compat-git-") as tmp:
        root = Path(tmp)
        if archive is not None:
            with tarfile.open(fileobj=io.BytesIO(archive.stdout), mode="r:") as tar:
                members = [m for m in tar.getmembers() if m.isfile()]  # not directories, nor links
                tar.extractall(root, members=members, filter="data")
        if spec.subdir and not (root / spec.subdir).is_dir():
            raise InputError(f'Directory "{spec.subdir}" does not exist at {spec.ref_kind} "{spec.ref}".')
        yield root


def _one_line(text: str) -> str:
    return " ".join(text.split())
