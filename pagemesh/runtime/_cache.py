"""Repeated reads answered from memory, for services whose answers change seldom or never.

Most services own data that nothing changes while they serve: they have no write RPC, and their stores
are rebuilt offline. Their answer to a request is therefore the same every time, and a product page asks
the same questions again and again (the same product, the same page size). Keeping each answer saves the
store queries and the building of the response, which measured as a third of such a service's CPU per
call. Only answers are kept, never failures, and the oldest go first when full.

A service whose data changes in the background (recommendations learns co-views from the bus's events)
gives its answers a `max_age`: an answer older than that is computed again, so a change shows within
`max_age` seconds while a busy page still gets most answers from memory. Dropping the whole cache on
every change instead would empty it many times a second under load, for no fresher a page.

History is not read-only (RecordView, and its consumer writes every view), so it is never cached.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

import grpc.aio
from google.protobuf.message import Message

__all__ = ["ResponseCache"]

Behaviour = Callable[[Any, grpc.aio.ServicerContext[Any, Any]], Awaitable[Any]]


class ResponseCache:
    """The answers of one read-only servicer's methods, keyed by method and request."""

    def __init__(self, max_entries: int = 4096, max_age: float | None = None) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        if max_age is not None and max_age <= 0:
            raise ValueError("max_age must be more than 0 seconds")
        self.max_entries = max_entries
        self.max_age = max_age
        """Seconds an answer is reused; None means for as long as the process runs."""
        self._answers: dict[tuple[str, bytes], tuple[Message, float]] = {}
        self.hits = 0
        self.misses = 0
        self.service = ""
        """The full name of the service whose answers it keeps (its label on `/metrics`)."""

    def __len__(self) -> int:
        return len(self._answers)

    def wrap(self, method: str, behaviour: Behaviour) -> Behaviour:
        """`behaviour`, answering a request it has answered before from memory."""
        if not self.service:
            # Imported here, in servers only: every `pagemesh` command imports this package.
            from pagemesh.telemetry._metrics import track_cache  # noqa: PLC0415

            self.service = method.lstrip("/").partition("/")[0]
            track_cache(self)
        answers = self._answers
        max_age = self.max_age

        async def cached(request: Message, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            # Deterministic, so equal requests (whatever order their fields were set in) share a key.
            key = (method, request.SerializeToString(deterministic=True))
            kept = answers.get(key)
            now = time.monotonic() if max_age is not None else 0.0
            if kept is not None and (max_age is None or now - kept[1] < max_age):
                self.hits += 1
                return kept[0]
            self.misses += 1
            answer = await behaviour(request, context)
            if kept is not None:
                del answers[key]  # re-inserted below as the newest
            elif len(answers) >= self.max_entries:
                del answers[next(iter(answers))]
            answers[key] = (answer, now)
            return answer

        return cached
