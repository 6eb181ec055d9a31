"""Rolling restarts: `pagemesh restart all` under steady page load costs no page and degrades no section.

The end-to-end test runs `pagemesh up --replicas all=2` and keeps pages coming from two client threads
while every backend replica is restarted, one at a time. The page deadline is a roomy 2 s there: a busy
shared machine stalls now and then, and a stall is not the restart; a page that a restart did cost (a
replica gone with calls on it) fails or degrades at once, UNAVAILABLE, whatever the deadline.

The supervisor's side (`Supervisor.replace`, `RollingRestart`) is also tested on small stand-in programs,
and `pagemesh restart`'s bad input on its own.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import grpc
import pytest

from pagemesh.page.v2 import page_pb2 as page_v2
from pagemesh.page.v2 import page_pb2_grpc as page_v2_grpc
from pagemesh.restart import RestartControl
from pagemesh.runtime import AGGREGATOR, SERVICES, free_port, pagemesh_command
from pagemesh.supervisor import Program, Supervisor
from tests.harness import clean_environment, operator_channel, start_up

# Serves /readyz on the port it is given, and exits when told to (SIGTERM), after a short "drain".
STAND_IN = """
import http.server, signal, sys, threading, time
class Ready(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers(); self.wfile.write(b"ok")
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Ready)
signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
print("serving", flush=True)
server.serve_forever()
time.sleep(0.2)
"""


def stand_in(name: str, part: str, tmp_path: Path) -> Program:
    port = free_port()
    return Program(
        name,
        part,
        [sys.executable, "-c", STAND_IN, str(port)],
        f"127.0.0.1:{free_port()}",
        {},
        tmp_path / f"{name}.log",
        f"127.0.0.1:{port}",
    )


def test_a_replaced_program_starts_again_at_once_and_is_not_a_crash(tmp_path: Path) -> None:
    reported: list[str] = []
    program = stand_in("reviews", "reviews", tmp_path)
    supervisor = Supervisor([program], state_path=tmp_path / "supervisor.json", report=reported.append)
    supervisor.start()
    try:
        assert supervisor.wait_until_ready(30) is None
        old = supervisor.child("reviews")
        assert old is not None
        supervisor.replace("reviews")
        deadline = time.monotonic() + 30
        while supervisor.child("reviews") is old:
            assert time.monotonic() < deadline
            supervisor.poll()
            time.sleep(0.05)
        assert old.process.returncode == 0  # it stopped on its own, at SIGTERM
        assert supervisor.restarts("reviews") == 0
        (entry,) = supervisor.state()["parts"]["reviews"]["processes"]
        assert entry["replaced"] == 1
        assert reported == ["reviews stopped for a restart; starting it again"]
    finally:
        supervisor.stop(grace=1)


def test_a_rolling_restart_goes_one_replica_at_a_time(tmp_path: Path) -> None:
    programs = [
        stand_in("authors", "authors", tmp_path),
        stand_in("authors-1", "authors", tmp_path),
        stand_in("reviews", "reviews", tmp_path),
    ]
    supervisor = Supervisor(programs, report=lambda line: None)
    supervisor.start()
    try:
        assert supervisor.wait_until_ready(30) is None
        before = {p.name: supervisor.child(p.name) for p in programs}
        control = RestartControl(tmp_path, supervisor, ["authors", "reviews", AGGREGATOR])
        (tmp_path / "control" / "restart-1.json").write_text('{"target": "authors", "settle": 0.2}')
        log = tmp_path / "control" / "restart-1.log"
        running_at_once: list[int] = []
        deadline = time.monotonic() + 60
        while "done:" not in (log.read_text() if log.exists() else ""):
            assert time.monotonic() < deadline, log.read_text() if log.exists() else "no log"
            supervisor.poll()
            control.poll()
            authors = [supervisor.child(n) for n in ("authors", "authors-1")]
            running_at_once.append(sum(1 for c in authors if c is not None and c.running()))
            time.sleep(0.02)
        lines = log.read_text().splitlines()
        assert lines[0] == "restarting 2 processes: authors, authors-1"
        assert lines[-1].startswith("done: restarted authors, authors-1 in ")
        # One replica at a time: the other kept running throughout.
        assert min(running_at_once) >= 1
        assert supervisor.child("authors") is not before["authors"]
        assert supervisor.child("authors-1") is not before["authors-1"]
        assert supervisor.child("reviews") is before["reviews"]
        # A part the mesh does not run is refused; a part with one replica is warned about.
        (tmp_path / "control" / "restart-2.json").write_text('{"target": "history"}')
        control.poll()
        assert (
            (tmp_path / "control" / "restart-2.log").read_text().startswith("failed: this mesh has no part")
        )
        (tmp_path / "control" / "restart-3.json").write_text('{"target": "reviews", "settle": 0}')
        control.poll()
        assert "reviews runs one replica" in (tmp_path / "control" / "restart-3.log").read_text()
    finally:
        supervisor.stop(grace=1)


def restart(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        pagemesh_command(["restart", *args]),
        capture_output=True,
        text=True,
        timeout=600,
        env=env or clean_environment(),
        check=False,
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["nosuch"], "unknown part 'nosuch'"),
        (["reviews", "--timeout", "0"], "--timeout must be more than 0"),
        (["reviews", "--data-dir", "/nonexistent/var"], "no pagemesh up is running with data directory"),
    ],
)
def test_bad_input_is_one_line(args: list[str], expected: str) -> None:
    done = restart(*args)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1, done.stderr
    assert expected in done.stderr


class PageLoad:
    """Pages from a few threads until stopped; every outcome kept (code, degraded sections)."""

    def __init__(self, address: str, threads: int = 2) -> None:
        self.outcomes: Counter[tuple[str, tuple[str, ...]]] = Counter()
        self.failures: list[str] = []
        """The message of each failed page and degraded section."""
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, args=(address, k)) for k in range(threads)]

    def _run(self, address: str, k: int) -> None:
        with operator_channel(address) as channel:
            stub = page_v2_grpc.PageServiceStub(channel)
            n = k
            while not self._stop.is_set():
                n += len(self._threads)
                request = page_v2.GetProductPageRequest(product_id=f"P{1 + n % 240:05d}", user_id="u-alice")
                try:
                    page = stub.GetProductPage(request, timeout=10)
                    outcome = (
                        "OK",
                        tuple(sorted(page_v2.Section.Name(d.section) for d in page.degraded_sections)),
                    )
                    self.failures += [f"{d.section}: {d.code}: {d.message}" for d in page.degraded_sections]
                except grpc.RpcError as error:
                    code = error.code() if isinstance(error, grpc.Call) else grpc.StatusCode.UNKNOWN
                    outcome = (code.name, ())
                    self.failures.append(
                        f"{code.name}: {error.details() if isinstance(error, grpc.Call) else error}"
                    )
                with self._lock:
                    self.outcomes[outcome] += 1
                time.sleep(0.01)

    def __enter__(self) -> PageLoad:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()


def test_restart_all_under_steady_load_fails_no_page_and_degrades_no_section(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    with start_up(data_dir, ["--replicas", "all=2", "--deadline-ms", "2000"]) as up:
        before = up.pids()
        with PageLoad(up.addresses[AGGREGATOR]) as load:
            time.sleep(1)
            done = restart("all", "--data-dir", str(data_dir), "--settle", "2")
            time.sleep(1)
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.stdout.splitlines()[-1].startswith("done: restarted product, product-1, ")
        after = up.pids()
        state = up.state()["parts"]
    pages = sum(load.outcomes.values())
    failed = {outcome: n for outcome, n in load.outcomes.items() if outcome[0] != "OK"}
    degraded = {outcome[1]: n for outcome, n in load.outcomes.items() if outcome[0] == "OK" and outcome[1]}
    print(f"{pages} pages during the restart: failed {failed}, degraded {degraded}")
    assert pages > 100
    assert failed == {}, load.failures
    assert degraded == {}, load.failures
    # Every backend process was replaced once, on purpose; none crashed; the aggregator was left alone.
    for part in SERVICES:
        assert state[part]["restarts"] == 0
        assert [p["replaced"] for p in state[part]["processes"]] == [1, 1]
    assert all(after[name] != pid for name, pid in before.items() if not name.startswith(AGGREGATOR))
    assert after[AGGREGATOR] == before[AGGREGATOR]
