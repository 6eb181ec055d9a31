"""Fixtures of tests/k8s: rendered overlays, offline schemas, and the real local cluster (one per session)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.k8s.cluster import (
    DEPLOY,
    Cluster,
    Manifest,
    kustomize_build,
    start_cluster,
    stop_cluster,
    unavailable_reason,
)
from tests.k8s.schemas import standalone_schemas
from tests.tools import ROOT

OVERLAYS = ("dev", "prod")
COMPONENTS = tuple(sorted(path.name for path in (DEPLOY / "components").iterdir() if path.is_dir()))
"""The switches for what lands in the mesh (PostgreSQL, the Redis bus), on in an overlay or not yet."""


def unused_components(overlay: str) -> list[str]:
    """The components an overlay does not switch on (yet)."""
    kustomization = yaml.safe_load((DEPLOY / "overlays" / overlay / "kustomization.yaml").read_text())
    enabled = {Path(path).name for path in kustomization.get("components", [])}
    return [name for name in COMPONENTS if name not in enabled]


VARIANTS = (*OVERLAYS, *(f"{overlay}+components" for overlay in OVERLAYS if unused_components(overlay)))
"""Every overlay as it is, and, where it leaves a component off, with every component switched on too."""


def render(variant: str, scratch: Path) -> list[Manifest]:
    """The objects of an overlay, or of an overlay with every component (`dev+components`)."""
    overlay, _, with_components = variant.partition("+")
    if not with_components:
        return kustomize_build(DEPLOY / "overlays" / overlay)
    # kustomize takes only relative paths to other kustomizations.
    directory = scratch / variant
    directory.mkdir(parents=True, exist_ok=True)
    relative = os.path.relpath(DEPLOY, directory)
    components = "\n".join(f"  - {relative}/components/{name}" for name in unused_components(overlay))
    (directory / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
        f"resources:\n  - {relative}/overlays/{overlay}\ncomponents:\n{components}\n"
    )
    return kustomize_build(directory)


DEV_PKI = DEPLOY / "overlays" / "dev" / "pki"
"""The dev overlay's certificates (scripts/k8s/dev-certs.sh), which its secret generators read."""
DEV_BUS = DEPLOY / "overlays" / "dev" / "bus"
"""The dev overlay's Redis users (scripts/k8s/dev-bus.sh), which its secret generators read."""


def make_dev_secrets() -> None:
    """Makes (or renews) the dev overlay's certificates and bus users, as `make k8s-up` does."""
    for script in ("dev-certs.sh", "dev-bus.sh"):
        result = subprocess.run(
            [str(ROOT / "scripts" / "k8s" / script)], capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"scripts/k8s/{script} failed:\n{result.stderr}")


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Manifest]]:
    """Every variant's objects."""
    make_dev_secrets()
    scratch = tmp_path_factory.mktemp("kustomize")
    return {variant: render(variant, scratch) for variant in VARIANTS}


@pytest.fixture(scope="session")
def schemas() -> Path:
    """kubeconform's schema directory (made once, cached under .tools/k8s/schemas)."""
    return standalone_schemas(ROOT / ".tools" / "k8s" / "schemas")


@pytest.fixture(scope="package")
def cluster() -> Iterator[Cluster]:
    """The local single-node cluster with the dev overlay rolled out, once for all of tests/k8s (and
    taken down when they are done, not at the end of the whole session).

    Where no node can run here the tests that need it skip, except under PAGEMESH_REQUIRE_K8S=1 (CI sets
    it), where that is a failure: a CI run must never pass without having exercised the cluster.
    """
    reason = unavailable_reason()
    if reason is not None:
        if os.environ.get("PAGEMESH_REQUIRE_K8S") == "1":
            pytest.fail(f"PAGEMESH_REQUIRE_K8S=1 but {reason}")
        pytest.skip(reason)
    running = start_cluster()
    yield running
    if running.started_here:
        stop_cluster()
