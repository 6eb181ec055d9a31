"""Runs the selected rules over two images and applies ignores: the library entry point the CLI uses."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from compat._config import BreakingConfig, config_from_buf_yaml, read_config_option
from compat._findings import Finding, Reporter, SortKey
from compat._loader import InputSpec, load_images, parse_input
from compat._model import Image
from compat._registry import RULES_BY_ID

__all__ = ["CheckResult", "IgnoredFinding", "check_images", "is_first", "load_inputs", "run_check"]

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


def is_first(finding: Finding, seen: set[SortKey]) -> bool:
    """Whether no finding with the same place, rule and message is in `seen` yet; records this one if so."""
    key = finding.sort_key()
    if key in seen:
        return False
    seen.add(key)
    return True


def check_images(current: Image, previous: Image, config: BreakingConfig) -> CheckResult:
    """Compares `current` against `previous` with the rules `config` selects."""
    reporter = Reporter()
    for rule_id in config.rule_ids():
        reporter.rule = rule_id
        RULES_BY_ID[rule_id].handler(reporter, current, previous)
    result = CheckResult(current_packages=frozenset(f.package for f in current.files))
    seen: set[SortKey] = set()
    for finding in sorted(reporter.findings, key=Finding.sort_key):
        if config.is_ignored(finding.rule, finding.config_paths, finding.packages) or not is_first(
            finding, seen
        ):
            continue
        reason, problem = _comment_ignore(finding)
        if problem and problem not in result.comment_problems:
            result.comment_problems.append(problem)
        if reason is not None:
            result.ignored.append(IgnoredFinding(finding, reason))
        else:
            result.findings.append(finding)
    return result


def load_inputs(
    specs: list[InputSpec], config_text: str | None, cwd: Path
) -> tuple[list[Image], BreakingConfig]:
    """Loads the inputs and the configuration: `--config` if given, else the first input's buf.yaml."""
    loaded = load_images(specs, cwd)
    buf_yaml = loaded[0][1]
    config = config_from_buf_yaml(read_config_option(config_text, cwd) if config_text else buf_yaml)
    return [image for image, _ in loaded], config


def run_check(
    input_text: str, against: str, config_text: str | None = None, cwd: Path | None = None
) -> CheckResult:
    """Loads both inputs, reads the configuration (`--config`, else the input's buf.yaml) and checks."""
    specs = [parse_input(input_text), parse_input(against)]
    (current, previous), config = load_inputs(specs, config_text, cwd or Path.cwd())
    return check_images(current, previous, config)
