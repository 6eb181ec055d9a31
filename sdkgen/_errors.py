"""The one error `pagemesh sdk` reports: a sentence for stderr, never a traceback.

Hierarchy: `Exception` > `SdkError`.
"""

from __future__ import annotations

__all__ = ["SdkError"]


class SdkError(Exception):
    """A usage or toolchain problem, said in one line (an unknown language, a missing tool, buf failing)."""
