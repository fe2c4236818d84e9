"""Event logging shared by every layer: one event name plus typed fields per line.

It lives at the bottom of the dependency order so the domain can log without importing `bot`;
`bot.logs` formats and configures it. Rule: no message text and no platform ids, ever.
"""

from __future__ import annotations

import logging
import sys
import traceback
from typing import Any

FIELDS_ATTR = "piiri_fields"


class EventLogger:
    """A thin wrapper that keeps every log line an event name with fields."""

    def __init__(self, name: str) -> None:
        self._logger = logging.getLogger(name)

    def _log(self, level: int, event: str, fields: dict[str, Any]) -> None:
        if self._logger.isEnabledFor(level):
            self._logger.log(level, event, extra={FIELDS_ATTR: fields})

    def debug(self, event: str, **fields: Any) -> None:
        self._log(logging.DEBUG, event, fields)

    def info(self, event: str, **fields: Any) -> None:
        self._log(logging.INFO, event, fields)

    def warning(self, event: str, **fields: Any) -> None:
        self._log(logging.WARNING, event, fields)

    def error(self, event: str, **fields: Any) -> None:
        self._log(logging.ERROR, event, fields)

    def exception(self, event: str, **fields: Any) -> None:
        """An error with the exception's type; at DEBUG also where it happened.

        Never the exception's message, at any level: messages can quote data (a driver
        echoing a failed row, a handler's error naming the text it choked on).
        """
        _, error, trace = sys.exc_info()
        self._log(logging.ERROR, event, {**fields, "error": type(error).__name__})
        if trace is not None:
            frames = "".join(traceback.format_tb(trace))
            self._log(logging.DEBUG, event + ".stack", {"stack": frames})


def get_logger(name: str) -> EventLogger:
    return EventLogger(name)
