"""Overload benchmark: offered page load from 0.5x to 3x saturation, the concurrency limiter on and off.

Run by `make bench` (not part of `make test`). One run, on this machine, with every process on it: the six
services and the aggregator (`pagemesh serve`, plaintext, INFO logs, as `bench/page.py` runs them) and
`ghz` as the load generator (Go: far cheaper per call than a Python client, so the load it offers does not
itself eat the cores it measures).

1. Saturation: ghz closed-loop at concurrency 32 against the limiter-off mesh; its pages/s is 1x.
2. For each of two meshes, `PAGEMESH_CONCURRENCY_LIMIT=adaptive` and `=off`, started fresh: open-loop
   load (`ghz --async --rps`: requests leave on schedule whether or not earlier ones have answered) at
   0.5x, 1x, 1.5x, 2x and 3x, `--seconds` each, the first second of each step not measured.

Per step: goodput (pages answered OK per second), complete pages per second (goodput times the share of
pages without a degraded section in the aggregator's page log lines, matched by request id), p50/p99 of
the OK pages, the share shed (RESOURCE_EXHAUSTED from the limiter, CANCELLED from gRPC core's full queue)
and how fast sheds were answered, other failures, and CPU
per process. Prints a table, checks the targets and writes JSON (default `artifacts/bench/overload.json`).
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.page import LOAD_GENERATOR, USER_ID, Fleet, cpu_seconds, fleet, machine
from pagemesh.runtime import ChildProcess

ROOT = Path(__file__).resolve().parent.parent
GHZ = ROOT / ".tools" / "bin" / "ghz"
CALL = "pagemesh.page.v2.PageService/GetProductPage"
# ghz's templates: a different product per request (240 in the demo catalogue), one signed-in visitor.
DATA = json.dumps({"product_id": "{{printf `P%05d` (add1 (mod .RequestNumber 240))}}", "user_id": USER_ID})
MULTIPLES = (0.5, 1.0, 1.5, 2.0, 3.0)
SHED = ("ResourceExhausted", "Canceled")
"""ghz's names of the statuses of a page turned away for overload (see docs/resilience.md)."""


@dataclass
class Step:
    """The figures of one load step."""

    limiter: str
    multiple: float
    offered_per_s: float
    sent: int = 0
    ok: int = 0
    goodput_per_s: float = 0.0
    complete_per_s: float = 0.0
    """OK pages without a degraded section, per second."""
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    shed: int = 0
    """Pages turned away for overload: by the limiter (RESOURCE_EXHAUSTED) or by core (CANCELLED)."""
    refused_by_core: int = 0
    """Of those, the ones gRPC's core refused because the queue in front of the handlers was full."""
    shed_share: float = 0.0
    shed_p99_ms: float = 0.0
    shed_max_ms: float = 0.0
    shed_ms_by: dict[str, dict[str, float]] = field(default_factory=dict)
    """p50, p99 and max of the sheds' latencies, for gRPC core's refusals and the limiter's apart."""
    failed: dict[str, int] = field(default_factory=dict)
    """Other failures by status."""
    errors: dict[str, int] = field(default_factory=dict)
    """The most frequent failure messages, for the profile of a missed target."""
    degraded_sections: dict[str, int] = field(default_factory=dict)
    cpu_cores: dict[str, float] = field(default_factory=dict)
    """Cores used while measuring, per process group."""


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def ghz_command(
    address: str,
    out: Path,
    tag: str,
    seconds: float,
    *,
    rps: float | None = None,
    concurrency: int = 32,
    timeout: float = 2.0,
) -> list[str]:
    """ghz's command line for page load by reflection, each request's id `<tag>-<number>`, JSON to `out`.

    With `rps`, open loop (`--async`: requests leave on schedule whether or not earlier ones have
    answered); without, closed loop at `concurrency`.
    """
    args = [
        str(GHZ),
        "--insecure",
        "--call",
        CALL,
        "-d",
        DATA,
        "-m",
        json.dumps({"x-request-id": f"{tag}-{{{{.RequestNumber}}}}"}),
        "--timeout",
        f"{timeout:g}s",
        "-z",
        f"{seconds:g}s",
        "--connections",
        "4",
        "-O",
        "json",
        "-o",
        str(out),
    ]
    if rps is None:
        return [*args, "-c", str(concurrency), address]
    # Enough workers that no request waits for a free one, even when every call takes the whole timeout.
    workers = max(50, round(rps * timeout * 1.1))
    return [*args, "--async", "--rps", str(round(rps)), "-c", str(workers), address]


