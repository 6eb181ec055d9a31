"""`pagemesh up`: the whole mesh on this machine, one process per service plus the aggregator.

It starts every part as a child process on its address (defaults or `PAGEMESH_*_ADDR`), waits until
each one's health check says SERVING, prints where they are, and on Ctrl-C or SIGTERM stops them all
gracefully. Children die with it even if it is killed outright, so nothing is left behind.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType

from pagemesh.cli import ArgumentParser
from pagemesh.runtime import (
    AGGREGATOR,
    SERVICES,
    ChildProcess,
    FaultSpec,
    PagemeshError,
    Settings,
    pagemesh_command,
    spawn,
    wait_until_ready,
)
from pagemesh.security import OPERATOR, certificate_lifetime_left, identity_files, issue_certificates

__all__ = ["main", "parse_injections"]


def parse_injections(items: list[str]) -> dict[str, FaultSpec]:
    """`SERVICE:KEY=VALUE` items (SERVICE may be `all`) as a fault spec per backend service."""
    specs: dict[str, FaultSpec] = {}
    for item in items:
        target, sep, fault = item.partition(":")
        if not sep or not fault:
            raise PagemeshError(f"--inject {item!r} is not SERVICE:FAULT, e.g. reviews:latency=50")
        if target != "all" and target not in SERVICES:
            raise PagemeshError(
                f"--inject {item!r}: unknown service {target!r}; use one of {', '.join(SERVICES)} or all"
            )
        for name in SERVICES if target == "all" else (target,):
            specs[name] = specs.get(name, FaultSpec()).merged(fault)
    return specs


def build_parser() -> ArgumentParser:
    """The options of `pagemesh up`."""
    parser = ArgumentParser(
        prog="pagemesh up", description="Start all six services and the aggregator; Ctrl-C stops them."
    )
    parser.add_argument(
        "--inject",
        action="append",
        default=[],
        metavar="SERVICE:FAULT",
        help="inject a fault into a service (or all): latency=MS, error_rate=P, slow=MS@P or "
        "fail_first=N; repeatable",
    )
    parser.add_argument("--data-dir", type=Path, help="where the services keep their SQLite files and logs")
    parser.add_argument(
        "--plaintext",
        action="store_true",
        help="no mutual TLS between the parts (default: mTLS, with certificates made under the data dir)",
    )
    parser.add_argument(
        "--timeout", type=float, default=60.0, help="seconds to wait for every part to be SERVING"
    )
    return parser


def _stop_all(children: list[ChildProcess], grace: float) -> None:
    for child in children:
        if child.running():
            child.process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace + 5
    for child in children:
        try:
            child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.process.kill()
            child.process.wait()


def _last_line(child: ChildProcess) -> str:
    lines = [line for line in child.log().splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"


RENEW_WHEN_LEFT = 1 / 3
"""Certificates are renewed once less than this share of their lifetime is left."""


def _ensure_certificates(pki: Path, namespace: str) -> bool:
    """Makes the mesh's certificates if they are missing or due for renewal; True when it made them."""
    if certificate_lifetime_left(identity_files(pki, OPERATOR).certificate) > RENEW_WHEN_LEFT and all(
        certificate_lifetime_left(identity_files(pki, part).certificate) > RENEW_WHEN_LEFT
        for part in (*SERVICES, AGGREGATOR)
    ):
        return False
    issue_certificates(pki, namespace=namespace)
    return True


def _grpcurl_hint(pki: Path, address: str, secure: bool) -> str:
    if not secure:
        return f"grpcurl -plaintext {address} list"
    files = identity_files(pki, OPERATOR)
    return (
        f"grpcurl -cacert {files.ca} -cert {files.certificate} -key {files.key} "
        f"-servername {AGGREGATOR} {address} list"
    )


def main(argv: list[str]) -> int:
    """Runs `pagemesh up` and returns its exit code."""
    options = build_parser().parse_args(argv)
    try:
        settings = Settings.from_environment()
        injections = parse_injections(options.inject)
    except PagemeshError as error:
        print(f"pagemesh up: {error}", file=sys.stderr)
        return 1
    data_dir = options.data_dir or settings.data_dir
    log_dir = data_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env["PAGEMESH_DATA_DIR"] = str(data_dir)
    # mTLS unless asked otherwise, by the flag or an explicit PAGEMESH_TLS in the environment.
    tls = "plaintext" if options.plaintext else os.environ.get("PAGEMESH_TLS", "mtls")
    pki = (settings.pki_dir or data_dir / "pki").resolve()
    env["PAGEMESH_TLS"] = tls
    env["PAGEMESH_PKI_DIR"] = str(pki)
    if tls == "mtls":
        try:
            _ensure_certificates(pki, settings.namespace)
        except PagemeshError as error:
            print(f"pagemesh up: {error.message}", file=sys.stderr)
            return 1
    env.update({f"PAGEMESH_{name.upper()}_ADDR": address for name, address in settings.addresses.items()})
    parts = list(SERVICES)
    if importlib.util.find_spec("aggregator.cli") is not None:
        parts.append(AGGREGATOR)

    stop_requested: list[int] = []

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop_requested.append(signum)

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)

    children: list[ChildProcess] = []
    try:
        for name in parts:
            args = ["serve", name]
            for fault in injections.get(name, FaultSpec()).as_arguments():
                args += ["--inject", fault]
            children.append(
                spawn(
                    pagemesh_command(args),
                    name=name,
                    address=settings.addresses[name],
                    log_path=log_dir / f"{name}.log",
                    env=env,
                    admin_address=settings.admin_address(name),
                )
            )
        deadline = time.monotonic() + options.timeout
        for child in children:
            if stop_requested:
                return 0
            if not wait_until_ready(child.admin_address, deadline, child.running):
                reason = (
                    f"exited with code {child.process.returncode}: {_last_line(child)}"
                    if not child.running()
                    else f"was not SERVING within {options.timeout:g} s (log: {child.log_path})"
                )
                print(f"pagemesh up: {child.name} on {child.address} {reason}", file=sys.stderr)
                return 1
        print(f"{'PART':<16} {'ADDRESS':<22} FAULTS")
        for child in children:
            fault_text = " ".join(injections.get(child.name, FaultSpec()).as_arguments()) or "-"
            print(f"{child.name:<16} {child.address:<22} {fault_text}")
        if AGGREGATOR in parts:
            print(f"{'page (HTTP)':<16} http://{settings.http_address}/")
        print(f"all {len(children)} parts SERVING; logs in {log_dir}/; Ctrl-C stops the mesh")
        if tls == "mtls":
            print(f"mutual TLS is on (certificates in {pki}/); call a part as the operator with:")
        print(f"  {_grpcurl_hint(pki, settings.addresses[AGGREGATOR], tls == 'mtls')}", flush=True)
        next_renewal_check = time.monotonic() + 60
        while not stop_requested:
            if tls == "mtls" and time.monotonic() >= next_renewal_check:
                next_renewal_check = time.monotonic() + 60
                if _ensure_certificates(pki, settings.namespace):
                    print("certificates renewed; every part picks them up without a restart", flush=True)
            for child in children:
                if not child.running():
                    print(
                        f"pagemesh up: {child.name} exited with code {child.process.returncode}: "
                        f"{_last_line(child)}; stopping the mesh",
                        file=sys.stderr,
                    )
                    return 1
            time.sleep(0.2)
        print("stopping the mesh", flush=True)
        return 0
    finally:
        _stop_all(children, settings.grace_seconds)
