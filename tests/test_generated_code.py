"""The Python modules generated from proto/: one copy (the Python SDK's), and never stale.

The server imports `pagemesh.<area>.<version>` from the Python SDK (sdk/python), whose build generates them
(`make generate` and `make setup` regenerate them in place); none is committed.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

from pagemesh.page.v2 import page_pb2
from tests.tools import ROOT

SDK_PYTHON = ROOT / "sdk" / "python"


def _codegen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("pagemesh_client_codegen_test", SDK_PYTHON / "codegen.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def stale_modules(proto: Path, src: Path, scratch: Path) -> list[str]:
    """The generated files under src that differ from a fresh generation from proto (or are missing)."""
    fresh = scratch / "src"
    _codegen().generate(fresh, proto)
    stale = []
    for path in sorted(p for p in fresh.rglob("*") if p.is_file()):
        relative = path.relative_to(fresh)
        current = src / relative
        if not current.is_file() or current.read_bytes() != path.read_bytes():
            stale.append(str(relative))
    return stale


def test_the_server_imports_the_sdks_modules() -> None:
    assert Path(page_pb2.__file__).is_relative_to(SDK_PYTHON / "src")
    assert not (ROOT / "pagemesh" / "page").exists()


def test_generated_modules_match_proto(tmp_path: Path) -> None:
    assert stale_modules(ROOT / "proto", SDK_PYTHON / "src", tmp_path) == [], "run `make generate`"


def test_a_proto_edit_without_regenerating_is_caught(tmp_path: Path) -> None:
    proto = tmp_path / "proto"
    shutil.copytree(ROOT / "proto", proto)
    reviews = proto / "pagemesh" / "reviews" / "v2" / "reviews.proto"
    reviews.write_text(
        reviews.read_text().replace(
            "  bool verified_purchase = 8;", "  bool verified_purchase = 8;\n  // New.\n  string locale = 10;"
        )
    )
    stale = stale_modules(proto, SDK_PYTHON / "src", tmp_path / "scratch")
    assert "pagemesh/reviews/v2/reviews_pb2.py" in stale
    assert "pagemesh/page/v2/page_pb2.py" not in stale
