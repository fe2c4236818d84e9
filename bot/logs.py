"""Structured logging: one event name plus typed fields per line.

Rule: no message text and no platform ids are ever logged — only event names, internal ids,
transport names, kinds, counts and durations. `tests/test_privacy_logs.py` holds us to it.
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from datetime import UTC, datetime
from typing import Any

from storage.eventlog import FIELDS_ATTR, EventLogger, get_logger

__all__ = ["FIELDS_ATTR", "EventLogger", "configure_logging", "get_logger", "safe_traceback"]


def safe_traceback(record: logging.LogRecord) -> str:
    """A library's logged exception as its type and frames, without its message."""
    if not record.exc_info:
        return ""
    error_type, _, trace = record.exc_info
    name = error_type.__name__ if error_type else "Exception"
    return "".join(traceback.format_tb(trace)) + name + " (message withheld)"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        payload.update(getattr(record, FIELDS_ATTR, {}))
        if record.exc_info:
            payload["traceback"] = safe_traceback(record)
        return json.dumps(payload, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields = getattr(record, FIELDS_ATTR, {})
        extras = " ".join(f"{key}={value}" for key, value in fields.items())
        line = (
            f"{self.formatTime(record)} {record.levelname:<7} {record.name}: {record.getMessage()}"
        )
        if extras:
            line += " " + extras
        if record.exc_info:
            line += "\n" + safe_traceback(record)
        return line


# Libraries that log SQL parameters (message text), request URLs (a Telegram URL carries the
# bot token) or payloads at DEBUG or INFO. They stay at WARNING whatever Piiri's level is.
QUIET_LIBRARIES = (
    "sqlalchemy",
    "aiosqlite",
    "asyncpg",
    "httpx",
    "httpcore",
    "telegram",
    "nio",
    "aiohttp",
    "asyncio",
)


class _PiiriHandler(logging.StreamHandler):
    """Marks the handler Piiri installed, so reconfiguring replaces only it."""


def configure_logging(level: str = "INFO", fmt: str = "text") -> None:
    handler = _PiiriHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [h for h in root.handlers if not isinstance(h, _PiiriHandler)] + [handler]
    root.setLevel(level)
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
