"""A private PostgreSQL server under a directory: what `pagemesh up --store postgres` and the tests run.

`initdb` once (superuser `pagemesh_admin`, password authentication), then `pg_ctl start` on a free port,
listening only on a UNIX socket in the cluster's own directory; `stop()` shuts it down. When this runs as
root, the server runs as the `postgres` system user (PostgreSQL refuses to run as root), which then owns
the cluster directory. `provision(spec)` gives a service its own database and two roles:

- `pagemesh_<service>_owner` owns the database and its tables: migrations and the demo seed run as it;
- `pagemesh_<service>`, the role the service runs as: it may connect to its own database only, read its
  tables (and change rows, for a service that writes), and never change the schema.

Other roles get nothing: CONNECT is revoked from PUBLIC, so the reviews role cannot even open the product
database. Passwords are generated once and kept in `passwords.json` (mode 0600) beside the data.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shlex
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pagemesh.runtime import DatabaseUrl, free_port, parse_database_url
from pagemesh.storage._errors import StoreError
from pagemesh.storage._postgres import connect_postgres, migrate_postgres, seed_postgres
from pagemesh.storage._spec import StoreSpec

__all__ = ["ADMIN_ROLE", "PostgresCluster", "ServiceDatabase", "postgres_bin_dir"]

ADMIN_ROLE = "pagemesh_admin"
_SYSTEM_USER = "postgres"
_SOCKET_PATH_LIMIT = 100
"""A UNIX socket path (`<dir>/.s.PGSQL.<port>`) must fit in 107 bytes."""


def postgres_bin_dir() -> Path:
    """The folder with `initdb` and `pg_ctl`: on PATH, else Debian's newest `/usr/lib/postgresql/N/bin`."""
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).resolve().parent
    installed = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name)
    )
    if not installed:
        raise StoreError("PostgreSQL is not installed (no pg_ctl): run `make setup`, which installs it")
    return installed[-1].parent


@dataclass(frozen=True)
class ServiceDatabase:
    """A service's database on a cluster: where it connects, and where its migrations connect."""

    service: str
    url: DatabaseUrl
    """As the service's own role."""
    owner_url: DatabaseUrl
    """As the owner role (schema changes and seeding)."""


