"""`pagemesh usage [--prometheus URL] [--window 1h]`: who still calls each API version.

For every versioned service: the call rate per method and caller for each API version. From a Prometheus
server when one is given (rates over `--window`), else by scraping the admin port of every part of the
running mesh (addresses as `pagemesh up` uses them: `PAGEMESH_<PART>_ADDR`, replicas included), where the
figures are totals and average rates since each process started.
"""

from __future__ import annotations

import json
import sys

from pagemesh.cli import ArgumentParser
from pagemesh.runtime import PagemeshError, Settings, UnavailableError
from pagemesh.telemetry._usage import (
    parse_window,
    render_usage,
    rows_as_json,
    scrape_metrics,
    usage_from_prometheus,
    usage_from_scrapes,
)

__all__ = ["build_parser", "main"]


def build_parser() -> ArgumentParser:
    """The options of `pagemesh usage`."""
    parser = ArgumentParser(
        prog="pagemesh usage",
        description="List, for every versioned service, the call rate per method and caller for each API "
        "version: what a team needs to know before retiring v1.",
    )
    parser.add_argument(
        "--prometheus",
        metavar="URL",
        help="a Prometheus server scraping the mesh, e.g. http://127.0.0.1:9090",
    )
    parser.add_argument(
        "--window", default="1h", help="with --prometheus: the window rates are computed over (default 1h)"
    )
    parser.add_argument("--json", action="store_true", help="print the table as JSON")
    return parser


def _admin_addresses(settings: Settings) -> dict[str, str]:
    """Every part's (and replica's) admin address, by a readable name."""
    found = {}
    for part, addresses in settings.addresses.items():
        for k, address in enumerate(a.strip() for a in addresses.split(",") if a.strip()):
            found[part if k == 0 else f"{part}#{k}"] = settings.admin_address(part, address)
    return found


def main(argv: list[str]) -> int:
    """Prints the usage table; one line on stderr and exit 1 when nothing could be read."""
    parser = build_parser()
    options = parser.parse_args(argv)
    try:
        if options.prometheus:
            usage = usage_from_prometheus(options.prometheus, options.window)
        else:
            if "--window" in argv:
                parse_window(options.window)
                parser.error(
                    "--window needs --prometheus: a scraped counter only knows its total since start"
                )
            settings = Settings.from_environment()
            texts: dict[str, str] = {}
            problems = []
            for name, address in _admin_addresses(settings).items():
                try:
                    texts[address] = scrape_metrics(address)
                except OSError as error:
                    problems.append(f"{name}: no /metrics at http://{address}/metrics ({error})")
            if not texts:
                raise UnavailableError(
                    "no part of the mesh answered on its admin port (is it running? "
                    f"{problems[0] if problems else ''}); or pass --prometheus URL"
                )
            usage = usage_from_scrapes(texts)
            usage.problems.extend(problems)
    except PagemeshError as error:
        print(f"pagemesh usage: {error.message}", file=sys.stderr)
        return 1
    if options.json:
        print(json.dumps(rows_as_json(usage), indent=2))
    else:
        print("\n".join(render_usage(usage)))
    return 0
