"""Chaos benchmark: steady page load while a random optional backend is killed with `kill -9` every 5 s.

Run by `make bench` (not part of `make test`). It starts the whole mesh with `pagemesh up` (plaintext, its
supervisor, `--replicas all=2` by default, on free ports), offers `--rps` pages a second with ghz (open
loop, by reflection) for `--seconds`, and every `--every` seconds sends SIGKILL to one process of a random
optional backend (recommendations, sponsored, authors, reviews or history; any replica), which the
supervisor starts again. The product service is never killed: without it there is no page, by design.

It reports pages sent, served, failed (by status) and degraded (by section, from the aggregator's page log
lines), the kills and the restarts the supervisor counted. Target: zero failed pages. Writes JSON (default
`artifacts/bench/chaos.json`).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

from bench.overload import GHZ, epoch, ghz_command, page_lines, percentile
from bench.page import machine
from pagemesh.runtime import ADMIN_PORT_OFFSET, AGGREGATOR, SERVICES, ChildProcess, pagemesh_command, spawn

ROOT = Path(__file__).resolve().parent.parent
OPTIONAL = tuple(name for name in SERVICES if name != "product")
REPLICA_STEP = 100
"""`pagemesh up` puts replica k of a part on its port + 100·k (docs: ARCHITECTURE, wave 2)."""


def _free(port: int) -> bool:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_base_ports(count: int, replicas: int, rng: random.Random) -> list[int]:
    """`count` gRPC ports whose replica ports (+100·k) and admin ports (+1000) are all free."""
    chosen: list[int] = []
    taken: set[int] = set()
    while len(chosen) < count:
        base = rng.randrange(20_000, 40_000)
        needed = {
            base + REPLICA_STEP * k + admin for k in range(replicas) for admin in (0, ADMIN_PORT_OFFSET)
        }
        if needed & taken or not all(_free(port) for port in needed):
            continue
        chosen.append(base)
        taken |= needed
    return chosen


def supervisor_state(data_dir: Path) -> dict[str, Any]:
    state: dict[str, Any] = json.loads((data_dir / "supervisor.json").read_text())
    return state


def start_mesh(data_dir: Path, replicas: int, rng: random.Random) -> tuple[ChildProcess, dict[str, str]]:
    """`pagemesh up` on free ports; returns it and the environment naming every part's address."""
    parts = (*SERVICES, AGGREGATOR)
    # One draw for all, so no two ports collide; the last one is the page's HTTP port.
    *ports, http_port = free_base_ports(len(parts) + 1, replicas, rng)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAGEMESH_")}
    env.update(
        {
            f"PAGEMESH_{part.upper()}_ADDR": f"127.0.0.1:{port}"
            for part, port in zip(parts, ports, strict=True)
        }
    )
    env["PAGEMESH_AGGREGATOR_HTTP_ADDR"] = f"127.0.0.1:{http_port}"
    env["PAGEMESH_LOG_LEVEL"] = "INFO"
    command = pagemesh_command(
        [
            "up",
            "--plaintext",
            "--data-dir",
            str(data_dir),
            "--replicas",
            f"all={replicas}",
            "--timeout",
            "120",
        ]
    )
    up = spawn(
        command,
        name="pagemesh up",
        address=env["PAGEMESH_AGGREGATOR_ADDR"],
        log_path=data_dir.parent / "up.log",
        env=env,
    )
    deadline = time.monotonic() + 150
    while "SERVING" not in up.log() or "all " not in up.log():
        if not up.running() or time.monotonic() > deadline:
            raise RuntimeError(f"pagemesh up did not start:\n{up.log()[-3000:]}")
        time.sleep(0.2)
    return up, env


