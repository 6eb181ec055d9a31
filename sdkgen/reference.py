"""`python -m sdkgen.reference [--check] [--out DIR]`: writes docs/reference/ from the proto doc comments.

`--check` writes nothing and exits 1 when the committed pages differ from a fresh rendering.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

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


def stale_pages(out: Path) -> list[str]:
    """The pages in out that are missing, different or no longer generated."""
    pages = render_reference(compile_protos())
    stale = {n for n, text in pages.items() if not (out / n).is_file() or (out / n).read_text() != text}
    return sorted(stale | (_generated(out) - set(pages)))


def write_pages(out: Path) -> list[str]:
    """Writes every page into out, deleting generated pages that no longer exist; returns the changed ones."""
    pages = render_reference(compile_protos())
    out.mkdir(parents=True, exist_ok=True)
    for gone in _generated(out) - set(pages):
        (out / gone).unlink()
    changed = []
    for name, text in sorted(pages.items()):
        if not (out / name).is_file() or (out / name).read_text() != text:
            (out / name).write_text(text)
            changed.append(name)
    return changed


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
