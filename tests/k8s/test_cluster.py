"""The dev overlay on a real single-node Kubernetes cluster: whole pages through the aggregator's Service,
page views consumed through the in-cluster Redis, and no failed page while pods are deleted, every
Deployment rolls, and a backend rolls to an older (v1-only) image and back. The page load comes from this
host, through kube-proxy, to the Service's cluster IP."""

from __future__ import annotations

import json
import subprocess
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import grpc
import pytest

from pagemesh.bus import parse_bus_url
from pagemesh.events.v1 import events_pb2
from pagemesh.page.v1 import page_pb2 as page_v1
from pagemesh.page.v1 import page_pb2_grpc as page_v1_grpc
from pagemesh.page.v2 import page_pb2 as page_v2
from pagemesh.page.v2 import page_pb2_grpc as page_v2_grpc
from pagemesh.runtime import AGGREGATOR, SERVICES, Settings, Transport
from tests.k8s.cluster import Cluster
from tests.k8s.conftest import DEV_BUS, DEV_PKI

pytestmark = pytest.mark.timeout(1800)

PRODUCTS = ("P00001", "P00002", "P00003", "P00004", "P00005")
USER = "u-alice"
MESH = "app.kubernetes.io/component in (backend,aggregator)"
PAGE_TIMEOUT = 5.0


def v1_complete(page: page_v1.GetProductPageResponse) -> bool:
    return bool(
        page.product.id
        and page.author.name
        and page.reviews
        and page.recommendations
        and page.sponsored
        and page.recently_viewed
    )


def v2_complete(page: page_v2.GetProductPageResponse) -> bool:
    return bool(page.product.id and not page.degraded_sections)


@dataclass
class PageLoad:
    """Steady page load from a few threads, v1 and v2 alternating, counting failed and degraded pages.

    A page fails when the call fails or it has no product (the one required section); an optional section
    missing only degrades it.
    """

    channel: grpc.Channel
    threads: int = 2
    pause: float = 0.05
    outcomes: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _workers: list[threading.Thread] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _one(self, n: int) -> None:
        product = PRODUCTS[n % len(PRODUCTS)]
        try:
            if n % 2:
                v1 = page_v1_grpc.PageServiceStub(self.channel).GetProductPage(
                    page_v1.GetProductPageRequest(product_id=product, user_id=USER), timeout=PAGE_TIMEOUT
                )
                outcome = "complete" if v1_complete(v1) else "degraded" if v1.product.id else "failed"
            else:
                v2 = page_v2_grpc.PageServiceStub(self.channel).GetProductPage(
                    page_v2.GetProductPageRequest(product_id=product, user_id=USER), timeout=PAGE_TIMEOUT
                )
                outcome = "complete" if v2_complete(v2) else "degraded" if v2.product.id else "failed"
            detail = f"{product}: no product"
        except grpc.RpcError as error:
            outcome, detail = "failed", f"{product}: {error.code().name} {error.details()}"
        with self._lock:
            self.outcomes[outcome] += 1
            if outcome == "failed":
                self.failures.append(detail)

    def _run(self, worker: int) -> None:
        n = worker
        while not self._stop.is_set():
            self._one(n)
            n += self.threads
            time.sleep(self.pause)

    def __enter__(self) -> PageLoad:
        for worker in range(self.threads):
            thread = threading.Thread(target=self._run, args=(worker,), daemon=True)
            thread.start()
            self._workers.append(thread)
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        for thread in self._workers:
            thread.join(timeout=PAGE_TIMEOUT + 5)

    def summary(self) -> str:
        return f"{dict(self.outcomes)}; first failures: {self.failures[:5]}"


@pytest.fixture(scope="module")
def channel(cluster: Cluster) -> Iterator[grpc.Channel]:
    """A channel to the aggregator's Service, over mutual TLS as the `operator` identity."""
    operator = Transport.from_settings(Settings(tls="mtls", pki_dir=DEV_PKI), "operator")
    target = f"{cluster.service_ip(AGGREGATOR)}:50050"
    with operator.blocking_channel(target, server_name=AGGREGATOR) as opened:
        yield opened


