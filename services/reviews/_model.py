"""The review service's domain model, which both API versions adapt and the demo data set is made of."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["RatingSummary", "Review"]


@dataclass(frozen=True)
class Review:
    """One customer review: the domain model both API versions adapt."""

    id: str
    product_id: str
    reviewer_name: str
    rating: int
    title: str
    body: str
    created: datetime
    verified_purchase: bool
    helpful_votes: int


@dataclass(frozen=True)
class RatingSummary:
    """All of a product's ratings at once."""

    average_rating: float
    total_count: int
    star_counts: tuple[int, int, int, int, int]
    """Reviews per star, 1-star first."""
