"""A Matrix room event (its JSON, as the homeserver sent it) as Piiri's neutral `Inbound`.

The Matrix event id is the event id Piiri de-duplicates by: a batch synced again after a crash
carries the same ids. Reactions are not messages; they come back as a `Reaction`, which the
transport turns into a button press when it answers a message that offered buttons.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.ports import ChatRef, Inbound, InboundKind, UserRef

MEDIA = {
    "m.image": "photo",
    "m.audio": "voice",
    "m.video": "file",
    "m.file": "file",
    "m.location": "file",
}
TEXT_TYPES = ("m.text", "m.emote")
ENCRYPTION = "m.room.encryption"
ENCRYPTED = "m.room.encrypted"
MEMBER = "m.room.member"


@dataclass(frozen=True, slots=True)
class Reaction:
    event_id: str
    sender: str
    room_id: str
    reacts_to: str
    key: str

    def __repr__(self) -> str:
        return "Reaction(…)"


def read_event(
    source: dict[str, Any], room_id: str, transport: str, *, is_private: bool
) -> Inbound | Reaction | None:
    """What Piiri does with one timeline event, or None when it has nothing to do with it."""
    kind = source.get("type")
    event_id, sender = source.get("event_id"), source.get("sender")
    content = source.get("content")
    if not isinstance(event_id, str) or not isinstance(sender, str):
        return None
    if not isinstance(content, dict):
        return None
    if kind == "m.reaction":
        return _reaction(content, event_id, sender, room_id)
    base: dict[str, Any] = {
        "transport": transport,
        "event_id": event_id,
        "sender": UserRef(transport, sender),
        "chat": ChatRef(transport, room_id),
        "is_private": is_private,
    }
    if kind == "m.room.redaction":
        redacts = content.get("redacts", source.get("redacts"))
        if not isinstance(redacts, str):
            return None
        return Inbound(kind=InboundKind.DELETE, message_id=redacts, **base)
    if kind == "m.sticker":
        return Inbound(kind=InboundKind.MESSAGE, message_id=event_id, media="file", **base)
    if kind != "m.room.message" or _redacted(source):
        return None
    return _message(content, event_id, base)


def _redacted(source: dict[str, Any]) -> bool:
    unsigned = source.get("unsigned")
    return isinstance(unsigned, dict) and "redacted_because" in unsigned


def _message(content: dict[str, Any], event_id: str, base: dict[str, Any]) -> Inbound | None:
    relation = content.get("m.relates_to")
    relation = relation if isinstance(relation, dict) else {}
    if relation.get("rel_type") == "m.replace":
        new = content.get("m.new_content")
        original = relation.get("event_id")
        if not isinstance(new, dict) or not isinstance(original, str):
            return None
        text, media = _text_and_media(new)
        return Inbound(kind=InboundKind.EDIT, message_id=original, text=text, media=media, **base)
    text, media = _text_and_media(content)
    if text is None and media is None:
        return None  # notices (other bots), unknown message types
    replied = relation.get("m.in_reply_to")
    reply_to = replied.get("event_id") if isinstance(replied, dict) else None
    if isinstance(reply_to, str) and text is not None:
        text = strip_reply_fallback(text)
    return Inbound(
        kind=InboundKind.MESSAGE,
        message_id=event_id,
        text=text,
        reply_to_message_id=reply_to if isinstance(reply_to, str) else None,
        media=media,
        **base,
    )


def _text_and_media(content: dict[str, Any]) -> tuple[str | None, str | None]:
    msgtype, body = content.get("msgtype"), content.get("body")
    body = body if isinstance(body, str) else None
    if msgtype in TEXT_TYPES:
        return body, None
    media = MEDIA.get(msgtype) if isinstance(msgtype, str) else None
    if media is None:
        return None, None
    # A caption is a body that differs from the file's name.
    filename = content.get("filename")
    caption = body if isinstance(filename, str) and body and body != filename else None
    return caption, media


def strip_reply_fallback(text: str) -> str:
    """Older clients quote the message answered ("> <@someone> …") before the reply itself."""
    if not text.startswith("> "):
        return text
    lines = text.split("\n")
    rest = 0
    while rest < len(lines) and lines[rest].startswith(">"):
        rest += 1
    return "\n".join(lines[rest:]).lstrip("\n")


def _reaction(content: dict[str, Any], event_id: str, sender: str, room_id: str) -> Reaction | None:
    relation = content.get("m.relates_to")
    if not isinstance(relation, dict) or relation.get("rel_type") != "m.annotation":
        return None
    target, key = relation.get("event_id"), relation.get("key")
    if not isinstance(target, str) or not isinstance(key, str):
        return None
    return Reaction(event_id, sender, room_id, target, key)


def changes_members(source: dict[str, Any]) -> bool:
    return source.get("type") == MEMBER


def is_encrypted(source: dict[str, Any]) -> bool:
    return source.get("type") in (ENCRYPTION, ENCRYPTED)
