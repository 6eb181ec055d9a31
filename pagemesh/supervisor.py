"""Keeping the mesh's processes running: restart with backoff, the way an orchestrator would.

`pagemesh up` hands the `Supervisor` one `Program` per process (each part, each replica). Once they are
up, a process that exits is started again after a delay shaped like Kubernetes' CrashLoopBackOff: the
first restart at once, then 1 s, 2 s, 4 s, ... up to `Backoff.maximum`, the count of consecutive crashes
reset once a process has run `Backoff.reset_after` seconds. Every restart is reported (part, exit code or
signal, how long it ran, its last log line) and counted; everything else keeps serving meanwhile.

A process stopped on purpose (`replace`, for `pagemesh restart`'s rolling restarts, see
`pagemesh.restart`) is started again as soon as it has exited, without backoff, and is not counted as a
crash.

The counts are also written to `<data dir>/supervisor.json` on every change, for other processes to show
(the aggregator's `/statz`); `read_restarts` reads it back.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pagemesh.runtime import ChildProcess, admin_address_for, process_alive, spawn, wait_until_ready

__all__ = [
    "STATE_FILE",
    "Backoff",
    "Program",
    "Supervisor",
    "describe_exit",
    "last_log_line",
    "read_restarts",
]

STATE_FILE = "supervisor.json"
"""The file in the data directory with each part's replicas and restarts."""


@dataclass(frozen=True)
class Backoff:
    """How long to wait before restarting a process that keeps exiting (CrashLoopBackOff's shape)."""

    initial: float = 1.0
    """The delay before the second consecutive restart; the first is immediate."""
    factor: float = 2.0
    maximum: float = 30.0
    """No delay is longer than this (Kubernetes: 300 s; a developer's mesh wants less)."""
    reset_after: float = 60.0
    """A process that ran this long is stable: its next crash is restarted at once again."""

    def delay(self, consecutive: int) -> float:
        """The delay before restart number `consecutive` (1 for the first crash in a row)."""
        if consecutive <= 1:
            return 0.0
        return float(min(self.maximum, self.initial * self.factor ** (consecutive - 2)))


@dataclass(frozen=True)
class Program:
    """One process to keep running: a part or one replica of it."""

    name: str
    """Unique among the programs, e.g. `reviews` or `reviews-2`."""
    part: str
    """The part it runs, e.g. `reviews`."""
    command: Sequence[str]
    address: str
    """Where it serves gRPC (its health is checked there)."""
    env: Mapping[str, str]
    log_path: Path
    admin_address: str = ""
    """Where it serves `/readyz` (its readiness is checked there); default: its gRPC port + 1000."""


@dataclass
class _Supervised:
    program: Program
    child: ChildProcess | None = None
    started_at: float = 0.0
    restarts: int = 0
    consecutive: int = 0
    restart_at: float | None = None
    """When a restart is due (a monotonic time), while the process is down."""
    history: list[str] = field(default_factory=list)
    replacing: bool = False
    """Stopped on purpose (`Supervisor.replace`): started again at once when it exits, not as a crash."""
    replaced: int = 0


def describe_exit(returncode: int) -> str:
    """`code 3`, or `signal SIGKILL` for a process a signal ended."""
    if returncode < 0:
        try:
            return f"signal {signal.Signals(-returncode).name}"
        except ValueError:
            return f"signal {-returncode}"
    return f"code {returncode}"


def last_log_line(child: ChildProcess) -> str:
    """The last non-empty line a child wrote, or `(no output)`."""
    try:
        lines = [line for line in child.log().splitlines() if line.strip()]
    except OSError:
        return "(no log)"
    return lines[-1] if lines else "(no output)"


