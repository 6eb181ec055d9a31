"""deploy/kubernetes, checked without a cluster: kustomize, kubeconform -strict and the restrictions every
pod must carry; then by a real kube-apiserver (`kubectl apply --dry-run=server`), which also catches what
schemas cannot (a selector that matches no pod, a pod the namespace's Pod Security level refuses)."""

from __future__ import annotations

import base64
import copy
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from pagemesh.bus import CONSUMERS, PRODUCERS, parse_bus_url, redis_acl, redis_users
from pagemesh.runtime import ADMIN_PORT_OFFSET, DEFAULT_ADDRESSES, SERVICES, parse_address
from services import store_spec
from tests.k8s.cluster import Cluster, Manifest, k8s_tool, objects
from tests.k8s.conftest import DEV_BUS, VARIANTS
from tests.k8s.schemas import KUBERNETES_VERSION
from tests.tools import ROOT

pytestmark = pytest.mark.timeout(1800)

PARTS = ("aggregator", *SERVICES)


def kubeconform(schemas: Path, manifests: list[Manifest]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            k8s_tool("kubeconform"),
            "-strict",
            "-summary",
            "-kubernetes-version",
            KUBERNETES_VERSION,
            "-schema-location",
            f"{schemas}/{{{{ .ResourceKind }}}}{{{{ .KindSuffix }}}}.json",
            "-",
        ],
        input=yaml.safe_dump_all(manifests),
        capture_output=True,
        text=True,
        check=False,
    )


def pod_specs(manifests: list[Manifest]) -> dict[str, Manifest]:
    return {d["metadata"]["name"]: d["spec"]["template"]["spec"] for d in objects(manifests, "Deployment")}


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_overlay_passes_kubeconform_strict(
    variant: str, rendered: dict[str, list[Manifest]], schemas: Path
) -> None:
    result = kubeconform(schemas, rendered[variant])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Invalid: 0, Errors: 0, Skipped: 0" in result.stdout


def test_kubeconform_rejects_an_unknown_field_and_a_wrong_type(
    rendered: dict[str, list[Manifest]], schemas: Path
) -> None:
    deployment = copy.deepcopy(objects(rendered["dev"], "Deployment")[0])
    deployment["spec"]["template"]["spec"]["containers"][0]["imagePullPolicyy"] = "Always"
    assert kubeconform(schemas, [deployment]).returncode == 1
    deployment = copy.deepcopy(objects(rendered["dev"], "Deployment")[0])
    deployment["spec"]["replicas"] = "two"
    assert kubeconform(schemas, [deployment]).returncode == 1


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_pod_meets_the_restricted_profile_with_requests_and_limits(
    variant: str, rendered: dict[str, list[Manifest]]
) -> None:
    for name, spec in pod_specs(rendered[variant]).items():
        pod = spec["securityContext"]
        assert pod["runAsNonRoot"] is True, name
        assert pod["runAsUser"] > 0, name
        assert pod["seccompProfile"] == {"type": "RuntimeDefault"}, name
        assert spec["automountServiceAccountToken"] is False, name
        assert spec["serviceAccountName"] == name, name
        for container in [*spec["containers"], *spec.get("initContainers", [])]:
            security = container["securityContext"]
            assert security["allowPrivilegeEscalation"] is False, name
            assert security["readOnlyRootFilesystem"] is True, name
            assert security["capabilities"] == {"drop": ["ALL"]}, name
            resources = container["resources"]
            assert set(resources["requests"]) == {"cpu", "memory"}, name
            assert set(resources["limits"]) == {"cpu", "memory"}, name
        for container in spec["containers"]:
            assert container.get("readinessProbe"), name
            assert container.get("livenessProbe"), name


