"""`pagemesh sdk` and the reference generator: drift guards, contents, one-line errors, public names.

The builds and the live calls are in sdk_e2e.py (`make sdk-test`); these tests are fast and run in `pytest`.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import sdkgen
from pagemesh import __version__
from sdkgen import _generate, _toolchain, cli
from sdkgen._reference import compile_protos, render_reference

ROOT = Path(__file__).resolve().parents[2]
SDK = ROOT / "sdk"
PACKAGES = sorted(
    f"pagemesh.{p.parent.parent.name}.{p.parent.name}" for p in (ROOT / "proto").rglob("*.proto")
)


def pagemesh(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pagemesh.cli", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_public_names() -> None:
    assert sorted(sdkgen.__all__) == [
        "LANGUAGES",
        "Language",
        "SdkError",
        "check",
        "generate",
        "parse_languages",
        "write",
    ]
    assert list(sdkgen.LANGUAGES) == ["python", "typescript", "go", "java"]


def test_committed_sdk_is_fresh() -> None:
    result = pagemesh("sdk", "--check")
    assert result.returncode == 0, f"sdk/ is stale: run `make sdk`\n{result.stderr}"


def test_check_catches_an_edit_and_an_extra_file_and_sdk_repairs_them(tmp_path: Path) -> None:
    out = tmp_path / "sdk"
    build_outputs = (*_generate.BUILD_OUTPUTS, *(p.rstrip("/") for p in _generate.BUILD_PATTERNS))
    shutil.copytree(SDK, out, ignore=shutil.ignore_patterns(*build_outputs))
    edited = out / "go" / "pagemesh" / "page" / "v2" / "page.pb.go"
    edited.write_text(edited.read_text() + "\n// a hand edit\n")
    extra = out / "python" / "src" / "pagemesh" / "page" / "v2" / "handwritten.py"
    extra.write_text("x = 1\n")
    build_output = out / "typescript" / "node_modules" / "left-alone.js"
    build_output.parent.mkdir()
    build_output.write_text("")

    stale = pagemesh("sdk", "--check", "--out", out)
    assert stale.returncode == 1
    assert stale.stderr.count("\n") == 1
    assert "2 files" in stale.stderr
    assert "go/pagemesh/page/v2/page.pb.go" in stale.stderr
    assert "python/src/pagemesh/page/v2/handwritten.py" in stale.stderr

    assert pagemesh("sdk", "--out", out).returncode == 0
    assert not extra.exists()
    assert "a hand edit" not in edited.read_text()
    assert build_output.exists(), "build outputs are not the generator's to delete"
    assert pagemesh("sdk", "--check", "--out", out).returncode == 0


def test_every_sdk_carries_v1_and_v2_of_every_service() -> None:
    # Seven services in v1 and v2, and the event contracts (messages only: events travel on the bus).
    services = [p for p in PACKAGES if not p.startswith("pagemesh.events.")]
    assert len(services) == 14
    assert len(PACKAGES) == 15
    for package in PACKAGES:
        _, area, version = package.split(".")
        folder = f"pagemesh/{area}/{version}"
        assert (SDK / "python" / "src" / folder / f"{area}_pb2.pyi").is_file()
        assert (SDK / "typescript" / "src" / "gen" / folder / f"{area}_pb.ts").is_file()
        assert (SDK / "go" / folder / f"{area}.pb.go").is_file()
        java = SDK / "java" / "src" / "main" / "java" / "com" / folder
        assert list(java.glob("*.java")), java
        if package in services:
            assert (SDK / "python" / "src" / folder / f"{area}_pb2_grpc.py").is_file()
            assert (SDK / "go" / folder / f"{area}_grpc.pb.go").is_file()
            assert len(list(java.glob("*ServiceGrpc.java"))) == 1, java
    index = (SDK / "typescript" / "src" / "index.ts").read_text()
    assert len(re.findall(r"^export \* as \w+V[12] from", index, re.MULTILINE)) == 15


def test_every_sdk_is_versioned_from_the_project() -> None:
    pyproject = tomllib.loads((SDK / "python" / "pyproject.toml").read_text())
    assert pyproject["project"]["name"] == "pagemesh-client"
    assert pyproject["project"]["version"] == __version__
    package = json.loads((SDK / "typescript" / "package.json").read_text())
    assert (package["name"], package["version"]) == ("@pagemesh/client", __version__)
    assert json.loads((SDK / "typescript" / "package-lock.json").read_text())["version"] == __version__
    assert f'const Version = "{__version__}"' in (SDK / "go" / "version.go").read_text()
    assert f"<version>{__version__}</version>" in (SDK / "java" / "pom.xml").read_text()
    for language in ("python", "typescript", "go", "java"):
        assert f" {__version__}\n" in (SDK / language / "README.md").read_text().splitlines(keepends=True)[1]


def test_python_sdk_is_a_typed_namespace_package() -> None:
    src = SDK / "python" / "src" / "pagemesh"
    assert not (src / "__init__.py").exists(), "pagemesh must stay a namespace package"
    assert (src / "page" / "py.typed").is_file()
    assert (src / "page" / "v2" / "__init__.py").is_file()
    for module in src.rglob("*.py*"):
        assert module.read_text().startswith("# Generated file. DO NOT EDIT"), module


def test_every_generated_source_says_do_not_edit() -> None:
    # JSON (package.json, the lockfile), go.sum and py.typed cannot carry comments.
    no_comments = {".json", ".sum", ".typed"}
    checked = 0
    for path in sorted(p for p in SDK.rglob("*") if p.is_file() and p.suffix not in no_comments):
        if not any(part in _generate.BUILD_OUTPUTS for part in path.relative_to(SDK).parts):
            head = "".join(path.read_text().splitlines(keepends=True)[:3])
            assert "DO NOT EDIT" in head, path
            checked += 1
    assert checked > 200


def test_unknown_language_is_one_line() -> None:
    result = pagemesh("sdk", "--lang", "python,rust")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        "pagemesh sdk: unknown language 'rust'; choose from python, typescript, go, java\n"
    )


def test_bad_option_is_one_line() -> None:
    result = pagemesh("sdk", "--colour")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "unrecognized arguments: --colour" in result.stderr


def test_missing_toolchain_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A tools folder with buf but without the Go plugins, and nothing else on PATH.
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "buf").symlink_to(_toolchain.TOOLS_BIN / "buf")
    monkeypatch.setattr(_toolchain, "TOOLS_BIN", tools)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert cli.main(["--lang", "go", "--out", str(tmp_path / "out")]) == 1
    captured = capsys.readouterr()
    assert captured.err == (
        "pagemesh sdk: the go SDK needs 'protoc-gen-go', which is not installed; run `make setup`\n"
    )
    assert not (tmp_path / "out").exists()


def test_committed_reference_is_fresh() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sdkgen.reference", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"docs/reference/ is stale: run `make sdk`\n{result.stderr}"


def test_reference_has_a_section_per_service_rpc_message_and_enum() -> None:
    descriptors = compile_protos()
    pages = render_reference(descriptors)
    assert sorted(pages) == sorted(["README.md", *(f"{p}.md" for p in PACKAGES)])
    for file in descriptors.file:
        if not file.package.startswith("pagemesh."):
            continue
        page = pages[f"{file.package}.md"]
        headings = set(re.findall(r"^#{3,4} (\S+)$", page, re.MULTILINE))
        for service in file.service:
            assert service.name in headings
            assert {f"{service.name}.{m.name}" for m in service.method} <= headings
        assert {m.name for m in file.message_type} <= headings
        assert {e.name for e in file.enum_type} <= headings
        assert "*Not documented.*" not in page, "buf lint's COMMENTS rules require every comment"
    page_v2 = pages["pagemesh.page.v2.md"]
    assert "`/pagemesh.page.v2.PageService/GetProductPage`" in page_v2
    assert "[`pagemesh.product.v2.Money`](pagemesh.product.v2.md#money)" in page_v2
    assert "| `degraded_sections` | 7 | repeated [`DegradedSection`](#degradedsection) |" in page_v2