def ghz(address: str, out: Path, tag: str, seconds: float, **options: Any) -> dict[str, Any]:
    """Runs `ghz_command(...)` to its end; its JSON report, with a detail per request."""
    command = ghz_command(address, out, tag, seconds, **options)
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, timeout=seconds + 120)
    report: dict[str, Any] = json.loads(out.read_text())
    return report


def epoch(timestamp: str) -> float:
    """An RFC 3339 UTC timestamp (ghz's, with nanoseconds; or a log line's) as epoch seconds."""
    base, _, fraction = timestamp.rstrip("Z").partition(".")
    return datetime.fromisoformat(base).replace(tzinfo=UTC).timestamp() + float(f"0.{fraction or 0}")


def page_lines(log_path: Path, tag: str) -> list[dict[str, Any]]:
    """The aggregator's `page` log lines (from its log file) of the requests tagged `tag`."""
    found = []
    prefix = f"{tag}-"
    for line in log_path.read_text(errors="replace").splitlines():
        if line.startswith("{") and '"event": "page"' in line and prefix in line:
            entry = json.loads(line)
            if str(entry.get("request_id", "")).startswith(prefix):
                found.append(entry)
    return found


def measure(
    running: Fleet,
    aggregator: ChildProcess,
    *,
    limiter: str,
    multiple: float,
    rps: float,
    seconds: float,
    workdir: Path,
    settle: float = 1.0,
) -> Step:
    """One step of open-loop load at `rps`: `settle` s not measured, then `seconds` s measured."""
    tag = f"{limiter}-{multiple:g}x"
    step = Step(limiter, multiple, round(rps, 1))
    cpu_before = cpu_seconds(running.processes)
    ghz_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    # ghz runs on for the longest a call may take (its 2 s timeout) after the measured window: it cancels
    # what is still in flight when it stops, and those calls must not be counted as failures.
    report = ghz(aggregator.address, workdir / f"{tag}.json", tag, settle + seconds + 2.5, rps=rps)
    elapsed = time.monotonic() - started
    cpu_after = cpu_seconds(running.processes)
    ghz_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    details = [(epoch(d["timestamp"]), d) for d in report.get("details") or []]
    if not details:
        raise RuntimeError(f"ghz sent nothing in step {tag}: {report}")
    begin = min(sent for sent, _ in details) + settle
    end = begin + seconds
    measured = [d for sent, d in details if begin <= sent < end]
    ok = [d["latency"] / 1e6 for d in measured if d["status"] == "OK"]
    shed = [d["latency"] / 1e6 for d in measured if d["status"] in SHED]
    step.refused_by_core = sum(1 for d in measured if d["status"] == "Canceled")
    step.sent = len(measured)
    step.ok = len(ok)
    step.goodput_per_s = round(len(ok) / seconds, 1)
    step.p50_ms = round(statistics.median(ok), 2) if ok else 0.0
    step.p99_ms = round(percentile(ok, 0.99), 2)
    step.shed = len(shed)
    step.shed_share = round(len(shed) / max(1, len(measured)), 4)
    step.shed_p99_ms = round(percentile(shed, 0.99), 2)
    step.shed_max_ms = round(max(shed), 2) if shed else 0.0
    for by, status in (("core", "Canceled"), ("limiter", "ResourceExhausted")):
        kind = [d["latency"] / 1e6 for d in measured if d["status"] == status]
        if kind:
            step.shed_ms_by[by] = {
                "count": len(kind),
                "p50": round(statistics.median(kind), 2),
                "p99": round(percentile(kind, 0.99), 2),
                "max": round(max(kind), 2),
            }
    step.failed = dict(Counter(d["status"] for d in measured if d["status"] not in ("OK", *SHED)))
    messages = Counter(f"{d['status']}: {d.get('error', '')[:140]}" for d in measured if d["status"] != "OK")
    step.errors = dict(messages.most_common(4))
    time.sleep(0.6)  # page lines are written in batches, every quarter second
    # Pages the aggregator answered OK of the requests sent in the measured window: ghz numbers requests in
    # the order it sends them, at `rps` a second.
    first, last = round(settle * rps), round((settle + seconds) * rps)
    pages = [
        entry
        for entry in page_lines(aggregator.log_path, tag)
        if entry.get("code") == "OK" and first <= int(str(entry["request_id"]).rpartition("-")[2]) < last
    ]
    step.degraded_sections = dict(Counter(s for entry in pages for s in entry.get("degraded") or []))
    # The aggregator also logs pages it finished after their caller gave up, so the log gives the share of
    # complete pages, and the client's count of OK pages the rate.
    complete_share = sum(1 for entry in pages if not entry.get("degraded")) / len(pages) if pages else 0.0
    step.complete_per_s = round(step.goodput_per_s * complete_share, 1)
    groups = {"services": 0.0, "aggregator": 0.0}
    for name, after in cpu_after.items():
        if name != LOAD_GENERATOR and name in cpu_before:
            groups["aggregator" if name.startswith("aggregator") else "services"] += after - cpu_before[name]
    used_by_ghz = (ghz_after.ru_utime + ghz_after.ru_stime) - (ghz_before.ru_utime + ghz_before.ru_stime)
    step.cpu_cores = {
        **{name: round(used / elapsed, 2) for name, used in groups.items()},
        "ghz": round(used_by_ghz / elapsed, 2),
    }
    print(
        f"  limiter {limiter:<8} {multiple:>4g}x {rps:>7.0f}/s offered: goodput {step.goodput_per_s:>6.1f}/s "
        f"(complete {step.complete_per_s:>6.1f}/s)  p50 {step.p50_ms:>7.2f} ms  p99 {step.p99_ms:>7.2f} ms  "
        f"shed {step.shed_share:>6.1%} ({step.refused_by_core} by core; p99 {step.shed_p99_ms:.2f} ms, "
        f"max {step.shed_max_ms:.2f} ms; {_shed_kinds(step)})  "
        f"failed {sum(step.failed.values())}  cores {step.cpu_cores}",
        flush=True,
    )
    return step


