"""The `breaking:` section of buf.yaml (v2, and the older v1/v1beta1 layout), and `--config` values."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from compat._errors import ConfigError
from compat._registry import ALL_CATEGORIES, DEFAULT_CATEGORIES, RULES, RULES_BY_ID

__all__ = ["BreakingConfig", "config_from_buf_yaml", "is_unstable_package", "read_config_option"]

# v1 rule IDs that buf renamed in v2; configs written for v1 keep working.
_V1_RENAMES = {
    "FIELD_SAME_CTYPE": "FIELD_SAME_CPP_STRING_TYPE",
    "FIELD_SAME_LABEL": "FIELD_SAME_CARDINALITY",
    "FIELD_WIRE_COMPATIBLE_LABEL": "FIELD_WIRE_COMPATIBLE_CARDINALITY",
    "FIELD_WIRE_JSON_COMPATIBLE_LABEL": "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY",
    "FILE_SAME_JAVA_STRING_CHECK_UTF8": "FIELD_SAME_JAVA_UTF8_VALIDATION",
}
# buf's unstable package versions: v1alpha1, v1beta, v1p1beta1, v1test, v1testfoo.
_UNSTABLE = re.compile(r"^v\d+(p\d+)?(alpha|beta)\d*$|^v\d+test.*$")


def is_unstable_package(package: str) -> bool:
    return any(_UNSTABLE.match(part) for part in package.split("."))


@dataclass(frozen=True)
class BreakingConfig:
    """Which rules run and which findings are ignored, as buf reads them."""

    use: tuple[str, ...] = DEFAULT_CATEGORIES
    except_: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    ignore_only: dict[str, tuple[str, ...]] = field(default_factory=dict)
    ignore_unstable_packages: bool = False

    def rule_ids(self) -> list[str]:
        selected = _expand(self.use)
        excluded = _expand(self.except_)
        return [rule.id for rule in RULES if rule.id in selected and rule.id not in excluded]

    def is_ignored(self, rule_id: str, paths: tuple[str, ...], packages: tuple[str, ...]) -> bool:
        if self.ignore_unstable_packages and any(is_unstable_package(p) for p in packages):
            return True
        if any(_under(path, prefix) for path in paths for prefix in self.ignore):
            return True
        categories = RULES_BY_ID[rule_id].categories
        for key, prefixes in self.ignore_only.items():
            if (key == rule_id or key in categories) and any(_under(p, q) for p in paths for q in prefixes):
                return True
        return False


def _under(path: str, prefix: str) -> bool:
    prefix = prefix.rstrip("/")
    return prefix in (".", "") or path == prefix or path.startswith(prefix + "/")


def _canonical(name: str) -> str:
    name = _V1_RENAMES.get(name, name)
    if name not in RULES_BY_ID and name not in ALL_CATEGORIES:
        raise ConfigError(f'Unknown breaking rule or category "{name}".')
    return name


def _expand(names: tuple[str, ...]) -> set[str]:
    ids: set[str] = set()
    for name in names:
        if name in ALL_CATEGORIES:
            ids.update(rule.id for rule in RULES if name in rule.categories)
        else:
            ids.add(name)
    return ids


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"breaking.{where} must be a list of strings.")
    return tuple(value)


def config_from_buf_yaml(data: dict[str, Any] | None) -> BreakingConfig:
    """Reads the `breaking:` section (top level, or of the first module that has one in v2)."""
    if not data:
        return BreakingConfig()
    version = str(data.get("version", "v1beta1"))
    if version not in ("v1beta1", "v1", "v2"):
        raise ConfigError(f'Unknown buf.yaml version "{version}"; expected v1beta1, v1 or v2.')
    section = data.get("breaking")
    if section is None and version == "v2":
        for module in data.get("modules") or []:
            if isinstance(module, dict) and module.get("breaking") is not None:
                section = module["breaking"]
                break
    if section is None:
        return BreakingConfig()
    if not isinstance(section, dict):
        raise ConfigError("breaking must be a mapping.")
    unknown = set(section) - {
        "use",
        "except",
        "ignore",
        "ignore_only",
        "ignore_unstable_packages",
        "disable_builtin",
    }
    if unknown:
        raise ConfigError(f'Unknown key "breaking.{sorted(unknown)[0]}".')
    use = tuple(_canonical(n) for n in _strings(section.get("use"), "use")) or DEFAULT_CATEGORIES
    except_ = tuple(_canonical(n) for n in _strings(section.get("except"), "except"))
    ignore_only_raw = section.get("ignore_only") or {}
    if not isinstance(ignore_only_raw, dict):
        raise ConfigError("breaking.ignore_only must map rule IDs or categories to lists of paths.")
    ignore_only = {
        _canonical(str(key)): _strings(paths, f"ignore_only.{key}") for key, paths in ignore_only_raw.items()
    }
    unstable = section.get("ignore_unstable_packages", False)
    if not isinstance(unstable, bool):
        raise ConfigError("breaking.ignore_unstable_packages must be true or false.")
    return BreakingConfig(use, except_, _strings(section.get("ignore"), "ignore"), ignore_only, unstable)


def read_config_option(value: str, cwd: Path) -> dict[str, Any]:
    """`--config` as buf takes it: a path to a buf.yaml, or the YAML/JSON text itself."""
    candidate = cwd / value
    try:
        text = candidate.read_text(encoding="utf-8") if candidate.is_file() else value
    except OSError as error:
        raise ConfigError(f'Cannot read config "{value}": {error.strerror}.') from None
    try:
        data = yaml.safe_load(text)  # JSON is YAML too
    except yaml.YAMLError as error:
        raise ConfigError(
            f"--config is neither a readable file nor valid YAML/JSON: {' '.join(str(error).split())}"
        ) from None
    if not isinstance(data, dict):
        raise ConfigError(f'--config "{value}" is neither a file nor a YAML/JSON mapping.')
    return data
