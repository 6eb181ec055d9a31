"""Generating the Go SDK's committed code: `buf generate` into a scratch folder, then writing or comparing.

Go is the one SDK whose generated code is committed (`go get` fetches modules from the repository and
runs no generator): the stubs under `sdk/go/pagemesh/` and the typed client's `apis.gen.go`. The
Python, TypeScript and Java SDKs generate theirs in their own package builds (see docs/sdks.md).

The output is a pure function of proto/ and pagemesh's version, so `check` can regenerate and compare
byte for byte: a committed file that differs is stale. Everything else in `sdk/go` (go.mod, client.go, the
README) is hand-written and left alone.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from pagemesh.version import __version__
from sdkgen import _sync
from sdkgen._errors import SdkError
from sdkgen._golang import GO_HEADER, render_go_apis
from sdkgen._reference import compile_protos
from sdkgen._toolchain import ROOT, require, tool_environment

__all__ = ["APIS_FILE", "GENERATED_DIR", "TOOLS", "check", "generate", "write"]

TEMPLATE = Path(__file__).resolve().parent / "buf.gen.go.yaml"
#: Under the Go module: the stubs' folder, and the typed client's file.
GENERATED_DIR = Path("pagemesh")
APIS_FILE = Path("apis.gen.go")
#: What `pagemesh sdk` runs: buf with the two Go plugins, and gofmt for the typed client.
TOOLS = ("buf", "protoc-gen-go", "protoc-gen-go-grpc", "gofmt")


def _run(args: list[str], what: str, *, cwd: Path = ROOT, stdin: str | None = None) -> str:
    result = subprocess.run(
        args, cwd=cwd, env=tool_environment(), input=stdin, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        detail = " ".join((result.stderr or result.stdout).split())[:300]
        raise SdkError(f"{what} failed: {detail}")
    return result.stdout


def generate(dest: Path) -> None:
    """Generates the Go SDK's committed code into dest (which must not exist yet).

    Raises SdkError when a tool is missing or buf fails.
    """
    require(TOOLS, "pagemesh sdk")
    dest.mkdir(parents=True)
    _run(["buf", "generate", "--template", str(TEMPLATE), "-o", str(dest)], "buf generate")
    source = render_go_apis(compile_protos(), __version__)
    (dest / APIS_FILE).write_text(_run(["gofmt"], "gofmt of the typed client", stdin=source))
    assert (dest / APIS_FILE).read_text().startswith(GO_HEADER)


def _files(root: Path) -> Iterator[Path]:
    """The generated files under a Go module root, relative to it."""
    if (root / APIS_FILE).is_file():
        yield APIS_FILE
    if (root / GENERATED_DIR).is_dir():
        for path in (root / GENERATED_DIR).rglob("*"):
            if path.is_file():
                yield path.relative_to(root)


def _fresh_and_existing(out: Path) -> tuple[dict[Path, bytes], set[Path]]:
    with tempfile.TemporaryDirectory(prefix="pagemesh-sdk-") as scratch:
        fresh_root = Path(scratch) / "go"
        generate(fresh_root)
        fresh = {relative: (fresh_root / relative).read_bytes() for relative in _files(fresh_root)}
    return fresh, set(_files(out))


def write(out: Path) -> list[Path]:
    """Generates into the Go module at out, removing generated files no longer made; returns those written."""
    fresh, existing = _fresh_and_existing(out)
    written = _sync.write(fresh, out, existing)
    # The folders of proto packages that are gone, deepest first.
    for folder in sorted((out / GENERATED_DIR).glob("**/"), key=lambda p: len(p.parts), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
    return written


def check(out: Path) -> list[Path]:
    """The generated files under out that differ from a fresh generation (missing, changed or extra)."""
    fresh, existing = _fresh_and_existing(out)
    return _sync.stale(fresh, out, existing)
