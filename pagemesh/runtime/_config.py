"""Where each part of the mesh listens and keeps its data: defaults, then environment, then flags.

This is the only module that reads the process environment. Variables:

- `PAGEMESH_<COMPONENT>_ADDR`: a component's gRPC address, e.g. `PAGEMESH_REVIEWS_ADDR=127.0.0.1:6055`; it
  may list several, comma-separated (the replicas a caller balances over; a server listens on the first),
  or, for callers, be one `dns://DNS-SERVER/HOST:PORT` target resolved by that DNS server.
- `PAGEMESH_AGGREGATOR_HTTP_ADDR`: the aggregator's HTTP address.
- `PAGEMESH_<SERVICE>_DB`: a service's database: a path or `sqlite:///PATH` (a SQLite file; default
  `<data dir>/<service>.sqlite3`), or `postgresql://USER:PASSWORD@HOST:PORT/DATABASE` (a PostgreSQL
  database; `?host=/socket/dir` for a UNIX socket).
- `PAGEMESH_DATA_DIR`: the data directory (default `./var`).
- `PAGEMESH_LOG_LEVEL`: `DEBUG`, `INFO` (default), `WARNING` or `ERROR`.
- `PAGEMESH_GRACE_SECONDS`: how long in-flight calls may run on shutdown (default 5).
- `PAGEMESH_PARENT_PID`: set by `pagemesh up` and the tests for their children, which then stop when
  that parent dies.
- `PAGEMESH_<PART>_ADMIN_ADDR`: a part's admin address (plain HTTP `/healthz`, `/readyz`, `/metrics`);
  default: its gRPC port + 1000 on the same host.
- `PAGEMESH_BUS`: the event bus, `sqlite:///path` (default `<data dir>/bus.sqlite3`), `redis://host:port/db`
  or `kafka://host:port`.
- `PAGEMESH_TLS`: `mtls` (the default) or `plaintext`, how every gRPC hop is secured.
- `PAGEMESH_PKI_DIR`: the CA and each identity's certificate and key (default `<data dir>/pki`).
- `PAGEMESH_AUTHZ_POLICY`: the authorization policy file (gRFC A43 format); unset means no policy.
- `PAGEMESH_NAMESPACE`: the namespace in every identity `spiffe://pagemesh.local/ns/<namespace>/sa/<part>`.
- `PAGEMESH_CONCURRENCY_LIMIT`: how many calls a server runs at once before it sheds the rest with
  RESOURCE_EXHAUSTED: `adaptive` (default: a gradient limit that follows latency), `off`, or a number (a
  static limit).
- `PAGEMESH_METRICS`: `on` (default) or `off`: whether servers count calls and pages for `/metrics`.

OpenTelemetry's own variables, read here because they decide what pagemesh sets up (the SDK reads the
rest of its `OTEL_*` variables, e.g. exporter headers and certificates, itself):
- `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none`: no tracing at all.
- `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, else `OTEL_EXPORTER_OTLP_ENDPOINT`: spans go to this OTLP collector;
  unset, they go to JSON-lines files under `<data dir>/traces/`.
- `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`, else `OTEL_EXPORTER_OTLP_PROTOCOL`: only `grpc` is supported.
- `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG`: the standard sampler names; the default here is
  `parentbased_traceidratio` with ratio `DEFAULT_TRACES_SAMPLER_RATIO` (the SDK's own default samples every
  trace, which costs more than a mesh should pay by default).
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from pagemesh.runtime._errors import InvalidArgumentError
from pagemesh.runtime._limiter import limiter_from_setting

__all__ = [
    "ADMIN_PORT_OFFSET",
    "AGGREGATOR",
    "DATABASE_SCHEMES",
    "DEFAULT_ADDRESSES",
    "DEFAULT_HTTP_ADDRESS",
    "DEFAULT_TRACES_SAMPLER",
    "DEFAULT_TRACES_SAMPLER_RATIO",
    "SERVICES",
    "TLS_MODES",
    "TRACES_SAMPLERS",
    "DatabaseUrl",
    "Settings",
    "admin_address_for",
    "grpc_target",
    "parent_pid",
    "parse_address",
    "parse_address_list",
    "parse_database_url",
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
ADMIN_PORT_OFFSET = 1000
"""A part's admin port is its gRPC port plus this (51050-51056 for the defaults)."""
TLS_MODES = ("mtls", "plaintext")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
TRACES_SAMPLERS = (
    "always_on",
    "always_off",
    "traceidratio",
    "parentbased_always_on",
    "parentbased_always_off",
    "parentbased_traceidratio",
)
"""The standard `OTEL_TRACES_SAMPLER` names pagemesh understands."""
DEFAULT_TRACES_SAMPLER = "parentbased_traceidratio"
DEFAULT_TRACES_SAMPLER_RATIO = 0.05
"""The share of pages traced when nothing is set: see `docs/benchmarks.md` for what it costs."""
_NAMESPACE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


