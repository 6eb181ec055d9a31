"""Where each part of the mesh listens and keeps its data: defaults, then environment, then flags.

This is the only module that reads the process environment. Variables:

- `PAGEMESH_<COMPONENT>_ADDR`: a component's gRPC address, e.g. `PAGEMESH_REVIEWS_ADDR=127.0.0.1:6055`.
- `PAGEMESH_AGGREGATOR_HTTP_ADDR`: the aggregator's HTTP address.
- `PAGEMESH_<SERVICE>_DB`: a service's SQLite file; default `<data dir>/<service>.sqlite3`.
- `PAGEMESH_DATA_DIR`: the data directory (default `./var`).
- `PAGEMESH_LOG_LEVEL`: `DEBUG`, `INFO` (default), `WARNING` or `ERROR`.
- `PAGEMESH_GRACE_SECONDS`: how long in-flight calls may run on shutdown (default 5).
- `PAGEMESH_PARENT_PID`: set by `pagemesh up` and the tests for their children, which then stop when
  that parent dies.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pagemesh.runtime._errors import InvalidArgumentError

__all__ = [
    "AGGREGATOR",
    "DEFAULT_ADDRESSES",
    "DEFAULT_HTTP_ADDRESS",
    "SERVICES",
    "Settings",
    "parent_pid",
    "parse_address",
]

SERVICES: tuple[str, ...] = ("product", "recommendations", "sponsored", "authors", "reviews", "history")
"""The six backend services, in the order they are started and listed."""

AGGREGATOR = "aggregator"

DEFAULT_ADDRESSES: Mapping[str, str] = {
    AGGREGATOR: "127.0.0.1:50050",
    "product": "127.0.0.1:50051",
    "recommendations": "127.0.0.1:50052",
    "sponsored": "127.0.0.1:50053",
    "authors": "127.0.0.1:50054",
    "reviews": "127.0.0.1:50055",
    "history": "127.0.0.1:50056",
}
DEFAULT_HTTP_ADDRESS = "127.0.0.1:8080"
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def parse_address(address: str) -> tuple[str, int]:
    """Splits `host:port` (or `[v6]:port`) and checks the port, so a typo fails before binding."""
    host, sep, port_text = address.rpartition(":")
    if not sep or not host or not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        raise InvalidArgumentError(f"address {address!r} is not HOST:PORT with a port from 0 to 65535")
    return host.strip("[]"), int(port_text)


def override_address(address: str, host: str | None = None, port: int | None = None) -> str:
    """`address` with its host and/or port replaced (as flags do), checked like `parse_address`."""
    old_host, old_port = parse_address(address)
    host = host or old_host
    port = old_port if port is None else port
    # An IPv6 host needs brackets, or its colons would read as the port's.
    joined = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    parse_address(joined)
    return joined


def parent_pid(environ: Mapping[str, str] | None = None) -> int | None:
    """The PID in `PAGEMESH_PARENT_PID`: the parent this process must not outlive."""
    value = (os.environ if environ is None else environ).get("PAGEMESH_PARENT_PID", "")
    return int(value) if value.isdigit() else None


@dataclass(frozen=True)
class Settings:
    """The mesh's configuration as the environment sets it; flags override single fields."""

    addresses: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_ADDRESSES))
    """gRPC address per component (the six services and the aggregator)."""
    http_address: str = DEFAULT_HTTP_ADDRESS
    """The aggregator's HTTP address."""
    data_dir: Path = Path("var")
    """Where the services keep their SQLite files when no path is given."""
    db_paths: Mapping[str, Path] = field(default_factory=dict)
    """Explicit SQLite paths per service; others live in `data_dir`."""
    log_level: str = "INFO"
    """The lowest level of log line written."""
    grace_seconds: float = 5.0
    """How long in-flight calls may run after a stop signal."""

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Reads `PAGEMESH_*` variables (from `os.environ` unless another mapping is given)."""
        env = os.environ if environ is None else environ
        addresses = dict(DEFAULT_ADDRESSES)
        for component in addresses:
            value = env.get(f"PAGEMESH_{component.upper()}_ADDR")
            if value:
                parse_address(value)
                addresses[component] = value
        http_address = env.get("PAGEMESH_AGGREGATOR_HTTP_ADDR") or DEFAULT_HTTP_ADDRESS
        parse_address(http_address)
        db_paths = {
            service: Path(env[f"PAGEMESH_{service.upper()}_DB"])
            for service in SERVICES
            if env.get(f"PAGEMESH_{service.upper()}_DB")
        }
        log_level = env.get("PAGEMESH_LOG_LEVEL", "INFO").upper()
        if log_level not in _LOG_LEVELS:
            raise InvalidArgumentError(f"PAGEMESH_LOG_LEVEL must be one of {', '.join(_LOG_LEVELS)}")
        grace_text = env.get("PAGEMESH_GRACE_SECONDS", "5")
        try:
            grace_seconds = float(grace_text)
        except ValueError:
            raise InvalidArgumentError(
                f"PAGEMESH_GRACE_SECONDS must be a number of seconds, got {grace_text!r}"
            ) from None
        return cls(
            addresses=addresses,
            http_address=http_address,
            data_dir=Path(env.get("PAGEMESH_DATA_DIR", "var")),
            db_paths=db_paths,
            log_level=log_level,
            grace_seconds=grace_seconds,
        )

    def db_path(self, service: str) -> Path:
        """The SQLite file of one service."""
        return self.db_paths.get(service, self.data_dir / f"{service}.sqlite3")
