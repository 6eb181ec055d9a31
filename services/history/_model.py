"""The history service's domain model, which both API versions adapt and the demo data set is made of."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["View"]


@dataclass(frozen=True)
class View:
    """A user looked at a product: the domain model both API versions adapt."""

    user_id: str
    product_id: str
    title: str
    viewed: datetime
