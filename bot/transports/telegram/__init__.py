"""The Telegram transport: python-telegram-bot 22 behind Piiri's `Transport` port.

`updates` turns a `telegram.Update` into an `Inbound`; `messages` turns an `Outbound` into what
the Bot API takes; `errors` says which failures are worth retrying; `polling` owns the long
poll and its durable offset; `transport` ties them together; `setup` builds the PTB bot from
Piiri's settings. Nothing outside this package imports `telegram`.
"""

import os

# Opt in to what PTB 23 will do: durations (`RetryAfter.retry_after` among them) as timedelta.
# Without it, merely constructing a RetryAfter warns of the coming change.
os.environ.setdefault("PTB_TIMEDELTA", "true")

from bot.transports.telegram.setup import build_bot, webhook_for, webhook_problem
from bot.transports.telegram.transport import (
    TelegramTransport,
    TransportStartError,
)

__all__ = [
    "TelegramTransport",
    "TransportStartError",
    "build_bot",
    "webhook_for",
    "webhook_problem",
]
