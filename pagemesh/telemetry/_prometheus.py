"""A private Prometheus server for a running mesh: `pagemesh up --prometheus`, and the tests.

`start_prometheus(data_dir, targets)` writes `<data dir>/prometheus/prometheus.yml` (one scrape job per
part, every replica's admin address a target, pagemesh's recording and alerting rules loaded), starts
Debian's `prometheus` on a free loopback port with its storage beside the configuration, and returns once
it is ready. `stop()` ends it. Nothing here listens anywhere but 127.0.0.1.
"""

from __future__ import annotations

import shutil
import signal
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from pagemesh.runtime._errors import PagemeshError
from pagemesh.runtime._process import ChildProcess, free_port, spawn

__all__ = [
    "ASSETS",
    "DASHBOARD_PATH",
    "RULES_PATH",
    "ManagedPrometheus",
    "PrometheusError",
    "RunningPrometheus",
    "scrape_configuration",
    "start_prometheus",
]

ASSETS = Path(__file__).resolve().parent / "assets"
RULES_PATH = ASSETS / "prometheus-rules.yml"
"""Recording rules and alerts for the page's error ratio and latency, the backends and the bus."""
DASHBOARD_PATH = ASSETS / "grafana-dashboard.json"
"""A Grafana dashboard: the page, the backends by API version, the bus."""


class PrometheusError(PagemeshError):
    """Prometheus is not installed, or did not start."""


@dataclass
class RunningPrometheus:
    """A Prometheus server this process started."""

    url: str
    """Its HTTP root, e.g. `http://127.0.0.1:40123`."""
    process: ChildProcess
    config_path: Path
    targets: int
    """How many admin addresses it scrapes."""

    def describe(self) -> str:
        """One line for `pagemesh up`'s table."""
        return f"{self.url}/  (scraping {self.targets} admin ports; config {self.config_path})"

    def stop(self) -> None:
        """Stops the server (SIGTERM: it flushes its storage), killing it if it does not exit."""
        self.process.stop(signal.SIGTERM, timeout=15.0)


def scrape_configuration(
    targets: Mapping[str, Sequence[str]], *, scrape_interval: float, rules: Path = RULES_PATH
) -> dict[str, object]:
    """The `prometheus.yml` content: a job per part (`job` is the part's name), its admin addresses."""
    interval = f"{max(1, round(scrape_interval))}s"
    return {
        "global": {"scrape_interval": interval, "evaluation_interval": interval},
        "rule_files": [str(rules)],
        "scrape_configs": [
            {
                "job_name": part,
                "metrics_path": "/metrics",
                "static_configs": [{"targets": list(addresses), "labels": {"mesh": "pagemesh"}}],
            }
            for part, addresses in targets.items()
        ],
    }


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/-/ready", timeout=1.0) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def start_prometheus(
    data_dir: Path,
    targets: Mapping[str, Sequence[str]],
    *,
    port: int | None = None,
    scrape_interval: float = 5.0,
    timeout: float = 60.0,
) -> RunningPrometheus:
    """Starts Prometheus scraping `targets` (part -> admin addresses) and waits until it is ready."""
    binary = shutil.which("prometheus")
    if binary is None:
        raise PrometheusError(
            "prometheus is not installed: run `make setup` (it installs Debian's prometheus)"
        )
    home = data_dir / "prometheus"
    home.mkdir(parents=True, exist_ok=True)
    config_path = home / "prometheus.yml"
    config_path.write_text(
        "# Written by pagemesh at start-up; changes are overwritten.\n"
        + yaml.safe_dump(scrape_configuration(targets, scrape_interval=scrape_interval), sort_keys=False)
    )
    port = port or free_port()
    address = f"127.0.0.1:{port}"
    # setpriv (util-linux) asks the kernel to stop Prometheus when this process dies, as pagemesh's own
    # children do for themselves, so a killed `pagemesh up` leaves no server behind.
    setpriv = shutil.which("setpriv")
    guard = [setpriv, "--pdeathsig", "TERM", "--"] if setpriv else []
    process = spawn(
        [
            *guard,
            binary,
            f"--config.file={config_path}",
            f"--storage.tsdb.path={home / 'data'}",
            f"--web.listen-address={address}",
            "--storage.tsdb.retention.time=7d",
            "--log.level=warn",
        ],
        name="prometheus",
        address=address,
        log_path=home / "prometheus.log",
        env={},
    )
    url = f"http://{address}"
    deadline = time.monotonic() + timeout
    while not _ready(url):
        if not process.running() or time.monotonic() > deadline:
            process.stop(signal.SIGKILL)
            last = process.log().strip().splitlines()[-1:] or ["(no output)"]
            raise PrometheusError(f"prometheus did not become ready on {address}: {last[0]}")
        time.sleep(0.1)
    count = sum(len(addresses) for addresses in targets.values())
    return RunningPrometheus(url=url, process=process, config_path=config_path, targets=count)


class ManagedPrometheus:
    """`pagemesh up --prometheus`: Prometheus as one of the servers `pagemesh up` manages.

    It has `pagemesh.managed.ManagedDependency`'s shape (name, start, environment, describe, stop); the
    parts need nothing from it, so `pagemesh up` starts it once their admin addresses are known.
    """

    name = "prometheus"

    def __init__(
        self, data_dir: Path, targets: Mapping[str, Sequence[str]], scrape_interval: float = 5.0
    ) -> None:
        self.data_dir = data_dir
        self.targets = {part: list(addresses) for part, addresses in targets.items()}
        self.scrape_interval = scrape_interval
        self.running: RunningPrometheus | None = None

    def start(self) -> None:
        self.running = start_prometheus(self.data_dir, self.targets, scrape_interval=self.scrape_interval)

    def environment(self) -> Mapping[str, str]:
        return {}

    def describe(self) -> str:
        return self.running.describe() if self.running is not None else "not started"

    def stop(self) -> None:
        if self.running is not None:
            self.running.stop()
            self.running = None
