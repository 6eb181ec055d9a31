"""Generated Python code is never stale: `scripts/generate.py --check` catches a proto edit."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.tools import ROOT


def _check(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(root / "scripts" / "generate.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )


def test_committed_generated_code_matches_proto() -> None:
    result = _check(ROOT)
    assert result.returncode == 0, result.stderr


def test_a_proto_edit_without_regenerating_is_caught(tmp_path: Path) -> None:
    for part in ("proto", "pagemesh", "scripts"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
    proto = tmp_path / "proto" / "pagemesh" / "reviews" / "v2" / "reviews.proto"
    proto.write_text(
        proto.read_text().replace(
            "  bool verified_purchase = 8;", "  bool verified_purchase = 8;\n  // New.\n  string locale = 10;"
        )
    )
    result = _check(tmp_path)
    assert result.returncode == 1
    assert "reviews_pb2" in result.stderr
    assert "make generate" in result.stderr
