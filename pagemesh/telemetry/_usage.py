"""Who calls which API version: call rates per service, version, method and caller.

Two sources, one table. From a Prometheus server: the calls `pagemesh_server_calls_total` counted over
a window (see `calls_in_window`) and their average rate. Without one: each part's admin `/metrics`,
scraped once, where a counter holds the calls since that process started, so its rate is the average
since then. Either way every method a server offers is listed (from `pagemesh_api_method_info`), so a
version that nobody calls shows as such, which is the point: that is when it can go.
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field

from prometheus_client.parser import text_string_to_metric_families

from pagemesh.runtime._errors import InvalidArgumentError, UnavailableError

__all__ = [
    "Usage",
    "UsageRow",
    "parse_window",
    "render_usage",
    "rows_as_json",
    "scrape_metrics",
    "usage_from_prometheus",
    "usage_from_scrapes",
]

_CALLS = "pagemesh_server_calls"
_METHODS = "pagemesh_api_method_info"
_WINDOW = re.compile(r"^(\d+)(ms|s|m|h|d|w|y)$")
_WINDOW_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}


def parse_window(text: str) -> float:
    """Seconds in a Prometheus duration such as `1h` or `30m` (one unit, as `pagemesh usage` takes it)."""
    match = _WINDOW.match(text.strip())
    if not match or int(match.group(1)) == 0:
        raise InvalidArgumentError(f"--window {text!r} is not a duration such as 30m, 1h or 7d")
    return int(match.group(1)) * _WINDOW_SECONDS[match.group(2)]


@dataclass(frozen=True)
class UsageRow:
    """Calls to one method of one API version from one caller."""

    service: str
    """The full service name, e.g. `pagemesh.reviews.v1.ReviewService`."""
    api_version: str
    method: str
    caller: str
    calls: float
    """Calls in the window (from Prometheus) or since the server started (scraped)."""
    per_second: float


@dataclass
class Usage:
    """The table, where it came from, and what could not be read."""

    rows: list[UsageRow]
    served: set[tuple[str, str, str]]
    """(service, api version, method) of every method offered, called or not."""
    source: str
    """e.g. `Prometheus at http://...` or `admin ports (since each process started)`."""
    window: str = ""
    problems: list[str] = field(default_factory=list)


def _unversioned(service: str) -> str:
    """`pagemesh.reviews.v1.ReviewService` -> `pagemesh.reviews.ReviewService`."""
    parts = service.split(".")
    return ".".join(p for p in parts if not (p.startswith("v") and p[1:].isdigit()))


def _get(url: str, timeout: float) -> bytes:
    request = urllib.request.Request(url, headers={"Accept": "text/plain"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body: bytes = response.read()
    return body


def scrape_metrics(address: str, timeout: float = 3.0) -> str:
    """The `/metrics` text of an admin address `host:port`."""
    return _get(f"http://{address}/metrics", timeout).decode()


def usage_from_scrapes(texts: Mapping[str, str], now: float | None = None) -> Usage:
    """The usage table from the `/metrics` texts of some admin addresses (address -> text)."""
    now = time.time() if now is None else now
    totals: dict[tuple[str, str, str, str], list[float]] = {}
    served: set[tuple[str, str, str]] = set()
    for text in texts.values():
        started = now
        calls: list[tuple[tuple[str, str, str, str], float]] = []
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                labels = sample.labels
                if sample.name == "process_start_time_seconds":
                    started = sample.value
                elif sample.name == f"{_CALLS}_total":
                    key = (labels["service"], labels["api_version"], labels["method"], labels["caller"])
                    calls.append((key, sample.value))
                elif sample.name == _METHODS and sample.value:
                    served.add((labels["service"], labels["api_version"], labels["method"]))
        uptime = max(now - started, 1.0)
        for key, value in calls:
            total = totals.setdefault(key, [0.0, 0.0])
            total[0] += value
            total[1] += value / uptime
    rows = [UsageRow(*key, calls=c, per_second=r) for key, (c, r) in totals.items()]
    return Usage(rows, served, "admin ports (calls since each process started)")


def _vector(base: str, promql: str, timeout: float) -> list[tuple[dict[str, str], float]]:
    """(labels, value) of each sample of an instant query's vector."""
    url = f"{base.rstrip('/')}/api/v1/query?{urllib.parse.urlencode({'query': promql})}"
    try:
        answer = json.loads(_get(url, timeout))
    except urllib.error.HTTPError as error:
        detail = error.read().decode(errors="replace")[:200]
        raise UnavailableError(f"Prometheus at {base} refused the query ({error.code}): {detail}") from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise UnavailableError(f"cannot query Prometheus at {base}: {reason}") from None
    if not isinstance(answer, dict) or answer.get("status") != "success":
        raise UnavailableError(f"Prometheus at {base} did not answer the query: {str(answer)[:200]}")
    return [
        ({str(k): str(v) for k, v in sample["metric"].items()}, float(sample["value"][1]))
        for sample in answer["data"]["result"]
    ]


