"""Mutual TLS and authorization on real servers over loopback: handshakes, policies, reloads, rotation."""

from __future__ import annotations

import datetime
import json
import shutil
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest

from pagemesh.authors.v2 import authors_pb2, authors_pb2_grpc
from pagemesh.page.v2 import page_pb2, page_pb2_grpc
from pagemesh.reviews.v1 import reviews_pb2 as reviews_v1
from pagemesh.reviews.v1 import reviews_pb2_grpc as reviews_v1_grpc
from pagemesh.reviews.v2 import reviews_pb2, reviews_pb2_grpc
from pagemesh.runtime import Settings, Transport, pagemesh_command
from pagemesh.security import issue_certificates, spiffe_id
from tests.aggregator.procs import start_aggregator
from tests.harness import (
    ChildProcess,
    Mesh,
    clean_environment,
    free_port,
    launch,
    log_entries,
    pki_dir,
    service_args,
    start_mesh,
    start_server,
)
from tests.tools import tool

LIST_REVIEWS = "/pagemesh.reviews.v2.ReviewService/ListReviews"


def _list_reviews(channel: grpc.Channel) -> reviews_pb2.ListReviewsResponse:
    return reviews_pb2_grpc.ReviewServiceStub(channel).ListReviews(
        reviews_pb2.ListReviewsRequest(product_id="P00002", page_size=1), timeout=5
    )


def _code(call: object) -> grpc.StatusCode:
    try:
        call()  # type: ignore[operator]
    except grpc.RpcError as error:
        return error.code()
    return grpc.StatusCode.OK


def _as(identity: str, pki: Path | None = None) -> Transport:
    return Transport.from_settings(Settings(tls="mtls", pki_dir=pki or pki_dir()), identity)


# --- handshakes -------------------------------------------------------------------------------------


def test_a_client_without_a_certificate_cannot_connect(mesh: Mesh) -> None:
    credentials = grpc.ssl_channel_credentials(root_certificates=(pki_dir() / "ca.pem").read_bytes())
    with grpc.secure_channel(mesh.address("reviews"), credentials) as channel:
        assert _code(lambda: _list_reviews(channel)) is grpc.StatusCode.UNAVAILABLE


def test_a_client_certificate_from_another_ca_is_refused(mesh: Mesh, tmp_path: Path) -> None:
    issue_certificates(tmp_path, identities=["operator"])
    credentials = grpc.ssl_channel_credentials(
        root_certificates=(pki_dir() / "ca.pem").read_bytes(),
        private_key=(tmp_path / "operator-key.pem").read_bytes(),
        certificate_chain=(tmp_path / "operator.pem").read_bytes(),
    )
    with grpc.secure_channel(mesh.address("reviews"), credentials) as channel:
        assert _code(lambda: _list_reviews(channel)) is grpc.StatusCode.UNAVAILABLE


def test_an_expired_client_certificate_is_refused(mesh: Mesh, tmp_path: Path) -> None:
    # Signed by the mesh's own CA, but its validity ended a day ago.
    for name in ("ca.pem", "ca-key.pem"):
        shutil.copy(pki_dir() / name, tmp_path / name)
    issue_certificates(
        tmp_path,
        identities=["operator"],
        lifetime=datetime.timedelta(hours=1),
        valid_from=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1),
    )
    with _as("operator", tmp_path).blocking_channel(mesh.address("reviews")) as channel:
        assert _code(lambda: _list_reviews(channel)) is grpc.StatusCode.UNAVAILABLE
    with _as("operator").blocking_channel(mesh.address("reviews")) as channel:
        assert _list_reviews(channel).summary.total_count > 0


def test_a_client_checks_it_reached_the_part_it_meant(mesh: Mesh) -> None:
    with _as("operator").blocking_channel(mesh.address("reviews"), server_name="reviews") as channel:
        assert _list_reviews(channel).summary.total_count > 0
    with _as("operator").blocking_channel(mesh.address("reviews"), server_name="product") as channel:
        assert _code(lambda: _list_reviews(channel)) is grpc.StatusCode.UNAVAILABLE


