"""`pagemesh sdk`: regenerates the Go SDK's committed code from proto/ (see docs/sdks.md)."""

from __future__ import annotations

import sys
from pathlib import Path

from pagemesh.cli import ArgumentParser
from sdkgen._errors import SdkError
from sdkgen._generate import check, write
from sdkgen._toolchain import ROOT

__all__ = ["build_parser", "main"]


def build_parser() -> ArgumentParser:
    """The options of `pagemesh sdk`."""
    parser = ArgumentParser(
        prog="pagemesh sdk",
        description="Regenerate the Go SDK's committed code (stubs and typed client) from proto/ with buf. "
        "The Python, TypeScript and Java SDKs generate theirs when they are built.",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "sdk" / "go",
        help="the Go module to write into (default: sdk/go)",
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if --out is stale against proto/"
    )
    return parser


def main(argv: list[str]) -> int:
    """Runs `pagemesh sdk` and returns its exit code."""
    options = build_parser().parse_args(argv)
    out: Path = options.out.resolve()
    try:
        if options.check:
            stale = check(out)
            if stale:
                shown = ", ".join(str(p) for p in stale[:5]) + (" ..." if len(stale) > 5 else "")
                print(
                    f"pagemesh sdk: {out} is stale against proto/ ({len(stale)} files: {shown}); "
                    "run `make sdk`",
                    file=sys.stderr,
                )
                return 1
            return 0
        written = write(out)
    except SdkError as error:
        print(f"pagemesh sdk: {error}", file=sys.stderr)
        return 1
    print(f"pagemesh sdk: Go SDK in {out} ({len(written)} files changed)")
    return 0
