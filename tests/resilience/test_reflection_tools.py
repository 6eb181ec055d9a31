"""Real tools by server reflection alone (no .proto files): grpcurl, ghz and buf curl, on every server.

Every call goes over mutual TLS as the operator, as a person would make it. pagemesh's contracts declare
no nested message, so the nested symbol described on each server is health's nested enum
`grpc.health.v1.HealthCheckResponse.ServingStatus` (nested messages are resolved in
tests/runtime/test_reflection.py, on a synthetic file).
"""

from __future__ import annotations

import json
import subprocess

import pytest

from pagemesh.runtime import SERVICES
from tests.aggregator.procs import Aggregator
from tests.harness import Mesh, grpcurl_tls_flags, long_tls_flags
from tests.tools import tool

NESTED = "grpc.health.v1.HealthCheckResponse.ServingStatus"

# Per server: (service, method, message, enum) of its own contracts; an enum from health where it has none.
SYMBOLS = {
    "product": (
        "pagemesh.product.v2.ProductService",
        "pagemesh.product.v2.ProductService.GetProduct",
        "pagemesh.product.v2.Money",
        "pagemesh.product.v1.Format",
    ),
    "recommendations": (
        "pagemesh.recommendations.v1.RecommendationService",
        "pagemesh.recommendations.v2.RecommendationService.ListRecommendations",
        "pagemesh.recommendations.v2.Recommendation",
        "pagemesh.recommendations.v2.Reason",
    ),
    "sponsored": (
        "pagemesh.sponsored.v2.SponsoredService",
        "pagemesh.sponsored.v1.SponsoredService.ListSponsoredListings",
        "pagemesh.sponsored.v2.SponsoredListing",
        "pagemesh.sponsored.v2.Placement",
    ),
    "authors": (
        "pagemesh.authors.v2.AuthorService",
        "pagemesh.authors.v2.AuthorService.ListProductAuthors",
        "pagemesh.authors.v2.PersonName",
        "pagemesh.product.v2.Format",  # not imported by authors: must be NOT_FOUND there, see below
    ),
    "reviews": (
        "pagemesh.reviews.v1.ReviewService",
        "pagemesh.reviews.v2.ReviewService.ListReviews",
        "pagemesh.reviews.v2.RatingSummary",
        "pagemesh.reviews.v2.ReviewOrder",
    ),
    "history": (
        "pagemesh.history.v2.HistoryService",
        "pagemesh.history.v2.HistoryService.RecordView",
        "pagemesh.history.v2.ProductView",
        NESTED,
    ),
    "aggregator": (
        "pagemesh.page.v2.PageService",
        "pagemesh.page.v2.PageService.GetProductPage",
        "pagemesh.page.v2.DegradedSection",
        "pagemesh.page.v2.Section",
    ),
}
KINDS = ("a service", "a method", "a message", "an enum")


def grpcurl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [tool("grpcurl"), *grpcurl_tls_flags(), *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )


def address_of(name: str, mesh: Mesh, aggregator: Aggregator) -> str:
    return aggregator.address if name == "aggregator" else mesh.address(name)


@pytest.mark.parametrize("name", [*SERVICES, "aggregator"])
def test_grpcurl_lists_both_reflection_services_and_describes_every_kind(
    name: str, mesh: Mesh, aggregator: Aggregator
) -> None:
    address = address_of(name, mesh, aggregator)
    listed = grpcurl(address, "list")
    assert listed.returncode == 0, listed.stderr
    services = listed.stdout.split()
    assert "grpc.reflection.v1.ServerReflection" in services
    assert "grpc.reflection.v1alpha.ServerReflection" in services
    package = "page" if name == "aggregator" else name
    assert {f"pagemesh.{package}.v1", f"pagemesh.{package}.v2"} <= {s.rpartition(".")[0] for s in services}
    service, method, message, enum = SYMBOLS[name]
    if name == "authors":
        # Reflection offers only what the server's own files declare or import.
        foreign = grpcurl(address, "describe", enum)
        assert foreign.returncode != 0
        assert "not found" in foreign.stderr.lower()
        enum = NESTED
    for symbol, kind in [*zip((service, method, message, enum), KINDS, strict=True), (NESTED, "an enum")]:
        described = grpcurl(address, "describe", symbol)
        assert described.returncode == 0, f"{symbol}: {described.stderr}"
        assert f"{symbol} is {kind}:" in described.stdout, described.stdout


def ghz(address: str, call: str, data: dict[str, str]) -> dict[str, object]:
    ran = subprocess.run(
        [
            tool("ghz"),
            *long_tls_flags(),
            "--call",
            call,
            "-d",
            json.dumps(data),
            "-n",
            "40",
            "-c",
            "2",
            "-O",
            "json",
            address,
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ran.returncode == 0, ran.stderr
    report: dict[str, object] = json.loads(ran.stdout)
    return report


def test_ghz_by_reflection_against_the_aggregator(aggregator: Aggregator) -> None:
    report = ghz(
        aggregator.address,
        "pagemesh.page.v2.PageService/GetProductPage",
        {"product_id": "P00001", "user_id": "u-alice"},
    )
    assert report["statusCodeDistribution"] == {"OK": 40}


def test_ghz_by_reflection_against_a_backend(mesh: Mesh) -> None:
    report = ghz(
        mesh.address("reviews"), "pagemesh.reviews.v2.ReviewService.ListReviews", {"product_id": "P00002"}
    )
    assert report["statusCodeDistribution"] == {"OK": 40}


@pytest.mark.parametrize("protocol", ["grpc-v1", "grpc-v1alpha"])
def test_buf_curl_by_reflection(protocol: str, mesh: Mesh) -> None:
    ran = subprocess.run(
        [
            tool("buf"),
            "curl",
            "--protocol",
            "grpc",
            "--reflect-protocol",
            protocol,
            *long_tls_flags(),
            "-d",
            '{"id": "P00001"}',
            f"https://{mesh.address('product')}/pagemesh.product.v2.ProductService/GetProduct",
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout)["product"]["id"] == "P00001"
