"""The manifests and the local Kubernetes cluster, as tests/k8s sees them.

The cluster is the one `make k8s-up` runs (scripts/k8s/up.sh): brought up once per test session, and taken
down at its end by scripts/k8s/down.sh unless it was already up before the session began.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tests.tools import ROOT

__all__ = [
    "DEPLOY",
    "K8S_BIN",
    "NAMESPACE",
    "Cluster",
    "Manifest",
    "kustomize_build",
    "start_cluster",
    "unavailable_reason",
]

K8S_BIN = ROOT / ".tools" / "k8s" / "bin"
DEPLOY = ROOT / "deploy" / "kubernetes"
NAMESPACE = "pagemesh"
KUBECONFIG = ROOT / "build" / "k8s" / "cluster" / "run" / "kubeconfig"

Manifest = dict[str, Any]
"""One Kubernetes object, as parsed YAML."""


def k8s_tool(name: str) -> str:
    """A tool of the Kubernetes tool chain; fails loudly if `make k8s-tools` has not built it."""
    path = K8S_BIN / name
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `make k8s-tools`")
    return str(path)


def kustomize_build(directory: Path) -> list[Manifest]:
    """The objects a kustomization renders."""
    result = subprocess.run(
        [k8s_tool("kustomize"), "build", str(directory)], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise AssertionError(f"kustomize build {directory} failed:\n{result.stderr}")
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def unavailable_reason() -> str | None:
    """Why this machine cannot run the local node, or None when it can."""
    if platform.system() != "Linux":
        return "a local Kubernetes node needs Linux"
    if os.geteuid() != 0:
        return "a local Kubernetes node needs root (network namespaces, mounts, cgroups, iptables)"
    return None


@dataclass
class Cluster:
    """A running cluster with the dev overlay applied, driven through kubectl."""

    kubeconfig: Path
    started_here: bool
    """Whether this session brought it up (and so takes it down)."""

    def kubectl(
        self, *args: str, check: bool = True, timeout: float = 120.0, stdin: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Runs kubectl against the cluster, in the pagemesh namespace unless args say otherwise."""
        result = subprocess.run(
            [k8s_tool("kubectl"), "--kubeconfig", str(self.kubeconfig), "-n", NAMESPACE, *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            input=stdin,
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"kubectl {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
        return result

    def get(self, *args: str) -> Any:
        """`kubectl get ARGS -o json`, parsed."""
        return json.loads(self.kubectl("get", *args, "-o", "json").stdout)

    def service_ip(self, name: str) -> str:
        """A Service's cluster IP (reachable from this host through kube-proxy's rules)."""
        return str(self.get("service", name)["spec"]["clusterIP"])

    def pods(self, selector: str) -> list[Manifest]:
        """The pods matching a label selector, except those already terminating."""
        items: list[Manifest] = self.get("pods", "-l", selector)["items"]
        return [pod for pod in items if not pod["metadata"].get("deletionTimestamp")]

    def rollout(self, deployment: str, timeout: float = 180.0) -> None:
        """Waits until a Deployment's rollout has finished."""
        self.kubectl(
            "rollout",
            "status",
            f"deployment/{deployment}",
            f"--timeout={int(timeout)}s",
            timeout=timeout + 10,
        )

    def wait_gone(self, pods: list[Manifest], timeout: float = 180.0) -> None:
        """Waits until `pods` no longer exist: terminated, after their preStop and their drain."""
        names = [f"pod/{pod['metadata']['name']}" for pod in pods]
        if names:
            self.kubectl("wait", "--for=delete", *names, f"--timeout={int(timeout)}s", timeout=timeout + 10)

    def deployments(self) -> list[str]:
        """The names of every Deployment in the namespace."""
        return [item["metadata"]["name"] for item in self.get("deployments")["items"]]


def _run_script(script: str, env: dict[str, str], timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ROOT / "scripts" / "k8s" / script)],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )


def start_cluster(lock_wait: float = 1800.0) -> Cluster:
    """Brings the cluster up (or finds this checkout's running one) with the dev overlay rolled out.

    Another checkout's cluster on the machine is waited for up to `lock_wait` seconds.
    """
    already_up = KUBECONFIG.exists() and (
        subprocess.run(
            [k8s_tool("kubectl"), "--kubeconfig", str(KUBECONFIG), "get", "--raw", "/readyz"],
            capture_output=True,
            check=False,
        ).returncode
        == 0
    )
    env = {**os.environ, "PAGEMESH_K8S_LOCK_WAIT": str(int(lock_wait))}
    result = _run_script("up.sh", env, timeout=lock_wait + 1200)
    if result.returncode != 0:
        if not already_up:
            stop_cluster()
        output = f"{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
        raise RuntimeError(f"scripts/k8s/up.sh failed (exit {result.returncode}):\n{output}")
    return Cluster(KUBECONFIG, started_here=not already_up)


def stop_cluster() -> str:
    """Takes the cluster down; returns what down.sh said."""
    result = _run_script("down.sh", dict(os.environ), timeout=300)
    if result.returncode != 0:
        raise RuntimeError(f"scripts/k8s/down.sh failed:\n{result.stderr}")
    return result.stderr


def objects(manifests: Sequence[Manifest], kind: str) -> list[Manifest]:
    """The objects of one kind."""
    return [m for m in manifests if m.get("kind") == kind]