# --- the shipped policy -------------------------------------------------------------------------------


def test_the_shipped_policy_gives_the_aggregator_only_what_the_page_reads(mesh: Mesh) -> None:
    address = mesh.address("authors")
    with _as("aggregator").blocking_channel(address) as channel:
        stub = authors_pb2_grpc.AuthorServiceStub(channel)
        found = stub.ListProductAuthors(authors_pb2.ListProductAuthorsRequest(product_id="P00001"), timeout=5)
        assert found.authors
        with pytest.raises(grpc.RpcError) as denied:
            stub.GetAuthor(authors_pb2.GetAuthorRequest(id=found.authors[0].id), timeout=5)
        assert denied.value.code() is grpc.StatusCode.PERMISSION_DENIED
        assert denied.value.details() == (
            f"caller {spiffe_id('aggregator')!r} may not call /pagemesh.authors.v2.AuthorService/GetAuthor"
        )
    with _as("operator").blocking_channel(address) as channel:
        author = authors_pb2_grpc.AuthorServiceStub(channel).GetAuthor(
            authors_pb2.GetAuthorRequest(id=found.authors[0].id), timeout=5
        )
        assert author.author.id == found.authors[0].id
    # A backend's identity may not call another backend at all.
    with _as("reviews").blocking_channel(address) as channel:
        assert (
            _code(
                lambda: authors_pb2_grpc.AuthorServiceStub(channel).ListProductAuthors(
                    authors_pb2.ListProductAuthorsRequest(product_id="P00001"), timeout=5
                )
            )
            is grpc.StatusCode.PERMISSION_DENIED
        )


def test_reflection_is_for_the_operator_and_health_for_everyone(mesh: Mesh) -> None:
    pki = pki_dir()

    def grpcurl(identity: str, *args: str) -> subprocess.CompletedProcess[str]:
        flags = ["-cacert", str(pki / "ca.pem"), "-cert", str(pki / f"{identity}.pem")]
        flags += ["-key", str(pki / f"{identity}-key.pem")]
        return subprocess.run(
            [tool("grpcurl"), *flags, *args], capture_output=True, text=True, timeout=30, check=False
        )

    assert grpcurl("operator", mesh.address("reviews"), "list").returncode == 0
    denied = grpcurl("aggregator", mesh.address("reviews"), "list")
    assert denied.returncode != 0
    assert "PermissionDenied" in denied.stderr
    # grpcurl would need reflection to find the health service: the probe speaks it directly.
    probe = [
        tool("grpc-health-probe"),
        "-addr",
        mesh.address("reviews"),
        "-tls",
        "-tls-ca-cert",
        str(pki / "ca.pem"),
    ]
    probe += [
        "-tls-client-cert",
        str(pki / "aggregator.pem"),
        "-tls-client-key",
        str(pki / "aggregator-key.pem"),
    ]
    health = subprocess.run(probe, capture_output=True, text=True, timeout=30, check=False)
    assert health.returncode == 0, health.stderr


# --- a policy of one's own: deny beats allow, reload, dry run ---------------------------------------------


def _write_policy(path: Path, *, deny_v2: bool) -> None:
    allow = [{"name": "operator-may-read-reviews", "source": {"principals": ["*/sa/operator"]}}]
    deny = (
        [{"name": "no-v2-for-now", "request": {"paths": ["/pagemesh.reviews.v2.ReviewService/*"]}}]
        if deny_v2
        else []
    )
    text = json.dumps({"name": f"test-{deny_v2}", "allow_rules": allow, "deny_rules": deny})
    # Written aside and renamed, as an editor or a ConfigMap update does: never read half-written.
    aside = path.with_suffix(".tmp")
    aside.write_text(text)
    aside.replace(path)


def _reviews_under(policy: Path, workdir: Path, *flags: str) -> ChildProcess:
    """A reviews service enforcing the policy file `policy`."""
    port = free_port()
    return start_server(
        [*service_args("reviews", port, workdir), *flags],
        name="reviews",
        port=port,
        workdir=workdir,
        env={"PAGEMESH_AUTHZ_POLICY": str(policy)},
    )