def _shed_kinds(step: Step) -> str:
    return ", ".join(
        f"{by} {f['count']:g}: p99 {f['p99']:.2f} max {f['max']:.2f} ms" for by, f in step.shed_ms_by.items()
    )


def saturation(address: str, workdir: Path, seconds: float) -> float:
    """Pages/s at concurrency 32, closed loop: the load that saturates the machine."""
    report = ghz(address, workdir / "saturation.json", "saturation", seconds, concurrency=32)
    ok = int(report["statusCodeDistribution"].get("OK", 0))
    rate = ok / (float(report["total"]) / 1e9)
    print(f"  saturation: {rate:.1f} pages/s at concurrency 32 (closed loop)", flush=True)
    return rate


def run_mesh(
    limiter: str, rate: float | None, options: argparse.Namespace, workdir: Path
) -> tuple[float, list[Step]]:
    """Starts a fresh mesh with the limiter `adaptive` or `off`, and loads it step by step."""
    steps = []
    with fleet(options.log_level) as running:
        env = {"PAGEMESH_CONCURRENCY_LIMIT": limiter}
        backends = running.services(0, limiter, env=env)
        aggregator = running.aggregator(f"aggregator-{limiter}", {**backends, **env})
        # Warm the services' response caches and the channels (not measured).
        ghz(aggregator.address, workdir / f"warmup-{limiter}.json", f"warmup-{limiter}", 2, concurrency=8)
        if rate is None:
            rate = saturation(aggregator.address, workdir, options.saturation_seconds)
        for multiple in options.multiples:
            steps.append(
                measure(
                    running,
                    aggregator,
                    limiter=limiter,
                    multiple=multiple,
                    rps=rate * multiple,
                    seconds=options.seconds,
                    workdir=workdir,
                )
            )
    return rate, steps


def check_targets(rate: float, steps: list[Step]) -> list[str]:
    """The issue's targets, each as a line saying met or missed with the figures."""
    on = {s.multiple: s for s in steps if s.limiter == "adaptive"}
    off = {s.multiple: s for s in steps if s.limiter == "off"}
    lines = [f"1x = {rate:.1f} pages/s (closed loop, concurrency 32, limiter off)"]
    if 3.0 in on:
        peak = max(s.goodput_per_s for s in on.values())
        at3 = on[3.0].goodput_per_s
        share = at3 / peak if peak else 0.0
        lines.append(
            f"goodput at 3x >= 90% of peak, limiter on: {at3:.1f} of {peak:.1f} pages/s = {share:.0%}: "
            + ("met" if share >= 0.9 else "missed")
        )
        if 1.0 in on:
            p99_3, p99_1 = on[3.0].p99_ms, on[1.0].p99_ms
            lines.append(
                f"p99 of accepted pages at 3x <= 2x the p99 at 1x, limiter on: {p99_3:.1f} ms against "
                f"{p99_1:.1f} ms: " + ("met" if p99_3 <= 2 * p99_1 else "missed")
            )
        worst = on[3.0].shed_max_ms
        lines.append(
            f"each rejection at 3x under 5 ms: max {worst:.2f} ms, p99 {on[3.0].shed_p99_ms:.2f} ms: "
            + ("met" if worst < 5 else "missed")
        )
    if 3.0 in off:
        at3_off = off[3.0]
        lines.append(
            f"limiter off at 3x: goodput {at3_off.goodput_per_s:.1f}/s, complete pages "
            f"{at3_off.complete_per_s:.1f}/s, p99 {at3_off.p99_ms:.1f} ms, "
            f"failed {sum(at3_off.failed.values())}"
        )
    return lines