def wait_for_complete_pages(channel: grpc.Channel, timeout: float = 120.0) -> None:
    """Waits until pages come back complete in both versions (a freshly rolled mesh warms up first)."""
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        try:
            v2 = page_v2_grpc.PageServiceStub(channel).GetProductPage(
                page_v2.GetProductPageRequest(product_id="P00001", user_id=USER), timeout=PAGE_TIMEOUT
            )
            v1 = page_v1_grpc.PageServiceStub(channel).GetProductPage(
                page_v1.GetProductPageRequest(product_id="P00001", user_id=USER), timeout=PAGE_TIMEOUT
            )
            if v2_complete(v2) and v1_complete(v1):
                return
            last = f"degraded: {list(v2.degraded_sections)}"
        except grpc.RpcError as error:
            last = f"{error.code().name}: {error.details()}"
        time.sleep(0.5)
    raise AssertionError(f"pages did not become complete within {timeout:.0f} s ({last})")


def http_get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read().decode()


def test_the_whole_page_is_complete_in_v1_and_v2_and_the_html_page_loads(
    cluster: Cluster, channel: grpc.Channel
) -> None:
    wait_for_complete_pages(channel)
    v2 = page_v2_grpc.PageServiceStub(channel).GetProductPage(
        page_v2.GetProductPageRequest(product_id="P00001", user_id=USER), timeout=PAGE_TIMEOUT
    )
    assert v2.product.id == "P00001"
    assert v2.product.price.currency_code
    assert v2.authors
    assert v2.reviews.reviews
    assert v2.recommendations
    assert v2.sponsored
    assert v2.recently_viewed
    assert list(v2.degraded_sections) == []
    v1 = page_v1_grpc.PageServiceStub(channel).GetProductPage(
        page_v1.GetProductPageRequest(product_id="P00001", user_id=USER), timeout=PAGE_TIMEOUT
    )
    assert v1.product.id == "P00001"
    assert v1.product.price > 0
    assert v1_complete(v1)

    base = f"http://{cluster.service_ip(AGGREGATOR)}:8080"
    status, html = http_get(f"{base}/products/P00001?user={USER}")
    assert status == 200
    assert "<html" in html.lower()
    assert v2.product.title in html
    assert "temporarily unavailable" not in html
    status, catalogue = http_get(f"{base}/")
    assert status == 200
    assert "P00002" in catalogue


def fetch_v2(channel: grpc.Channel, product: str, user: str = "") -> page_v2.GetProductPageResponse:
    return page_v2_grpc.PageServiceStub(channel).GetProductPage(
        page_v2.GetProductPageRequest(product_id=product, user_id=user), timeout=PAGE_TIMEOUT
    )


def events_lag(cluster: Cluster) -> list[dict[str, object]]:
    """`pagemesh events lag --json`, run in the aggregator's pod as the aggregator's own bus user (which may
    read group counts, never events)."""
    result = cluster.kubectl(
        "exec", "deployment/aggregator", "-c", AGGREGATOR, "--", "pagemesh", "events", "lag", "--json"
    )
    rows: list[dict[str, object]] = json.loads(result.stdout)
    return rows


def test_a_signed_in_page_view_is_consumed_through_redis(cluster: Cluster, channel: grpc.Channel) -> None:
    wait_for_complete_pages(channel)
    # A visitor of its own, and books the page load of the other tests never shows.
    user, first, second = f"u-k8s-{time.time_ns()}", "P00017", "P00023"
    fetch_v2(channel, first, user)
    page_v1_grpc.PageServiceStub(channel).GetProductPage(
        page_v1.GetProductPageRequest(product_id=second, user_id=user), timeout=PAGE_TIMEOUT
    )
    # The aggregator only published; history (its browsing history) and recommendations (co-views, which
    # its PostgreSQL role may now write) consumed the events from Redis, each as its own group.
    deadline = time.monotonic() + 120
    while True:
        viewed = {card.product_id for card in fetch_v2(channel, "P00001", user).recently_viewed}
        also = [card for card in fetch_v2(channel, first).recommendations if card.product_id == second]
        if {first, second} <= viewed and also:
            break
        assert time.monotonic() < deadline, f"not consumed within 120 s: viewed {viewed}, also {also}"
        time.sleep(1)
    assert "who viewed this also viewed it" in also[0].explanation
    # Both groups caught up: nothing pending on the page views' stream.
    topic = events_pb2.ProductViewed.DESCRIPTOR.full_name
    while True:
        lag = {row["group"]: row for row in events_lag(cluster) if row["topic"] == topic}
        if set(lag) == {"history", "recommendations"} and all(row["pending"] == 0 for row in lag.values()):
            break
        assert time.monotonic() < deadline, f"the groups did not catch up within 120 s: {lag}"
        time.sleep(2)
    assert all(isinstance(row["consumed"], int) and row["consumed"] >= 2 for row in lag.values()), lag


