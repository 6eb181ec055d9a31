"""`make sdk-test`: every SDK built with its own toolchain and proven against a live mesh, in mutual TLS.

Each SDK is built from a copy of the checkout (proto/ and its own folder), the way a user builds it: its
package build generates its code (Python's build hook, npm's `prepare`, Maven's generate-sources; Go's is
committed). The Python SDK is installed with the server into one fresh virtualenv, which must hold one copy
of every generated module.

The mesh is five services and the aggregator on free ports, all with mutual TLS (the harness's
certificates); the sponsored service is left out on purpose, so every v2 program must report
SECTION_SPONSORED as degraded while the page still arrives. Every program connects as the `operator`:
- the examples (v2 and v1) print the title, compared with the product service's own answer, and the
  snippet of docs/sdks.md is compiled and run too;
- each typed client (tests/sdk/clients/) makes a page call, an unknown product (NOT_FOUND as the language's
  error type), a write and a read against its own history service whose first call of each method fails
  UNAVAILABLE (`--inject fail_first=1`), and a call that outlives its client's default deadline (100 ms
  against a service that takes 1 s); the history service's log counts the calls it saw: the read was
  retried once, the write was not.

The four builds run side by side (they mostly wait on processes, downloads and disks) while the mesh starts.
Not collected by a plain `pytest` (the file name does not start with `test_`): `make sdk-test` runs it by
path, once. Caches (pip, npm, Go modules and build cache, Maven repository) are the user's usual ones.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest

from pagemesh.product.v2 import product_pb2, product_pb2_grpc
from pagemesh.runtime import SERVICES
from pagemesh.version import __version__
from tests.aggregator.procs import Aggregator, start_aggregator
from tests.harness import (
    ChildProcess,
    Mesh,
    free_port,
    log_entries,
    operator_channel,
    pki_dir,
    start_mesh,
    start_service,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "get_page"
CLIENTS = Path(__file__).resolve().parent / "clients"
PRODUCT_ID = "P00042"
MISSING = "sponsored"
BUILD_TIMEOUT = 900.0  # a cold machine downloads grpc for Go, Java and Python
#: The typed-client checks' history service: the first call of each method fails, every call takes 1 s (far
#: beyond the checks' 100 ms deadline, so a busy machine cannot let the answer win the race).
FLAKY_HISTORY = ["--inject", "fail_first=1,latency=1000"]
#: The top-level folders of the server's own packages (pyproject.toml's `packages.find`).
SERVER_PACKAGES = ("pagemesh", "services", "aggregator", "compat", "sdkgen")
READ = "/pagemesh.history.v2.HistoryService/ListViewedProducts"
WRITE = "/pagemesh.history.v2.HistoryService/RecordView"

pytestmark = pytest.mark.timeout(BUILD_TIMEOUT)
T = TypeVar("T")


def run(args: Sequence[str | Path], cwd: Path, timeout: float = BUILD_TIMEOUT) -> str:
    """Runs a command; fails the test with its output if it exits non-zero. Returns stdout."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["MAVEN_OPTS"] = env.get("MAVEN_OPTS", "") + " -Dstyle.color=never"
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert result.returncode == 0, (
        f"{' '.join(str(a) for a in args)} exited {result.returncode}\n{result.stdout}\n{result.stderr}"
    )
    return result.stdout


def checkout(work: Path, *parts: str) -> Path:
    """A copy of the checkout's `parts` (and proto/) under work/root, as git sees them; returns root.

    Files git ignores (generated code, node_modules/, target/, build outputs) are left out, as in a fresh
    clone; files not committed yet are in.
    """
    root = work / "root"
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "--", "proto", *parts],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    for name in listed:
        if (ROOT / name).is_file():  # a file deleted but not yet committed is listed too
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, root / name)
    return root


