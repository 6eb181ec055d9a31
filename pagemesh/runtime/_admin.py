"""The admin port: plain HTTP for probes and scrapers, which need no client certificate.

It serves exactly three paths, as Kubernetes' and Prometheus' conventions name them:

- `GET /healthz`: 200 while the process is alive and its event loop turns (liveness);
- `GET /readyz`: 200 while the gRPC server reports SERVING, 503 before that and once it is draining
  (readiness: a load balancer stops sending calls);
- `GET /metrics`: the Prometheus text format of the process's default `prometheus_client` registry.

Anything else is 404: the API itself is only reachable on the gRPC port, behind mutual TLS when it is on.
"""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from pagemesh.runtime._config import parse_address
from pagemesh.runtime._errors import PagemeshError

__all__ = ["AdminServer"]


class AdminServer:
    """`/healthz`, `/readyz` and `/metrics` on one address, in the server's own event loop."""

    def __init__(self, component: str, address: str, ready: Callable[[], bool]) -> None:
        self.component = component
        self.address = address
        self.port = 0
        self._ready = ready
        self._runner: web.AppRunner | None = None

    async def _healthz(self, request: web.Request) -> web.Response:
        return web.Response(text="ok\n")

    async def _readyz(self, request: web.Request) -> web.Response:
        if self._ready():
            return web.Response(text="SERVING\n")
        return web.Response(status=503, text="NOT_SERVING\n")

    async def _metrics(self, request: web.Request) -> web.Response:
        response = web.Response(body=generate_latest(REGISTRY))
        response.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return response

    async def start(self) -> None:
        """Binds the address; `PagemeshError` naming it when it is taken."""
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/readyz", self._readyz)
        app.router.add_get("/metrics", self._metrics)
        self._runner = runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        host, port = parse_address(self.address)
        site = web.TCPSite(runner, host, port, reuse_port=False)
        try:
            await site.start()
        except OSError as error:
            await runner.cleanup()
            self._runner = None
            raise PagemeshError(
                f"{self.component}: cannot listen for admin HTTP on {self.address}: {error.strerror}"
            ) from None
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        self.port = sockets[0].getsockname()[1] if sockets else port

    async def stop(self) -> None:
        """Closes the port."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
