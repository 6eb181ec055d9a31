"""Printers: turn findings into buf's output formats (text, json, msvs, junit, github-actions,
gitlab-code-quality) and SARIF for code-scanning UIs."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from xml.sax.saxutils import escape

from compat._findings import Finding
from compat._registry import RULES_BY_ID

__all__ = ["FORMATS", "render"]

_NO_FILE = "<input>"


def _message(finding: Finding) -> str:
    return f"{finding.message} (against {finding.baseline})" if finding.baseline else finding.message


def _text(findings: Sequence[Finding]) -> str:
    return "".join(f"{f.path or _NO_FILE}:{f.start_line}:{f.start_column}:{_message(f)}\n" for f in findings)


def _json(findings: Sequence[Finding]) -> str:
    lines = []
    for f in findings:
        record: dict[str, object] = {} if f.path is None else {"path": f.path}
        record.update(
            start_line=f.start_line,
            start_column=f.start_column,
            end_line=f.end_line,
            end_column=f.end_column,
            type=f.rule,
            message=_message(f),
        )
        lines.append(json.dumps(record, separators=(",", ":"), ensure_ascii=False) + "\n")
    return "".join(lines)


def _msvs(findings: Sequence[Finding]) -> str:
    return "".join(
        f"{f.path or _NO_FILE}({f.start_line},{f.start_column}) : error {f.rule} : {_message(f)}\n"
        for f in findings
    )


def _github_actions(findings: Sequence[Finding]) -> str:
    lines = []
    for f in findings:
        message = _message(f).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        if f.path is None:
            lines.append(f"::error file={_NO_FILE}::{message}\n")
        else:
            lines.append(
                f"::error file={f.path},line={f.start_line},col={f.start_column},"
                f"endLine={f.end_line},endColumn={f.end_column}::{message}\n"
            )
    return "".join(lines)


def _xml(text: str) -> str:
    return escape(text, {'"': "&#34;", "'": "&#39;"})


def _junit(findings: Sequence[Finding]) -> str:
    suites: dict[str, list[Finding]] = {}
    for f in findings:
        name = f.path.removesuffix(".proto") if f.path else _NO_FILE
        suites.setdefault(name, []).append(f)
    out = ["<testsuites>\n"]
    for name, members in suites.items():
        out.append(
            f'  <testsuite name="{_xml(name)}" tests="{len(members)}" failures="{len(members)}" errors="0">\n'
        )
        for f in members:
            case = f.rule if f.path is None else f"{f.rule}_{f.start_line}_{f.start_column}"
            text = f"{f.path or _NO_FILE}:{f.start_line}:{f.start_column}:{_message(f)}"
            out.append(f'    <testcase name="{_xml(case)}">\n')
            out.append(f'      <failure message="{_xml(text)}" type="{_xml(f.rule)}"></failure>\n')
            out.append("    </testcase>\n")
        out.append("  </testsuite>\n")
    out.append("</testsuites>\n")
    return "".join(out)


def _gitlab(findings: Sequence[Finding]) -> str:
    issues = []
    for f in findings:
        location: dict[str, object] = {} if f.path is None else {"path": f.path}
        if f.path is None:
            location["positions"] = {"begin": {}, "end": {}}
        else:
            location["positions"] = {
                "begin": {"line": f.start_line, "column": f.start_column},
                "end": {"line": f.end_line, "column": f.end_column},
            }
        key = (
            f"{f.path or ''}:{f.start_line}:{f.start_column}:{f.end_line}:{f.end_column}:{f.rule}:{f.message}"
        )
        issues.append(
            {
                "description": _message(f),
                "check_name": f.rule,
                "fingerprint": hashlib.sha512(key.encode()).hexdigest(),
                "location": location,
                "severity": "minor",
            }
        )
    return json.dumps(issues, separators=(",", ":"), ensure_ascii=False) + "\n"


def _sarif(findings: Sequence[Finding]) -> str:
    rule_ids = sorted({f.rule for f in findings})
    rules = [
        {
            "id": rule_id,
            "shortDescription": {"text": RULES_BY_ID[rule_id].purpose},
            "helpUri": "https://buf.build/docs/breaking/rules/",
            "properties": {"categories": list(RULES_BY_ID[rule_id].categories)},
        }
        for rule_id in rule_ids
    ]
    results = []
    for f in findings:
        result: dict[str, object] = {
            "ruleId": f.rule,
            "ruleIndex": rule_ids.index(f.rule),
            "level": "error",
            "message": {"text": _message(f)},
        }
        if f.path is not None:
            result["locations"] = [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.path},
                        "region": {
                            "startLine": f.start_line,
                            "startColumn": f.start_column,
                            "endLine": f.end_line,
                            "endColumn": f.end_column,
                        },
                    }
                }
            ]
        results.append(result)
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "pagemesh compat",
                        "informationUri": "https://buf.build/docs/breaking/rules/",
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"


FORMATS: dict[str, Callable[[Sequence[Finding]], str]] = {
    "text": _text,
    "json": _json,
    "msvs": _msvs,
    "junit": _junit,
    "github-actions": _github_actions,
    "gitlab-code-quality": _gitlab,
    "sarif": _sarif,
}


def render(findings: Sequence[Finding], output_format: str) -> str:
    """The findings in one output format."""
    if not findings and output_format != "sarif":
        return ""  # as buf, which prints nothing at all when compatible; SARIF viewers want an empty run
    return FORMATS[output_format](findings)
