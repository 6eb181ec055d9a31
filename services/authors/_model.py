"""The author service's domain model, which both API versions adapt and the demo data set is made of."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

__all__ = ["Author"]


@dataclass(frozen=True)
class Author:
    """A person who writes books: the domain model both API versions adapt."""

    id: str
    given_name: str
    family_name: str
    biography: str
    birth_date: date
    photo_url: str
    product_ids: tuple[str, ...]

    @property
    def display_name(self) -> str:
        """The name as printed on covers."""
        return f"{self.given_name} {self.family_name}"
