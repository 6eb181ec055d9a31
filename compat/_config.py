"""The `breaking:` section of buf.yaml (v2, and the older v1/v1beta1 layout), and `--config` values."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from compat._errors import ConfigError
from compat._registry import DEFAULT_CATEGORIES, RULES, categories_for_version, rules_for_version

__all__ = ["BreakingConfig", "config_from_buf_yaml", "is_unstable_package", "read_config_option"]

# Rule IDs buf deprecated, and the rules that replaced them (buf still accepts them, with a warning).
_DEPRECATED = {
    "FIELD_SAME_CTYPE": ("FIELD_SAME_CPP_STRING_TYPE",),
    "FIELD_SAME_LABEL": (
        "FIELD_SAME_CARDINALITY",
        "FIELD_WIRE_COMPATIBLE_CARDINALITY",
        "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY",
    ),
    "FILE_SAME_JAVA_STRING_CHECK_UTF8": ("FIELD_SAME_JAVA_UTF8_VALIDATION",),
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
    version: str = "v2"  # of the buf.yaml: older versions know fewer rules and categories
    warnings: tuple[str, ...] = ()  # about the configuration itself, such as deprecated rule IDs

    def rule_ids(self) -> list[str]:
        selected = _expand(self.use, self.version)
        excluded = _expand(self.except_, self.version)
        return [rule.id for rule in RULES if rule.id in selected and rule.id not in excluded]

    def is_ignored(self, rule_id: str, paths: tuple[str, ...], packages: tuple[str, ...]) -> bool:
        if self.ignore_unstable_packages and any(is_unstable_package(p) for p in packages):
            return True
        if any(_under(path, prefix) for path in paths for prefix in self.ignore):
            return True
        categories = rules_for_version(self.version).get(rule_id, ())
        for key, prefixes in self.ignore_only.items():
            if (key == rule_id or key in categories) and any(_under(p, q) for p in paths for q in prefixes):
                return True
        return False


def _under(path: str, prefix: str) -> bool:
    prefix = prefix.rstrip("/")
    return prefix in (".", "") or path == prefix or path.startswith(prefix + "/")


def _canonical(names: tuple[str, ...], version: str, warnings: list[str]) -> tuple[str, ...]:
    """The names with deprecated rule IDs replaced by their successors; unknown names are an error."""
    result: list[str] = []
    for name in names:
        if name in _DEPRECATED:
            replacements = ", ".join(_DEPRECATED[name])
            warnings.append(f"rule {name} is deprecated; buf replaced it with {replacements}.")
            result += _DEPRECATED[name]
        elif name in rules_for_version(version) or name in categories_for_version(version):
            result.append(name)
        else:
            raise ConfigError(
                f'"{name}" is not a known rule or category ID for a version {version} buf.yaml.'
            )
    return tuple(result)


def _expand(names: tuple[str, ...], version: str) -> set[str]:
    table = rules_for_version(version)
    ids: set[str] = set()
    for name in names:
        if name in categories_for_version(version):
            ids.update(rule_id for rule_id, categories in table.items() if name in categories)
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
        return BreakingConfig(version=version)
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
    warnings: list[str] = []
    use = _canonical(_strings(section.get("use"), "use"), version, warnings) or DEFAULT_CATEGORIES
    except_ = _canonical(_strings(section.get("except"), "except"), version, warnings)
    ignore_only_raw = section.get("ignore_only") or {}
    if not isinstance(ignore_only_raw, dict):
        raise ConfigError("breaking.ignore_only must map rule IDs or categories to lists of paths.")
    ignore_only = {
        name: _strings(paths, f"ignore_only.{key}")
        for key, paths in ignore_only_raw.items()
        for name in _canonical((str(key),), version, warnings)
    }
    unstable = section.get("ignore_unstable_packages", False)
    if not isinstance(unstable, bool):
        raise ConfigError("breaking.ignore_unstable_packages must be true or false.")
    ignore = _strings(section.get("ignore"), "ignore")
    return BreakingConfig(use, except_, ignore, ignore_only, unstable, version, tuple(warnings))


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
