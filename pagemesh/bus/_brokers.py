"""Private brokers: a Redis or a Kafka that pagemesh starts itself, for `pagemesh up --bus` and the tests.

Each runs under a data directory of its own (kept across restarts: Redis's append-only file, Kafka's
log), listens on 127.0.0.1 only, on a free port unless one is given, and dies with the process that
started it (`tied_command`). Start them from the main thread.

`start_private_bus(kind, data_dir)` is the entry point: it starts the broker (none for SQLite), waits
until it really works (Redis answers PING; Kafka acknowledged a produce), registers the mesh's event
schemas, and returns a `RunningBus` that hands each part its own bus URL.

The private Redis has one ACL user per part (config-file `user` lines with SHA-256 password hashes;
passwords are new at every start and given to each part in its `PAGEMESH_BUS`). A Redis that pagemesh
does not start (Kubernetes, a managed one) gets the same users: `redis_acl` renders the same lines for an
ACL file and `redis_url` each part's URL (`pagemesh events users` writes both):

- `operator` (people's tools, `pagemesh events ...`): everything;
- `registry` (registers schemas): `XADD` and `XRANGE` on the registry stream only;
- each producer (the aggregator): `XADD` to the event streams, plus `XINFO GROUPS` and `XPENDING` for
  the lag in its `/statz` (counts, never contents), and `XRANGE` on the registry to check its schemas;
- each consuming service: only through its consumer group (`XGROUP CREATE`, `XREADGROUP`, `XACK`,
  `XAUTOCLAIM`, `XPENDING`) on the event streams, and `XADD` to its own dead-letter stream. Redis ACLs
  cannot name a consumer group, so a consumer user could name another group; it can never add events
  nor read a stream outside a group;
- `default`: no login (`off`), but every permission, for Redis's replay of its append-only file (see
  `redis_acl`).

The private Kafka has the same users, logging in with SASL/SCRAM-SHA-256 on its clients' listener, and
ACLs under `StandardAuthorizer` (nothing is allowed that no ACL allows); Kafka's ACLs can name a group,
so a consumer may use its own group only (`pagemesh.bus._kafka_users` has the table). The broker itself
logs in with SASL/PLAIN on its inter-broker and controller listeners as `broker`, a super user whose
password is new at every start and written only in its properties file (0600): as that user pagemesh
sets every user's password (new at every start, like Redis's), replaces their ACLs and creates the
mesh's topics, so a start on a kept data directory needs none of the old passwords. Every listener is on
127.0.0.1, so none has TLS. `pagemesh events users --kind kafka` writes the same set-up for a Kafka that
pagemesh does not start.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import secrets
import shutil
import signal
import subprocess
import time
import urllib.parse
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pagemesh.bus._backend import Record
from pagemesh.bus._bus import Bus
from pagemesh.bus._errors import BrokerStartError, BusConfigError, BusError
from pagemesh.bus._kafka_users import (
    BROKER_USER,
    apply_kafka_users,
    kafka_url,
    new_passwords,
)
from pagemesh.bus._mesh import CONSUMERS, MESH_EVENT_TYPES, OPERATOR, PRODUCERS, REGISTRY_WRITER, bus_users
from pagemesh.bus._names import REDIS_DLQ_PREFIX, REDIS_REGISTRY_KEY, REDIS_STREAM_PREFIX
from pagemesh.bus._schema import Schema
from pagemesh.bus._url import KINDS, BusOptions
from pagemesh.runtime import ChildProcess, free_port, spawn, tied_command

__all__ = [
    "KAFKA_LIB",
    "OPERATOR",
    "PrivateBroker",
    "PrivateBus",
    "RunningBus",
    "new_redis_passwords",
    "redis_acl",
    "redis_url",
    "redis_users",
    "start_kafka",
    "start_private_bus",
    "start_redis",
    "write_private",
]

KAFKA_LIB = Path(__file__).resolve().parents[2] / ".tools" / "kafka" / "lib"
"""Where `make setup` puts the Kafka broker's jars."""
_START_TIMEOUT = 120.0
_KAFKA_JVM = ("-Xms128m", "-Xmx256m", "-XX:+UseG1GC", "-XX:MaxMetaspaceSize=128m")
# Clients (the parts, people's tools) authenticate with SASL/SCRAM-SHA-256 on CLIENT; the broker itself
# with SASL/PLAIN on BROKER (inter-broker) and CONTROLLER as `broker`, whose password is only in this file
# (mode 0600) and new at every start. No TLS on any of them: the broker listens on 127.0.0.1 only.
_KAFKA_PROPERTIES = """\
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:{controller_port}
listeners=CLIENT://127.0.0.1:{port},BROKER://127.0.0.1:{broker_port},CONTROLLER://127.0.0.1:{controller_port}
advertised.listeners=CLIENT://127.0.0.1:{port},BROKER://127.0.0.1:{broker_port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=BROKER
listener.security.protocol.map=CLIENT:SASL_PLAINTEXT,BROKER:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT
listener.name.client.sasl.enabled.mechanisms=SCRAM-SHA-256
listener.name.client.scram-sha-256.sasl.jaas.config={scram_jaas}
listener.name.broker.sasl.enabled.mechanisms=PLAIN
listener.name.broker.plain.sasl.jaas.config={plain_jaas}
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config={plain_jaas}
sasl.mechanism.inter.broker.protocol=PLAIN
sasl.mechanism.controller.protocol=PLAIN
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:{operator};User:{broker_user}
log.dirs={log_dir}
num.partitions=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
# The default 128 MB dedupe buffer does not fit the small heap this broker gets.
log.cleaner.dedupe.buffer.size=8388608
# Kafka 4 lingers 5 ms before writing group offset commits, which caps a consumer that commits often.
group.coordinator.append.linger.ms=0
"""


