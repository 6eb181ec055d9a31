"""`pagemesh sdk`: generates the client SDKs from proto/ (see docs/sdks.md)."""

from __future__ import annotations

import sys
from pathlib import Path

from pagemesh.cli import ArgumentParser
from sdkgen._errors import SdkError
from sdkgen._generate import check, parse_languages, write
from sdkgen._languages import LANGUAGES
from sdkgen._toolchain import ROOT

__all__ = ["build_parser", "main"]


def build_parser() -> ArgumentParser:
    """The options of `pagemesh sdk`."""
    parser = ArgumentParser(
        prog="pagemesh sdk",
        description="Generate the client SDKs (Python, TypeScript, Go, Java) from proto/ with buf.",
    )
    parser.add_argument(
        "--lang",
        metavar="LANGS",
        help=f"comma-separated languages (default: all of {','.join(LANGUAGES)})",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "sdk",
        help="where to write, one folder per language (default: sdk/)",
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
        languages = parse_languages(options.lang)
        if options.check:
            stale = check(languages, out)
            if stale:
                shown = ", ".join(str(p) for p in stale[:5]) + (" ..." if len(stale) > 5 else "")
                print(
                    f"pagemesh sdk: {out} is stale against proto/ ({len(stale)} files: {shown}); "
                    "run `make sdk`",
                    file=sys.stderr,
                )
                return 1
            return 0
        written = write(languages, out)
    except SdkError as error:
        print(f"pagemesh sdk: {error}", file=sys.stderr)
        return 1
    names = ", ".join(language.name for language in languages)
    print(f"pagemesh sdk: {names} in {out} ({len(written)} files changed)")
    return 0
