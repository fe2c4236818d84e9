"""Piiri's outbound pieces in the Bot API's terms: inline keyboards, replies, text length.

Texts go out as plain text (no parse mode), so nothing a member writes can turn into markup.
"""

from __future__ import annotations

from collections import OrderedDict

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters
from telegram.constants import InlineKeyboardButtonLimit, MessageLimit

from bot.ports import Keyboard

TEXT_LIMIT = int(MessageLimit.MAX_TEXT_LENGTH)
CAPTION_LIMIT = int(MessageLimit.CAPTION_LENGTH)
DATA_LIMIT = int(InlineKeyboardButtonLimit.MAX_CALLBACK_DATA)


class ButtonDataTooLong(ValueError):
    """Button data is an opaque id looked up in the store; more than 64 bytes is a bug."""


def keyboard(buttons: Keyboard) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    for row in buttons:
        for button in row:
            if len(button.data.encode()) > DATA_LIMIT:
                raise ButtonDataTooLong(f"button data is over {DATA_LIMIT} bytes")
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in buttons]
    )


class SentKeyboards:
    """The inline keyboards of the messages this process sent lately, by chat and message.

    Telegram drops a message's keyboard when an edit does not send it again, and Piiri's
    edits change only the text: the transport sends the keyboard back from here. It lives in
    memory, for the last `size` messages with buttons; an edit after a restart loses them.
    """

    def __init__(self, size: int = 10_000) -> None:
        self._size = size
        self._markups: OrderedDict[tuple[int, int], InlineKeyboardMarkup] = OrderedDict()

    def remember(self, chat_id: int, message_id: int, markup: InlineKeyboardMarkup | None) -> None:
        if markup is None:
            return
        self._markups[(chat_id, message_id)] = markup
        self._markups.move_to_end((chat_id, message_id))
        while len(self._markups) > self._size:
            self._markups.popitem(last=False)

    def get(self, chat_id: int, message_id: int) -> InlineKeyboardMarkup | None:
        return self._markups.get((chat_id, message_id))

    def forget(self, chat_id: int, message_id: int) -> None:
        self._markups.pop((chat_id, message_id), None)


def reply_parameters(reply_to: str | None) -> ReplyParameters | None:
    """Answer that message; if it is gone, send anyway rather than fail."""
    if reply_to is None or not reply_to.isdigit():
        return None
    return ReplyParameters(message_id=int(reply_to), allow_sending_without_reply=True)


def _length(text: str) -> int:
    """Telegram counts UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Pieces no longer than `limit`, cut at a line break where one is near, else a space."""
    pieces: list[str] = []
    rest = text
    while _length(rest) > limit:
        cut = limit
        while _length(rest[:cut]) > limit:
            cut -= 1
        window = rest[:cut]
        at = window.rfind("\n")
        if at <= cut // 2:
            at = window.rfind(" ")
        if at > cut // 2:
            cut = at + 1
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:]
    pieces.append(rest)
    return [piece for piece in pieces if piece] or [""]


def shorten(text: str, limit: int = TEXT_LIMIT) -> str:
    """An edit cannot become two messages: keep what fits, and show that something was cut."""
    if _length(text) <= limit:
        return text
    return split_text(text, limit - 1)[0] + "…"
