"""Random valid schema pairs (fixed seeds, so reproducible) on which pagemesh and the real buf must agree."""

from __future__ import annotations

from pathlib import Path

from tests.compat.differential import disagreements


def test_random_pairs_agree_with_buf(tmp_path: Path) -> None:
    compared, problems = disagreements(tmp_path, range(1000, 1060))
    assert compared >= 50, "the generator should produce pairs buf accepts"
    assert not problems, "\n".join(problems)