def test_each_bus_user_may_do_only_its_part(cluster: Cluster) -> None:
    (pod,) = cluster.pods("app.kubernetes.io/name=redis")
    urls = dict(line.split("=", 1) for line in (DEV_BUS / "parts.env").read_text().splitlines())
    stream = f"pagemesh:events:{events_pb2.ProductViewed.DESCRIPTOR.full_name}"

    def redis_cli(user: str, *command: str) -> str:
        password = parse_bus_url(urls[user]).password if user in urls else "none"
        # redis-cli takes the password from its environment (REDISCLI_AUTH) rather than its arguments.
        script = f'REDISCLI_AUTH="$0" redis-cli --user {user} "$@"'
        name = pod["metadata"]["name"]
        result = cluster.kubectl("exec", name, "--", "sh", "-c", script, password, *command, check=False)
        return result.stdout.strip() + result.stderr.strip()

    # A consumer may not add events, a producer may not read them, nobody logs in as `default`.
    assert "NOPERM" in redis_cli("history", "XADD", stream, "*", "e", "forged")
    assert "NOPERM" in redis_cli("aggregator", "XRANGE", stream, "-", "+", "COUNT", "1")
    assert "NOPERM" in redis_cli("registry", "XLEN", stream)
    assert redis_cli("history", "PING") == "PONG"
    refused = redis_cli("default", "PING")
    assert "WRONGPASS" in refused or "NOAUTH" in refused, refused


def test_deleting_a_backend_pod_under_load_fails_no_page(cluster: Cluster, channel: grpc.Channel) -> None:
    wait_for_complete_pages(channel)
    (old,) = cluster.pods("app.kubernetes.io/name=reviews")
    with PageLoad(channel) as load:
        time.sleep(2)
        cluster.kubectl("delete", "pod", old["metadata"]["name"], "--wait=true", timeout=120)
        cluster.rollout("reviews")
        wait_for_complete_pages(channel)
        time.sleep(2)
    assert load.outcomes["failed"] == 0, load.summary()
    assert load.outcomes["complete"] > 0, load.summary()
    (new,) = cluster.pods("app.kubernetes.io/name=reviews")
    assert new["metadata"]["uid"] != old["metadata"]["uid"]


def test_a_rolling_update_of_every_deployment_under_load_fails_no_page(
    cluster: Cluster, channel: grpc.Channel
) -> None:
    wait_for_complete_pages(channel)
    old_pods = cluster.pods(MESH)
    before = {p["metadata"]["uid"] for p in old_pods}
    with PageLoad(channel) as load:
        time.sleep(2)
        # An environment change, as a configuration rollout makes, one Deployment after another (one
        # node's two cores cannot start seven Python processes at once and still answer every page).
        change = f"PAGEMESH_ROLLOUT={time.time_ns()}"
        for part in (*SERVICES, AGGREGATOR):
            cluster.kubectl("set", "env", f"deployment/{part}", change)
            cluster.rollout(part)
        # Until every old pod has stopped: their last moments (SIGTERM, drain) are under load too.
        cluster.wait_gone(old_pods)
        wait_for_complete_pages(channel)
        time.sleep(2)
    assert load.outcomes["failed"] == 0, load.summary()
    after = {p["metadata"]["uid"] for p in cluster.pods(MESH)}
    assert not before & after, "some pods were not replaced"
    assert len(after) == 1 + len(SERVICES)


def test_a_backend_rolled_to_a_v1_only_image_keeps_pages_complete_and_rolls_back(
    cluster: Cluster, channel: grpc.Channel
) -> None:
    wait_for_complete_pages(channel)
    with PageLoad(channel) as load:
        time.sleep(2)
        current = cluster.pods("app.kubernetes.io/name=authors")
        cluster.kubectl("set", "image", "deployment/authors", "authors=localhost/pagemesh-v1only:dev")
        cluster.rollout("authors")
        cluster.wait_gone(current)
        # The older deployment answers only v1: the aggregator falls back to it and adapts the answer.
        (pod,) = cluster.pods("app.kubernetes.io/name=authors")
        logs = cluster.kubectl("logs", pod["metadata"]["name"]).stdout
        assert '"versions": "v1"' in logs
        wait_for_complete_pages(channel)
        rolled = Counter(load.outcomes)
        time.sleep(5)
        steady = load.outcomes - rolled
        older = cluster.pods("app.kubernetes.io/name=authors")
        cluster.kubectl("rollout", "undo", "deployment/authors")
        cluster.rollout("authors")
        cluster.wait_gone(older)
        wait_for_complete_pages(channel)
    assert load.outcomes["failed"] == 0, load.summary()
    assert steady["complete"] > 0, f"on the v1-only authors: {dict(steady)}"
    assert steady["degraded"] == 0, f"on the v1-only authors: {dict(steady)}"
    (pod,) = cluster.pods("app.kubernetes.io/name=authors")
    assert pod["spec"]["containers"][0]["image"] == "localhost/pagemesh:dev"


