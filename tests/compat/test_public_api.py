"""Pins the public names of the `compat` package, so a change to its surface shows in review."""

from __future__ import annotations

import compat


def test_exported_members() -> None:
    assert sorted(compat.__all__) == [
        "ALL_CATEGORIES",
        "BreakingConfig",
        "CheckResult",
        "CompatError",
        "ConfigError",
        "DEFAULT_CATEGORIES",
        "FORMATS",
        "Finding",
        "IgnoredFinding",
        "Image",
        "InputError",
        "InputSpec",
        "RULES",
        "RULES_BY_ID",
        "Rule",
        "check_images",
        "config_from_buf_yaml",
        "image_from_descriptor_set",
        "is_unstable_package",
        "load_image",
        "parse_input",
        "read_config_option",
        "render",
        "run_check",
    ]
    for name in compat.__all__:
        assert getattr(compat, name) is not None


def test_unstable_package_names() -> None:
    assert all(compat.is_unstable_package(p) for p in ("a.v1alpha1", "a.v1beta", "a.v2p1beta1", "a.v1test"))
    assert not any(compat.is_unstable_package(p) for p in ("a.v1", "a.v10", "alpha.v1", "a.beta"))