@pytest.fixture
def governed(tmp_path: Path) -> Iterator[tuple[ChildProcess, Path]]:
    """A reviews service under a policy file of the test's own."""
    policy = tmp_path / "policy.json"
    _write_policy(policy, deny_v2=False)
    server = _reviews_under(policy, tmp_path)
    yield server, policy
    server.stop()


def test_a_policy_change_takes_effect_within_2_s_and_a_malformed_one_is_refused(
    governed: tuple[ChildProcess, Path],
) -> None:
    server, policy = governed
    with _as("operator").blocking_channel(server.address) as channel:
        assert _list_reviews(channel).summary.total_count > 0
        _write_policy(policy, deny_v2=True)
        changed = time.monotonic()
        while _code(lambda: _list_reviews(channel)) is not grpc.StatusCode.PERMISSION_DENIED:
            assert time.monotonic() - changed < 2.0, "the new policy did not take effect within 2 s"
            time.sleep(0.05)
        # Deny beats allow: v1 is still allowed by the same allow rule.
        v1 = reviews_v1_grpc.ReviewServiceStub(channel).ListReviews(
            reviews_v1.ListReviewsRequest(product_id="P00002"), timeout=5
        )
        assert v1.total_count > 0
        policy.write_text('{"name": "broken", "allow_rules": [')
        assert log_entries(server, "authorization policy not reloaded", timeout=5)
        assert _code(lambda: _list_reviews(channel)) is grpc.StatusCode.PERMISSION_DENIED
    denied = log_entries(server, "call denied", method=LIST_REVIEWS)
    assert denied
    assert denied[0]["caller"] == spiffe_id("operator")
    assert denied[0]["rule"] == "no-v2-for-now"


def test_a_header_rule_is_matched_against_each_calls_metadata(tmp_path: Path) -> None:
    policy = tmp_path / "policy.json"
    rule = {
        "name": "operator-for-books",
        "source": {"principals": ["*/sa/operator"]},
        "request": {"headers": [{"key": "x-tenant", "values": ["books-*"]}]},
    }
    policy.write_text(json.dumps({"name": "tenants", "allow_rules": [rule]}))
    server = _reviews_under(policy, tmp_path)
    try:
        with _as("operator").blocking_channel(server.address) as channel:
            stub = reviews_pb2_grpc.ReviewServiceStub(channel)
            request = reviews_pb2.ListReviewsRequest(product_id="P00002", page_size=1)

            def as_tenant(tenant: str | None) -> grpc.StatusCode:
                metadata: tuple[tuple[str, str | bytes], ...] = (("x-tenant", tenant),) if tenant else ()
                return _code(lambda: stub.ListReviews(request, metadata=metadata, timeout=5))

            assert as_tenant("books-eu") is grpc.StatusCode.OK
            assert as_tenant("music") is grpc.StatusCode.PERMISSION_DENIED
            assert as_tenant(None) is grpc.StatusCode.PERMISSION_DENIED
    finally:
        server.stop()


def test_dry_run_logs_what_it_would_deny_and_lets_it_through(tmp_path: Path) -> None:
    policy = tmp_path / "policy.json"
    _write_policy(policy, deny_v2=True)
    server = _reviews_under(policy, tmp_path, "--authz-dry-run")
    try:
        with _as("operator").blocking_channel(server.address) as channel:
            assert _list_reviews(channel).summary.total_count > 0
        assert log_entries(server, "call would be denied (dry run)", method=LIST_REVIEWS)
    finally:
        server.stop()