def redis_users() -> list[str]:
    """Every ACL user of the mesh's Redis (`bus_users`: the same as Kafka's)."""
    return bus_users()


def new_redis_passwords() -> dict[str, str]:
    """A new random password for each of `redis_users()`."""
    return new_passwords(redis_users())


def redis_url(user: str, password: str, host: str, port: int) -> str:
    """The bus URL of one Redis user (database 0)."""
    return f"redis://{user}:{urllib.parse.quote(password, safe='')}@{host}:{port}/0"


def redis_acl(passwords: Mapping[str, str]) -> list[str]:
    """The `user` lines of the private Redis (see the module docstring), for `passwords` by user."""

    def user(name: str, rules: str) -> str:
        digest = hashlib.sha256(passwords[name].encode()).hexdigest()
        return f"user {name} on #{digest} resetchannels {rules}"

    events = f"~{REDIS_STREAM_PREFIX}*"
    lines = [
        # No one may log in as `default` (off), yet it holds every permission: Redis 7.0 replays the
        # append-only file as `default`, and re-checks EXEC's commands against that user's ACL
        # (redis/redis#14541, fixed upstream after 7.0). Without them, every MULTI/EXEC (a relay's batch,
        # a consumer's read) was refused on reload: a restart silently lost events not yet consumed.
        "user default off resetchannels ~* &* +@all",
        user(OPERATOR, "~* &* +@all"),
        user(REGISTRY_WRITER, f"~{REDIS_REGISTRY_KEY} +xadd +xrange +ping"),
    ]
    for producer in PRODUCERS:
        lines.append(
            user(
                producer,
                f"{events} +xadd +eval +xinfo|groups +xpending +ping (~{REDIS_REGISTRY_KEY} +xrange)",
            )
        )
    for consumer in CONSUMERS:
        lines.append(
            user(
                consumer,
                f"{events} +xgroup|create +xreadgroup +xack +xautoclaim +xpending +ping "
                f"(~{REDIS_DLQ_PREFIX}{consumer} +xadd)",
            )
        )
    return lines


