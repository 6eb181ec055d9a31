"""PageService v1 and v2: thin gRPC adapters over the one page assembler.

The page's budget is the configured deadline, or what remains of the caller's own gRPC deadline
(less a small margin to send the answer) when that is shorter.
"""

from __future__ import annotations

from typing import Any

import grpc.aio

from aggregator._adapters import page_v1_from_v2
from aggregator._assembler import PageAssembler, PageResult
from aggregator._config import AggregatorConfig
from pagemesh.events.v1 import events_pb2
from pagemesh.page.v1 import page_pb2 as page_v1
from pagemesh.page.v1 import page_pb2_grpc as page_v1_grpc
from pagemesh.page.v2 import page_pb2 as page_v2
from pagemesh.page.v2 import page_pb2_grpc as page_v2_grpc
from pagemesh.runtime import REQUEST_ID_KEY, ApiBinding, api_binding, current_request_id

__all__ = ["TIMING_KEY", "PageServiceV1", "PageServiceV2", "page_bindings", "page_budget", "server_timing"]

TIMING_KEY = "x-pagemesh-timing"
"""Trailing metadata with each section's time, in the HTTP `Server-Timing` syntax."""


def page_budget(config: AggregatorConfig, time_remaining: float | None) -> float:
    """Seconds the page may take: the configured deadline, or the caller's if that is shorter."""
    if time_remaining is None:
        return config.deadline
    return max(0.0, min(config.deadline, time_remaining - config.response_margin))


def server_timing(result: PageResult) -> str:
    """`name;dur=ms` per section and for the whole page, as HTTP's `Server-Timing` writes it."""
    parts = [f"{name};dur={ms:g}" for name, ms in result.timings_ms.items()]
    parts.append(f"page;dur={result.duration_ms:g}")
    return ", ".join(parts)


async def _assemble(
    assembler: PageAssembler,
    product_id: str,
    user_id: str,
    context: grpc.aio.ServicerContext[Any, Any],
    api_version: str,
) -> PageResult:
    request_id = current_request_id.get()
    result = await assembler.assemble(
        product_id,
        user_id,
        budget=page_budget(assembler.config, context.time_remaining()),
        request_id=request_id,
    )
    assembler.page_viewed(
        result, user_id, api_version=api_version, surface=events_pb2.SURFACE_GRPC, request_id=request_id
    )
    context.set_trailing_metadata(((REQUEST_ID_KEY, request_id), (TIMING_KEY, server_timing(result))))
    return result


class PageServiceV2(page_v2_grpc.PageServiceServicer):
    """pagemesh.page.v2: the page with per-section status."""

    def __init__(self, assembler: PageAssembler) -> None:
        self._assembler = assembler

    async def GetProductPage(
        self,
        request: page_v2.GetProductPageRequest,
        context: grpc.aio.ServicerContext[page_v2.GetProductPageRequest, page_v2.GetProductPageResponse],
    ) -> page_v2.GetProductPageResponse:
        result = await _assemble(self._assembler, request.product_id, request.user_id, context, "v2")
        return result.page


class PageServiceV1(page_v1_grpc.PageServiceServicer):
    """pagemesh.page.v1: the same page in the v1 shape; a missing section is simply left out."""

    def __init__(self, assembler: PageAssembler) -> None:
        self._assembler = assembler

    async def GetProductPage(
        self,
        request: page_v1.GetProductPageRequest,
        context: grpc.aio.ServicerContext[page_v1.GetProductPageRequest, page_v1.GetProductPageResponse],
    ) -> page_v1.GetProductPageResponse:
        result = await _assemble(self._assembler, request.product_id, request.user_id, context, "v1")
        return page_v1_from_v2(result.page)


def page_bindings(assembler: PageAssembler) -> list[ApiBinding]:
    """Both versions of PageService, v1 first, for `pagemesh.runtime.GrpcServer`."""
    return [
        api_binding(
            page_v1.DESCRIPTOR, page_v1_grpc.add_PageServiceServicer_to_server, PageServiceV1(assembler)
        ),
        api_binding(
            page_v2.DESCRIPTOR, page_v2_grpc.add_PageServiceServicer_to_server, PageServiceV2(assembler)
        ),
    ]
