"""The six backend services, one package each; `pagemesh serve SERVICE` runs one of them.

Each package exposes `open_service(db_path) -> ServiceInstance`: its v1 and v2 adapters over one domain
model and its own store. `demo_data` is the data set they seed from; `domain` holds the money and time
conversions they share.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from pagemesh.runtime import SERVICES, ServiceInstance

__all__ = ["open_service"]


def open_service(name: str, db_path: Path) -> ServiceInstance:
    """Opens the named backend service on its store."""
    if name not in SERVICES:
        raise ValueError(f"unknown service {name!r}")
    module = importlib.import_module(f"services.{name}")
    opener: Callable[[Path], ServiceInstance] = module.open_service
    return opener(db_path)
