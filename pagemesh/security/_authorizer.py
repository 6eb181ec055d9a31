"""The policy a server enforces, reloaded when its file changes.

A malformed file at start-up stops the server (its CLI prints one line and exits 1). A malformed change
while serving is logged once, as an error naming the problem, and the last good policy stays in force:
an edit that would otherwise lock everyone out, or let everyone in, never takes effect half-read.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from pagemesh.runtime._config import Settings
from pagemesh.runtime._logging import log_event
from pagemesh.security._policy import Decision, Policy, PolicyError, load_policy

__all__ = ["SHIPPED_POLICY", "Authorizer", "policy_path"]

_logger = logging.getLogger("pagemesh.authz")

SHIPPED_POLICY = Path(__file__).with_name("authz_policy.json")
"""The least-privilege policy pagemesh ships: every RPC of `proto/` is named in it."""


def policy_path(settings: Settings) -> Path | None:
    """The policy file to enforce: `PAGEMESH_AUTHZ_POLICY`, else the shipped one under mTLS, else none.

    Without mTLS callers have no identity, so a policy could only tell methods apart, not callers.
    """
    if settings.authz_policy is not None:
        return settings.authz_policy
    return SHIPPED_POLICY if settings.tls == "mtls" else None


def _file_stamp(path: Path) -> tuple[int, int, int]:
    try:
        status = os.stat(path)
    except OSError:
        return (0, 0, 0)
    return (status.st_mtime_ns, status.st_ino, status.st_size)


class Authorizer:
    """Decides each call against the current policy of one file; `dry_run` only logs what it would deny."""

    RELOAD_INTERVAL = 0.5
    """Seconds between looks at the file: a change takes effect within about this long."""

    def __init__(self, path: Path, *, dry_run: bool = False) -> None:
        self.path = path
        self.dry_run = dry_run
        self._stamp = _file_stamp(path)
        self.policy: Policy = load_policy(path)
        self._bad_stamp: tuple[int, int, int] | None = None

    def decide(
        self, names: Sequence[str], method: str, metadata: Mapping[str, str] | None = None
    ) -> Decision:
        """The current policy's decision for a caller with `names` calling `method`."""
        return self.policy.decide(names, method, metadata)

    def reload_if_changed(self) -> bool:
        """Reads the file again if it changed; True when a new policy took effect."""
        stamp = _file_stamp(self.path)
        if stamp in (self._stamp, self._bad_stamp):
            return False
        try:
            policy = load_policy(self.path)
        except PolicyError as error:
            self._bad_stamp = stamp
            log_event(
                _logger,
                logging.ERROR,
                "authorization policy not reloaded",
                path=str(self.path),
                reason=error.message,
                kept=self.policy.name,
            )
            return False
        self.policy, self._stamp, self._bad_stamp = policy, stamp, None
        log_event(
            _logger, logging.INFO, "authorization policy reloaded", path=str(self.path), name=policy.name
        )
        return True

    async def watch(self) -> None:
        """Reloads on change until cancelled."""
        while True:
            await asyncio.sleep(self.RELOAD_INTERVAL)
            self.reload_if_changed()