@pytest.mark.parametrize("variant", VARIANTS)
def test_parts_write_only_to_their_volumes_and_stop_gracefully(
    variant: str, rendered: dict[str, list[Manifest]]
) -> None:
    for part in PARTS:
        spec = pod_specs(rendered[variant])[part]
        (container,) = spec["containers"]
        mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
        assert mounts == {"/var/lib/pagemesh": "data", "/tmp": "tmp", "/etc/pagemesh/pki": "pki"}
        assert {v["name"] for v in spec["volumes"] if "emptyDir" in v} == {"data", "tmp"}
        assert container["lifecycle"]["preStop"]["sleep"]["seconds"] < spec["terminationGracePeriodSeconds"]


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_part_runs_mtls_with_only_its_own_identity(
    variant: str, rendered: dict[str, list[Manifest]]
) -> None:
    secrets = {s["metadata"]["name"]: s for s in objects(rendered[variant], "Secret")}
    for part in PARTS:
        spec = pod_specs(rendered[variant])[part]
        env = {e["name"]: e for e in spec["containers"][0]["env"]}
        assert env["PAGEMESH_TLS"]["value"] == "mtls"
        assert env["PAGEMESH_PKI_DIR"]["value"] == "/etc/pagemesh/pki"
        assert env["PAGEMESH_NAMESPACE"]["valueFrom"]["fieldRef"]["fieldPath"] == "metadata.namespace"
        (pki,) = (v["secret"] for v in spec["volumes"] if v["name"] == "pki")
        assert pki["secretName"] == f"pagemesh-pki-{part}"
        if variant.startswith("dev"):
            # dev generates them; prod expects them to exist.
            assert set(secrets[pki["secretName"]]["data"]) == {"ca.pem", f"{part}.pem", f"{part}-key.pem"}


@pytest.mark.parametrize("variant", VARIANTS)
def test_ports_and_probes_follow_the_mesh_conventions(
    variant: str, rendered: dict[str, list[Manifest]]
) -> None:
    for part in PARTS:
        (container,) = pod_specs(rendered[variant])[part]["containers"]
        grpc_port = parse_address(DEFAULT_ADDRESSES[part])[1]
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        assert ports["grpc"] == grpc_port
        assert ports["admin"] == grpc_port + ADMIN_PORT_OFFSET
        assert container["startupProbe"]["httpGet"] == {"path": "/readyz", "port": "admin"}
        assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "admin"}
        assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "admin"}


@pytest.mark.parametrize("variant", VARIANTS)
def test_backends_are_headless_and_the_aggregator_names_them(
    variant: str, rendered: dict[str, list[Manifest]]
) -> None:
    services = {s["metadata"]["name"]: s["spec"] for s in objects(rendered[variant], "Service")}
    (aggregator,) = pod_specs(rendered[variant])["aggregator"]["containers"]
    env = {e["name"]: e.get("value") for e in aggregator["env"]}
    for service in SERVICES:
        port = parse_address(DEFAULT_ADDRESSES[service])[1]
        assert services[service]["clusterIP"] == "None"
        assert [p["port"] for p in services[service]["ports"]] == [port]
        assert env[f"PAGEMESH_{service.upper()}_ADDR"] == f"{service}:{port}"
    assert services["aggregator"].get("clusterIP") != "None"


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_selector_matches_its_pods(variant: str, rendered: dict[str, list[Manifest]]) -> None:
    manifests = rendered[variant]
    templates = {
        d["metadata"]["name"]: d["spec"]["template"]["metadata"]["labels"]
        for d in objects(manifests, "Deployment")
    }

    def matching(selector: dict[str, str]) -> list[str]:
        return [name for name, labels in templates.items() if selector.items() <= labels.items()]

    for deployment in objects(manifests, "Deployment"):
        name = deployment["metadata"]["name"]
        assert matching(deployment["spec"]["selector"]["matchLabels"]) == [name]
    for service in objects(manifests, "Service"):
        assert matching(service["spec"]["selector"]) == [service["metadata"]["name"]]
    for budget in objects(manifests, "PodDisruptionBudget"):
        assert matching(budget["spec"]["selector"]["matchLabels"]) == [budget["metadata"]["name"]]
    (autoscaler,) = objects(manifests, "HorizontalPodAutoscaler")
    assert autoscaler["spec"]["scaleTargetRef"]["name"] in templates
    # The autoscaler owns the aggregator's count: an applied count would reset it at every deploy.
    assert (
        "replicas"
        not in next(d for d in objects(manifests, "Deployment") if d["metadata"]["name"] == "aggregator")[
            "spec"
        ]
    )


def test_the_namespace_enforces_the_restricted_profile(rendered: dict[str, list[Manifest]]) -> None:
    for variant in VARIANTS:
        (namespace,) = objects(rendered[variant], "Namespace")
        assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
        assert {m["metadata"].get("namespace") for m in rendered[variant] if m["kind"] != "Namespace"} == {
            "pagemesh"
        }