@dataclass(frozen=True)
class LivePage:
    """The page service under test and what the product service itself says about PRODUCT_ID."""

    address: str
    title: str
    workdir: Path


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LivePage]:
    """Every service but sponsored, and the aggregator (sponsored pointing at a closed port); mutual TLS."""
    workdir = tmp_path_factory.mktemp("mesh")
    mesh: Mesh = start_mesh(workdir, names=[s for s in SERVICES if s != MISSING])
    aggregator: Aggregator | None = None
    try:
        backends = {**mesh.environment(), f"PAGEMESH_{MISSING.upper()}_ADDR": f"127.0.0.1:{free_port()}"}
        # A generous page deadline: the builds share this machine's cores with the mesh.
        aggregator = start_aggregator(workdir, backends, deadline_ms=3000)
        with operator_channel(mesh.address("product")) as channel:
            answer = product_pb2_grpc.ProductServiceStub(channel).GetProduct(
                product_pb2.GetProductRequest(id=PRODUCT_ID), timeout=10
            )
        assert answer.product.title
        yield LivePage(aggregator.address, answer.product.title, workdir)
    finally:
        if aggregator is not None:
            aggregator.stop()
        mesh.stop()


@pytest.fixture
def flaky_history(tmp_path: Path) -> Iterator[ChildProcess]:
    """A history service of the test's own whose first call of each method answers UNAVAILABLE."""
    server = start_service("history", tmp_path, extra=FLAKY_HISTORY)
    yield server
    server.stop()


def assert_page(stdout: str, live: LivePage, *, v2: bool) -> None:
    """The two lines every example prints."""
    lines = stdout.splitlines()
    assert lines[0] == f"title: {live.title}"
    if v2:
        assert lines[1] == f"degraded: SECTION_{MISSING.upper()}"
    else:
        assert lines[1].startswith("degraded: not reported by v1")
    assert len(lines) == 2


def _code(name: str) -> str:
    """A status code's name as any SDK prints it (NOT_FOUND, NotFound) in one spelling."""
    return name.replace("_", "").lower()


def calls_seen(server: ChildProcess, method: str, count: int, timeout: float = 10.0) -> list[str]:
    """The status codes of the calls to `method` in a server's log, once at least `count` are there."""
    deadline = time.monotonic() + timeout
    while True:
        codes = [entry["code"] for entry in log_entries(server, "call", timeout=0.5, method=method)]
        if len(codes) >= count or time.monotonic() >= deadline:
            return codes
        time.sleep(0.2)


def assert_typed_client(stdout: str, live: LivePage, history: ChildProcess) -> None:
    """What every typed client's check program must print, and what its history service must have seen."""
    lines = dict(line.split(": ", 1) for line in stdout.splitlines())
    assert lines["page"] == live.title
    assert _code(lines["not found"]) == "notfound"
    assert _code(lines["write"]) == "unavailable"
    assert lines["write again"] == "OK"
    assert lines["read"] == "OK 1"
    assert _code(lines["deadline"]) == "deadlineexceeded"
    # The write's failure reached the caller (one call, never repeated); the read's was retried once.
    assert calls_seen(history, WRITE, 2) == ["UNAVAILABLE", "OK"]
    reads = calls_seen(history, READ, 3)
    assert reads[:2] == ["UNAVAILABLE", "OK"], reads
    # The deadline check is one call, never retried (it may even expire before reaching the server).
    assert len(reads) <= 3, reads
    assert "OK" not in reads[2:], reads


def docs_snippet(language: str) -> str:
    """The first `language` code block of docs/sdks.md, pointed at PRODUCT_ID; address and PKI as variables.

    Snippets connect to "127.0.0.1:50050" with the certificates in "var/pki" (`make run`'s); here those
    are ADDRESS and PKI.
    """
    found = re.search(rf"```{language}\n(.*?)```", (ROOT / "docs" / "sdks.md").read_text(), re.DOTALL)
    assert found is not None, f"docs/sdks.md has no {language} example"
    code = found.group(1).replace('"P00001"', f'"{PRODUCT_ID}"')
    assert '"127.0.0.1:50050"' in code, f"the {language} snippet must call `make run`'s aggregator"
    assert '"var/pki/' in code, f"the {language} snippet must use mutual TLS with `make run`'s certificates"
    code = code.replace('"127.0.0.1:50050"', "ADDRESS")
    return re.sub(r'"var/pki/([^"]+)"', r'PKI + "/\1"', code)


