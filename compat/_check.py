"""Runs the selected rules over two images and applies ignores: the library entry point the CLI uses."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from compat._config import BreakingConfig, config_from_buf_yaml, read_config_option
from compat._findings import Finding, Reporter
from compat._loader import load_images, parse_input
from compat._model import Image
from compat._registry import RULES_BY_ID

__all__ = ["CheckResult", "IgnoredFinding", "check_images", "run_check"]

_IGNORE_COMMENT = re.compile(r"pagemesh:compat:ignore\s+([A-Z0-9_]+)[ \t]*([^\n]*)")


@dataclass(frozen=True)
class IgnoredFinding:
    finding: Finding
    reason: str


@dataclass
class CheckResult:
    """Findings that break compatibility, plus what ignore comments suppressed and any misuse of them."""

    findings: list[Finding] = field(default_factory=list)
    ignored: list[IgnoredFinding] = field(default_factory=list)
    comment_problems: list[str] = field(default_factory=list)
    current_packages: frozenset[str] = frozenset()
    """The packages of the checked input, so advice can name a version that does not exist yet."""


def _comment_ignore(finding: Finding) -> tuple[str | None, str | None]:
    """(reason, problem) from a `// pagemesh:compat:ignore RULE reason` comment on the element or a parent."""
    categories = RULES_BY_ID[finding.rule].categories
    for proto_file, path in finding.anchors:
        for end in range(len(path), 1, -1):
            for match in _IGNORE_COMMENT.finditer(proto_file.comments(path[:end])):
                rule, reason = match.group(1), match.group(2).strip()
                if rule != finding.rule and rule not in categories:
                    continue
                if not reason:
                    location = proto_file.location(path[:end])
                    line = location.start_line if location else 1
                    return None, (
                        f"{proto_file.display_path}:{line}: ignore comment for {rule} has no reason, "
                        "so it is not honored; write why the change is safe after the rule ID."
                    )
                return reason, None
    return None, None


def check_images(current: Image, previous: Image, config: BreakingConfig) -> CheckResult:
    """Compares `current` against `previous` with the rules `config` selects."""
    reporter = Reporter()
    for rule_id in config.rule_ids():
        reporter.rule = rule_id
        RULES_BY_ID[rule_id].handler(reporter, current, previous)
    result = CheckResult(current_packages=frozenset(f.package for f in current.files))
    seen: set[tuple[str, int, int, int, int, str, str]] = set()
    for finding in sorted(reporter.findings, key=Finding.sort_key):
        if finding.sort_key() in seen or config.is_ignored(
            finding.rule, finding.config_paths, finding.packages
        ):
            continue
        seen.add(finding.sort_key())
        reason, problem = _comment_ignore(finding)
        if problem and problem not in result.comment_problems:
            result.comment_problems.append(problem)
        if reason is not None:
            result.ignored.append(IgnoredFinding(finding, reason))
        else:
            result.findings.append(finding)
    return result


def run_check(
    input_text: str,
    against: str,
    config_text: str | None = None,
    cwd: Path | None = None,
    baseline: str = "",
) -> CheckResult:
    """Loads both inputs, reads the configuration (`--config`, else the input's buf.yaml) and checks."""
    cwd = cwd or Path.cwd()
    (current, buf_yaml), (previous, _) = load_images([parse_input(input_text), parse_input(against)], cwd)
    config = config_from_buf_yaml(read_config_option(config_text, cwd) if config_text else buf_yaml)
    result = check_images(current, previous, config)
    if baseline:
        result.findings = [replace(f, baseline=baseline) for f in result.findings]
    return result
