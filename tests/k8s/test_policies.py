"""The NetworkPolicies, read as a graph: which pod may open a connection to which port of which pod.

The local cluster's CNI (the bridge plugin) accepts NetworkPolicies but does not enforce them, so this is
where they are proven: every (client, server, port) the policies allow is computed from the rendered
overlays, the way Kubernetes evaluates them (a pod selected by any policy of a direction is isolated in
that direction; a connection needs both the client's egress and the server's ingress to allow it), and
must equal exactly the calls the mesh makes. For gRPC those are read from the shipped authorization
policy (pagemesh/security/authz_policy.json): each grant it makes to a part by name (`*/sa/<part>`) is a
call that part makes, and the network must allow exactly those. Beyond gRPC: each backend reaches its
database, and the parts that publish or consume events (pagemesh.bus's own table, the one its Redis users
are made from) reach the bus.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from pagemesh.bus import CONSUMERS, PRODUCERS
from pagemesh.runtime import AGGREGATOR, DEFAULT_ADDRESSES, SERVICES, parse_address
from pagemesh.security import SHIPPED_POLICY, load_policy, spiffe_id
from tests.k8s.cluster import NAMESPACE, Manifest, objects
from tests.k8s.conftest import VARIANTS

BUS_CLIENTS = (*PRODUCERS, *CONSUMERS)
"""The parts that publish events (the aggregator: page views) or consume them (history, recommendations)."""

Edge = tuple[str, str, int]
"""(client part, server part, server port)."""


def grpc_port(part: str) -> int:
    return parse_address(DEFAULT_ADDRESSES[part])[1]


PARTS = (AGGREGATOR, *SERVICES)


def part_serving(path: str) -> str | None:
    """The part that serves a method path (`/pagemesh.reviews.v2.ReviewService/ListReviews` -> reviews)."""
    package = path.strip("/").partition("/")[0]
    if not package.startswith("pagemesh."):
        return None  # health and reflection: every server has them
    area = package.split(".")[1]
    return AGGREGATOR if area == "page" else area


def authorized_calls() -> set[tuple[str, str]]:
    """(client part, server part) for every grant the shipped authorization policy makes to a part by name."""
    policy = load_policy(SHIPPED_POLICY)
    calls = set()
    for rule in policy.allow_rules:
        for principal in rule.principals or ():
            client = principal.text.rpartition("/sa/")[2]
            if client not in PARTS:
                continue  # operator (a person, not a pod) or a pattern for every identity
            for pattern in rule.paths or ():
                server = part_serving(pattern.text)
                identity = spiffe_id(client, NAMESPACE)
                if server and server != client and policy.decide([identity], pattern.text).allowed:
                    calls.add((client, server))
    return calls


def expected_edges(in_cluster_datastores: bool) -> set[Edge]:
    edges = {(client, server, grpc_port(server)) for client, server in authorized_calls()}
    if in_cluster_datastores:
        edges |= {(service, "postgres", 5432) for service in SERVICES}
        edges |= {(client, "redis", 6379) for client in BUS_CLIENTS}
    return edges


def selects(selector: Mapping[str, Any], labels: Mapping[str, str]) -> bool:
    """Whether a label selector (matchLabels and matchExpressions) selects a pod with `labels`."""
    if not selector.get("matchLabels", {}).items() <= labels.items():
        return False
    for expression in selector.get("matchExpressions", []):
        key, operator, values = expression["key"], expression["operator"], expression.get("values", [])
        present = key in labels
        if operator == "In" and not (present and labels[key] in values):
            return False
        if operator == "NotIn" and present and labels[key] in values:
            return False
        if operator == "Exists" and not present:
            return False
        if operator == "DoesNotExist" and present:
            return False
    return True


def port_allowed(ports: Sequence[Mapping[str, Any]] | None, port: int) -> bool:
    if not ports:
        return True
    return any(
        p.get("protocol", "TCP") == "TCP" and p["port"] <= port <= p.get("endPort", p["port"]) for p in ports
    )


def peer_allows(peers: Sequence[Mapping[str, Any]] | None, labels: Mapping[str, str]) -> bool:
    """Whether a rule's `from`/`to` list admits a pod of the same namespace with `labels`."""
    if not peers:
        return True
    # A namespaceSelector alone means other namespaces' pods too; ipBlocks do not match pod traffic here.
    return any(
        "podSelector" in peer and "namespaceSelector" not in peer and selects(peer["podSelector"], labels)
        for peer in peers
    )