def build_python(work: Path) -> Path:
    """The server and the Python SDK (with its typing extra) in one fresh virtualenv; returns its python."""
    root = checkout(work, "sdk/python", "pyproject.toml", "README.md", "constraints.txt", *SERVER_PACKAGES)
    venv = work / "venv"
    run([sys.executable, "-m", "venv", venv], cwd=work)
    python = venv / "bin" / "python"
    pip: list[str | Path] = [python, "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    run([*pip, "-c", root / "constraints.txt", f"{root / 'sdk' / 'python'}[typing]", root], work)
    return python


def build_typescript(work: Path) -> Path:
    """Builds and packs the TypeScript SDK, installs the tarball into the examples and compiles them.

    Returns the examples' folder.
    """
    npm = ["npm", "--no-audit", "--no-fund", "--loglevel=error", "--prefer-offline"]
    package = checkout(work, "sdk/typescript") / "sdk" / "typescript"
    assert not (package / "src" / "gen").exists(), "generated code is never committed"
    run([*npm, "ci"], cwd=package)  # `prepare` generates src/gen/ and compiles
    assert (package / "dist" / "index.d.ts").is_file()
    assert (package / "dist" / "gen" / "apis.d.ts").is_file()
    tarball = package / run([*npm, "pack", "--silent"], cwd=package).strip().splitlines()[-1]
    assert tarball.name == f"pagemesh-client-{__version__}.tgz"
    example = work / "example"
    shutil.copytree(EXAMPLES / "typescript", example, ignore=shutil.ignore_patterns("node_modules", "dist"))
    manifest = json.loads((example / "package.json").read_text())
    manifest["dependencies"]["@pagemesh/client"] = f"file:{tarball}"
    (example / "package.json").write_text(json.dumps(manifest, indent=2))
    # Compiled with the examples: the snippet of docs/sdks.md and the typed client's checks.
    (example / "docs_snippet.ts").write_text(DECLARE_TS + docs_snippet("ts"))
    shutil.copy2(CLIENTS / "typescript" / "check_client.ts", example)
    run([*npm, "install"], cwd=example)
    run([*npm, "run", "build"], cwd=example)
    return example


DECLARE_TS = "declare const ADDRESS: string;\ndeclare const PKI: string;\n"


def build_go(work: Path) -> Path:
    """Vets and builds the Go SDK, then the examples and checks against it; returns the binaries' folder."""
    module = ROOT / "sdk" / "go"
    run(["go", "vet", "./..."], cwd=module)
    run(["go", "build", "./..."], cwd=module)
    example = work / "example"
    shutil.copytree(EXAMPLES / "go", example)
    run(["go", "mod", "edit", f"-replace=github.com/pagemesh/pagemesh/sdk/go={module}"], cwd=example)
    # The Go example in docs/sdks.md, as the body of a program that takes the address and PKI folder.
    (example / "docs_snippet").mkdir()
    (example / "docs_snippet" / "main.go").write_text(GO_SNIPPET_PROGRAM % docs_snippet("go"))
    (example / "check_client").mkdir()
    shutil.copy2(CLIENTS / "go" / "main.go", example / "check_client" / "main.go")
    run(["go", "vet", "./..."], cwd=example)
    run(["go", "build", "-o", f"{work / 'bin'}{os.sep}", "./..."], cwd=example)  # one binary per main
    return work / "bin"


GO_SNIPPET_PROGRAM = """package main

import (
\t"context"
\t"fmt"
\t"log"
\t"os"
\t"time"

\tpagemesh "github.com/pagemesh/pagemesh/sdk/go"
\tpagev2 "github.com/pagemesh/pagemesh/sdk/go/pagemesh/page/v2"
)

var ADDRESS, PKI = os.Args[1], os.Args[2]

func main() {
%s}
"""

JAVA_SNIPPET_PROGRAM = """import com.pagemesh.client.PagemeshClient;
import com.pagemesh.page.v2.*;
import java.nio.file.Path;
import java.time.Duration;

public final class DocsSnippet {
  public static void main(String[] args) throws Exception {
    String ADDRESS = args[0];
    String PKI = args[1];
%s  }
}
"""


def build_java(work: Path) -> str:
    """`mvn -q package` for the Java SDK; returns the classpath of its jar and runtime dependencies."""
    project = checkout(work, "sdk/java") / "sdk" / "java"
    assert not (project / "src" / "main" / "java" / "com" / "pagemesh" / "page").exists()
    classpath_file = work / "classpath.txt"
    run(
        [
            "mvn", "-q", "-B", "package", "dependency:build-classpath",
            f"-Dmdep.outputFile={classpath_file}", "-Dmdep.includeScope=runtime",
        ],
        cwd=project,
    )  # fmt: skip
    jar = project / "target" / f"pagemesh-client-{__version__}.jar"
    assert jar.is_file()
    return f"{jar}{os.pathsep}{classpath_file.read_text().strip()}"


@dataclass(frozen=True)
class Builds:
    """The four builds, running."""

    python: Future[Path]
    typescript: Future[Path]
    go: Future[Path]
    java: Future[str]


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Builds]:
    """Starts every SDK's build at once; a test waits for its own."""

    def start(pool: ThreadPoolExecutor, build: Callable[[Path], T], name: str) -> Future[T]:
        return pool.submit(build, tmp_path_factory.mktemp(name))

    with ThreadPoolExecutor(max_workers=4, thread_name_prefix="sdk-build") as pool:
        yield Builds(
            python=start(pool, build_python, "python"),
            typescript=start(pool, build_typescript, "typescript"),
            go=start(pool, build_go, "go"),
            java=start(pool, build_java, "java"),
        )


