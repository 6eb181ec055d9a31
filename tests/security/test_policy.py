"""The gRFC A43 policy language: parsing, matching, deny before allow, and the shipped policy's coverage."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest

from pagemesh.security import SHIPPED_POLICY, PolicyError, load_policy, parse_policy, spiffe_id
from tests.tools import ROOT

AGGREGATOR = spiffe_id("aggregator")
OPERATOR = spiffe_id("operator")
READ = "/pagemesh.reviews.v2.ReviewService/ListReviews"
WRITE = "/pagemesh.history.v2.HistoryService/RecordView"


def policy(allow: list[dict[str, object]], deny: list[dict[str, object]] | None = None) -> str:
    return json.dumps({"name": "test", "allow_rules": allow, "deny_rules": deny or []})


def test_no_matching_rule_means_deny() -> None:
    parsed = parse_policy(policy([{"name": "reads", "request": {"paths": [READ]}}]))
    assert parsed.decide([AGGREGATOR], READ).allowed
    decision = parsed.decide([AGGREGATOR], WRITE)
    assert not decision.allowed
    assert decision.rule == ""


def test_a_deny_rule_beats_an_allow_rule() -> None:
    parsed = parse_policy(
        policy(
            [{"name": "everything", "source": {"principals": ["*"]}}],
            [{"name": "no-writes", "request": {"paths": ["/pagemesh.history.*"]}}],
        )
    )
    assert parsed.decide([OPERATOR], READ).allowed
    denied = parsed.decide([OPERATOR], WRITE)
    assert not denied.allowed
    assert denied.rule == "no-writes"


@pytest.mark.parametrize(
    ("pattern", "principal", "matches"),
    [
        (AGGREGATOR, AGGREGATOR, True),
        (AGGREGATOR, OPERATOR, False),
        ("*/sa/aggregator", AGGREGATOR, True),
        ("*/sa/aggregator", spiffe_id("aggregator-evil"), False),
        ("spiffe://pagemesh.local/ns/default/*", OPERATOR, True),
        ("spiffe://pagemesh.local/ns/other/*", OPERATOR, False),
        ("*", OPERATOR, True),
    ],
)
def test_principal_patterns(pattern: str, principal: str, matches: bool) -> None:
    parsed = parse_policy(policy([{"name": "p", "source": {"principals": [pattern]}}]))
    assert parsed.decide([principal], READ).allowed is matches


def test_a_source_rule_never_matches_an_unauthenticated_caller() -> None:
    parsed = parse_policy(
        policy(
            [
                {"name": "any-identity", "source": {"principals": ["*"]}, "request": {"paths": [READ]}},
                {"name": "health", "request": {"paths": ["/grpc.health.v1.Health/Check"]}},
            ]
        )
    )
    assert not parsed.decide([], READ).allowed
    assert parsed.decide([], "/grpc.health.v1.Health/Check").allowed


def test_header_conditions_are_matched_against_metadata() -> None:
    parsed = parse_policy(
        policy([{"name": "tenant", "request": {"headers": [{"key": "x-tenant", "values": ["books-*"]}]}}])
    )
    assert parsed.uses_headers
    assert parsed.decide([OPERATOR], READ, {"x-tenant": "books-eu"}).allowed
    assert not parsed.decide([OPERATOR], READ, {"x-tenant": "music"}).allowed
    assert not parsed.decide([OPERATOR], READ, {}).allowed


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("{", "not valid JSON"),
        ("[]", "must be a JSON object"),
        ('{"allow_rules": []}', 'needs a non-empty "name"'),
        ('{"name": "x", "allow_rules": []}', "no allow_rules"),
        ('{"name": "x", "allow_rules": [{"name": "r", "sauce": {}}]}', "unknown field(s) 'sauce'"),
        ('{"name": "x", "allow_rules": [{"source": {}}]}', 'needs a non-empty "name"'),
        ('{"name": "x", "allow_rules": [{"name": "r", "request": {"paths": []}}]}', "non-empty list"),
        (
            '{"name": "x", "allow_rules": [{"name": "r", "request": {"paths": ["a*b*"]}}]}',
            "only at its start",
        ),
        ('{"name": "x", "allow_rules": [{"name": "r", "request": {"paths": ["Svc/M"]}}]}', "not /package"),
        (
            '{"name": "x", "allow_rules": [{"name": "r", "request": {"headers": [{"key": "grpc-x", '
            '"values": ["1"]}]}}]}',
            "cannot be matched",
        ),
    ],
)
def test_malformed_policies_say_what_and_where(text: str, complaint: str) -> None:
    with pytest.raises(PolicyError) as raised:
        parse_policy(text, "policy.json")
    assert complaint in raised.value.message
    assert raised.value.message.startswith("policy.json")


def _every_rpc_in_proto() -> set[str]:
    """`/package.Service/Method` for every RPC of every .proto file under proto/ (its generated module)."""
    paths = set()
    for proto in (ROOT / "proto").rglob("*.proto"):
        module = importlib.import_module(
            ".".join(proto.relative_to(ROOT / "proto").with_suffix("").parts) + "_pb2"
        )
        for service in module.DESCRIPTOR.services_by_name.values():
            paths |= {f"/{service.full_name}/{method.name}" for method in service.methods}
    return paths


def test_the_shipped_policy_names_every_rpc_of_the_contracts() -> None:
    named = load_policy(SHIPPED_POLICY).named_paths()
    every = _every_rpc_in_proto()
    assert len(every) >= 20
    missing = sorted(every - named)
    assert not missing, f"authz_policy.json does not mention {missing}: allow or deny each one on purpose"


def test_the_shipped_policy_is_least_privilege_for_the_aggregator() -> None:
    shipped = load_policy(SHIPPED_POLICY)
    assert shipped.decide([AGGREGATOR], "/pagemesh.product.v2.ProductService/GetProduct").allowed
    assert shipped.decide([AGGREGATOR], "/grpc.health.v1.Health/Check").allowed
    # Not needed by the page: denied.
    assert not shipped.decide([AGGREGATOR], "/pagemesh.authors.v2.AuthorService/GetAuthor").allowed
    assert not shipped.decide(
        [AGGREGATOR], "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"
    ).allowed
    # Page views travel as events: the aggregator writes nothing over gRPC.
    assert not shipped.decide([AGGREGATOR], WRITE).allowed
    assert shipped.decide([OPERATOR], WRITE).allowed
    # A backend may not call another backend, nor the page.
    reviews = spiffe_id("reviews")
    assert not shipped.decide([reviews], "/pagemesh.product.v2.ProductService/GetProduct").allowed
    assert shipped.decide(
        [OPERATOR], "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"
    ).allowed


def test_a_policy_file_that_cannot_be_read_is_named(tmp_path: Path) -> None:
    with pytest.raises(PolicyError) as raised:
        load_policy(tmp_path / "missing.json")
    assert "missing.json" in raised.value.message
