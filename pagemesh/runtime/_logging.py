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


class _JsonFormatter(logging.Formatter):
    def __init__(self, component: str) -> None:
        super().__init__()
        self._component = component

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "component": self._component,
            "event": record.getMessage(),
        }
        entry.update(getattr(record, _FIELDS, {}))
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class _BatchingHandler(logging.Handler):
    """Keeps formatted lines in memory and writes them to the stream in batches."""

    FLUSH_INTERVAL = 0.25
    MAX_PENDING = 512

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self._stream = stream
        self._pending: list[str] = []
        self._pending_lock = threading.Lock()
        self._closed = threading.Event()
        threading.Thread(target=self._flush_periodically, name="pagemesh-log-flush", daemon=True).start()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
        except Exception:
            self.handleError(record)
            return
        with self._pending_lock:
            self._pending.append(line)
            urgent = record.levelno >= logging.WARNING or len(self._pending) >= self.MAX_PENDING
        if urgent:
            self.flush()

    def flush(self) -> None:
        with self._pending_lock:
            lines, self._pending = self._pending, []
        if lines:
            self._stream.write("\n".join(lines) + "\n")
            self._stream.flush()

    def close(self) -> None:
        self._closed.set()
        self.flush()
        super().close()

    def _flush_periodically(self) -> None:
        while not self._closed.wait(self.FLUSH_INTERVAL):
            self.flush()


def configure_logging(component: str, level: str = "INFO") -> None:
    """Sends every `pagemesh` log line to stderr as JSON, tagged with the component's name."""
    handler = _BatchingHandler(sys.stderr)
    handler.setFormatter(_JsonFormatter(component))
    root = logging.getLogger("pagemesh")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


def log_event(
    logger: logging.Logger, level: int, event: str, *, exc_info: bool = False, **fields: Any
) -> None:
    """Writes one log line with structured fields (cheaply skipped when the level is off)."""
    if logger.isEnabledFor(level):
        logger.log(level, event, extra={_FIELDS: fields}, exc_info=exc_info)
