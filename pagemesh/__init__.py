"""pagemesh: a contract-first gRPC service mesh that serves an online store's product page.

The hand-written shared runtime lives in `pagemesh.runtime`; `pagemesh.<area>.<version>` packages are
generated from `proto/` by `make generate` and never edited by hand.
"""

from __future__ import annotations

__version__ = "0.1.0"
