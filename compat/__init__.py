"""pagemesh's breaking-change checker: buf's 64 breaking rules over protoc-compiled descriptors.

from compat import run_check
result = run_check("proto", ".git#branch=main,subdir=proto")
for finding in result.findings: ...
"""

from __future__ import annotations

from compat._check import CheckResult, IgnoredFinding, check_images, run_check
from compat._config import BreakingConfig, config_from_buf_yaml, is_unstable_package, read_config_option
from compat._errors import CompatError, ConfigError, InputError
from compat._findings import Finding
from compat._loader import InputSpec, image_from_descriptor_set, load_image, parse_input
from compat._model import Image
from compat._printers import FORMATS, render
from compat._registry import ALL_CATEGORIES, DEFAULT_CATEGORIES, RULES, RULES_BY_ID, Rule

__all__ = [
    "ALL_CATEGORIES",
    "DEFAULT_CATEGORIES",
    "FORMATS",
    "RULES",
    "RULES_BY_ID",
    "BreakingConfig",
    "CheckResult",
    "CompatError",
    "ConfigError",
    "Finding",
    "IgnoredFinding",
    "Image",
    "InputError",
    "InputSpec",
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