def allows(
    policies: list[Manifest], direction: str, pod: Mapping[str, str], peer: Mapping[str, str], port: int
) -> bool:
    """Whether the policies let `pod` send (Egress) to / receive (Ingress) from `peer` on `port`."""
    selecting = [
        p
        for p in policies
        if direction in p["spec"]["policyTypes"] and selects(p["spec"]["podSelector"], pod)
    ]
    if not selecting:
        return True
    key, peers = ("egress", "to") if direction == "Egress" else ("ingress", "from")
    return any(
        peer_allows(rule.get(peers), peer) and port_allowed(rule.get("ports"), port)
        for policy in selecting
        for rule in policy["spec"].get(key, [])
    )


def allowed_edges(manifests: list[Manifest]) -> set[Edge]:
    policies = objects(manifests, "NetworkPolicy")
    pods = {
        d["metadata"]["name"]: (
            d["spec"]["template"]["metadata"]["labels"],
            [p["containerPort"] for c in d["spec"]["template"]["spec"]["containers"] for p in c["ports"]],
        )
        for d in objects(manifests, "Deployment")
    }
    return {
        (client, server, port)
        for client, (client_labels, _) in pods.items()
        for server, (server_labels, ports) in pods.items()
        for port in ports
        if client != server
        and allows(policies, "Egress", client_labels, server_labels, port)
        and allows(policies, "Ingress", server_labels, client_labels, port)
    }


@pytest.mark.parametrize("variant", [v for v in VARIANTS if v.startswith("dev")])
def test_dev_policies_allow_exactly_the_calls_the_mesh_makes(
    variant: str, rendered: dict[str, list[Manifest]]
) -> None:
    assert allowed_edges(rendered[variant]) == expected_edges(in_cluster_datastores=True)


@pytest.mark.parametrize("variant", [v for v in VARIANTS if v.startswith("prod")])
def test_prod_policies_allow_exactly_the_calls_the_mesh_makes(
    variant: str, rendered: dict[str, list[Manifest]]
) -> None:
    assert allowed_edges(rendered[variant]) == expected_edges(in_cluster_datastores=False)
    egress = {p["metadata"]["name"]: p["spec"] for p in objects(rendered[variant], "NetworkPolicy")}
    # Outside the cluster: backends to a database port, the bus's clients to the bus port, nothing more.
    assert [r["ports"] for r in egress["backends-egress-database"]["egress"]] == [
        [{"protocol": "TCP", "port": 5432}]
    ]
    assert [r["ports"] for r in egress["bus-clients-egress-bus"]["egress"]] == [
        [{"protocol": "TCP", "port": 6379}]
    ]


def test_the_authorization_policy_grants_the_aggregator_every_backend_and_nothing_else_to_parts() -> None:
    # What the graph tests compare against, read from the policy: it must name these calls.
    assert authorized_calls() == {(AGGREGATOR, service) for service in SERVICES}


def test_the_bus_clients_are_the_aggregator_history_and_recommendations() -> None:
    # What the graph tests compare against, read from the bus's table: it must name these parts.
    assert set(BUS_CLIENTS) == {AGGREGATOR, "history", "recommendations"}


def test_the_aggregator_cannot_reach_a_database_port(rendered: dict[str, list[Manifest]]) -> None:
    allowed = allowed_edges(rendered["dev"])
    assert (AGGREGATOR, "postgres", 5432) not in allowed
    # Only the bus's clients reach Redis; the datastores open no connection at all.
    assert ("reviews", "redis", 6379) not in allowed
    assert not {edge for edge in allowed if edge[0] in ("redis", "postgres")}
    assert ("product", "reviews", grpc_port("reviews")) not in allowed
    assert ("postgres", AGGREGATOR, grpc_port(AGGREGATOR)) not in allowed


def test_the_graph_reading_sees_a_hole_in_the_policies(rendered: dict[str, list[Manifest]]) -> None:
    # Without the policies that select every pod, a pod no other policy isolates (the datastores, for
    # their egress) may connect anywhere another policy lets in: the check must notice.
    everyone = {"default-deny", "allow-dns", "allow-metrics-scrape"}
    opened = [m for m in rendered["dev"] if m["metadata"]["name"] not in everyone]
    assert ("postgres", AGGREGATOR, grpc_port(AGGREGATOR)) in allowed_edges(opened)