COLUMNS = (
    "limiter",
    "load",
    "offered/s",
    "goodput/s",
    "complete/s",
    "p50 ms",
    "p99 ms",
    "shed (by core)",
    "shed p99 ms",
    "shed max ms",
    "failed",
    "degraded sections",
    "cores: aggregator / services / ghz",
)


def table(steps: list[Step]) -> str:
    """The steps as a Markdown table (as docs/benchmarks.md shows them)."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "| --- | " + "---: | " * 9 + "--- | --- | --- |"]
    for s in steps:
        cores = s.cpu_cores
        cells = [
            s.limiter,
            f"{s.multiple:g}x",
            f"{s.offered_per_s:.0f}",
            f"{s.goodput_per_s:.1f}",
            f"{s.complete_per_s:.1f}",
            f"{s.p50_ms:.2f}",
            f"{s.p99_ms:.2f}",
            f"{s.shed_share:.1%} ({s.refused_by_core})",
            f"{s.shed_p99_ms:.2f}",
            f"{s.shed_max_ms:.2f}",
            ", ".join(f"{k} {v}" for k, v in sorted(s.failed.items())) or "0",
            ", ".join(f"{k} {v}" for k, v in sorted(s.degraded_sections.items())) or "-",
            " / ".join(f"{cores.get(k, 0):.2f}" for k in ("aggregator", "services", "ghz")),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=8.0, help="measured seconds per step (default 8)")
    parser.add_argument(
        "--saturation-seconds", type=float, default=6.0, help="seconds of the closed-loop saturation run"
    )
    parser.add_argument(
        "--multiples",
        type=lambda text: tuple(float(m) for m in text.split(",")),
        default=MULTIPLES,
        help="load steps as multiples of saturation (default 0.5,1,1.5,2,3)",
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=None,
        help="pages/s that count as 1x (default: measured, closed loop against the mesh without the limiter)",
    )
    parser.add_argument(
        "--limiters",
        type=lambda text: tuple(text.split(",")),
        default=("off", "adaptive"),
        help="the meshes to load, in order (default off,adaptive; with --rate, `adaptive` alone is quicker)",
    )
    parser.add_argument("--log-level", default="INFO", choices=("INFO", "WARNING"))
    parser.add_argument("--out", type=Path, default=ROOT / "artifacts" / "bench" / "overload.json")
    options = parser.parse_args(argv)
    known = set(options.limiters) <= {"off", "adaptive"}
    if not known or (options.rate is None and options.limiters[0] != "off"):
        parser.error("--limiters takes off and adaptive; without --rate, off comes first (it measures 1x)")
    if not GHZ.exists():
        print(f"overload: {GHZ} is missing; run `make setup`", file=sys.stderr)
        return 1
    print(f"pagemesh overload benchmark on {machine()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="pagemesh-overload-") as scratch:
        workdir = Path(scratch)
        rate = options.rate
        by_limiter: dict[str, list[Step]] = {}
        for limiter in options.limiters:
            rate, by_limiter[limiter] = run_mesh(limiter, rate, options, workdir)
    assert rate is not None
    steps = [*by_limiter.get("adaptive", []), *by_limiter.get("off", [])]
    targets = check_targets(rate, steps)
    report = {
        "machine": machine(),
        "saturation_pages_per_s": round(rate, 1),
        "steps": [asdict(s) for s in steps],
        "targets": targets,
    }
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(json.dumps(report, indent=2) + "\n")
    print()
    print(table(steps))
    print()
    for line in targets:
        print(line)
    print(f"\nJSON: {options.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