def test_a_scaled_out_backend_gets_its_share_of_calls(cluster: Cluster, channel: grpc.Channel) -> None:
    wait_for_complete_pages(channel)
    (first,) = cluster.pods("app.kubernetes.io/name=reviews")
    cluster.kubectl("scale", "deployment/reviews", "--replicas=2")
    try:
        cluster.rollout("reviews")
        (added,) = [
            p
            for p in cluster.pods("app.kubernetes.io/name=reviews")
            if p["metadata"]["uid"] != first["metadata"]["uid"]
        ]
        with PageLoad(channel) as load:
            # The aggregator resolves the headless name again when a connection ends (max connection
            # age, ~30 s), then round_robin sends the new pod its share.
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                logs = cluster.kubectl("logs", added["metadata"]["name"]).stdout
                if "/pagemesh.reviews.v2.ReviewService/ListReviews" in logs:
                    break
                time.sleep(2)
            else:
                raise AssertionError("the added reviews pod got no call within 120 s")
        assert load.outcomes["failed"] == 0, load.summary()
    finally:
        cluster.kubectl("scale", "deployment/reviews", "--replicas=1")
        cluster.rollout("reviews")


def test_every_part_logs_json_lines(cluster: Cluster) -> None:
    for part in (AGGREGATOR, *SERVICES):
        (pod,) = cluster.pods(f"app.kubernetes.io/name={part}")
        lines = cluster.kubectl("logs", pod["metadata"]["name"]).stdout.splitlines()
        assert lines, part
        entries = [json.loads(line) for line in lines]
        assert all(entry["component"] == part for entry in entries)
        assert {"time", "level", "event"} <= entries[0].keys()
        assert any(entry["event"] in ("serving", "aggregator ready") for entry in entries)


def test_every_pod_runs_restricted_as_its_own_unprivileged_user(cluster: Cluster) -> None:
    pods = cluster.pods("app.kubernetes.io/part-of=pagemesh")
    assert {p["metadata"]["labels"]["app.kubernetes.io/name"] for p in pods} >= {AGGREGATOR, *SERVICES}
    for pod in pods:
        name = pod["metadata"]["name"]
        assert all(s["ready"] for s in pod["status"]["containerStatuses"]), name
        user = cluster.kubectl("exec", name, "--", "id", "-u").stdout.strip()
        assert int(user) >= 10000, name
        # The root file system is read-only; only the mounted volumes take writes.
        probe = cluster.kubectl("exec", name, "--", "touch", "/probe", check=False)
        assert probe.returncode != 0, name
        assert "Read-only file system" in probe.stderr, name


def test_each_service_role_opens_only_its_own_database(cluster: Cluster) -> None:
    (pod,) = cluster.pods("app.kubernetes.io/name=postgres")

    def connect(role: str, password: str, database: str) -> subprocess.CompletedProcess[str]:
        command = (
            f"PGPASSWORD={password} psql -h 127.0.0.1 -U {role} -d {database} -tAc 'SELECT current_user'"
        )
        return cluster.kubectl("exec", pod["metadata"]["name"], "--", "sh", "-c", command, check=False)

    own = connect("pagemesh_reviews", "dev-reviews", "pagemesh_reviews")
    assert own.returncode == 0, own.stderr
    assert own.stdout.strip() == "pagemesh_reviews"
    other = connect("pagemesh_reviews", "dev-reviews", "pagemesh_product")
    assert other.returncode != 0
    assert 'permission denied for database "pagemesh_product"' in other.stderr
    wrong = connect("pagemesh_reviews", "not-the-password", "pagemesh_reviews")
    assert "password authentication failed" in wrong.stderr
