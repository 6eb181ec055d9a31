"""AIP-158 pagination: page sizes and opaque page tokens, the same for every list RPC.

A token is URL-safe base64 of a small JSON object: the position to continue from and a fingerprint of
the request's other parameters, so a token cannot be replayed against a different query.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from pagemesh.runtime._errors import InvalidArgumentError

__all__ = ["Page", "PageSizePolicy", "decode_page_token", "encode_page_token", "paginate"]

T = TypeVar("T")


@dataclass(frozen=True)
class PageSizePolicy:
    """How one RPC interprets its page size field."""

    default: int
    maximum: int

    def resolve(self, requested: int, field: str = "page_size") -> int:
        """0 means the default, above the maximum is clamped, negative is an error."""
        if requested < 0:
            raise InvalidArgumentError(f"{field} must not be negative, got {requested}")
        if requested == 0:
            return self.default
        return min(requested, self.maximum)


def _fingerprint(scope: str) -> str:
    return hashlib.sha256(scope.encode()).hexdigest()[:12]


def encode_page_token(offset: int, scope: str) -> str:
    """A token for continuing at `offset` of the result set the request parameters in `scope` define."""
    payload = json.dumps({"o": offset, "s": _fingerprint(scope)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_page_token(token: str, scope: str) -> int:
    """The offset in a token from `encode_page_token`; 0 for an empty token."""
    if not token:
        return 0
    invalid = InvalidArgumentError(
        f"page_token {token!r} is not valid for this request; "
        "pass the next_page_token of the previous response unchanged, or an empty token to start over"
    )
    try:
        padded = token + "=" * (-len(token) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as error:
        raise invalid from error
    if not isinstance(payload, dict) or payload.get("s") != _fingerprint(scope):
        raise invalid
    offset = payload.get("o")
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise invalid
    return offset


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list result."""

    items: list[T]
    next_page_token: str
    """Empty on the last page."""
    total_size: int


async def paginate(
    fetch: Callable[[int, int], Awaitable[tuple[list[T], int]]],
    *,
    page_size: int,
    page_token: str,
    scope: str,
    policy: PageSizePolicy,
    size_field: str = "page_size",
) -> Page[T]:
    """Resolves the size and token, calls `fetch(offset, limit)` -> (items, total) and makes the next token.

    `scope` names everything besides the token that defines the result set (e.g. the product ID and
    sort order), so a token is refused when replayed against a different query.
    """
    limit = policy.resolve(page_size, size_field)
    offset = decode_page_token(page_token, scope)
    items, total = await fetch(offset, limit)
    end = offset + len(items)
    return Page(items, encode_page_token(end, scope) if end < total else "", total)