@dataclass
class PrivateBroker:
    """A broker process this process started, and how to start it again on the same port and data."""

    kind: str
    port: int
    data_dir: Path
    process: ChildProcess
    command: list[str] = field(repr=False)
    probe_url: str = field(repr=False)
    """A bus URL with every permission, to check that it works."""

    @property
    def log_path(self) -> Path:
        """Its output."""
        return self.process.log_path

    def running(self) -> bool:
        """Whether the process has not exited."""
        return self.process.running()

    def stop(self, signum: int = signal.SIGTERM, timeout: float = 30.0) -> None:
        """Stops it (SIGTERM lets Redis flush its append-only file and Kafka shut down cleanly)."""
        self.process.stop(signum, timeout)

    def kill(self) -> None:
        """Kills it outright (SIGKILL), as a crash would."""
        self.process.stop(signal.SIGKILL)

    def start_again(self) -> None:
        """Starts it again on the same port and data, and waits until it works."""
        if self.running():
            raise BrokerStartError(f"the {self.kind} broker on port {self.port} is still running")
        self.process = _spawn(self.command, self.kind, self.port, self.data_dir, append=True)
        _wait_ready(self)


def _spawn(
    command: list[str], kind: str, port: int, directory: Path, *, append: bool = False
) -> ChildProcess:
    log_path = directory / f"{kind}.log"
    previous = log_path.read_bytes() if append and log_path.exists() else b""
    child = spawn(
        command,
        name=kind,
        address=f"127.0.0.1:{port}",
        log_path=log_path,
        env={k: v for k, v in os.environ.items() if not k.startswith("PAGEMESH_")},
        cwd=directory,
    )
    if previous:
        # spawn() starts a fresh log; keep the earlier run's lines above the new ones.
        (directory / f"{kind}.previous.log").write_bytes(previous)
    return child


def write_private(path: Path, text: str) -> None:
    """Writes `text` (passwords) to `path`, readable by this user only, not even briefly by others."""
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as file:
        os.fchmod(file.fileno(), 0o600)
        file.write(text)


def _log_tail(path: Path, lines: int = 5) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return " | ".join(line for line in text.splitlines()[-lines:] if line.strip()) or "(empty log)"


async def _probe(url: str, kind: str) -> None:
    bus = await Bus.connect(url)
    try:
        if kind == "kafka":
            # A Kafka broker accepts connections well before it can take a write.
            await bus.backend.append([Record("_pagemesh_ready", "", b"")])
    finally:
        await bus.close()


def _wait_ready(broker: PrivateBroker, check: Callable[[], Awaitable[None]] | None = None) -> None:
    """Waits until the broker works: Redis answers PING; Kafka acknowledges a produce (or until `check`
    succeeds); kills it if it does not within the start timeout."""
    deadline = time.monotonic() + _START_TIMEOUT
    last = ""
    while time.monotonic() < deadline:
        if not broker.running():
            raise BrokerStartError(
                f"the {broker.kind} broker exited with code {broker.process.process.returncode}: "
                f"{_log_tail(broker.log_path)} (log: {broker.log_path})"
            )
        try:
            asyncio.run(asyncio.wait_for(check() if check else _probe(broker.probe_url, broker.kind), 15))
            return
        except (BusError, TimeoutError) as error:
            last = error.message if isinstance(error, BusError) else "timed out"
            time.sleep(0.2)
    broker.kill()
    raise BrokerStartError(
        f"the {broker.kind} broker did not work within {_START_TIMEOUT:g} s ({last}); log: {broker.log_path}"
    )


