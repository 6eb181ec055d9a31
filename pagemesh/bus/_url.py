"""`PAGEMESH_BUS` URLs: which backend, where it is, who we are to it, and the bus's tuning options.

    sqlite:///abs/path/bus.sqlite3      one WAL file shared by the processes of one host (the default)
    redis://[user:password@]host:port[/db]
    kafka://[user:password@]host:port[,host:port...]   with a user: SASL/SCRAM-SHA-256 (no TLS)
    none                                no bus: pages publish nothing and services consume nothing

Options go in the query string of any of them, e.g. `redis://127.0.0.1:6379/0?max_attempts=3&lease=5`:

- `max_attempts` (5): how many times a consumer's handler may fail on one event before it is
  dead-lettered;
- `lease` (30): seconds a consumer owns events it fetched; after that, events it has not acknowledged
  (it died) are handed to another consumer of its group (SQLite lease, Redis `XAUTOCLAIM` idle time;
  Kafka's own session timeout does this there);
- `batch` (256): the most events fetched at once;
- `maxlen` (1000000): about how many events each topic keeps (SQLite, Redis `MAXLEN ~`);
- `partitions` (4): partitions of a topic the Kafka backend creates;
- `gather` (5) and `linger` (0.025): after a batch smaller than `gather`, a consumer (and a producer's
  relay) waits about as long as the missing events take to arrive at the recent rate, at most `linger`
  seconds, so that at a trickle each fetch, store transaction and acknowledgement serves several events
  (`pagemesh.bus._linger`); it adds at most `linger` to an event's delivery time, and a few
  milliseconds at 1,000 events a second;
- `pressure` (8): while the host's CPUs are contended (Linux's pressure stall information: the share of
  time some task waited for a CPU, above 0.2), `gather` and `linger` grow with it, up to this many times
  when some task always waits, so the bus takes less of a busy host's CPU (larger batches) for later
  delivery (at most `linger` times `pressure`); 1 turns it off.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from pagemesh.bus._errors import BusConfigError

__all__ = ["KINDS", "BusOptions", "BusUrl", "parse_bus_url"]

KINDS = ("sqlite", "redis", "kafka")
"""The backends, as `pagemesh up --bus` names them."""


@dataclass(frozen=True)
class BusOptions:
    """Tuning that every backend reads (see the module docstring for each option)."""

    max_attempts: int = 5
    lease: float = 30.0
    batch: int = 256
    maxlen: int = 1_000_000
    partitions: int = 4
    gather: int = 5
    linger: float = 0.025
    pressure: float = 8.0


_MINIMUMS: dict[str, float] = {
    "max_attempts": 1,
    "lease": 0.1,
    "batch": 1,
    "maxlen": 1000,
    "partitions": 1,
    "gather": 1,
    "linger": 0.0,
    "pressure": 1.0,
}


def _options(query: str, url: str) -> BusOptions:
    known = {f.name: f.type for f in fields(BusOptions)}
    values: dict[str, float | int] = {}
    for key, value in urllib.parse.parse_qsl(query, keep_blank_values=True):
        if key not in known:
            raise BusConfigError(
                f"bus URL {url!r}: unknown option {key!r}; known: {', '.join(sorted(known))}"
            )
        try:
            number: float | int = float(value) if known[key] == "float" else int(value)
        except ValueError:
            raise BusConfigError(f"bus URL {url!r}: option {key}={value!r} is not a number") from None
        if number < _MINIMUMS[key]:
            raise BusConfigError(f"bus URL {url!r}: option {key} must be at least {_MINIMUMS[key]:g}")
        values[key] = number
    return replace(BusOptions(), **values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class BusUrl:
    """A parsed bus URL. `text` is what was given; `str()` hides the password."""

    kind: str
    """`sqlite`, `redis`, `kafka`, or `none`."""
    text: str = field(repr=False)
    path: Path | None = None
    """The SQLite file."""
    hosts: tuple[tuple[str, int], ...] = ()
    """Redis's host (one) or Kafka's bootstrap servers."""
    db: int = 0
    """Redis's database number."""
    username: str = ""
    password: str = field(default="", repr=False)
    options: BusOptions = field(default_factory=BusOptions)

    def __str__(self) -> str:
        if not self.password:
            return self.text
        return self.text.replace(f":{urllib.parse.quote(self.password, safe='')}@", ":****@", 1).replace(
            f":{self.password}@", ":****@", 1
        )

    @property
    def enabled(self) -> bool:
        """False for `none`."""
        return self.kind != "none"

    @property
    def bootstrap(self) -> str:
        """`host:port,...` as Kafka clients take it."""
        return ",".join(f"{host}:{port}" for host, port in self.hosts)


def _host_port(text: str, url: str, default_port: int) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep:
        host, port = text, str(default_port)
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise BusConfigError(f"bus URL {url!r}: {text!r} is not HOST:PORT")
    return host.strip("[]"), int(port)


def parse_bus_url(text: str) -> BusUrl:
    """Parses a bus URL (see the module docstring); a malformed one is a `BusConfigError`."""
    text = text.strip()
    if text.lower() in ("none", "off"):
        return BusUrl("none", text)
    scheme, sep, rest = text.partition("://")
    if not sep or scheme not in KINDS:
        raise BusConfigError(
            f"bus URL {text!r} must start with sqlite://, redis:// or kafka:// (or be `none`), "
            "e.g. sqlite:///var/bus.sqlite3"
        )
    location, _, query = rest.partition("?")
    options = _options(query, text)
    if scheme == "sqlite":
        if not location.startswith("/"):
            raise BusConfigError(f"bus URL {text!r}: a SQLite bus needs an absolute path, sqlite:///abs/path")
        return BusUrl("sqlite", text, path=Path(urllib.parse.unquote(location)), options=options)
    userinfo, at, hostpart = location.rpartition("@")
    hostpart, _, path = hostpart.partition("/")
    if not hostpart:
        raise BusConfigError(f"bus URL {text!r} names no host")
    username, _, password = userinfo.partition(":") if at else ("", "", "")
    if scheme == "redis":
        if path and not path.isdigit():
            raise BusConfigError(f"bus URL {text!r}: the Redis database must be a number, got {path!r}")
        return BusUrl(
            "redis",
            text,
            hosts=(_host_port(hostpart, text, 6379),),
            db=int(path or 0),
            username=urllib.parse.unquote(username),
            password=urllib.parse.unquote(password),
            options=options,
        )
    hosts = tuple(_host_port(part, text, 9092) for part in hostpart.split(",") if part)
    if bool(username) != bool(password):
        raise BusConfigError(
            f"bus URL {text!r}: a Kafka user needs a password (kafka://USER:PASSWORD@HOST:PORT)"
        )
    return BusUrl(
        "kafka",
        text,
        hosts=hosts,
        username=urllib.parse.unquote(username),
        password=urllib.parse.unquote(password),
        options=options,
    )
