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

__all__ = ["configure_logging", "log_event"]

_FIELDS = "pagemesh_fields"
_ROOT = logging.getLogger("pagemesh")


def _timestamp(created: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(created)) + f".{int(created % 1 * 1000):03d}Z"


def _json_line(created: float, level: str, component: str, event: str, fields: dict[str, Any]) -> str:
    entry: dict[str, Any] = {
        "time": _timestamp(created),
        "level": level,
        "component": component,
        "event": event,
    }
    entry.update(fields)
    return json.dumps(entry, default=str)


class _JsonFormatter(logging.Formatter):
    def __init__(self, component: str) -> None:
        super().__init__()
        self._component = component

    def format(self, record: logging.LogRecord) -> str:
        fields: dict[str, Any] = getattr(record, _FIELDS, {})
        if record.exc_info:
            fields = {**fields, "traceback": self.formatException(record.exc_info)}
        return _json_line(
            record.created, record.levelname.lower(), self._component, record.getMessage(), fields
        )


_Entry = tuple[float, str, str, dict[str, Any]]
"""A line not formatted yet: time, level name, event and fields."""


class _BatchingHandler(logging.Handler):
    """Keeps lines in memory and writes them to the stream in batches.

    `log_event` queues its lines as bare tuples, turned into JSON only when the batch is written, in one
    tight loop: formatted one by one between gRPC's own work, the same formatting measured ten times
    the CPU (the event loop thread runs it with cold caches). Lines that come through `logging`
    (warnings, errors, tracebacks, other libraries) are formatted as they come.
    """

    FLUSH_INTERVAL = 0.25
    MAX_PENDING = 512

    def __init__(self, stream: TextIO, component: str) -> None:
        super().__init__()
        self._stream = stream
        self._component = component
        self._pending: list[str | _Entry] = []
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

    def append(self, line: str | _Entry, *, urgent: bool = False) -> None:
        """Queues one line (formatted, or its parts); `urgent` writes everything queued at once."""
        with self._pending_lock:
            self._pending.append(line)
            urgent = urgent or len(self._pending) >= self.MAX_PENDING
        if urgent:
            self.flush()

    def flush(self) -> None:
        with self._pending_lock:
            pending, self._pending = self._pending, []
        if pending:
            self._stream.write("\n".join(map(self._line, pending)) + "\n")
            self._stream.flush()

    def _line(self, item: str | _Entry) -> str:
        if isinstance(item, str):
            return item
        created, level, event, fields = item
        return _json_line(created, level, self._component, event, fields)

    def close(self) -> None:
        self._closed.set()
        self.flush()
        super().close()

    def _flush_periodically(self) -> None:
        while not self._closed.wait(self.FLUSH_INTERVAL):
            self.flush()


def configure_logging(component: str, level: str = "INFO") -> None:
    """Sends every `pagemesh` log line to stderr as JSON, tagged with the component's name."""
    global _sink  # noqa: PLW0603 - logging is process-wide state by nature
    handler = _BatchingHandler(sys.stderr, component)
    handler.setFormatter(_JsonFormatter(component))
    _ROOT.handlers[:] = [handler]
    _ROOT.setLevel(level)
    _ROOT.propagate = False
    _sink = handler


_sink: _BatchingHandler | None = None
"""The handler that `configure_logging` installed, for `log_event`'s direct path."""


def log_event(
    logger: logging.Logger, level: int, event: str, *, exc_info: bool = False, **fields: Any
) -> None:
    """Writes one log line with structured fields (cheaply skipped when the level is off).

    Lines below WARNING are on the per-call and per-page paths, so with the handler of
    `configure_logging` in place they are only queued, and written later as the formatter would have
    written them: `fields` must not be changed after the call. Anywhere else (e.g. under pytest's log
    capture), and for warnings, errors and tracebacks, they go through `logging`.
    """
    if not logger.isEnabledFor(level):
        return
    sink = _sink
    handlers = _ROOT.handlers
    if (
        level < logging.WARNING
        and sink is not None
        and len(handlers) == 1
        and handlers[0] is sink
        and not logger.handlers
    ):
        sink.append((time.time(), logging.getLevelName(level).lower(), event, fields))
        return
    logger.log(level, event, extra={_FIELDS: fields}, exc_info=exc_info)