def parse_address(address: str) -> tuple[str, int]:
    """Splits `host:port` (or `[v6]:port`) and checks the port, so a typo fails before binding."""
    host, sep, port_text = address.rpartition(":")
    if not sep or not host or not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        raise InvalidArgumentError(f"address {address!r} is not HOST:PORT with a port from 0 to 65535")
    return host.strip("[]"), int(port_text)


def parse_address_list(text: str) -> tuple[str, ...]:
    """Comma-separated `host:port` addresses (at least one), each checked like `parse_address`.

    One `dns://DNS-SERVER/HOST:PORT` target may stand instead, for callers: its name is resolved with that
    DNS server (a server cannot listen on it).
    """
    if text.startswith("dns:"):
        if "," in text:
            raise InvalidArgumentError(f"a dns: target names one HOST:PORT, got {text!r}")
        parse_address(text.rpartition("/")[2])
        return (text,)
    addresses = tuple(part.strip() for part in text.split(",") if part.strip())
    if not addresses:
        raise InvalidArgumentError(f"address list {text!r} names no HOST:PORT")
    for address in addresses:
        parse_address(address)
    return addresses


def grpc_target(addresses: Sequence[str]) -> str:
    """The gRPC channel target for one or several `host:port` addresses.

    One address stays as it is: the DNS resolver, which finds every address of a name (as a Kubernetes
    headless Service gives) and looks again whenever a connection ends. Several addresses become one
    static `ipv4:` (or `ipv6:`) list, which needs IP literals; a caller balances over either with
    `round_robin`.
    """
    if len(addresses) == 1:
        return addresses[0]
    hosts = [parse_address(address)[0] for address in addresses]
    families = set()
    for host in hosts:
        try:
            families.add(ipaddress.ip_address(host).version)
        except ValueError:
            raise InvalidArgumentError(
                f"several addresses must be IP addresses, not names like {host!r}; "
                "for a name, give one HOST:PORT whose DNS name has several addresses"
            ) from None
    if len(families) > 1:
        raise InvalidArgumentError(f"addresses {', '.join(addresses)} mix IPv4 and IPv6")
    return f"ipv{families.pop()}:{','.join(addresses)}"


DATABASE_SCHEMES = ("sqlite", "postgresql")


@dataclass(frozen=True)
class DatabaseUrl:
    """Where a service keeps its data: a SQLite file, or a PostgreSQL database."""

    scheme: str
    """`sqlite` or `postgresql`."""
    path: Path | None = None
    """The SQLite file (None for PostgreSQL)."""
    dsn: str = ""
    """The PostgreSQL connection URL as given, password included ("" for SQLite)."""

    @property
    def redacted(self) -> str:
        """The URL to show people: a PostgreSQL password is replaced by `***`."""
        if self.path is not None:
            return f"sqlite:///{self.path}"
        parts = urlsplit(self.dsn)
        if parts.password is None:
            return self.dsn
        user = parts.username or ""
        host = parts.netloc.rpartition("@")[2]
        return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


def parse_database_url(text: str, name: str = "database URL") -> DatabaseUrl:
    """A path, `sqlite:///PATH` (SQLAlchemy's form: four slashes for an absolute path) or `postgresql://…`."""
    scheme, sep, rest = text.partition("://")
    if not sep:
        if not text.strip():
            raise InvalidArgumentError(f"{name} is empty; give a path, sqlite:///PATH or postgresql://...")
        return DatabaseUrl("sqlite", path=Path(text))
    if scheme == "sqlite":
        if not rest.startswith("/") or not rest[1:]:
            raise InvalidArgumentError(f"{name} {text!r} is not sqlite:///PATH")
        return DatabaseUrl("sqlite", path=Path(rest[1:]))
    if scheme in ("postgresql", "postgres"):
        parts = urlsplit(text)
        try:
            parts.port  # noqa: B018 - reading it checks it
        except ValueError:
            raise InvalidArgumentError(f"{name}: the port in {scheme}://... is not a number") from None
        if not parts.path.strip("/"):
            raise InvalidArgumentError(
                f"{name} names no database; use postgresql://USER:PASSWORD@HOST:PORT/DATABASE"
            )
        return DatabaseUrl("postgresql", dsn=text)
    raise InvalidArgumentError(
        f"{name} has the unknown scheme {scheme!r}; use a path, sqlite:///PATH or postgresql://..."
    )