@pytest.mark.parametrize(
    ("setting", "complaint"),
    [
        ({"PAGEMESH_AUTHZ_POLICY": "{policy}"}, "is not valid JSON"),
        ({"PAGEMESH_PKI_DIR": "{empty}"}, "pagemesh certs"),
    ],
)
def test_a_bad_policy_or_missing_certificates_at_start_up_is_one_line_and_exit_1(
    tmp_path: Path, setting: dict[str, str], complaint: str
) -> None:
    policy = tmp_path / "policy.json"
    policy.write_text("{not json")
    (tmp_path / "empty").mkdir()
    env = {k: v.format(policy=policy, empty=tmp_path / "empty") for k, v in setting.items()}
    port = free_port()
    server = launch(
        service_args("reviews", port, tmp_path), name="reviews", port=port, workdir=tmp_path, env=env
    )
    assert server.process.wait(timeout=30) == 1
    lines = server.log().strip().splitlines()
    assert lines[-1].startswith("pagemesh serve: ")
    assert complaint in lines[-1]
    assert "Traceback" not in server.log()


# --- the admin port ---------------------------------------------------------------------------------------


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_the_admin_port_serves_probes_and_metrics_without_a_certificate(tmp_path: Path) -> None:
    port = free_port()
    server = start_server(
        [*service_args("reviews", port, tmp_path), "--drain", "3"],
        name="reviews",
        port=port,
        workdir=tmp_path,
    )
    base = f"http://{server.admin_address}"
    try:
        assert _get(f"{base}/healthz") == (200, "ok\n")
        assert _get(f"{base}/readyz") == (200, "SERVING\n")
        status, metrics = _get(f"{base}/metrics")
        assert status == 200
        assert "process_cpu_seconds_total" in metrics
        assert _get(f"{base}/api/v2/anything")[0] == 404
        server.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 2
        while _get(f"{base}/readyz")[0] != 503:
            assert time.monotonic() < deadline, "/readyz did not turn 503 while draining"
            time.sleep(0.05)
        assert _get(f"{base}/healthz")[0] == 200
    finally:
        server.stop()


# --- rotation under load ----------------------------------------------------------------------------------


def test_certificate_rotation_under_page_load_fails_no_page(tmp_path: Path) -> None:
    pki = tmp_path / "pki"
    issue_certificates(pki)
    own_pki = {"PAGEMESH_PKI_DIR": str(pki)}
    mesh = start_mesh(tmp_path / "mesh", env=own_pki)
    aggregator = start_aggregator(tmp_path / "mesh", {**mesh.environment(), **own_pki})
    results: list[str] = []
    stop = threading.Event()

    def load() -> None:
        with _as("operator", pki).blocking_channel(aggregator.address) as channel:
            stub = page_pb2_grpc.PageServiceStub(channel)
            i = 0
            while not stop.is_set():
                i += 1
                request = page_pb2.GetProductPageRequest(product_id=f"P{1 + i % 240:05d}", user_id="u-alice")
                try:
                    page = stub.GetProductPage(request, timeout=5)
                    results.append("degraded" if page.degraded_sections else "ok")
                except grpc.RpcError as error:
                    results.append(f"failed: {error.code().name} {error.details()}")

    try:
        loader = threading.Thread(target=load)
        loader.start()
        time.sleep(2)
        before = len(results)
        issue_certificates(pki)
        time.sleep(4)
        stop.set()
        loader.join(timeout=30)
        assert len(results) - before > 20, "too few pages after the rotation to show anything"
        failed = [r for r in results if r.startswith("failed")]
        assert not failed, failed[:3]
        assert "degraded" not in results
        assert log_entries(aggregator.server, "channel renewed")
        assert any(log_entries(s, "certificate reloaded") for s in mesh.services.values())
    finally:
        stop.set()
        aggregator.stop()
        mesh.stop()


def test_pagemesh_page_uses_the_operator_identity(tmp_path: Path, mesh: Mesh) -> None:
    aggregator = start_aggregator(tmp_path, mesh.environment())
    try:
        shown = subprocess.run(
            pagemesh_command(["page", "P00001", "--address", aggregator.address]),
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
            env=clean_environment(),
        )
        assert shown.returncode == 0, shown.stderr
        calls = log_entries(aggregator.server, "call", method="/pagemesh.page.v2.PageService/GetProductPage")
        assert calls[0]["caller"] == spiffe_id("operator")
    finally:
        aggregator.stop()