class PostgresCluster:
    """A PostgreSQL server of its own under `root` (data, socket, log and passwords)."""

    def __init__(self, root: Path, bin_dir: Path | None = None) -> None:
        self.root = root.resolve()
        self.data = self.root / "data"
        self.socket_dir = self.root / "run"
        self.log_path = self.root / "server.log"
        self.port = 0
        self._bin = bin_dir
        self._as_root = os.geteuid() == 0

    # -- the server ---------------------------------------------------------------------------------

    def _command(self, tool: str, *args: str) -> list[str]:
        bin_dir = self._bin or postgres_bin_dir()
        command = [str(bin_dir / tool), *args]
        return ["runuser", "-u", _SYSTEM_USER, "--", *command] if self._as_root else command

    def _run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            self._command(tool, *args), capture_output=True, text=True, check=False, timeout=120
        )
        if check and result.returncode != 0:
            output = (result.stderr or result.stdout).strip().splitlines()
            raise StoreError(
                f"PostgreSQL {tool} failed in {self.root}: {output[-1] if output else 'no output'}"
                + (f" (server log: {self.log_path})" if tool == "pg_ctl" else "")
            )
        return result

    def _prepare_root(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if len(str(self.socket_dir)) + len("/.s.PGSQL.65535") > _SOCKET_PATH_LIMIT:
            raise StoreError(
                f"the PostgreSQL socket path under {self.root} would be too long for a UNIX socket; "
                "use a shorter data directory"
            )
        self.socket_dir.mkdir(exist_ok=True)
        if self._as_root:
            for path in (self.root, self.socket_dir):
                shutil.chown(path, _SYSTEM_USER, _SYSTEM_USER)
            probe = subprocess.run(
                ["runuser", "-u", _SYSTEM_USER, "--", "test", "-w", str(self.root)], check=False
            )
            if probe.returncode != 0:
                raise StoreError(
                    f"the postgres system user cannot reach {self.root} (a parent folder is private); "
                    "use a data directory outside it"
                )

    def _passwords(self) -> dict[str, str]:
        path = self.root / "passwords.json"
        if path.exists():
            stored: dict[str, str] = json.loads(path.read_text())
            return stored
        return {}

    def password(self, role: str) -> str:
        """The role's password, generated (and kept) on first use."""
        passwords = self._passwords()
        if role not in passwords:
            passwords[role] = secrets.token_urlsafe(24)
            path = self.root / "passwords.json"
            path.touch(mode=0o600, exist_ok=True)
            path.chmod(0o600)
            path.write_text(json.dumps(passwords, indent=2) + "\n")
        return passwords[role]

    def initialized(self) -> bool:
        """Whether `initdb` has made the data directory."""
        return (self.data / "PG_VERSION").exists()

    def init(self) -> None:
        """Runs `initdb` unless done before (about a second)."""
        self._prepare_root()
        if self.initialized():
            return
        pwfile = self.root / "initdb.pw"
        pwfile.write_text(self.password(ADMIN_ROLE) + "\n")
        if self._as_root:
            shutil.chown(pwfile, _SYSTEM_USER, _SYSTEM_USER)
        try:
            self._run(
                "initdb",
                "-D",
                str(self.data),
                "-U",
                ADMIN_ROLE,
                "--auth=scram-sha-256",
                f"--pwfile={pwfile}",
                "--encoding=UTF8",
                "--no-locale",
            )
        finally:
            pwfile.unlink(missing_ok=True)

    def running(self) -> bool:
        """Whether a server runs on the data directory."""
        return (
            self.initialized()
            and self._run("pg_ctl", "status", "-D", str(self.data), check=False).returncode == 0
        )

    def start(self, port: int | None = None) -> None:
        """Starts the server on `port` (default: a free one), socket only; a stale server is stopped first."""
        self.init()
        if self.running():
            self.stop()
        self.port = port or free_port()
        options = " ".join(
            shlex.quote(option)
            for option in (
                "-p",
                str(self.port),
                "-k",
                str(self.socket_dir),
                "-c",
                "listen_addresses=",
                "-c",
                "max_connections=200",
                # A crash may lose the last few commits, never consistency: a fair trade for a dev cluster.
                "-c",
                "synchronous_commit=off",
            )
        )
        self._run(
            "pg_ctl", "start", "-D", str(self.data), "-l", str(self.log_path), "-w", "-t", "60", "-o", options
        )

    def attach(self) -> bool:
        """Finds the port of a server already running on the data directory (started by another
        process, e.g. `pagemesh up --store postgres`); False when none runs."""
        if not self.running():
            return False
        # postmaster.pid: PID, data directory, start time, port, socket directory, ...
        self.port = int((self.data / "postmaster.pid").read_text().splitlines()[3])
        return True

    def stop(self, mode: str = "fast") -> None:
        """Stops the server, if it runs: `fast` ends open sessions and writes a checkpoint; `immediate`
        skips the checkpoint (recovery runs at the next start), for a cluster about to be thrown away."""
        if self.running():
            self._run("pg_ctl", "stop", "-D", str(self.data), "-m", mode, "-w", "-t", "60")

    def __enter__(self) -> PostgresCluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- roles and databases ------------------------------------------------------------------------

    def url(self, role: str, database: str) -> DatabaseUrl:
        """A URL for `role` on `database`, through the cluster's socket."""
        return parse_database_url(
            f"postgresql://{role}:{self.password(role)}@/{database}?host={self.socket_dir}&port={self.port}"
        )

    @property
    def admin_url(self) -> DatabaseUrl:
        """The superuser on the `postgres` database."""
        return self.url(ADMIN_ROLE, "postgres")

    def service_database(self, service: str) -> ServiceDatabase:
        """The URLs of a service's database (after `provision`)."""
        name = f"pagemesh_{service}"
        return ServiceDatabase(service, self.url(name, name), self.url(f"{name}_owner", name))

    def provision(self, spec: StoreSpec) -> ServiceDatabase:
        """Creates (or brings back in line) the service's roles, database and privileges; idempotent."""
        asyncio.run(self._provision(spec))
        return self.service_database(spec.service)

    def prepare(self, specs: Sequence[StoreSpec]) -> dict[str, ServiceDatabase]:
        """Provisions each service, applies its migrations and loads the demo data into empty tables."""
        databases = {spec.service: self.provision(spec) for spec in specs}

        async def migrate_and_seed() -> None:
            for spec in specs:
                owner = databases[spec.service].owner_url
                await migrate_postgres(owner, spec)
                await seed_postgres(owner, spec)

        asyncio.run(migrate_and_seed())
        return databases

    async def _provision(self, spec: StoreSpec) -> None:
        database = runtime = f"pagemesh_{spec.service}"
        owner = f"{runtime}_owner"
        admin = await connect_postgres(self.admin_url, "postgres")
        try:
            for role in (owner, runtime):
                if not await admin.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role):
                    await admin.execute(f"CREATE ROLE {role} LOGIN")
                # Passwords come from token_urlsafe: no quote can occur in them.
                await admin.execute(f"ALTER ROLE {role} LOGIN PASSWORD '{self.password(role)}'")
            if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database):
                await admin.execute(f"CREATE DATABASE {database} OWNER {owner}")
            await admin.execute(f"REVOKE ALL ON DATABASE {database} FROM PUBLIC")
            await admin.execute(f"GRANT CONNECT ON DATABASE {database} TO {runtime}")
        finally:
            await admin.close()
        in_database = await connect_postgres(self.url(ADMIN_ROLE, database), spec.service)
        rights = "SELECT, INSERT, UPDATE, DELETE" if spec.writes else "SELECT"
        try:
            async with in_database.transaction():
                await in_database.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC")
                await in_database.execute(f"GRANT USAGE ON SCHEMA public TO {runtime}")
                # Tables the owner makes later (every migration) are readable by the service at once.
                await in_database.execute(
                    f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
                    f"GRANT {rights} ON TABLES TO {runtime}"
                )
                await in_database.execute(f"GRANT {rights} ON ALL TABLES IN SCHEMA public TO {runtime}")
                if spec.writes:
                    await in_database.execute(
                        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
                        f"GRANT USAGE, SELECT ON SEQUENCES TO {runtime}"
                    )
        finally:
            await in_database.close()
