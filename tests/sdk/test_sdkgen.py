"""The SDKs' sources and `pagemesh sdk`: what is committed, drift guards, one-line errors, public names.

Go's generated code is committed (`go get` runs no generator) and `pagemesh sdk` keeps it fresh; the Python,
TypeScript and Java SDKs generate theirs in their package builds, so none of it is in git. The builds and
the live calls are in sdk_e2e.py (`make sdk-test`); these tests are fast and run in `pytest`.
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
from pagemesh.version import __version__
from sdkgen import _toolchain, cli
from sdkgen._reference import compile_protos, render_reference

ROOT = Path(__file__).resolve().parents[2]
SDK = ROOT / "sdk"
PACKAGES = sorted(
    f"pagemesh.{p.parent.parent.name}.{p.parent.name}" for p in (ROOT / "proto").rglob("*.proto")
)
#: The packages with a gRPC service (the events' hold messages only: events travel on the bus).
SERVICE_PACKAGES = [p for p in PACKAGES if not p.startswith("pagemesh.events.")]


def pagemesh(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pagemesh.cli", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def committed(*paths: str) -> list[str]:
    """The files git tracks under `paths`."""
    listing = subprocess.run(
        ["git", "ls-files", "--", *paths], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return listing.stdout.splitlines()


def test_public_names() -> None:
    assert sorted(sdkgen.__all__) == ["SdkError", "check", "generate", "render_go_apis", "write"]


def test_committed_go_sdk_is_fresh() -> None:
    result = pagemesh("sdk", "--check")
    assert result.returncode == 0, f"sdk/go is stale: run `make sdk`\n{result.stderr}"


def test_check_catches_an_edit_and_an_extra_file_and_sdk_repairs_them(tmp_path: Path) -> None:
    out = tmp_path / "go"
    shutil.copytree(SDK / "go", out)
    edited = out / "pagemesh" / "page" / "v2" / "page.pb.go"
    edited.write_text(edited.read_text() + "\n// a hand edit\n")
    extra = out / "pagemesh" / "page" / "v3" / "page.pb.go"
    extra.parent.mkdir()
    extra.write_text("package pagev3\n")
    handwritten = out / "client.go"
    handwritten.write_text(handwritten.read_text() + "\n// a hand edit is fine here\n")

    stale = pagemesh("sdk", "--check", "--out", out)
    assert stale.returncode == 1
    assert stale.stderr.count("\n") == 1
    assert "2 files" in stale.stderr
    assert "pagemesh/page/v2/page.pb.go" in stale.stderr
    assert "pagemesh/page/v3/page.pb.go" in stale.stderr

    assert pagemesh("sdk", "--out", out).returncode == 0
    assert not extra.parent.exists(), "a proto package that is gone leaves no folder behind"
    assert "a hand edit" not in edited.read_text()
    assert "a hand edit is fine here" in handwritten.read_text(), "hand-written files are not the generator's"
    assert pagemesh("sdk", "--check", "--out", out).returncode == 0


def test_only_go_generated_code_is_committed() -> None:
    files = committed(".")
    assert not [f for f in files if f.endswith(("_pb2.py", "_pb2.pyi", "_pb2_grpc.py", "_pb.ts"))]
    assert not [f for f in files if re.match(r"sdk/java/src/main/java/com/pagemesh/[a-z]+/v\d+/", f)]
    assert not [f for f in files if f.startswith(("sdk/typescript/src/gen/", "pagemesh/page/"))]
    generated = [f for f in files if f.startswith("sdk/go/pagemesh/")]
    # A .pb.go per package, and a _grpc.pb.go per package with a service (not the events').
    assert len(generated) == len(PACKAGES) + len(SERVICE_PACKAGES)
    for name in [*generated, "sdk/go/apis.gen.go"]:
        head = "".join((ROOT / name).read_text().splitlines(keepends=True)[:3])
        assert "DO NOT EDIT" in head, name


def test_go_sdk_carries_v1_and_v2_of_every_service() -> None:
    assert len(SERVICE_PACKAGES) == 14
    apis = (SDK / "go" / "apis.gen.go").read_text()
    for package in PACKAGES:
        _, area, version = package.split(".")
        assert (SDK / "go" / "pagemesh" / area / version / f"{area}.pb.go").is_file()
        if package in SERVICE_PACKAGES:
            assert (SDK / "go" / "pagemesh" / area / version / f"{area}_grpc.pb.go").is_file()
            assert f"\t{area}{version}.File_pagemesh_{area}_{version}_{area}_proto,\n" in apis
        else:
            assert f"{area}{version}." not in apis, "a package without a service has no client"
    for version in ("V1", "V2"):
        block = re.search(rf"^type {version} struct {{\n(.*?)^}}", apis, re.MULTILINE | re.DOTALL)
        assert block is not None
        assert len(re.findall(r"^\t[A-Z]\w+ \w+\.\w+ServiceClient$", block.group(1), re.MULTILINE)) == 7


def test_every_sdk_is_versioned_from_the_project() -> None:
    pyproject = tomllib.loads((SDK / "python" / "pyproject.toml").read_text())
    assert (pyproject["project"]["name"], pyproject["project"]["version"]) == ("pagemesh-client", __version__)
    server = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert f"pagemesh-client=={__version__}" in server["project"]["dependencies"]
    package = json.loads((SDK / "typescript" / "package.json").read_text())
    assert (package["name"], package["version"]) == ("@pagemesh/client", __version__)
    assert json.loads((SDK / "typescript" / "package-lock.json").read_text())["version"] == __version__
    assert f'const Version = "{__version__}"' in (SDK / "go" / "apis.gen.go").read_text()
    assert f"<version>{__version__}</version>" in (SDK / "java" / "pom.xml").read_text()


def test_python_sdk_is_a_typed_namespace_package() -> None:
    src = SDK / "python" / "src" / "pagemesh"
    assert not (src / "__init__.py").exists(), "pagemesh must stay a namespace package"
    assert not (ROOT / "pagemesh" / "__init__.py").exists(), "the server shares the namespace"
    assert (src / "client" / "py.typed").is_file()
    assert (src / "page" / "py.typed").is_file()
    for module in (src / "page").rglob("*.py*"):
        assert module.read_text().startswith("# Generated file. DO NOT EDIT"), module


def test_bad_option_is_one_line() -> None:
    result = pagemesh("sdk", "--lang", "go")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "unrecognized arguments: --lang go" in result.stderr


def test_missing_toolchain_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A tools folder with buf but without the Go plugins, and nothing else on PATH.
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "buf").symlink_to(_toolchain.TOOLS_BIN / "buf")
    monkeypatch.setattr(_toolchain, "TOOLS_BIN", tools)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert cli.main(["--out", str(tmp_path / "out")]) == 1
    captured = capsys.readouterr()
    assert (
        captured.err
        == "pagemesh sdk: pagemesh sdk needs 'protoc-gen-go', which is not installed; run `make setup`\n"
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