def chaos(
    data_dir: Path, seconds: float, every: float, rng: random.Random, kills: list[dict[str, Any]]
) -> None:
    """Kills a random optional backend process every `every` seconds for `seconds`."""
    until = time.monotonic() + seconds
    next_kill = time.monotonic() + every
    while time.monotonic() < until:
        time.sleep(max(0.0, min(next_kill, until) - time.monotonic()))
        if time.monotonic() >= until:
            return
        next_kill += every
        state = supervisor_state(data_dir)
        candidates = [
            process
            for part in OPTIONAL
            for process in state["parts"][part]["processes"]
            if process.get("pid") and process.get("state") == "running"
        ]
        if not candidates:
            continue
        victim = rng.choice(candidates)
        try:
            os.kill(int(victim["pid"]), signal.SIGKILL)
        except ProcessLookupError:
            continue
        kills.append({"at": round(time.time(), 3), "process": victim["name"], "pid": victim["pid"]})
        print(f"  kill -9 {victim['name']} (pid {victim['pid']})", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=60.0, help="seconds of load and chaos (default 60)")
    parser.add_argument("--every", type=float, default=5.0, help="seconds between kills (default 5)")
    parser.add_argument("--rps", type=float, default=100.0, help="pages offered per second (default 100)")
    parser.add_argument("--replicas", type=int, default=2, help="replicas of every backend (default 2)")
    parser.add_argument("--seed", type=int, default=13, help="the random choice of victims")
    parser.add_argument("--out", type=Path, default=ROOT / "artifacts" / "bench" / "chaos.json")
    options = parser.parse_args(argv)
    if not GHZ.exists():
        print(f"chaos: {GHZ} is missing; run `make setup`", file=sys.stderr)
        return 1
    rng = random.Random(options.seed)
    print(f"pagemesh chaos benchmark on {machine()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="pagemesh-chaos-") as scratch:
        data_dir = Path(scratch) / "var"
        up, env = start_mesh(data_dir, options.replicas, rng)
        try:
            kills: list[dict[str, Any]] = []
            killer = threading.Thread(
                target=chaos, args=(data_dir, options.seconds, options.every, rng, kills), daemon=True
            )
            out = Path(scratch) / "ghz.json"
            command = ghz_command(
                env["PAGEMESH_AGGREGATOR_ADDR"],
                out,
                "chaos",
                # On past the chaos, so no call sent during it is cut off when ghz stops.
                options.seconds + 6,
                rps=options.rps,
                timeout=5,
            )
            ghz = subprocess.Popen(command, stdout=subprocess.DEVNULL)
            killer.start()
            killer.join()
            ghz.wait(timeout=options.seconds + 120)
            time.sleep(0.6)  # the aggregator writes its page lines every quarter second
            report = json.loads(out.read_text())
            restarts = {
                part: int(entry["restarts"]) for part, entry in supervisor_state(data_dir)["parts"].items()
            }
            pages = page_lines(data_dir / "logs" / f"{AGGREGATOR}.log", "chaos")
        finally:
            up.stop(signal.SIGTERM, timeout=60)
    details = report.get("details") or []
    first = min((epoch(d["timestamp"]) for d in details), default=0.0)
    # Only calls sent during the chaos: ghz runs on 6 s more so none of those is cut off when it stops.
    measured = [d for d in details if epoch(d["timestamp"]) < first + options.seconds]
    statuses = Counter(d["status"] for d in measured)
    ok_latencies = [d["latency"] / 1e6 for d in measured if d["status"] == "OK"]
    last_sent = round(options.seconds * options.rps)
    page_entries = [e for e in pages if int(str(e["request_id"]).rpartition("-")[2]) < last_sent]
    degraded = Counter(section for entry in page_entries for section in entry.get("degraded") or [])
    result = {
        "machine": machine(),
        "seconds": options.seconds,
        "rps": options.rps,
        "replicas": options.replicas,
        "sent": len(measured),
        "served": statuses.get("OK", 0),
        "failed": {k: v for k, v in statuses.items() if k != "OK"},
        "failure_messages": dict(
            Counter(d.get("error", "")[:160] for d in measured if d["status"] != "OK").most_common(5)
        ),
        "degraded_pages": sum(1 for entry in page_entries if entry.get("degraded")),
        "degraded_sections": dict(degraded),
        "p50_ms": round(statistics.median(ok_latencies), 2) if ok_latencies else None,
        "p99_ms": round(percentile(ok_latencies, 0.99), 2) if ok_latencies else None,
        "kills": kills,
        "restarts": restarts,
    }
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(json.dumps(result, indent=2) + "\n")
    failed = sum(result["failed"].values())
    print()
    columns = ("seconds", "pages/s offered", "replicas", "sent", "served", "failed", "degraded pages")
    print("| " + " | ".join((*columns, "degraded sections", "kills", "restarts")) + " |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |")
    sections = ", ".join(f"{k} {v}" for k, v in sorted(degraded.items())) or "-"
    print(
        f"| {options.seconds:g} | {options.rps:g} | {options.replicas} | {len(measured)} "
        f"| {result['served']} | {failed} | {result['degraded_pages']} | {sections} | {len(kills)} "
        f"| {sum(restarts.values())} |"
    )
    print(f"\nzero failed pages: {'met' if failed == 0 else 'missed'} ({failed} failed)")
    if failed:
        print(f"failures: {result['failure_messages']}")
    print(f"JSON: {options.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
