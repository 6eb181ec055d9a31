"""The supervisor's backoff and `pagemesh up`'s options, without starting a mesh."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from pagemesh.runtime import PagemeshError, Settings
from pagemesh.supervisor import Backoff, Program, Supervisor, describe_exit, read_restarts
from pagemesh.up import parse_replicas, programs


def test_backoff_has_crashloopbackoffs_shape() -> None:
    backoff = Backoff(initial=1.0, factor=2.0, maximum=30.0)
    assert [backoff.delay(n) for n in range(1, 9)] == [0.0, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]


def test_replicas_per_service_or_all() -> None:
    assert parse_replicas("reviews=3,product=2") == {
        "product": 2,
        "recommendations": 1,
        "sponsored": 1,
        "authors": 1,
        "reviews": 3,
        "history": 1,
    }
    assert set(parse_replicas("all=2").values()) == {2}
    assert parse_replicas("reviews=4,all=2")["reviews"] == 4
    for bad, message in [
        ("reviews", "SERVICE=N"),
        ("reviews=0", "from 1 to 10"),
        ("reviews=11", "from 1 to 10"),
        ("nosuch=2", "unknown service 'nosuch'"),
        ("aggregator=2", "the aggregator runs once"),
    ]:
        with pytest.raises(PagemeshError, match=message):
            parse_replicas(bad)


def test_replica_k_listens_on_port_plus_100_k_and_everyone_knows_all_replicas(tmp_path: Path) -> None:
    settings = Settings.from_environment({})
    made = programs(
        settings,
        parts=["reviews", "aggregator"],
        replicas={"reviews": 3},
        injections={},
        env={},
        log_dir=tmp_path,
    )
    assert [(p.name, p.address) for p in made] == [
        ("reviews", "127.0.0.1:50055"),
        ("reviews-1", "127.0.0.1:50155"),
        ("reviews-2", "127.0.0.1:50255"),
        ("aggregator", "127.0.0.1:50050"),
    ]
    assert made[2].command[-2:] == ["--port", "50255"]
    assert made[2].env["PAGEMESH_REVIEWS_ADMIN_ADDR"] == "127.0.0.1:51255"
    assert "PAGEMESH_REVIEWS_ADMIN_ADDR" not in made[0].env
    assert made[3].env["PAGEMESH_REVIEWS_ADDR"] == "127.0.0.1:50055,127.0.0.1:50155,127.0.0.1:50255"


def test_a_crashing_program_is_restarted_with_backoff_and_counted(tmp_path: Path) -> None:
    reported: list[str] = []
    crash = Program(
        "crasher",
        "crasher",
        [sys.executable, "-c", "print('about to fail', flush=True); raise SystemExit(3)"],
        "127.0.0.1:1",
        {},
        tmp_path / "crasher.log",
    )
    supervisor = Supervisor(
        [crash], backoff=Backoff(initial=0.2), state_path=tmp_path / "supervisor.json", report=reported.append
    )
    supervisor.start()
    try:
        deadline_restarts = 3
        for _ in range(200):
            supervisor.poll()
            if supervisor.restarts("crasher") >= deadline_restarts:
                break
            time.sleep(0.05)
        assert supervisor.restarts("crasher") >= deadline_restarts
        assert reported[0] == (reported[0].split(" after ")[0] + " after " + reported[0].split(" after ")[1])
        assert reported[0].startswith("crasher exited with code 3 after ")
        assert reported[0].endswith(": about to fail; restarting now (restart 1)")
        assert reported[1].endswith("restarting in 0.2 s (restart 2)")
        assert reported[2].endswith("restarting in 0.4 s (restart 3)")
        # The log keeps every run's output.
        assert (tmp_path / "crasher.log").read_text().count("about to fail") >= 3
        assert read_restarts(tmp_path)["crasher"]["restarts"] >= 3
    finally:
        supervisor.stop(grace=1)
    assert not (tmp_path / "supervisor.json").exists()


def test_exit_descriptions() -> None:
    assert describe_exit(3) == "code 3"
    assert describe_exit(-9) == "signal SIGKILL"
