"""Writes the corpus of `corpus_cases.py` to corpus/previous/<case>/ and corpus/current/<case>/.

Run after editing the cases: `.venv/bin/python -m tests.compat.build_corpus`. The written files are committed;
test_corpus.py checks they match the case definitions.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.compat.corpus_cases import CASES, Case

CORPUS = Path(__file__).resolve().parent / "corpus"


def expected_files(case: Case) -> dict[str, dict[str, str]]:
    """side -> relative path -> content, for one case."""
    return {
        side: {"buf.yaml": case.config, **files}
        for side, files in (("previous", case.previous), ("current", case.current))
    }


def build(root: Path = CORPUS) -> None:
    shutil.rmtree(root, ignore_errors=True)
    for case in CASES:
        for side, files in expected_files(case).items():
            for relative, content in files.items():
                path = root / side / case.name / relative
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(content, encoding="utf-8")


if __name__ == "__main__":
    build()
    print(f"wrote {len(CASES)} pairs to {CORPUS}")
