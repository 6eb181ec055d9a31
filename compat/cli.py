"""`pagemesh compat`: the breaking-change checker's command line.

Exit codes follow buf: 0 compatible, 100 breaking changes found, 1 bad input or usage (one line on stderr).
"""

from __future__ import annotations

import argparse
import fnmatch
import re
import sys
from dataclasses import replace
from pathlib import Path
from typing import NoReturn

from compat._check import CheckResult, check_images, is_first, load_inputs
from compat._config import BreakingConfig, is_unstable_package
from compat._errors import CompatError, ConfigError
from compat._findings import Finding, SortKey
from compat._gate import gate_baseline
from compat._git import git
from compat._loader import load_image, parse_input
from compat._printers import FORMATS, render
from compat._registry import RULES

__all__ = ["main"]

EXIT_OK, EXIT_USAGE, EXIT_BREAKING = 0, 1, 100
_STABLE_VERSION = re.compile(r"^v(\d+)$")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise ConfigError(f"{message} (run `pagemesh compat --help`)")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="pagemesh compat",
        description="Check .proto contracts for breaking changes, with buf's rule IDs and categories.",
    )
    parser.add_argument(
        "input", nargs="?", default=".", help="directory, .git#ref=..., or image (default: .)"
    )
    parser.add_argument(
        "--against", help="the baseline: directory, .git#ref=X / #branch=X / #tag=X[,subdir=D], image"
    )
    parser.add_argument("--against-tags", metavar="GLOB", help="check against every git tag matching GLOB")
    parser.add_argument("--format", "--error-format", dest="format", default="text", choices=sorted(FORMATS))
    parser.add_argument(
        "--config", help="buf.yaml path, or its YAML/JSON text (default: the input's buf.yaml)"
    )
    parser.add_argument(
        "--list-rules", action="store_true", help="print every rule's ID, categories and purpose"
    )
    parser.add_argument(
        "--gate",
        action="store_true",
        help="CI gate: --against defaults to the merge base with main (HEAD~1 on main); no base passes",
    )
    return parser


def _list_rules() -> str:
    width = max(len(rule.id) for rule in RULES)
    lines = [f"{'ID':<{width}}  {'CATEGORIES':<34}  PURPOSE"]
    lines += [f"{rule.id:<{width}}  {', '.join(rule.categories):<34}  {rule.purpose}" for rule in RULES]
    return "\n".join(lines) + "\n"


def _matching_tags(pattern: str, cwd: Path) -> list[str]:
    result = git(cwd, "tag", "--list", "--sort=v:refname")
    if result.returncode != 0:
        raise CompatError(
            f"--against-tags needs a git repository: {' '.join(result.stderr.decode().split())}"
        )
    return [tag for tag in result.stdout.decode().split() if fnmatch.fnmatchcase(tag, pattern)]


def _version_hints(result: CheckResult, config: BreakingConfig) -> list[str]:
    hints: list[str] = []
    for package in sorted({f.packages[0] for f in result.findings if f.packages}):
        parts = package.split(".")
        match = _STABLE_VERSION.match(parts[-1]) if parts else None
        if match:
            # The next major version that is not taken yet: with v1 and v2 both served, v1 breaks into v3.
            prefix = ".".join(parts[:-1])
            majors = [int(match.group(1))]
            for other in result.current_packages:
                head, _, last = other.rpartition(".")
                version = _STABLE_VERSION.match(last)
                if head == prefix and version:
                    majors.append(int(version.group(1)))
            successor = f"{prefix}.v{max(majors) + 1}"
            hints.append(
                f'hint: package "{package}" is a stable version; to make a change that breaks it, add a new '
                f'package "{successor}" beside it and keep "{package}" served unchanged (docs/compat.md).'
            )
        elif is_unstable_package(package) and not config.ignore_unstable_packages:
            hints.append(
                f'hint: package "{package}" is unstable; set breaking.ignore_unstable_packages: true '
                "in buf.yaml to allow breaking changes to it."
            )
    return hints


def _run(args: argparse.Namespace, cwd: Path) -> tuple[CheckResult, BreakingConfig]:
    if args.gate and not args.against_tags:
        baseline = gate_baseline(args.against or "", cwd)
        if baseline.skip_reason:
            print(f"pagemesh compat: {baseline.skip_reason}; the gate passes.", file=sys.stderr)
            return CheckResult(), BreakingConfig()
        print(f"pagemesh compat: checking {args.input} against {baseline.description}", file=sys.stderr)
        args.against = baseline.against
    if bool(args.against) == bool(args.against_tags):
        raise ConfigError("give exactly one of --against or --against-tags (run `pagemesh compat --help`)")
    input_spec = parse_input(args.input)
    if args.against:
        (current, previous), config = load_inputs([input_spec, parse_input(args.against)], args.config, cwd)
        return check_images(current, previous, config), config
    (current,), config = load_inputs([input_spec], args.config, cwd)
    tags = _matching_tags(args.against_tags, cwd)
    if not tags:
        print(
            f"pagemesh compat: no git tag matches {args.against_tags!r}; nothing to check against.",
            file=sys.stderr,
        )
        return CheckResult(), config
    merged = CheckResult(current_packages=frozenset(f.package for f in current.files))
    seen: set[SortKey] = set()
    subdir = input_spec.path if input_spec.kind == "dir" else ""
    for tag in tags:
        spec = f".git#tag={tag}" + (f",subdir={subdir}" if subdir not in ("", ".") else "")
        previous, _ = load_image(parse_input(spec), cwd)
        result = check_images(current, previous, config)
        merged.findings += [
            replace(finding, baseline=f'tag "{tag}"')
            for finding in result.findings
            if is_first(finding, seen)
        ]
        merged.ignored += result.ignored
        merged.comment_problems += [p for p in result.comment_problems if p not in merged.comment_problems]
    merged.findings.sort(key=Finding.sort_key)
    return merged, config


def main(argv: list[str]) -> int:
    """Runs `pagemesh compat` and returns its exit code."""
    cwd = Path.cwd()
    try:
        args = _parser().parse_args(argv)
        if args.list_rules:
            sys.stdout.write(_list_rules())
            return EXIT_OK
        result, config = _run(args, cwd)
    except CompatError as error:
        print(f"pagemesh compat: {error}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as error:  # a bug, still reported as one line: callers parse stderr and exit codes
        print(f"pagemesh compat: internal error ({type(error).__name__}): {error}", file=sys.stderr)
        return EXIT_USAGE
    for warning in config.warnings:
        print(f"pagemesh compat: {warning}", file=sys.stderr)
    sys.stdout.write(render(result.findings, args.format))
    for problem in result.comment_problems:
        print(f"pagemesh compat: {problem}", file=sys.stderr)
    if result.ignored:
        print(f"pagemesh compat: {len(result.ignored)} finding(s) ignored by comment:", file=sys.stderr)
        for ignored in result.ignored:
            f = ignored.finding
            print(
                f"  {f.path or '<input>'}:{f.start_line}:{f.start_column}: {f.rule}: {ignored.reason}",
                file=sys.stderr,
            )
    for hint in _version_hints(result, config):
        print(hint, file=sys.stderr)
    return EXIT_BREAKING if result.findings else EXIT_OK


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
