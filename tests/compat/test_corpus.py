"""The trust argument: on every corpus pair, pagemesh's checker reports what the real `buf breaking` reports.

buf runs once per pair (in parallel). pagemesh runs in-process through `compat.run_check`, the same code path
the CLI uses, on every pair; the CLI itself runs as a subprocess on a representative subset. A pair agrees
when both report the same (rule ID, file, line) findings; the full records (columns and messages) are compared
too, except for the deliberate differences listed in docs/compat.md.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from compat import RULES, Finding, render, run_check
from tests.compat.build_corpus import CORPUS, expected_files
from tests.compat.conftest import buf, pagemesh
from tests.compat.corpus_cases import CASES, Case
from tests.tools import ROOT

BUF_ENV = {**os.environ, "BUF_CACHE_DIR": str(ROOT / ".tools" / "buf-cache")}
CLI_SUBSET = (
    "category_file",
    "category_package",
    "category_wire",
    "file_no_delete",
    "proto2_all_file",
    "editions_all_file",
    "config_ignore_unstable_packages",
    "no_change_file",
)

Record = tuple[str, int, str]  # (path, start line, rule ID)


def _buf_records(case: Case) -> list[dict[str, object]]:
    result = buf(
        CORPUS,
        "breaking",
        f"current/{case.name}",
        "--against",
        f"previous/{case.name}",
        "--error-format",
        "json",
        env=BUF_ENV,
    )
    assert result.returncode in (0, 100), f"buf failed on {case.name}: {result.stderr}"
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def buf_results() -> dict[str, list[dict[str, object]]]:
    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip([c.name for c in CASES], pool.map(_buf_records, CASES), strict=True))


def _pagemesh_records(case: Case) -> list[dict[str, object]]:
    result = run_check(f"current/{case.name}", f"previous/{case.name}", cwd=CORPUS)
    return [json.loads(line) for line in render(result.findings, "json").splitlines()]


@pytest.fixture(scope="module")
def pagemesh_results() -> dict[str, list[dict[str, object]]]:
    return {case.name: _pagemesh_records(case) for case in CASES}


def _key(record: dict[str, object]) -> Record:
    return (str(record.get("path", "")), int(str(record["start_line"])), str(record["type"]))


def test_corpus_matches_its_definitions() -> None:
    on_disk = {p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*") if p.is_file()}
    expected = {
        f"{side}/{case.name}/{rel}"
        for case in CASES
        for side, files in expected_files(case).items()
        for rel in files
    }
    assert on_disk == expected, "corpus is stale: run .venv/bin/python -m tests.compat.build_corpus"
    for case in CASES:
        for side, files in expected_files(case).items():
            for rel, content in files.items():
                assert (CORPUS / side / case.name / rel).read_text(encoding="utf-8") == content


def test_corpus_is_large_and_covers_every_rule_and_category() -> None:
    assert len(CASES) >= 150
    targets = {case.target for case in CASES}
    assert {rule.id for rule in RULES} <= targets
    assert {"FILE", "PACKAGE", "WIRE_JSON", "WIRE", "CSR"} <= targets
    syntaxes = "".join(text for case in CASES for text in case.previous.values())
    assert 'syntax = "proto2"' in syntaxes
    assert 'edition = "2023"' in syntaxes


def test_each_case_exercises_its_target(buf_results: dict[str, list[dict[str, object]]]) -> None:
    """Guards the fixtures: a breaking case makes buf report its rule, a safe case does not."""
    wrong = []
    for case in CASES:
        types = {str(r["type"]) for r in buf_results[case.name]}
        fired = bool(types) if case.target not in {rule.id for rule in RULES} else case.target in types
        if fired != case.breaks:
            wrong.append(f"{case.name}: buf reported {sorted(types)}")
    assert not wrong, "\n".join(wrong)


def test_pagemesh_agrees_with_buf_on_every_pair(
    buf_results: dict[str, list[dict[str, object]]], pagemesh_results: dict[str, list[dict[str, object]]]
) -> None:
    disagreements = []
    for case in CASES:
        expected = Counter(_key(r) for r in buf_results[case.name])
        actual = Counter(_key(r) for r in pagemesh_results[case.name])
        if expected != actual:
            missing = sorted((expected - actual).elements())
            extra = sorted((actual - expected).elements())
            disagreements.append(f"{case.name}: missing {missing} extra {extra}")
    assert not disagreements, f"{len(disagreements)} pairs disagree:\n" + "\n".join(disagreements)


def test_full_records_match_buf(
    buf_results: dict[str, list[dict[str, object]]], pagemesh_results: dict[str, list[dict[str, object]]]
) -> None:
    """Columns, end positions and message texts match too."""
    differences = []
    for case in CASES:
        expected = sorted(json.dumps(r, sort_keys=True) for r in buf_results[case.name])
        actual = sorted(json.dumps(r, sort_keys=True) for r in pagemesh_results[case.name])
        if expected != actual:
            only_buf, only_pagemesh = sorted(set(expected) - set(actual)), sorted(set(actual) - set(expected))
            differences.append(f"{case.name}:\n  buf      {only_buf}\n  pagemesh {only_pagemesh}")
    assert not differences, "\n".join(differences)


@pytest.mark.parametrize("name", CLI_SUBSET)
def test_cli_output_is_buf_output(name: str, buf_results: dict[str, list[dict[str, object]]]) -> None:
    result = pagemesh(CORPUS, f"current/{name}", "--against", f"previous/{name}", "--format", "json")
    expected_code = 100 if buf_results[name] else 0
    assert result.returncode == expected_code, result.stderr
    assert [json.loads(line) for line in result.stdout.splitlines()] == buf_results[name]


def test_findings_are_neutral_records() -> None:
    result = run_check("current/field_same_type", "previous/field_same_type", cwd=CORPUS)
    assert all(isinstance(f, Finding) for f in result.findings)
