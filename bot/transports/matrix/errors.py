"""Which homeserver failures retrying can fix, in the shape the outbound queue understands.

Reasons are fixed words: a homeserver's own error text may carry a room or user id, and a
reason is stored and logged.
"""

from __future__ import annotations

import asyncio

from aiohttp import ClientError
from nio import ErrorResponse

from bot.ports import SendError

# The reason a refused redaction carries; the room-rights path tells the facilitators.
NO_POWER = "not enough power to remove messages"

# Errors no retry can fix: the request itself is wrong, or the bot may not do it here.
PERMANENT = {
    "M_FORBIDDEN": "forbidden",
    "M_NOT_FOUND": "not found",
    "M_TOO_LARGE": "message too large",
    "M_BAD_JSON": "bad request",
    "M_NOT_JSON": "bad request",
    "M_INVALID_PARAM": "bad request",
}

# What a request that never got an answer raises.
NETWORK_ERRORS = (ClientError, TimeoutError, asyncio.TimeoutError, OSError)


def retry_after_seconds(error: ErrorResponse) -> float | None:
    return error.retry_after_ms / 1000 if error.retry_after_ms is not None else None


def to_send_error(error: ErrorResponse, *, redacting: bool = False) -> SendError:
    code = error.status_code
    if code in ("M_LIMIT_EXCEEDED", 429):
        return SendError("rate limited", retry_after=retry_after_seconds(error))
    if redacting and code == "M_FORBIDDEN":
        return SendError(NO_POWER, permanent=True)
    if isinstance(code, str) and code in PERMANENT:
        return SendError(PERMANENT[code], permanent=True)
    return SendError(f"homeserver error {code}" if isinstance(code, str) else "homeserver error")


def network_error(error: BaseException) -> SendError:
    return SendError(f"network error ({type(error).__name__})")