def test_dev_is_single_and_local_prod_is_redundant_and_pinned(rendered: dict[str, list[Manifest]]) -> None:
    dev, prod = rendered["dev"], rendered["prod"]
    for deployment in objects(dev, "Deployment"):
        assert deployment["spec"].get("replicas", 1) == 1
        assert deployment["spec"]["template"]["spec"]["containers"][0]["image"].startswith("localhost/")
    assert {d["metadata"]["name"] for d in objects(dev, "Deployment")} == {*PARTS, "postgres", "redis"}
    assert {d["metadata"]["name"] for d in objects(prod, "Deployment")} == set(PARTS)
    for deployment in objects(prod, "Deployment"):
        image = deployment["spec"]["template"]["spec"]["containers"][0]["image"]
        assert not image.startswith("localhost/")
        assert not image.endswith(":latest")
        if deployment["metadata"]["name"] != "aggregator":
            assert deployment["spec"]["replicas"] >= 2
    (autoscaler,) = objects(prod, "HorizontalPodAutoscaler")
    assert autoscaler["spec"]["minReplicas"] >= 2


def secret_name(reference: str) -> str:
    """A Secret's name without the hash suffix a dev secret generator appends (`pagemesh-bus-c768h958dk`)."""
    generated = re.fullmatch(r"(.+)-[a-z0-9]{10}", reference)
    return generated.group(1) if generated and not reference.startswith("pagemesh-pki-") else reference


def secret_refs(container: Manifest) -> dict[str, tuple[str, str]]:
    """A container's variables from Secrets: name -> (Secret, key)."""
    refs = [(e["name"], e.get("valueFrom", {}).get("secretKeyRef")) for e in container.get("env", [])]
    return {name: (secret_name(ref["name"]), ref["key"]) for name, ref in refs if ref}


BUS_PARTS = (*PRODUCERS, *CONSUMERS)
"""The parts that publish or consume events, each its own bus user."""


@pytest.mark.parametrize("variant", VARIANTS)
def test_components_wire_the_database_and_bus_from_secrets(
    variant: str, rendered: dict[str, list[Manifest]]
) -> None:
    specs = pod_specs(rendered[variant])
    for part in PARTS:
        refs = secret_refs(specs[part]["containers"][0])
        if part in SERVICES:
            # PostgreSQL has landed: both overlays run the services on it, each as its own role.
            assert refs[f"PAGEMESH_{part.upper()}_DB"] == ("pagemesh-db", part)
        # The bus has landed: each part that publishes or consumes events is its own Redis user, and no
        # part holds another's credentials; the others have no bus at all.
        assert refs.get("PAGEMESH_BUS") == (("pagemesh-bus", part) if part in BUS_PARTS else None), part
    for service in SERVICES:
        spec = specs[service]
        # Migrations run as the owner role before the service starts; the service never sees that role.
        steps = [(c["command"], secret_refs(c)) for c in spec["initContainers"]]
        (migrate, migrate_refs), (seed, seed_refs) = steps
        assert migrate[:2] == ["sh", "-c"]
        assert 'pagemesh db migrate "$0"' in migrate[2]
        assert migrate[3] == service
        assert seed == ["pagemesh", "db", "seed", service]
        key = f"PAGEMESH_{service.upper()}_DB"
        assert migrate_refs == seed_refs == {key: ("pagemesh-db-owner", service)}
        secrets = {secret for secret, _ in secret_refs(spec["containers"][0]).values()}
        assert "pagemesh-db-owner" not in secrets
    # The schemas are registered before an aggregator starts, as the registry writer, a credential only
    # that init container holds; a refusal (exit 100) is final, an unreachable bus (exit 1) is retried.
    (register,) = specs["aggregator"]["initContainers"]
    assert register["name"] == "bus-register"
    assert register["command"][:2] == ["sh", "-c"]
    assert "pagemesh events register --mesh; code=$?; [ $code -eq 1 ] || exit $code" in register["command"][2]
    assert secret_refs(register) == {"PAGEMESH_BUS": ("pagemesh-bus", "registry")}
    assert {"name": "tmp", "mountPath": "/tmp"} in register["volumeMounts"]


