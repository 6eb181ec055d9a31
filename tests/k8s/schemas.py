"""Kubernetes JSON schemas for kubeconform, offline, from the `kubernetes-validate` package.

kubeconform loads one schema file per kind and cannot follow the `$ref`s of kubernetes-validate's "local"
schemas, which all point into one shared `_definitions.json`. Each kind's schema is rewritten here to be
standalone: the definitions it reaches, directly or through other definitions, are copied into its own
`$defs` and its references point there. The result is cached under .tools/k8s/schemas/.
"""

from __future__ import annotations

import json
import re
import shutil
from importlib import metadata, resources
from pathlib import Path
from typing import Any

__all__ = ["KUBERNETES_VERSION", "standalone_schemas"]

KUBERNETES_VERSION = "1.37.0"
"""The API version the manifests are checked against (kubernetes-validate's newest; the cluster runs 1.37)."""

_REF = re.compile(r"^(?:/api/_definitions\.json)?#/\$defs/(.+)$")
_SKIPPED = {"_definitions.json", "all.json"}


def _references(node: Any, found: set[str]) -> None:
    """Rewrites every definition reference under `node` to a local one and collects the names."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and (match := _REF.match(ref)):
            node["$ref"] = f"#/$defs/{match.group(1)}"
            found.add(match.group(1))
        for value in node.values():
            _references(value, found)
    elif isinstance(node, list):
        for value in node:
            _references(value, found)


def _make_standalone(schema: dict[str, Any], definitions: dict[str, Any]) -> dict[str, Any]:
    needed: set[str] = set()
    _references(schema, needed)
    copied: dict[str, Any] = {}
    pending = sorted(needed)
    while pending:
        name = pending.pop()
        if name in copied:
            continue
        # A copy, so rewriting its references leaves the shared definitions for the next kind intact.
        copied[name] = definition = json.loads(json.dumps(definitions[name]))
        more: set[str] = set()
        _references(definition, more)
        pending.extend(sorted(more - copied.keys()))
    schema["$defs"] = copied
    return schema


def standalone_schemas(cache: Path, version: str = KUBERNETES_VERSION) -> Path:
    """The directory of strict standalone schemas for `version`, made on first use.

    kubeconform finds a kind's schema there with
    `-schema-location '<dir>/{{ .ResourceKind }}{{ .KindSuffix }}.json'`.
    """
    package_version = metadata.version("kubernetes-validate")
    target = cache / f"v{version}-standalone-strict-{package_version}"
    if (target / ".complete").exists():
        return target
    source = resources.files("kubernetes_validate") / "kubernetes-json-schema" / f"v{version}-local-strict"
    document = json.loads((source / "_definitions.json").read_text())
    definitions: dict[str, Any] = document.get("$defs") or document["definitions"]
    scratch = target.with_name(target.name + ".partial")
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    for entry in source.iterdir():
        if not entry.name.endswith(".json") or entry.name in _SKIPPED:
            continue
        schema = _make_standalone(json.loads(entry.read_text()), definitions)
        (scratch / entry.name).write_text(json.dumps(schema))
    (scratch / ".complete").write_text(package_version)
    shutil.rmtree(target, ignore_errors=True)
    scratch.rename(target)
    return target