class Supervisor:
    """Starts programs, restarts the ones that exit, and stops them all; see the module docstring."""

    def __init__(
        self,
        programs: Sequence[Program],
        *,
        backoff: Backoff | None = None,
        state_path: Path | None = None,
        report: Callable[[str], None] = print,
    ) -> None:
        self.backoff = backoff or Backoff()
        self.state_path = state_path
        self._report = report
        self._supervised = {p.name: _Supervised(p) for p in programs}
        if len(self._supervised) != len(programs):
            raise ValueError("program names must be unique")

    @property
    def children(self) -> list[ChildProcess]:
        """The processes running now (or last started), in program order."""
        return [s.child for s in self._supervised.values() if s.child is not None]

    def restarts(self, name: str) -> int:
        """How often the program was restarted."""
        return self._supervised[name].restarts

    def names(self, part: str) -> list[str]:
        """The programs of one part (its replicas), in order."""
        return [s.program.name for s in self._supervised.values() if s.program.part == part]

    def child(self, name: str) -> ChildProcess | None:
        """The process running now (or last started) for the program `name`."""
        return self._supervised[name].child

    def admin_address(self, name: str) -> str:
        """Where the program `name` answers `/readyz`."""
        supervised = self._supervised[name]
        if supervised.child is not None:
            return supervised.child.admin_address
        return supervised.program.admin_address or admin_address_for(supervised.program.address)

    def replace(self, name: str) -> None:
        """A planned restart (`pagemesh restart`): SIGTERM now, and a new process as soon as it has exited.

        The exit is not a crash: no backoff, not counted in `restarts` (but in the state's `replaced`).
        """
        supervised = self._supervised[name]
        child = supervised.child
        if supervised.restart_at is not None or child is None or not child.running():
            supervised.restart_at = time.monotonic()  # down already: start it at the next poll
            return
        supervised.replacing = True
        child.process.send_signal(signal.SIGTERM)

    def _start(self, supervised: _Supervised) -> None:
        program = supervised.program
        # A restarted process appends to its log, so the crash before it stays readable.
        if supervised.child is not None:
            with program.log_path.open("ab") as log:
                log.write(f"--- restart {supervised.restarts} ---\n".encode())
        supervised.child = spawn(
            program.command,
            name=program.name,
            address=program.address,
            log_path=program.log_path,
            env=program.env,
            admin_address=program.admin_address,
            append=supervised.child is not None,
        )
        supervised.started_at = time.monotonic()
        supervised.restart_at = None

    def start(self) -> None:
        """Starts every program (without waiting for them)."""
        for supervised in self._supervised.values():
            self._start(supervised)
        self._write_state()

    def wait_until_ready(self, timeout: float, stop: Callable[[], bool] = lambda: False) -> str | None:
        """Waits until every program is ready (SERVING, on its admin port's `/readyz`); returns why one is
        not (it exited, or timed out)."""
        deadline = time.monotonic() + timeout
        for supervised in self._supervised.values():
            child = supervised.child
            assert child is not None
            if stop():
                return None
            if not wait_until_ready(child.admin_address, deadline, child.running):
                where = f"{child.name} on {child.address}"
                if not child.running():
                    code = describe_exit(child.process.returncode)
                    return f"{where} exited with {code}: {last_log_line(child)}"
                return f"{where} was not SERVING within {timeout:g} s (log: {child.log_path})"
        return None

    def poll(self) -> None:
        """Notices exits, and starts the restarts that are due; call it a few times a second."""
        now = time.monotonic()
        changed = False
        for supervised in self._supervised.values():
            child = supervised.child
            if child is None:
                continue
            if supervised.restart_at is not None:
                if now >= supervised.restart_at:
                    self._start(supervised)
                    changed = True
                continue
            if child.running():
                if supervised.consecutive and now - supervised.started_at >= self.backoff.reset_after:
                    supervised.consecutive = 0
                continue
            if supervised.replacing:
                supervised.replacing = False
                supervised.replaced += 1
                self._report(f"{child.name} stopped for a restart; starting it again")
                self._start(supervised)
                changed = True
                continue
            ran = now - supervised.started_at
            supervised.consecutive += 1
            supervised.restarts += 1
            delay = self.backoff.delay(supervised.consecutive)
            supervised.restart_at = now + delay
            when = "now" if delay == 0 else f"in {delay:g} s"
            self._report(
                f"{child.name} exited with {describe_exit(child.process.returncode)} after {ran:.1f} s: "
                f"{last_log_line(child)}; restarting {when} (restart {supervised.restarts})"
            )
            changed = True
        if changed:
            self._write_state()

    def stop(self, grace: float) -> None:
        """Stops every program: SIGTERM to all, then SIGKILL to those still running after `grace` + 5 s."""
        children = [s.child for s in self._supervised.values() if s.child is not None]
        for child in children:
            if child.running():
                child.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace + 5
        for child in children:
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.process.kill()
                child.process.wait()
        if self.state_path is not None:
            self.state_path.unlink(missing_ok=True)

    def state(self) -> dict[str, Any]:
        """Per part: its replicas and their restarts (as `supervisor.json` holds it)."""
        parts: dict[str, Any] = {}
        for supervised in self._supervised.values():
            program = supervised.program
            entry = parts.setdefault(program.part, {"replicas": 0, "restarts": 0, "processes": []})
            entry["replicas"] += 1
            entry["restarts"] += supervised.restarts
            child = supervised.child
            entry["processes"].append(
                {
                    "name": program.name,
                    "address": program.address,
                    "pid": None if child is None else child.process.pid,
                    "restarts": supervised.restarts,
                    "replaced": supervised.replaced,
                    "state": "backoff" if supervised.restart_at is not None else "running",
                }
            )
        return {"supervisor_pid": os.getpid(), "parts": parts}

    def _write_state(self) -> None:
        if self.state_path is None:
            return
        # Written whole and renamed, so a reader never sees half a file.
        partial = self.state_path.with_suffix(".tmp")
        partial.write_text(json.dumps(self.state(), indent=2) + "\n")
        partial.replace(self.state_path)


def read_restarts(data_dir: Path) -> dict[str, dict[str, int]]:
    """Per part, `replicas` and `restarts` from a running supervisor's state file ({} without one)."""
    try:
        state = json.loads((data_dir / STATE_FILE).read_text())
        # A file left by a supervisor that was killed outright describes nothing that runs.
        if not process_alive(int(state["supervisor_pid"])):
            return {}
        return {
            part: {"replicas": int(entry["replicas"]), "restarts": int(entry["restarts"])}
            for part, entry in state["parts"].items()
        }
    except (OSError, ValueError, KeyError, TypeError):  # ProcessLookupError is an OSError
        return {}
