"""Repeated reads answered from memory, for services whose answers depend on nothing but the request.

Five of the six services own data that nothing changes while they serve: they have no write RPC, and
their stores are rebuilt offline. Their answer to a request is therefore the same every time, and a
product page asks the same questions again and again (the same product, the same page size). Keeping
each answer saves the store queries and the building of the response, which measured as a third of such
a service's CPU per call. Only answers are kept, never failures, and the oldest go first when full.

History is not read-only (RecordView), so it is never cached.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import grpc.aio
from google.protobuf.message import Message

__all__ = ["ResponseCache"]

Behaviour = Callable[[Any, grpc.aio.ServicerContext[Any, Any]], Awaitable[Any]]


class ResponseCache:
    """The answers of one read-only servicer's methods, keyed by method and request."""

    def __init__(self, max_entries: int = 4096) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.max_entries = max_entries
        self._answers: dict[tuple[str, bytes], Message] = {}
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

        async def cached(request: Message, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            # Deterministic, so equal requests (whatever order their fields were set in) share a key.
            key = (method, request.SerializeToString(deterministic=True))
            answer = answers.get(key)
            if answer is not None:
                self.hits += 1
                return answer
            self.misses += 1
            answer = await behaviour(request, context)
            if len(answers) >= self.max_entries:
                del answers[next(iter(answers))]
            answers[key] = answer
            return answer

        return cached