def _key(labels: Mapping[str, str]) -> tuple[str, str, str, str]:
    return (
        labels.get("service", ""),
        labels.get("api_version", ""),
        labels.get("method", ""),
        labels.get("caller", ""),
    )


def calls_in_window(window: str) -> str:
    """PromQL: calls per series of `pagemesh_server_calls_total` in the last `window`, first calls included.

    `increase()` misses the calls a series counted before Prometheus first scraped it: a caller's series
    is born at its first call, so a client that calls v1 once in a while would never show up, and it is
    exactly the one a team retiring v1 must find. So the calls are also taken as the last value in the
    window less the value a window ago (0 for a series born since), which counts those first calls, and
    the larger of the two is kept (`increase` is right across a counter reset, the difference is not).
    """
    counter = f"{_CALLS}_total"
    difference = (
        f"clamp_min(last_over_time({counter}[{window}]) - "
        f"(({counter} offset {window}) + 0 or last_over_time({counter}[{window}]) * 0), 0)"
    )
    increase = f"increase({counter}[{window}])"
    # Element-wise max: the difference where it is larger, else increase, else the difference alone
    # (a series with one sample in the window has no increase at all).
    return f"({difference} >= {increase}) or {increase} or {difference}"


def usage_from_prometheus(base: str, window: str, timeout: float = 10.0) -> Usage:
    """The usage table over `window` from the Prometheus server at `base` (e.g. `http://127.0.0.1:9090`)."""
    seconds = parse_window(window)
    by = "service, api_version, method, caller"
    rows = [
        UsageRow(*_key(labels), calls=value, per_second=value / seconds)
        for labels, value in _vector(base, f"sum by ({by}) ({calls_in_window(window)})", timeout)
    ]
    offered = f"max by (service, api_version, method) (max_over_time({_METHODS}[{window}]))"
    served = {_key(labels)[:3] for labels, _ in _vector(base, offered, timeout)}
    return Usage(rows, served, f"Prometheus at {base}", window=window)


def _format_rate(value: float) -> str:
    return f"{value:.3f}" if value < 100 else f"{value:.0f}"


def render_usage(usage: Usage) -> list[str]:
    """The table, grouped by service (all versions together), then a verdict line per version."""
    window = f"in the last {usage.window}" if usage.window else "since start"
    lines = [f"API usage from {usage.source}" + (f", window {usage.window}" if usage.window else "")]
    services: dict[str, set[str]] = {}
    for service, _, _ in usage.served:
        services.setdefault(_unversioned(service), set()).add(service)
    for row in usage.rows:
        services.setdefault(_unversioned(row.service), set()).add(row.service)
    for group in sorted(services):
        lines.append("")
        lines.append(group)
        lines.append(f"  {'VERSION':<8} {'METHOD':<26} {'CALLER':<52} {'CALLS/S':>9} {'CALLS':>10}")
        for service in sorted(services[group]):
            version = next((r.api_version for r in usage.rows if r.service == service), "")
            version = version or next((v for s, v, _ in usage.served if s == service), "-")
            rows = sorted(
                (r for r in usage.rows if r.service == service and r.calls > 0),
                key=lambda r: (r.method, -r.calls, r.caller),
            )
            called = {r.method for r in rows}
            for row in rows:
                lines.append(
                    f"  {version:<8} {row.method:<26} {row.caller:<52} {_format_rate(row.per_second):>9} "
                    f"{row.calls:>10.0f}"
                )
            for _, _, method in sorted(m for m in usage.served if m[0] == service and m[2] not in called):
                lines.append(f"  {version:<8} {method:<26} {'(no caller)':<52} {0:>9.3f} {0:>10}")
            callers = sorted({r.caller for r in rows})
            total = sum(r.calls for r in rows)
            if callers:
                verdict = f"{total:.0f} calls {window} from {len(callers)} caller(s): {', '.join(callers)}"
            else:
                verdict = f"no calls {window}"
            lines.append(f"  {version}: {verdict}")
    for problem in usage.problems:
        lines.append(f"warning: {problem}")
    return lines


def rows_as_json(usage: Usage) -> dict[str, object]:
    """The table as JSON-ready data."""
    return {
        "source": usage.source,
        "window": usage.window or None,
        "rows": [row.__dict__ for row in usage.rows],
        "served": [{"service": s, "api_version": v, "method": m} for s, v, m in sorted(usage.served)],
        "problems": usage.problems,
    }
