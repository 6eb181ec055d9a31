"""Structured logs: one JSON object per line on stderr, so they can be read by people and by tools.

Lines are written in batches (at most every quarter second, at once for warnings and errors, and at
exit): a write per line would cost a system call per RPC, and inside a grpc.aio server each of those
lets grpcio's own threads take the interpreter lock, which measured as more CPU than the line itself.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
from typing import Any, TextIO

__all__ = ["configure_logging", "log_call", "log_event"]

_FIELDS = "pagemesh_fields"
_ROOT = logging.getLogger("pagemesh")


def _timestamp(created: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(created)) + f".{int(created % 1 * 1000):03d}Z"


class _JsonFormatter(logging.Formatter):
    def __init__(self, component: str) -> None:
        super().__init__()
        self._component = component

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": _timestamp(record.created),
            "level": record.levelname.lower(),
            "component": self._component,
            "event": record.getMessage(),
        }
        entry.update(getattr(record, _FIELDS, {}))
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


_CallFields = tuple[float, str, str, float, str]
"""A call line not formatted yet: time, method, status code, duration in ms, request id."""


class _BatchingHandler(logging.Handler):
    """Keeps lines in memory and writes them to the stream in batches.

    Call lines are queued as bare tuples and turned into JSON only when the batch is written, in one
    tight loop: formatted one by one between gRPC's own work, the same formatting measured ten times
    the CPU (the event loop thread runs it with cold caches).
    """

    FLUSH_INTERVAL = 0.25
    MAX_PENDING = 512

    def __init__(self, stream: TextIO, component: str) -> None:
        super().__init__()
        self._stream = stream
        self._component = component
        self._pending: list[str | _CallFields] = []
        self._pending_lock = threading.Lock()
        self._closed = threading.Event()
        threading.Thread(target=self._flush_periodically, name="pagemesh-log-flush", daemon=True).start()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
        except Exception:
            self.handleError(record)
            return
        self.append(line, urgent=record.levelno >= logging.WARNING)

    def append(self, line: str | _CallFields, *, urgent: bool = False) -> None:
        """Queues one line (formatted, or a call's fields); `urgent` writes everything queued at once."""
        with self._pending_lock:
            self._pending.append(line)
            urgent = urgent or len(self._pending) >= self.MAX_PENDING
        if urgent:
            self.flush()

    def flush(self) -> None:
        with self._pending_lock:
            pending, self._pending = self._pending, []
        if pending:
            self._stream.write("\n".join(map(self._call_line, pending)) + "\n")
            self._stream.flush()

    def _call_line(self, item: str | _CallFields) -> str:
        if isinstance(item, str):
            return item
        created, method, code, duration_ms, request_id = item
        return json.dumps(
            {
                "time": _timestamp(created),
                "level": "info",
                "component": self._component,
                "event": "call",
                "method": method,
                "code": code,
                "duration_ms": duration_ms,
                "request_id": request_id,
            }
        )

    def close(self) -> None:
        self._closed.set()
        self.flush()
        super().close()

    def _flush_periodically(self) -> None:
        while not self._closed.wait(self.FLUSH_INTERVAL):
            self.flush()


def configure_logging(component: str, level: str = "INFO") -> None:
    """Sends every `pagemesh` log line to stderr as JSON, tagged with the component's name."""
    global _call_sink  # noqa: PLW0603 - logging is process-wide state by nature
    handler = _BatchingHandler(sys.stderr, component)
    handler.setFormatter(_JsonFormatter(component))
    _ROOT.handlers[:] = [handler]
    _ROOT.setLevel(level)
    _ROOT.propagate = False
    _call_sink = handler


_call_sink: _BatchingHandler | None = None
"""The handler and component that `configure_logging` installed, for `log_call`'s direct path."""


def log_call(logger: logging.Logger, method: str, code: str, duration_ms: float, request_id: str) -> None:
    """Writes the one line per RPC.

    It is on every call's path, so with the handler of `configure_logging` in place it only queues the
    fields, and the handler writes the same JSON as the formatter later; anywhere else (e.g. under
    pytest's log capture) it goes through logging.
    """
    if not logger.isEnabledFor(logging.INFO):
        return
    sink = _call_sink
    if sink is None or logger.handlers or _ROOT.handlers != [sink]:
        log_event(
            logger,
            logging.INFO,
            "call",
            method=method,
            code=code,
            duration_ms=duration_ms,
            request_id=request_id,
        )
        return
    sink.append((time.time(), method, code, duration_ms, request_id))


def log_event(
    logger: logging.Logger, level: int, event: str, *, exc_info: bool = False, **fields: Any
) -> None:
    """Writes one log line with structured fields (cheaply skipped when the level is off)."""
    if logger.isEnabledFor(level):
        logger.log(level, event, extra={_FIELDS: fields}, exc_info=exc_info)
