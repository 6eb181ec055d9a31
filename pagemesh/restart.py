"""`pagemesh restart SERVICE|all`: a rolling restart of a running `pagemesh up`, one replica at a time.

The supervisor of `pagemesh up` does the restart; this command asks it to and follows it. The two talk
through files in the data directory, so nothing else needs to listen anywhere:

- `pagemesh restart` writes a request, `<data dir>/control/restart-<id>.json` (`{"target": ..., "settle":
  ..., "timeout": ...}`, written whole and renamed into place), then prints the lines the supervisor appends
  to `restart-<id>.log` until the last one, which starts with `done:` or `failed:`. It gives up (exit 1)
  if the supervisor stops meanwhile (its pid, from `supervisor.json`, is gone).
- `pagemesh up` looks for requests a few times a second (`RestartControl.poll`), takes them one at a time,
  in the order they came, and runs each as a `RollingRestart`.

For each replica of the target (every replica of every backend service for `all`, the services in the
order `pagemesh up` starts them), in turn:

1. SIGTERM: the process reports NOT_SERVING, keeps serving for its drain period (`pagemesh up` gives its
   children `--drain`), so the aggregator's health-checking channels stop picking it, then stops with a
   grace period for the calls in flight (its `max_connection_age` already moves connections regularly);
2. the supervisor starts the replacement as soon as the old process has exited (a planned restart: no
   crash backoff, not counted as a crash);
3. the replacement must be SERVING (its admin port's `/readyz`) within `--timeout` seconds, or the
   rolling restart stops there, failed, with the replacement's last log line;
4. then `--settle` seconds, so clients reconnect to it before the next replica of the same part goes.

With two or more replicas of a part, a rolling restart costs it no call; with one, calls wait for the
replacement (the aggregator retries UNAVAILABLE, but a restart takes longer than its retries), so its
section is degraded for a moment: `pagemesh restart` says so.
"""

from __future__ import annotations

import json
import secrets
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from pagemesh.cli import ArgumentParser
from pagemesh.runtime import SERVICES, ChildProcess, PagemeshError, Settings, is_ready, process_alive

__all__ = ["CONTROL_DIR", "RestartControl", "RollingRestart", "Supervised", "main"]

CONTROL_DIR = "control"
"""The folder of the data directory where restart requests and their progress are written."""
_ALL = "all"
_DONE = "done:"
_FAILED = "failed:"


class Supervised(Protocol):
    """What a rolling restart needs from the supervisor (`pagemesh.supervisor.Supervisor`)."""

    def names(self, part: str) -> list[str]:
        """The processes of one part (its replicas), in order."""
        ...

    def child(self, name: str) -> ChildProcess | None:
        """The process running now under `name`."""
        ...

    def admin_address(self, name: str) -> str:
        """Where the process under `name` answers `/readyz`."""
        ...

    def replace(self, name: str) -> None:
        """Stops the process (SIGTERM) and starts it again at once when it has exited, not as a crash."""
        ...


@dataclass
class _Step:
    name: str
    phase: str = "waiting"
    """waiting -> stopping -> starting -> settling -> done."""
    old: ChildProcess | None = None
    since: float = 0.0