def test_dev_bus_users_are_pagemesh_own_redis_users(rendered: dict[str, list[Manifest]]) -> None:
    secrets = {secret_name(s["metadata"]["name"]): s for s in objects(rendered["dev"], "Secret")}
    assert set(secrets["pagemesh-db"]["data"]) == set(SERVICES)
    assert set(secrets["pagemesh-db-owner"]["data"]) == set(SERVICES)
    assert set(secrets["postgres-passwords"]["data"]) == {*SERVICES, *(f"{s}-owner" for s in SERVICES)}
    urls = {key: base64.b64decode(value).decode() for key, value in secrets["pagemesh-bus"]["data"].items()}
    # Every user but the operator's (people's) is a key: the parts, and the registry writer.
    assert set(urls) == set(redis_users()) - {"operator"}
    passwords = {}
    for user, url in urls.items():
        parsed = parse_bus_url(url)
        assert (parsed.kind, parsed.username, parsed.db) == ("redis", user, 0)
        assert parsed.hosts == (("redis", 6379),)
        passwords[user] = parsed.password
    operator = parse_bus_url((DEV_BUS / "operator.url").read_text().strip())
    passwords[operator.username] = operator.password
    # The Redis loads exactly the ACL that pagemesh renders for those passwords: the same users and rules
    # as the private Redis of `pagemesh up --bus redis`, and no `default` login.
    acl = base64.b64decode(secrets["redis-acl"]["data"]["users.acl"]).decode().splitlines()
    assert acl == redis_acl(passwords)
    assert [line for line in acl if line.startswith("user default ")] == [
        "user default off resetchannels ~* &* +@all"  # no login; the permissions are for AOF replay
    ]
    redis = pod_specs(rendered["dev"])["redis"]
    (container,) = redis["containers"]
    assert container["args"][container["args"].index("--aclfile") + 1] == "/etc/redis/users.acl"
    assert "--requirepass" not in container["args"]
    assert container["args"][container["args"].index("--appendonly") + 1] == "yes"
    (volume,) = [v for v in redis["volumes"] if v["name"] == "acl"]
    assert secret_name(volume["secret"]["secretName"]) == "redis-acl"
    assert {"name": "acl", "mountPath": "/etc/redis", "readOnly": True} in container["volumeMounts"]


def test_dev_database_roles_may_write_where_the_service_writes(rendered: dict[str, list[Manifest]]) -> None:
    (postgres,) = pod_specs(rendered["dev"])["postgres"]["containers"]
    env = {e["name"]: e.get("value", "") for e in postgres["env"]}
    assert env["PAGEMESH_DB_SERVICES"].split() == list(SERVICES)
    # history records views and recommendations counts co-views (both from the bus); nobody else writes.
    writers = {service for service in SERVICES if store_spec(service).writes}
    assert writers == {"history", "recommendations"}
    assert set(env["PAGEMESH_DB_WRITERS"].split()) == writers


def test_the_images_pass_hadolint() -> None:
    dockerfiles = ["Dockerfile", *(str(p) for p in sorted((ROOT / "deploy/images").glob("*.Containerfile")))]
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "hadolint"), *dockerfiles],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def server_dry_run(cluster: Cluster, manifests: list[Manifest]) -> subprocess.CompletedProcess[str]:
    return cluster.kubectl(
        "apply", "--dry-run=server", "-f", "-", stdin=yaml.safe_dump_all(manifests), check=False
    )


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_api_server_accepts_every_overlay(
    variant: str, rendered: dict[str, list[Manifest]], cluster: Cluster
) -> None:
    result = server_dry_run(cluster, rendered[variant])
    assert result.returncode == 0, result.stderr
    # Pod Security admission warns about workloads whose pods it would refuse: there must be none.
    assert "PodSecurity" not in result.stderr, result.stderr


def test_the_api_server_rejects_a_selector_that_matches_no_pod(
    rendered: dict[str, list[Manifest]], cluster: Cluster
) -> None:
    deployment = copy.deepcopy(
        next(d for d in objects(rendered["dev"], "Deployment") if d["metadata"]["name"] == "product")
    )
    # A new name, so the check is not about changing the running product Deployment's selector.
    deployment["metadata"]["name"] = "product-typo"
    deployment["spec"]["selector"]["matchLabels"] = {"app.kubernetes.io/name": "produkt"}
    result = server_dry_run(cluster, [deployment])
    assert result.returncode != 0
    assert "`selector` does not match template `labels`" in result.stderr


def test_the_namespace_refuses_a_pod_that_could_run_as_root(
    rendered: dict[str, list[Manifest]], cluster: Cluster
) -> None:
    deployment = next(d for d in objects(rendered["dev"], "Deployment") if d["metadata"]["name"] == "product")
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "root-probe", "namespace": "pagemesh"},
        "spec": {
            "containers": [
                {"name": "c", "image": deployment["spec"]["template"]["spec"]["containers"][0]["image"]}
            ]
        },
    }
    result = server_dry_run(cluster, [pod])
    assert result.returncode != 0
    assert 'violates PodSecurity "restricted' in result.stderr