def _program(name: str, hint: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BrokerStartError(f"{name} is not installed: {hint}")
    return path


def start_redis(data_dir: Path, port: int | None = None) -> tuple[PrivateBroker, dict[str, str]]:
    """A private Redis under `data_dir/redis`, and each ACL user's password (new at every start)."""
    directory = (data_dir / "redis").resolve()
    directory.mkdir(parents=True, exist_ok=True)
    server = _program("redis-server", "run `make setup` (it installs Debian's redis-server)")
    port = port or free_port()
    passwords = new_redis_passwords()
    config = directory / "redis.conf"
    lines = [
        f"port {port}",
        "bind 127.0.0.1",
        f"dir {directory}",
        'logfile ""',
        "daemonize no",
        'save ""',
        # Streams survive a restart; at most a second of writes is lost to a crash of the machine.
        "appendonly yes",
        "appendfsync everysec",
        *redis_acl(passwords),
    ]
    write_private(config, "\n".join(lines) + "\n")
    command = tied_command([server, str(config)])
    broker = PrivateBroker(
        "redis",
        port,
        directory,
        _spawn(command, "redis", port, directory),
        command,
        redis_url(OPERATOR, passwords[OPERATOR], "127.0.0.1", port),
    )
    _wait_ready(broker)
    return broker, passwords


def start_kafka(data_dir: Path, port: int | None = None) -> tuple[PrivateBroker, dict[str, str]]:
    """A private single-node Kafka (KRaft: broker and controller in one JVM) under `data_dir/kafka`, its
    users, ACLs and topics set up (`pagemesh.bus._kafka_users`), and each user's password (new at every
    start: the ones of an earlier start, kept in the metadata log, are replaced)."""
    directory = (data_dir / "kafka").resolve()
    log_dir = directory / "data"
    log_dir.mkdir(parents=True, exist_ok=True)
    java = _program("java", "install a Java 17 runtime")
    if not KAFKA_LIB.is_dir():
        raise BrokerStartError(f"the Kafka jars are missing from {KAFKA_LIB}: run `make setup`")
    port = port or free_port()
    properties = directory / "server.properties"
    broker_port = free_port()
    broker_password = secrets.token_hex(16)
    plain_jaas = (
        "org.apache.kafka.common.security.plain.PlainLoginModule required "
        f'username="{BROKER_USER}" password="{broker_password}" user_{BROKER_USER}="{broker_password}";'
    )
    write_private(
        properties,
        _KAFKA_PROPERTIES.format(
            port=port,
            broker_port=broker_port,
            controller_port=free_port(),
            log_dir=log_dir,
            plain_jaas=plain_jaas,
            scram_jaas="org.apache.kafka.common.security.scram.ScramLoginModule required;",
            operator=OPERATOR,
            broker_user=BROKER_USER,
        ),
    )
    classpath = f"{KAFKA_LIB}/*"
    if not (log_dir / "meta.properties").exists():
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        formatted = subprocess.run(
            [
                java,
                "-Xmx256m",
                "-cp",
                classpath,
                "kafka.tools.StorageTool",
                "format",
                # One argument: a random ID may start with "-".
                f"--cluster-id={cluster_id}",
                "-c",
                str(properties),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if formatted.returncode != 0:
            output = [line for line in (formatted.stderr + formatted.stdout).splitlines() if line.strip()]
            raise BrokerStartError(f"formatting Kafka's storage failed: {output[-1] if output else '?'}")
    command = tied_command(
        [
            java,
            *_KAFKA_JVM,
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            "-cp",
            classpath,
            "kafka.Kafka",
            str(properties),
        ]
    )
    passwords = new_passwords(bus_users())
    broker = PrivateBroker(
        "kafka",
        port,
        directory,
        _spawn(command, "kafka", port, directory),
        command,
        kafka_url(OPERATOR, passwords[OPERATOR], "127.0.0.1", port),
    )
    # First as the broker's own super user: every user's password, the ACLs, the topics. Then as the
    # operator, which works once the broker has taken the new credentials from its metadata log.
    _wait_ready(
        broker,
        lambda: apply_kafka_users(
            f"127.0.0.1:{broker_port}", BROKER_USER, broker_password, passwords, BusOptions().partitions
        ),
    )
    _wait_ready(broker)
    return broker, passwords


@dataclass
class RunningBus:
    """The mesh's bus as `start_private_bus` left it: where it is and each part's own URL."""

    kind: str
    url: str = field(repr=False)
    """The operator's URL (every permission), for people's tools."""
    broker: PrivateBroker | None = None
    part_urls: dict[str, str] = field(default_factory=dict, repr=False)

    def url_for(self, part: str) -> str:
        """The bus URL of one part (or of the `registry` writer): its own user's on Redis and Kafka;
        `none` for a part that uses no events."""
        return self.part_urls.get(part, "none")

    def env_for(self, part: str) -> dict[str, str]:
        """The environment a part needs for the bus."""
        return {"PAGEMESH_BUS": self.url_for(part)}

    def describe(self) -> str:
        """One line for people: the backend, where it is and where its data is."""
        if self.broker is None:
            return f"{self.kind} {self.url}"
        operator_file = self.broker.data_dir / "operator.url"
        write_private(operator_file, self.url + "\n")
        return (
            f"{self.kind} on 127.0.0.1:{self.broker.port} (data in {self.broker.data_dir}); "
            f"for `pagemesh events`: export PAGEMESH_BUS=$(cat {operator_file})"
        )

    def stop(self) -> None:
        """Stops the private broker, if there is one."""
        if self.broker is not None:
            self.broker.stop()


async def _register(url: str) -> None:
    bus = await Bus.connect(url)
    try:
        for event_type in MESH_EVENT_TYPES:
            await bus.registry.register(Schema.of(event_type))
    finally:
        await bus.close()


def start_private_bus(kind: str, data_dir: Path, *, port: int | None = None) -> RunningBus:
    """The mesh's bus of `kind` with its data in `data_dir`: a private broker for Redis and Kafka, the
    file `data_dir/bus.sqlite3` for SQLite; the mesh's event schemas registered (as the `registry` user)."""
    if kind not in KINDS:
        raise BusConfigError(f"unknown bus {kind!r}; use one of {', '.join(KINDS)}")
    users = [*PRODUCERS, *CONSUMERS, REGISTRY_WRITER]
    if kind == "sqlite":
        url = f"sqlite:///{(data_dir / 'bus.sqlite3').resolve()}"
        running = RunningBus(kind, url, None, dict.fromkeys(users, url))
    elif kind == "redis":
        broker, passwords = start_redis(data_dir, port)
        urls = {user: redis_url(user, passwords[user], "127.0.0.1", broker.port) for user in users}
        running = RunningBus(kind, broker.probe_url, broker, urls)
    else:
        broker, passwords = start_kafka(data_dir, port)
        urls = {user: kafka_url(user, passwords[user], "127.0.0.1", broker.port) for user in users}
        running = RunningBus(kind, broker.probe_url, broker, urls)
    try:
        asyncio.run(_register(running.url_for(REGISTRY_WRITER)))
    except BaseException:
        running.stop()
        raise
    return running


class PrivateBus:
    """The bus as a dependency of `pagemesh up` (`pagemesh.managed.ManagedDependency`), for `--bus KIND`.

    Each part gets its own bus URL (`environment_for`): its own user's on Redis and Kafka, `none` for a
    part that neither publishes nor consumes events.
    """

    name = "bus"

    def __init__(self, kind: str, data_dir: Path) -> None:
        self.kind = kind
        self.data_dir = data_dir
        self.running: RunningBus | None = None

    def start(self) -> None:
        self.running = start_private_bus(self.kind, self.data_dir)

    def environment(self) -> Mapping[str, str]:
        # Nothing shared: every process learns its own bus URL alone (environment_for).
        return {}

    def environment_for(self, part: str) -> Mapping[str, str]:
        """The variables of one part: its `PAGEMESH_BUS`."""
        return self.running.env_for(part) if self.running else {}

    def describe(self) -> str:
        return self.running.describe() if self.running else f"{self.kind} (not started)"

    def stop(self) -> None:
        if self.running is not None:
            self.running.stop()
