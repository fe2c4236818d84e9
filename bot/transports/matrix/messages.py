"""Piiri's outbound pieces as Matrix event content: text or notice, replies, edits, and
buttons, which Matrix does not have.

A message with buttons lists them under its text, numbered with keycap emoji. A person answers
by reacting with the number (✅ or 👍 choose the first), or by writing the number or the
button's label. The button data travels in the event's own content (`fi.piiri.buttons`), so
an answer to a message sent before a restart is still understood.

The body is always plain text; a formatted body is added only when there is a list to show,
and everything in it is escaped, so nothing a member writes can turn into markup.
"""

from __future__ import annotations

import html
from typing import Any

from bot.ports import Keyboard

BUTTONS_KEY = "fi.piiri.buttons"
KEYCAPS = [f"{n}\ufe0f\u20e3" for n in range(10)] + ["\U0001f51f"]
FIRST_CHOICE = {"\u2705", "\u2714\ufe0f", "\u2714", "\U0001f44d"}
# Matrix caps an event at 65,536 bytes; this leaves room for the formatted body and the rest.
TEXT_LIMIT = 16_000


def number_mark(position: int) -> str:
    """How the button at `position` (1-based) is numbered: 1️⃣ … 🔟, then "11."."""
    return KEYCAPS[position] if position < len(KEYCAPS) else f"{position}."


def flatten(buttons: Keyboard) -> list[tuple[str, str]]:
    return [(b.label, b.data) for row in buttons for b in row]


def text_content(
    text: str, *, notice: bool, buttons: Keyboard = (), reply_to: str | None = None
) -> dict[str, Any]:
    content: dict[str, Any] = {"msgtype": "m.notice" if notice else "m.text", "body": text}
    choices = flatten(buttons)
    if choices:
        lines = [f"{number_mark(n)} {label}" for n, (label, _data) in enumerate(choices, 1)]
        content["body"] = text + "\n\n" + "\n".join(lines)
        items = "".join(f"<li>{html.escape(label)}</li>" for label, _data in choices)
        content["format"] = "org.matrix.custom.html"
        content["formatted_body"] = f"{_html_text(text)}<ol>{items}</ol>"
        content[BUTTONS_KEY] = [data for _label, data in choices]
    if reply_to is not None:
        content["m.relates_to"] = {"m.in_reply_to": {"event_id": reply_to}}
    return content


def edit_content(event_id: str, new: dict[str, Any]) -> dict[str, Any]:
    """An `m.replace` of `event_id` with `new`; the outer body is what older clients show."""
    replacement = {k: v for k, v in new.items() if k != "m.relates_to"}
    content = {
        "msgtype": replacement["msgtype"],
        "body": "* " + replacement["body"],
        "m.new_content": replacement,
        "m.relates_to": {"rel_type": "m.replace", "event_id": event_id},
    }
    return content


def _html_text(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def choice_from_reaction(key: str, count: int) -> int | None:
    """The 0-based button a reaction chooses among `count`, or None."""
    if key.strip() in FIRST_CHOICE:
        return 0 if count else None
    return _numbered(key, count)


def choice_from_text(text: str, labels: list[str]) -> int | None:
    """The 0-based button a written answer chooses: its number (1, 1., 1️⃣) or its label."""
    chosen = _numbered(text, len(labels))
    if chosen is not None:
        return chosen
    folded = text.strip().casefold()
    for index, label in enumerate(labels):
        if label.casefold() == folded:
            return index
    return None


def looks_like_choice(text: str) -> bool:
    """A short number or keycap, the way people answer a numbered list."""
    return _numbered(text, 99) is not None


def _numbered(answer: str, count: int) -> int | None:
    answer = answer.strip()
    digits = answer.rstrip(".)")
    number: int | None = int(digits) if digits.isdigit() and len(digits) < 4 else None
    if number is None:
        for position, mark in enumerate(KEYCAPS):
            if answer in (mark, mark.replace("\ufe0f", "")):
                number = position
    if number is None or not 1 <= number <= count:
        return None
    return number - 1


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Pieces no longer than `limit`, cut at a line break where one is near, else a space."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        at = window.rfind("\n")
        if at <= limit // 2:
            at = window.rfind(" ")
        cut = at + 1 if at > limit // 2 else limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:]
    pieces.append(rest)
    return [piece for piece in pieces if piece] or [""]
