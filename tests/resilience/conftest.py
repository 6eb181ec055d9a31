"""Hypothesis profiles for the fuzz tests: `pagemesh` (the default) and `fuzz-campaign`."""

from __future__ import annotations

from hypothesis import settings

# Reproducible in CI: a fixed seed, no example database written into the checkout.
settings.register_profile("pagemesh", max_examples=40, derandomize=True, database=None)
# A longer, random hunt for new failures: `pytest tests/resilience --hypothesis-profile=fuzz-campaign`.
settings.register_profile("fuzz-campaign", max_examples=500, derandomize=False, database=None)
settings.load_profile("pagemesh")
