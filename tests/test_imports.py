"""Every hand-written package imports on its own, as the first import of a fresh interpreter.

The runtime, security and telemetry packages import one another's modules; an order that only works when
another package happens to be imported first shows up here, not in a user's program.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = sorted(
    ".".join(init.parent.relative_to(ROOT).parts)
    for top in ("pagemesh", "aggregator", "services", "compat")
    for init in (ROOT / top).rglob("__init__.py")
    # Generated contract packages (pagemesh/<service>/v1, v2) have no __init__ and are not walked here.
    if "__pycache__" not in init.parts
)


def test_the_packages_are_found() -> None:
    assert {"pagemesh.runtime", "pagemesh.security", "pagemesh.telemetry", "aggregator"} <= set(PACKAGES)


@pytest.mark.parametrize("package", PACKAGES)
def test_a_package_imports_first(package: str) -> None:
    imported = subprocess.run(
        [sys.executable, "-c", f"import {package}"],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert imported.returncode == 0, imported.stderr.strip().splitlines()[-1:]
