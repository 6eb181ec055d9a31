"""`python -m sdkgen.reference [--check] [--out DIR]`: writes docs/reference/ from the proto doc comments.

`--check` writes nothing and exits 1 when the committed pages differ from a fresh rendering.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sdkgen import _sync
from sdkgen._errors import SdkError
from sdkgen._reference import HEADER, compile_protos, render_reference
from sdkgen._toolchain import ROOT

__all__ = ["main", "stale_pages", "write_pages"]

DEFAULT_OUT = ROOT / "docs" / "reference"


def _generated(out: Path) -> set[str]:
    """The generated pages now in out (found by their header)."""
    if not out.is_dir():
        return set()
    return {p.name for p in out.glob("*.md") if p.read_text().startswith(HEADER)}


def _pages_and_existing(out: Path) -> tuple[dict[Path, str], set[Path]]:
    pages = render_reference(compile_protos())
    return {Path(name): text for name, text in pages.items()}, {Path(name) for name in _generated(out)}


def stale_pages(out: Path) -> list[str]:
    """The pages in out that are missing, different or no longer generated."""
    pages, existing = _pages_and_existing(out)
    return [str(page) for page in _sync.stale(pages, out, existing)]


def write_pages(out: Path) -> list[str]:
    """Writes every page into out, deleting generated pages that no longer exist; returns the changed ones."""
    pages, existing = _pages_and_existing(out)
    return [str(page) for page in _sync.write(pages, out, existing)]


def main(argv: list[str] | None = None) -> int:
    """Writes or checks the reference; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m sdkgen.reference", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="default: docs/reference/")
    parser.add_argument("--check", action="store_true", help="exit 1 if the pages are stale")
    options = parser.parse_args(argv)
    try:
        if options.check:
            stale = stale_pages(options.out)
            if stale:
                print(f"sdkgen.reference: stale pages ({', '.join(stale)}); run `make sdk`", file=sys.stderr)
                return 1
            return 0
        changed = write_pages(options.out)
    except SdkError as error:
        print(f"sdkgen.reference: {error}", file=sys.stderr)
        return 1
    print(f"sdkgen.reference: {len(changed)} pages changed in {options.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
