"""Starting the aggregator as a real process for tests, on top of tests/harness.py."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.harness import ChildProcess, free_port, start_server

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "aggregator"


@dataclass
class Aggregator:
    """A running `pagemesh serve aggregator` and its HTTP port."""

    server: ChildProcess
    http_port: int
    backends: dict[str, ChildProcess] = field(default_factory=dict)
    """Backend processes started for this aggregator alone (e.g. a slow reviews service)."""

    @property
    def address(self) -> str:
        """Its gRPC address."""
        return self.server.address

    @property
    def base_url(self) -> str:
        """Its HTTP root."""
        return f"http://127.0.0.1:{self.http_port}"

    def get(self, path: str) -> tuple[int, dict[str, str], str]:
        """(status, headers, body) of an HTTP GET, also for error statuses."""
        try:
            with urllib.request.urlopen(self.base_url + path, timeout=10) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def stats(self) -> dict[str, Any]:
        """The aggregator's /statz."""
        status, _, body = self.get("/statz")
        assert status == 200
        result: dict[str, Any] = json.loads(body)
        return result

    def stop(self) -> None:
        """Stops it (SIGTERM, then SIGKILL)."""
        self.server.stop()


def start_aggregator(
    workdir: Path,
    backends: Mapping[str, str],
    args: Sequence[str] = (),
    name: str = "aggregator",
    deadline_ms: int = 2000,
) -> Aggregator:
    """`pagemesh serve aggregator` on free ports, calling the backends in `backends` (PAGEMESH_*_ADDR).

    The page deadline is roomy by default, so a test that expects a complete page does not fail because a
    busy machine made a healthy backend late; tests about the deadline pass their own.
    """
    port, http_port = free_port(), free_port()
    server = start_server(
        [
            "serve",
            "aggregator",
            "--port",
            str(port),
            "--http-port",
            str(http_port),
            "--deadline-ms",
            str(deadline_ms),
            *args,
        ],
        name=name,
        port=port,
        workdir=workdir,
        env=dict(backends),
    )
    return Aggregator(server, http_port)
