"""`pagemesh serve aggregator` and `pagemesh page` refuse bad input with one line on stderr and exit 1."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import pytest

from pagemesh.runtime import pagemesh_command
from tests.harness import clean_environment, free_port


def pagemesh(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        pagemesh_command(args),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        check=False,
        env=clean_environment(),
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--deadline-ms", "0"], "--deadline-ms must be more than 0"),
        (["--hedge-delay-ms", "-1"], "--hedge-delay-ms must not be negative"),
        (["--drain", "-1"], "--drain must not be negative"),
        (["--port", "99999"], "not HOST:PORT"),
        (["--bogus"], "unrecognized arguments"),
    ],
)
def test_bad_options_are_one_line(tmp_path: Path, args: list[str], expected: str) -> None:
    done = pagemesh(
        "serve",
        "aggregator",
        "--port",
        str(free_port()),
        "--http-port",
        str(free_port()),
        *args,
        cwd=tmp_path,
    )
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1, done.stderr
    assert expected in done.stderr


def test_a_taken_http_port_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = pagemesh(
            "serve", "aggregator", "--port", str(free_port()), "--http-port", str(port), cwd=tmp_path
        )
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1, done.stderr
    assert f"cannot listen for HTTP on 127.0.0.1:{port}" in done.stderr


def test_page_command_without_an_aggregator_is_one_line(tmp_path: Path) -> None:
    done = pagemesh("page", "P00001", "--address", f"127.0.0.1:{free_port()}", "--timeout", "1", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1, done.stderr
    assert "UNAVAILABLE" in done.stderr or "DEADLINE_EXCEEDED" in done.stderr


def test_a_taken_grpc_port_ends_with_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = pagemesh(
            "serve", "aggregator", "--port", str(port), "--http-port", str(free_port()), cwd=tmp_path
        )
    assert done.returncode == 1
    # grpcio's C core writes its own "Failed to add port" line first; ours is the one after it.
    assert "Traceback" not in done.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr.splitlines()[-1]