ONE_ENVIRONMENT = """
import importlib.metadata as m
import pagemesh.client, pagemesh.runtime, services, aggregator
from pagemesh.page.v2 import page_pb2
server = {str(f) for f in m.files("pagemesh")}
client = {str(f) for f in m.files("pagemesh-client")}
print(m.version("pagemesh"), m.version("pagemesh-client"))
print(len(server & client))
print(sorted(f for f in server if "_pb2" in f))
in_site_packages = page_pb2.__file__.endswith("site-packages/pagemesh/page/v2/page_pb2.py")
print("pagemesh/page/v2/page_pb2.py" in client, in_site_packages)
"""


def test_server_and_python_sdk_share_one_environment(builds: Builds, tmp_path: Path) -> None:
    python = builds.python.result()
    lines = run([python, "-c", ONE_ENVIRONMENT], tmp_path).splitlines()
    assert lines[0] == f"{__version__} {__version__}"
    assert lines[1] == "0", "no file belongs to both distributions"
    assert lines[2] == "[]", "the server carries no generated module of its own"
    assert lines[3] == "True True", "the generated modules are the SDK's, imported by the server too"
    run([python, "-m", "pip", "check"], tmp_path)
    assert run([python.parent / "pagemesh", "--version"], tmp_path).strip() == f"pagemesh {__version__}"


