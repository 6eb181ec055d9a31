"""The `pagemesh` console script: one command, with a subcommand per part of the mesh.

Each subcommand lives in the part it belongs to and is imported only when run, so `pagemesh compat`
does not pay for starting gRPC servers and `pagemesh up` does not load the compiler.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from pagemesh.runtime import die_with_parent, parent_pid
from pagemesh.version import __version__


class ArgumentParser(argparse.ArgumentParser):
    """argparse for pagemesh's subcommands: a usage error is one line on stderr and exit code 1."""

    def error(self, message: str) -> NoReturn:
        self.exit(1, f"{self.prog}: {message} (see `{self.prog} --help`)\n")


# subcommand -> (module with `main(argv: list[str]) -> int`, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "up": ("pagemesh.up", "start all six services and the aggregator, wait until healthy"),
    "restart": ("pagemesh.restart", "rolling restart of a part of a running `pagemesh up`, or of all"),
    "serve": ("services.cli", "run one service"),
    "db": ("services.db_cli", "migrate or seed the services' databases, or show their schema versions"),
    "compat": ("compat.cli", "check proto contracts for breaking changes"),
    "sdk": ("sdkgen.cli", "regenerate the Go SDK's committed code from proto/"),
    "page": ("aggregator.page_cli", "fetch one product page through the aggregator"),
    "events": ("pagemesh.bus.cli", "the event bus: register schemas, tail events, lag, dead letters"),
    "certs": ("pagemesh.security.cli", "make or rotate the mesh's CA and per-identity certificates"),
    "trace": ("pagemesh.telemetry.trace_cli", "draw a page's trace as a waterfall (REQUEST_ID or latest)"),
    "usage": ("pagemesh.telemetry.usage_cli", "who still calls each API version, per method and caller"),
}


def _usage() -> str:
    lines = ["usage: pagemesh COMMAND [ARGS...]", "", "commands:"]
    lines += [f"  {name:<8} {help_text}" for name, (_, help_text) in COMMANDS.items()]
    lines += ["", "Run `pagemesh COMMAND --help` for a command's options."]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Runs one subcommand and returns its exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print(_usage())
        return 0 if args else 1
    if args[0] == "--version":
        print(f"pagemesh {__version__}")
        return 0
    parent = parent_pid()
    if parent is not None:
        die_with_parent(parent)
    name, rest = args[0], args[1:]
    if name not in COMMANDS:
        print(f"pagemesh: unknown command {name!r}; run `pagemesh --help` for the list", file=sys.stderr)
        return 1
    module = importlib.import_module(COMMANDS[name][0])
    run: Callable[[list[str]], int] = module.main
    try:
        return run(rest)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