def override_address(address: str, host: str | None = None, port: int | None = None) -> str:
    """`address` with its host and/or port replaced (as flags do), checked like `parse_address`."""
    old_host, old_port = parse_address(address)
    host = host or old_host
    port = old_port if port is None else port
    # An IPv6 host needs brackets, or its colons would read as the port's.
    joined = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    parse_address(joined)
    return joined


def admin_address_for(grpc_address: str) -> str:
    """The default admin address of a server listening for gRPC on `grpc_address`."""
    host, port = parse_address(grpc_address)
    if port == 0:
        # A server on an ephemeral port gets an ephemeral admin port too.
        return override_address(grpc_address, host, 0)
    return override_address(grpc_address, host, port + ADMIN_PORT_OFFSET)


def parent_pid(environ: Mapping[str, str] | None = None) -> int | None:
    """The PID in `PAGEMESH_PARENT_PID`: the parent this process must not outlive."""
    value = (os.environ if environ is None else environ).get("PAGEMESH_PARENT_PID", "")
    return int(value) if value.isdigit() else None


@dataclass(frozen=True)
class Settings:
    """The mesh's configuration as the environment sets it; flags override single fields."""

    addresses: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_ADDRESSES))
    """gRPC address per component (the six services and the aggregator): the first one listed."""
    address_lists: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Every address listed per component (its replicas), where more than one was given."""
    http_address: str = DEFAULT_HTTP_ADDRESS
    """The aggregator's HTTP address."""
    data_dir: Path = Path("var")
    """Where the services keep their SQLite files when no path is given."""
    databases: Mapping[str, DatabaseUrl] = field(default_factory=dict)
    """Explicit databases per service; others are SQLite files in `data_dir`."""
    log_level: str = "INFO"
    """The lowest level of log line written."""
    grace_seconds: float = 5.0
    """How long in-flight calls may run after a stop signal."""
    admin_addresses: Mapping[str, str] = field(default_factory=dict)
    """Explicit admin addresses per part; others are `admin_address_for` their gRPC address."""
    bus_url: str = ""
    """The event bus URL; empty means the default SQLite bus file in `data_dir`."""
    tls: str = "mtls"
    """`mtls` or `plaintext`: how gRPC hops are secured. Secure unless asked otherwise."""
    pki_dir: Path | None = None
    """Where the CA and identity certificates are; None means `<data_dir>/pki`."""
    authz_policy: Path | None = None
    """The authorization policy file, or None for none."""
    namespace: str = "default"
    """The namespace in every part's SPIFFE identity."""
    concurrency_limit: str = "adaptive"
    """`adaptive`, `off` or a static number: each server's limit on calls in flight (see `_limiter`)."""
    metrics: bool = True
    """Whether servers record call and page metrics for `/metrics`."""
    tracing: bool = True
    """Whether servers make OpenTelemetry spans at all."""
    otlp_endpoint: str = ""
    """The OTLP (gRPC) collector spans are sent to; empty means JSON-lines files under `data_dir/traces`."""
    traces_sampler: str = DEFAULT_TRACES_SAMPLER
    """One of `TRACES_SAMPLERS`."""
    traces_sampler_ratio: float = DEFAULT_TRACES_SAMPLER_RATIO
    """The ratio of the `*traceidratio` samplers, from 0 to 1."""

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Reads `PAGEMESH_*` variables (from `os.environ` unless another mapping is given)."""
        env = os.environ if environ is None else environ
        addresses = dict(DEFAULT_ADDRESSES)
        address_lists = {}
        for component in addresses:
            value = env.get(f"PAGEMESH_{component.upper()}_ADDR")
            if value:
                listed = parse_address_list(value)
                addresses[component] = listed[0]
                if len(listed) > 1:
                    address_lists[component] = listed
        http_address = env.get("PAGEMESH_AGGREGATOR_HTTP_ADDR") or DEFAULT_HTTP_ADDRESS
        parse_address(http_address)
        databases = {}
        for service in SERVICES:
            variable = f"PAGEMESH_{service.upper()}_DB"
            if env.get(variable):
                databases[service] = parse_database_url(env[variable], variable)
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
        admin_addresses = {}
        for component in addresses:
            value = env.get(f"PAGEMESH_{component.upper()}_ADMIN_ADDR")
            if value:
                parse_address(value)
                admin_addresses[component] = value
        tls = env.get("PAGEMESH_TLS", "mtls").lower()
        if tls not in TLS_MODES:
            raise InvalidArgumentError(f"PAGEMESH_TLS must be one of {', '.join(TLS_MODES)}, got {tls!r}")
        namespace = env.get("PAGEMESH_NAMESPACE", "default")
        if not namespace or not set(namespace) <= _NAMESPACE_CHARS or len(namespace) > 63:
            raise InvalidArgumentError(
                f"PAGEMESH_NAMESPACE {namespace!r} is not a DNS label (lower-case letters, digits and '-')"
            )
        concurrency_limit = env.get("PAGEMESH_CONCURRENCY_LIMIT", "adaptive")
        try:
            limiter_from_setting(concurrency_limit)
        except InvalidArgumentError as error:
            raise InvalidArgumentError(f"PAGEMESH_CONCURRENCY_LIMIT: {error.message}") from None
        pki_dir = env.get("PAGEMESH_PKI_DIR")
        authz_policy = env.get("PAGEMESH_AUTHZ_POLICY")
        metrics = env.get("PAGEMESH_METRICS", "on").lower()
        if metrics not in ("on", "off"):
            raise InvalidArgumentError(f"PAGEMESH_METRICS must be on or off, got {metrics!r}")
        return cls(
            addresses=addresses,
            address_lists=address_lists,
            http_address=http_address,
            data_dir=Path(env.get("PAGEMESH_DATA_DIR", "var")),
            databases=databases,
            log_level=log_level,
            grace_seconds=grace_seconds,
            admin_addresses=admin_addresses,
            bus_url=env.get("PAGEMESH_BUS", ""),
            tls=tls,
            pki_dir=Path(pki_dir) if pki_dir else None,
            authz_policy=Path(authz_policy) if authz_policy else None,
            namespace=namespace,
            concurrency_limit=concurrency_limit,
            metrics=metrics == "on",
            **_tracing_settings(env),
        )

    @property
    def traces_dir(self) -> Path:
        """Where spans are written as JSON lines when no OTLP endpoint is set."""
        return self.data_dir / "traces"

    def database(self, service: str) -> DatabaseUrl:
        """Where one service keeps its data (by default, `<data dir>/<service>.sqlite3`)."""
        return self.databases.get(service) or DatabaseUrl("sqlite", path=self.data_dir / f"{service}.sqlite3")

    def addresses_of(self, part: str) -> tuple[str, ...]:
        """Every address of a part: its replicas when several are listed, else its one address."""
        return self.address_lists.get(part) or (self.addresses[part],)

    @property
    def bus(self) -> str:
        """The event bus URL (`PAGEMESH_BUS`, or the SQLite bus file in the data directory)."""
        return self.bus_url or f"sqlite:///{(self.data_dir / 'bus.sqlite3').resolve()}"

    @property
    def pki(self) -> Path:
        """The directory with `ca.pem`, `<identity>.pem` and `<identity>-key.pem`."""
        return self.pki_dir or self.data_dir / "pki"

    def admin_address(self, part: str, grpc_address: str | None = None) -> str:
        """Where `part` serves its admin HTTP: explicit, else its gRPC port (or `grpc_address`'s) + 1000."""
        if part in self.admin_addresses:
            return self.admin_addresses[part]
        return admin_address_for(grpc_address or self.addresses[part])


def _tracing_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """The tracing fields of `Settings` from the standard `OTEL_*` variables (see the module docstring)."""
    disabled = env.get("OTEL_SDK_DISABLED", "").strip().lower() == "true"
    exporter = env.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    endpoint = (
        env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or env.get("OTEL_EXPORTER_OTLP_ENDPOINT") or ""
    ).strip()
    protocol = (
        env.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") or env.get("OTEL_EXPORTER_OTLP_PROTOCOL") or "grpc"
    ).strip()
    if endpoint and protocol != "grpc":
        raise InvalidArgumentError(
            f"OTEL_EXPORTER_OTLP_PROTOCOL {protocol!r} is not supported: pagemesh sends OTLP over gRPC "
            "(set it to grpc and point the endpoint at the collector's gRPC port, usually 4317)"
        )
    sampler = env.get("OTEL_TRACES_SAMPLER", DEFAULT_TRACES_SAMPLER).strip().lower()
    if sampler not in TRACES_SAMPLERS:
        raise InvalidArgumentError(
            f"OTEL_TRACES_SAMPLER {sampler!r} is not one of {', '.join(TRACES_SAMPLERS)}"
        )
    ratio = DEFAULT_TRACES_SAMPLER_RATIO
    ratio_text = env.get("OTEL_TRACES_SAMPLER_ARG", "").strip()
    if ratio_text and sampler.endswith("traceidratio"):
        try:
            ratio = float(ratio_text)
        except ValueError:
            ratio = -1.0
        if not 0.0 <= ratio <= 1.0:
            raise InvalidArgumentError(
                f"OTEL_TRACES_SAMPLER_ARG must be a ratio from 0 to 1 for {sampler}, got {ratio_text!r}"
            )
    return {
        "tracing": not disabled and exporter != "none",
        "otlp_endpoint": endpoint,
        "traces_sampler": sampler,
        "traces_sampler_ratio": ratio,
    }
