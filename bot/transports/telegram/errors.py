"""Which Bot API failures retrying can fix, in the shape the outbound queue understands.

Reasons are fixed words: Telegram's own description may one day carry a name or an id, and
a reason is stored and logged.
"""

from __future__ import annotations

import warnings
from datetime import timedelta

from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.warnings import PTBDeprecationWarning

from bot.ports import SendError

# The reason a refused deletion carries; the room-rights path tells the facilitators.
NO_RIGHTS = "not enough rights to delete messages"
# A refused restriction (a mute in room mode) for the same reason.
NO_RESTRICT_RIGHTS = "not enough rights to restrict members"


def retry_after_seconds(error: RetryAfter) -> float:
    """Telegram's wait, whichever type PTB hands it out as (int now, timedelta later)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def description(error: TelegramError) -> str:
    return error.message.casefold()


def to_send_error(error: TelegramError) -> SendError:
    """The SendError for a failed Bot API call. Order matters: BadRequest is a NetworkError."""
    if isinstance(error, RetryAfter):
        return SendError("rate limited", retry_after=retry_after_seconds(error))
    if isinstance(error, TimedOut):
        return SendError("timed out")
    if isinstance(error, Forbidden):
        return SendError("forbidden: the bot was blocked or removed", permanent=True)
    if isinstance(error, ChatMigrated):
        return SendError("the group became a supergroup", permanent=True)
    if isinstance(error, BadRequest):
        return SendError(_bad_request_reason(error), permanent=True)
    if isinstance(error, NetworkError):
        return SendError("network error")
    return SendError(type(error).__name__)


def _bad_request_reason(error: BadRequest) -> str:
    text = description(error)
    for words, reason in (
        ("chat not found", "chat not found"),
        ("can't be deleted", NO_RIGHTS),
        ("rights to restrict", NO_RESTRICT_RIGHTS),
        ("not enough rights", NO_RIGHTS),
        ("message to edit not found", "message not found"),
        ("message to delete not found", "message not found"),
        ("message is too long", "message too long"),
        ("button_data_invalid", "button data invalid"),
    ):
        if words in text:
            return reason
    return "bad request"


def already_done(error: TelegramError) -> bool:
    """An edit that changes nothing, or a deletion of what is already gone, succeeded."""
    text = description(error)
    return isinstance(error, BadRequest) and (
        "message is not modified" in text or "message to delete not found" in text
    )
