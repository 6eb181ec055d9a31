"""Structured logs: one JSON object per line on stderr, so they can be read by people and by tools."""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any

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


def configure_logging(component: str, level: str = "INFO") -> None:
    """Sends every `pagemesh` log line to stderr as JSON, tagged with the component's name."""
    handler = logging.StreamHandler(sys.stderr)
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
