"""Child processes that cannot outlive their parent, and health checks to know when they are ready.

Readiness is read from a process's admin port (`/readyz`, plain HTTP), so a supervisor or a test needs
no client certificate to know a server is up; `health_status` asks the gRPC health service itself.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from pagemesh.runtime._config import Settings, admin_address_for
from pagemesh.runtime._transport import Transport

__all__ = [
    "ChildProcess",
    "die_with_parent",
    "free_port",
    "health_status",
    "is_ready",
    "pagemesh_command",
    "process_alive",
    "spawn",
    "tied_command",
    "wait_until_ready",
]

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> None:
    """Asks the kernel to send this process SIGTERM when `parent_pid` (its parent) dies (Linux only).

    Called by the child itself at start-up rather than through `Popen(preexec_fn=...)`, which is unsafe
    in a parent that already runs gRPC's threads.
    """
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent_pid:
        # The parent died before the request took effect.
        os.kill(os.getpid(), signal.SIGTERM)


@dataclass
class ChildProcess:
    """A process this one started (see `spawn`), with its output in a log file."""

    name: str
    address: str
    """Where it listens for gRPC, `host:port`."""
    process: subprocess.Popen[bytes]
    log_path: Path
    admin_address: str = ""
    """Where it serves `/healthz`, `/readyz` and `/metrics`; by default its gRPC port + 1000."""

    def __post_init__(self) -> None:
        if not self.admin_address:
            self.admin_address = admin_address_for(self.address)

    @property
    def port(self) -> int:
        """The port of its address."""
        return int(self.address.rpartition(":")[2])

    def running(self) -> bool:
        """Whether the process has not exited."""
        return self.process.poll() is None

    def log(self) -> str:
        """Everything it wrote so far."""
        return self.log_path.read_text(errors="replace")

    def stop(self, signum: int = signal.SIGTERM, timeout: float = 15.0) -> int:
        """Sends `signum`, waits for the exit (killing it after `timeout`) and returns the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signum)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


_TIE_PRELUDE = (
    "import os, sys\n"
    "from pagemesh.runtime._process import die_with_parent\n"
    "from pagemesh.runtime._config import parent_pid\n"
    "parent = parent_pid()\n"
    "if parent is not None:\n"
    "    die_with_parent(parent)\n"
    "os.execvp(sys.argv[1], sys.argv[1:])\n"
)


def process_alive(pid: int) -> bool:
    """Whether process `pid` exists and has not exited (a zombie, exited but not yet reaped, has)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, as another user's
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False  # gone between the two looks


def tied_command(command: Sequence[str]) -> list[str]:
    """`command` (a program that is not pagemesh's own: a broker, a database) made to die with its parent.

    A short Python prelude asks the kernel for SIGTERM when the parent started by `spawn` dies, then
    execs the program in its place (same PID; the request survives exec). Linux sends it when the
    parent *thread* that spawned it ends, so spawn such programs from the main thread.
    """
    return [sys.executable, "-c", _TIE_PRELUDE, *command]


def pagemesh_command(args: Sequence[str]) -> list[str]:
    """The command line of `pagemesh ARGS...` run by this interpreter."""
    return [sys.executable, "-m", "pagemesh.cli", *args]


def spawn(
    command: Sequence[str],
    *,
    name: str,
    address: str,
    log_path: Path,
    env: Mapping[str, str],
    cwd: Path | None = None,
    admin_address: str = "",
    append: bool = False,
) -> ChildProcess:
    """Starts `command` with `env`, output to `log_path` (after what it holds, if `append`).

    The process stops when this one dies. `admin_address` is where the child serves its admin port, if
    not its gRPC port + 1000.
    """
    environment = {**env, "PAGEMESH_PARENT_PID": str(os.getpid())}
    with log_path.open("ab" if append else "wb") as log:
        process = subprocess.Popen(
            list(command), env=environment, cwd=cwd, stdin=subprocess.DEVNULL, stdout=log, stderr=log
        )
    return ChildProcess(name, address, process, log_path, admin_address)


_handed_out: set[int] = set()


_PRIVATE_PORTS_FROM = 20_000
"""Test ports are drawn from here up to the kernel's ephemeral range (see `free_port`)."""


def _ephemeral_ports_start() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32_768


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now and that no earlier call returned.

    For tests and benchmarks that start servers on ports of their own. The port is drawn at random below
    the kernel's ephemeral range: every outgoing connection takes its source port from that range, so a
    port from it could be taken by any client between this probe and the server's bind (seen with several
    test suites on one machine); a port below it is only ever taken by a server that asks for it. The probe
    socket is closed before the caller binds, which is also why no port is handed out twice.
    """
    top = _ephemeral_ports_start()
    rng = random.Random()
    for _ in range(10_000):
        port = rng.randrange(_PRIVATE_PORTS_FROM, top) if top > _PRIVATE_PORTS_FROM + 1000 else 0
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            port = int(probe.getsockname()[1])
        if port not in _handed_out:
            _handed_out.add(port)
            return port
    raise RuntimeError("no free TCP port on 127.0.0.1")


def health_status(
    address: str, service: str = "", timeout: float = 1.0, *, transport: Transport | None = None
) -> str:
    """The health status name a server reports (e.g. "SERVING"), or "UNREACHABLE".

    The call goes over `transport` (default: as `operator`, secured as the environment's settings say).
    """
    transport = transport or Transport.from_settings(Settings.from_environment(), "operator")
    with transport.blocking_channel(address) as channel:
        # typeshed's HealthStub declares no methods, so the stub is typed loosely.
        stub: Any = health_pb2_grpc.HealthStub(channel)
        try:
            response = stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=timeout)
        except grpc.RpcError:
            return "UNREACHABLE"
    return health_pb2.HealthCheckResponse.ServingStatus.Name(response.status)


def is_ready(admin_address: str, timeout: float = 1.0) -> bool:
    """Whether the server whose admin port is at `admin_address` answers `/readyz` with 200."""
    try:
        with urllib.request.urlopen(f"http://{admin_address}/readyz", timeout=timeout) as response:
            return int(response.status) == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def wait_until_ready(
    admin_address: str, deadline: float, still_running: Callable[[], bool] | None = None
) -> bool:
    """Polls `/readyz` on the admin port until it says SERVING or `deadline` (a `time.monotonic()` value)."""
    while time.monotonic() < deadline:
        if still_running is not None and not still_running():
            return False
        if is_ready(admin_address, timeout=0.5):
            return True
        time.sleep(0.05)
    return False
