"""Generates pagemesh's Python protobuf code from proto/ into the pagemesh package.

Every file is written under pagemesh/<area>/<version>/ (the path protoc derives from the proto package),
with a "Generated file. DO NOT EDIT" header. `--check` regenerates into a scratch folder and exits 1 if
the committed files differ, so stale generated code fails CI.
"""

from __future__ import annotations

import argparse
import filecmp
import sys
import tempfile
from pathlib import Path

from grpc_tools import protoc

ROOT = Path(__file__).resolve().parent.parent
PROTO_ROOT = ROOT / "proto"
BIN = Path(sys.executable).parent
HEADER = "# Generated file. DO NOT EDIT: run `make generate` after changing proto/.\n"
SUFFIXES = ("_pb2.py", "_pb2.pyi", "_pb2_grpc.py", "_pb2_grpc.pyi")


def generate(out: Path) -> list[Path]:
    """Compiles every .proto under proto/ into out/ and returns the files written, relative to out."""
    protos = sorted(str(p.relative_to(PROTO_ROOT)) for p in PROTO_ROOT.rglob("*.proto"))
    args = [
        "grpc_tools.protoc",
        f"-I{PROTO_ROOT}",
        f"-I{Path(protoc.__file__).parent / '_proto'}",
        # The mypy-protobuf plugins live beside this interpreter, which may not be on PATH.
        f"--plugin=protoc-gen-mypy={BIN / 'protoc-gen-mypy'}",
        f"--plugin=protoc-gen-mypy_grpc={BIN / 'protoc-gen-mypy_grpc'}",
        f"--python_out={out}",
        f"--mypy_out=quiet:{out}",
        f"--grpc_python_out={out}",
        f"--mypy_grpc_out=quiet:{out}",
        *protos,
    ]
    if protoc.main(args) != 0:
        raise SystemExit("generate: protoc failed (its message is above)")
    written: list[Path] = []
    for path in sorted(out.rglob("*")):
        if path.is_file() and path.name.endswith(SUFFIXES):
            path.write_text(HEADER + path.read_text())
            written.append(path.relative_to(out))
    for directory in {p.parent for p in written}:
        init = out / directory / "__init__.py"
        init.write_text(HEADER)
        written.append(directory / "__init__.py")
        # The area folder (pagemesh/<area>/) is a package too.
        area_init = out / directory.parent / "__init__.py"
        if not area_init.exists():
            area_init.write_text(HEADER)
            written.append(directory.parent / "__init__.py")
    return sorted(written)


def generated_files_in_tree() -> set[Path]:
    """The generated files currently in the repository, found by their header."""
    found: set[Path] = set()
    for path in (ROOT / "pagemesh").rglob("*"):
        if path.is_file() and path.suffix in (".py", ".pyi"):
            with path.open() as handle:
                if handle.readline() == HEADER:
                    found.add(path.relative_to(ROOT))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed generated code is stale")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        fresh = generate(Path(scratch))
        fresh_set = set(fresh)
        existing = generated_files_in_tree()
        if options.check:
            stale = sorted(
                str(p)
                for p in fresh
                if not (ROOT / p).exists() or not filecmp.cmp(Path(scratch) / p, ROOT / p, shallow=False)
            )
            extra = sorted(str(p) for p in existing - fresh_set)
            if stale or extra:
                print(
                    f"generate: generated code is stale ({', '.join(stale + extra)}); run `make generate`",
                    file=sys.stderr,
                )
                return 1
            return 0
        for path in existing - fresh_set:
            (ROOT / path).unlink()
        for path in fresh:
            target = ROOT / path
            target.parent.mkdir(parents=True, exist_ok=True)
            data = (Path(scratch) / path).read_bytes()
            if not target.exists() or target.read_bytes() != data:
                target.write_bytes(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