class RollingRestart:
    """Replaces processes one at a time (see the module docstring); call `advance` until it finishes."""

    def __init__(
        self,
        supervisor: Supervised,
        names: Sequence[str],
        *,
        settle: float,
        timeout: float,
        say: Callable[[str], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._supervisor = supervisor
        self._steps = [_Step(name) for name in names]
        self._settle = settle
        self._timeout = timeout
        self._say = say
        self._clock = clock
        self._started = clock()

    def advance(self) -> str | None:
        """Moves the restart on as far as it can now; its last line (`done: ...`/`failed: ...`) once over."""
        now = self._clock()
        for step in self._steps:
            if step.phase == "done":
                continue
            outcome = self._advance(step, now)
            if outcome is not None:
                return outcome
            if step.phase != "done":
                return None
        replaced = ", ".join(step.name for step in self._steps)
        return f"{_DONE} restarted {replaced} in {now - self._started:.1f} s"

    def _advance(self, step: _Step, now: float) -> str | None:
        supervisor = self._supervisor
        if step.phase == "waiting":
            step.old = supervisor.child(step.name)
            supervisor.replace(step.name)
            step.phase, step.since = "stopping", now
            pid = "" if step.old is None else f" (pid {step.old.process.pid})"
            self._say(f"{step.name}{pid}: stopping: NOT_SERVING, draining, then the calls in flight finish")
        if step.phase == "stopping":
            child = supervisor.child(step.name)
            if child is None or child is step.old:
                if now - step.since > self._timeout and step.old is not None and step.old.running():
                    step.old.process.kill()
                    self._say(f"{step.name}: did not stop within {self._timeout:g} s; killed")
                return None
            step.phase, step.since = "starting", now
            self._say(f"{step.name}: started again (pid {child.process.pid}); waiting until it is SERVING")
        if step.phase == "starting":
            child = supervisor.child(step.name)
            assert child is not None
            if not child.running():
                return f"{_FAILED} {step.name} exited while starting (see its log, {child.log_path})"
            if not is_ready(supervisor.admin_address(step.name), timeout=0.25):
                if now - step.since > self._timeout:
                    return (
                        f"{_FAILED} {step.name} was not SERVING within {self._timeout:g} s ({child.log_path})"
                    )
                return None
            step.phase, step.since = "settling", now
            self._say(f"{step.name}: SERVING; letting clients reconnect for {self._settle:g} s")
        if step.phase == "settling" and now - step.since >= self._settle:
            step.phase = "done"
        return None


def _request_paths(control: Path, request_id: str) -> tuple[Path, Path]:
    return control / f"restart-{request_id}.json", control / f"restart-{request_id}.log"


class RestartControl:
    """The supervisor's side: takes restart requests from the control folder and runs them in turn."""

    def __init__(self, data_dir: Path, supervisor: Supervised, parts: Sequence[str]) -> None:
        self._control = data_dir / CONTROL_DIR
        self._control.mkdir(parents=True, exist_ok=True)
        self._supervisor = supervisor
        self._parts = list(parts)
        self._current: tuple[RollingRestart, Path] | None = None

    def poll(self) -> None:
        """Advances the restart under way, or starts the next one asked for; call it a few times a second."""
        if self._current is not None:
            restart, log = self._current
            outcome = restart.advance()
            if outcome is not None:
                _append(log, outcome)
                self._current = None
            return
        for request in sorted(self._control.glob("restart-*.json"), key=lambda p: p.stat().st_mtime):
            log = request.with_suffix(".log")
            taken = request.with_suffix(".taken")
            request.replace(taken)
            self._start(taken, log)
            return

    def _start(self, request: Path, log: Path) -> None:
        try:
            asked: dict[str, Any] = json.loads(request.read_text())
            target = str(asked["target"])
            settle = float(asked.get("settle", 2.0))
            timeout = float(asked.get("timeout", 60.0))
        except (OSError, ValueError, KeyError, TypeError) as error:
            _append(log, f"{_FAILED} the request {request.name} is not valid: {error}")
            return
        parts = [p for p in self._parts if p in SERVICES] if target == _ALL else [target]
        if any(part not in self._parts for part in parts):
            known = ", ".join(self._parts)
            _append(log, f"{_FAILED} this mesh has no part {target!r}; it runs {known}")
            return
        names = [name for part in parts for name in self._supervisor.names(part)]
        single = [part for part in parts if len(self._supervisor.names(part)) == 1]
        if single:
            _append(
                log,
                f"note: {', '.join(single)} run{'s' if len(single) == 1 else ''} one replica: calls to it "
                "wait or fail while it restarts (start pagemesh up with --replicas all=2 for restarts that "
                "cost nothing)",
            )
        _append(log, f"restarting {len(names)} process{'es' if len(names) != 1 else ''}: {', '.join(names)}")
        restart = RollingRestart(
            self._supervisor,
            names,
            settle=settle,
            timeout=timeout,
            say=lambda line: _append(log, line),
        )
        self._current = (restart, log)


def _append(log: Path, line: str) -> None:
    with log.open("a") as out:
        out.write(line + "\n")


def _supervisor_pid(data_dir: Path) -> int:
    """The pid of the `pagemesh up` running with `data_dir`; PagemeshError when there is none."""
    state_path = data_dir / "supervisor.json"
    try:
        pid = int(json.loads(state_path.read_text())["supervisor_pid"])
        if not process_alive(pid):
            raise ProcessLookupError(pid)
    except (OSError, ValueError, KeyError, TypeError):
        raise PagemeshError(
            f"no pagemesh up is running with data directory {data_dir} (no live {state_path}); "
            "start the mesh with `pagemesh up`, or give its --data-dir"
        ) from None
    return pid


def build_parser() -> ArgumentParser:
    """The options of `pagemesh restart`."""
    parser = ArgumentParser(
        prog="pagemesh restart",
        description="Restart a part of a running `pagemesh up` (or every backend service: all), one "
        "replica at a time, each replacement SERVING before the next replica goes.",
    )
    parser.add_argument(
        "target", help=f"a service ({', '.join(SERVICES)}), aggregator, or all (the services)"
    )
    parser.add_argument("--data-dir", type=Path, help="the data directory of the running pagemesh up")
    parser.add_argument(
        "--settle",
        type=float,
        default=2.0,
        help="seconds between a replacement being SERVING and the next replica going (default 2)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        help="seconds each process may take to stop, and its replacement to be SERVING (default 60)",
    )
    return parser


def main(argv: list[str]) -> int:
    """Asks the running `pagemesh up` for a rolling restart and follows it; 0 once done, 1 if it failed."""
    parser = build_parser()
    options = parser.parse_args(argv)
    if options.target not in (*SERVICES, "aggregator", _ALL):
        parser.error(f"unknown part {options.target!r}; use one of {', '.join(SERVICES)}, aggregator or all")
    if options.settle < 0 or options.timeout <= 0:
        parser.error("--settle must not be negative and --timeout must be more than 0")
    try:
        data_dir = options.data_dir or Settings.from_environment().data_dir
        pid = _supervisor_pid(data_dir)
    except PagemeshError as error:
        print(f"pagemesh restart: {error.message}", file=sys.stderr)
        return 1
    control = data_dir / CONTROL_DIR
    control.mkdir(parents=True, exist_ok=True)
    request_id = f"{time.strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(3)}"
    request, log = _request_paths(control, request_id)
    partial = request.with_suffix(".tmp")
    body = {"target": options.target, "settle": options.settle, "timeout": options.timeout}
    partial.write_text(json.dumps(body) + "\n")
    partial.replace(request)
    shown = 0
    while True:
        lines = log.read_text().splitlines() if log.exists() else []
        for line in lines[shown:]:
            print(line, flush=True)
            if line.startswith(_DONE):
                return 0
            if line.startswith(_FAILED):
                return 1
        shown = len(lines)
        if not process_alive(pid):
            print(
                f"pagemesh restart: pagemesh up (pid {pid}) stopped before the restart finished",
                file=sys.stderr,
            )
            return 1
        time.sleep(0.1)