def test_python(builds: Builds, live: LivePage, tmp_path: Path) -> None:
    python = builds.python.result()
    located = run([python, "-c", "import pagemesh.page; print(pagemesh.page.__file__)"], tmp_path)
    package = Path(located.strip()).parent
    assert package.is_relative_to(python.parent.parent), "the examples must use the installed SDK"
    assert (package / "py.typed").is_file()
    assert (package / "v2" / "page_pb2.pyi").is_file()
    pki = pki_dir()
    for script, v2 in (("get_page.py", True), ("get_page_v1.py", False)):
        stdout = run([python, EXAMPLES / "python" / script, live.address, PRODUCT_ID, pki], tmp_path)
        assert_page(stdout, live, v2=v2)
    # The Python example in docs/sdks.md works as printed (pointed at this mesh).
    snippet = f"ADDRESS, PKI = {live.address!r}, {str(pki)!r}\n" + docs_snippet("python")
    (tmp_path / "snippet.py").write_text(snippet)
    printed = run([python, tmp_path / "snippet.py"], tmp_path).splitlines()
    assert printed == [f"title: {live.title}", f"degraded: ['SECTION_{MISSING.upper()}']"]
    unknown = subprocess.run(
        [python, EXAMPLES / "python" / "get_page.py", live.address, "P99999", pki],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert unknown.returncode == 1
    assert unknown.stderr.startswith("error: NOT_FOUND")


@pytest.mark.parametrize("flavour", ["sync", "asyncio"])
def test_python_typed_client(
    builds: Builds, live: LivePage, flaky_history: ChildProcess, flavour: str, tmp_path: Path
) -> None:
    python = builds.python.result()
    check = CLIENTS / "python" / "check_client.py"
    args: list[str | Path] = [flavour, live.address, flaky_history.address, pki_dir(), PRODUCT_ID]
    assert_typed_client(run([python, check, *args], tmp_path), live, flaky_history)


def test_typescript(builds: Builds, live: LivePage) -> None:
    example = builds.typescript.result()
    pki = pki_dir()
    for script, v2 in (("get_page.js", True), ("get_page_v1.js", False)):
        stdout = run(["node", example / "dist" / script, live.address, PRODUCT_ID, pki], example)
        assert_page(stdout, live, v2=v2)
    snippet = example / "dist" / "docs_snippet.js"
    values = f"const ADDRESS = {json.dumps(live.address)}, PKI = {json.dumps(str(pki))};\n"
    snippet.write_text(values + snippet.read_text())
    printed = run(["node", snippet], example).splitlines()
    assert printed == [f"title: {live.title}", f"degraded: [ '{MISSING.upper()}' ]"]


def test_typescript_typed_client(builds: Builds, live: LivePage, flaky_history: ChildProcess) -> None:
    example = builds.typescript.result()
    check = example / "dist" / "check_client.js"
    stdout = run(["node", check, live.address, flaky_history.address, pki_dir(), PRODUCT_ID], example)
    assert_typed_client(stdout, live, flaky_history)


def test_go(builds: Builds, live: LivePage, tmp_path: Path) -> None:
    binaries = builds.go.result()
    pki = pki_dir()
    for binary, v2 in (("get_page", True), ("v1", False)):
        assert_page(run([binaries / binary, live.address, PRODUCT_ID, pki], tmp_path), live, v2=v2)
    printed = run([binaries / "docs_snippet", live.address, pki], tmp_path).splitlines()
    assert printed == [f"title: {live.title}", f"degraded: SECTION_{MISSING.upper()}"]


def test_go_typed_client(builds: Builds, live: LivePage, flaky_history: ChildProcess, tmp_path: Path) -> None:
    binaries = builds.go.result()
    args: list[str | Path] = [live.address, flaky_history.address, pki_dir(), PRODUCT_ID]
    assert_typed_client(run([binaries / "check_client", *args], tmp_path), live, flaky_history)


def test_java(builds: Builds, live: LivePage, tmp_path: Path) -> None:
    classpath = builds.java.result()
    pki = pki_dir()
    for source, v2 in (("GetPage.java", True), ("GetPageV1.java", False)):
        # Java's source launcher compiles the example against the SDK, then runs it.
        stdout = run(
            ["java", "-cp", classpath, EXAMPLES / "java" / source, live.address, PRODUCT_ID, pki], tmp_path
        )
        assert_page(stdout, live, v2=v2)
    snippet = tmp_path / "DocsSnippet.java"
    snippet.write_text(JAVA_SNIPPET_PROGRAM % docs_snippet("java"))
    printed = run(["java", "-cp", classpath, snippet, live.address, pki], tmp_path).splitlines()
    assert printed == [f"title: {live.title}", f"degraded: SECTION_{MISSING.upper()}"]


def test_java_typed_client(
    builds: Builds, live: LivePage, flaky_history: ChildProcess, tmp_path: Path
) -> None:
    classpath = builds.java.result()
    check = CLIENTS / "java" / "CheckClient.java"
    args: list[str | Path] = [live.address, flaky_history.address, pki_dir(), PRODUCT_ID]
    assert_typed_client(run(["java", "-cp", classpath, check, *args], tmp_path), live, flaky_history)
